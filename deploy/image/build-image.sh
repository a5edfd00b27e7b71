#!/usr/bin/env bash
# build-image.sh [--installed | --no-package] [BASE]: the fp container image as a tar, with Jib (app/pom.xml), no daemon.
# BASE is a base image tar from build-base.sh (used as tar://BASE) or an image reference (default: the pom's
# fp.image.base, eclipse-temurin:17-jre, which needs a registry). Labels and environment carry the commit and whether
# the work tree was dirty. Writes app/target/jib-image.tar, jib-image.digest (manifest digest) and jib-image.id.
# By default it builds the whole reactor (-am), so the image holds this tree's modules; --installed builds only app
# against the modules already installed in ~/.m2 (faster, but the image then holds whatever was installed there);
# --no-package only runs Jib on app's classes already compiled in app/target (after one of the others, say to rebuild
# the image once its pom change is committed).
# Environment: MVN_FLAGS (default -B; add -o to stay offline once Jib is in ~/.m2).
set -euo pipefail
die() { echo "build-image: $*" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
reactor=(-pl app -am -Djib.containerize=dev.fraudplatform:app)
goals=(package)
while [ $# -gt 0 ]; do
  case "$1" in
    --installed) reactor=(-pl app); shift ;;
    --no-package) reactor=(-pl app); goals=(); shift ;;
    *) break ;;
  esac
done
[ $# -le 1 ] || die "usage: build-image.sh [--installed | --no-package] [BASE.tar | IMAGE-REFERENCE]"
for tool in mvn git java; do command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"; done

base=()
if [ $# -eq 1 ]; then
  case "$1" in
    *.tar) [ -f "$1" ] || die "no base image tar at $1 (make one with deploy/image/build-base.sh $1)"
           base=("-Dfp.image.base=tar://$(cd "$(dirname "$1")" && pwd)/$(basename "$1")") ;;
    *)     base=("-Dfp.image.base=$1") ;;
  esac
fi

commit="$(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)"
if [ "$commit" = unknown ]; then dirty=unknown
elif [ -n "$(git -C "$here" status --porcelain 2>/dev/null)" ]; then dirty=true
else dirty=false; fi

echo "build-image: commit $commit (dirty: $dirty), base ${base[*]:-from app/pom.xml}" >&2
cd "$here"
# shellcheck disable=SC2086
mvn ${MVN_FLAGS:--B} -DskipTests "${reactor[@]}" "${base[@]}" \
  "${goals[@]}" com.google.cloud.tools:jib-maven-plugin:3.5.2:buildTar

t="$here/app/target"
[ -f "$t/jib-image.tar" ] || die "Jib wrote no $t/jib-image.tar"
echo "image: $t/jib-image.tar ($(du -h "$t/jib-image.tar" | cut -f1))"
echo "  manifest digest: $(cat "$t/jib-image.digest")"
echo "  image id:        $(cat "$t/jib-image.id")"
echo "  commit $commit, dirty $dirty"
