#!/usr/bin/env bash
# build-base.sh TARGET.tar | --cache DIR: the fp image's base, built offline from Debian packages only (no container
# registry): Debian bookworm (debootstrap --variant=minbase, including openjdk-17-jre-headless and libgomp1, XGBoost's
# OpenMP), a user fp (uid/gid 1000, home /home/fp) for the platform to run as (PostgreSQL refuses root; initdb needs
# the uid in /etc/passwd), apt caches removed. Written as a Docker-format tar (docker save's layout), which Jib takes
# as `-Dfp.image.base=tar://TARGET.tar`. Prints the base's digests. Runs as root (debootstrap, chroot).
# --cache DIR keeps the base at DIR/fp-base.tar with DIR/fp-base.key, the sha256 of this script: a later call with an
# unchanged script reuses it and builds nothing (the test build, app/pom.xml, calls it so). The tar is written beside
# and renamed into place, so a killed build leaves no half base; a lock keeps two builds from writing one cache.
# Environment: FP_DEBIAN_MIRROR (default http://deb.debian.org/debian), FP_BASE_KEEP_OCI=DIR keeps the OCI layout.
set -euo pipefail
die() { echo "build-base: $*" >&2; exit 2; }
usage="usage: build-base.sh TARGET.tar (e.g. /tmp/fp-base.tar) | build-base.sh --cache DIR"
key=""
case "${1:-}" in
  --cache)
    [ $# -eq 2 ] && [ -n "$2" ] || die "$usage"
    mkdir -p "$2" || die "cannot make the cache directory $2"
    target="$(cd "$2" && pwd)/fp-base.tar"
    key="$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)"
    exec 9> "$target.lock"
    flock 9
    if [ -f "$target" ] && [ "$(cat "$target.key" 2>/dev/null)" = "$key" ]; then
      echo "build-base: reusing $target (built by this script, sha256 ${key:0:12})" >&2
      exit 0
    fi ;;
  *)
    [ $# -eq 1 ] || die "$usage"
    target="$1" ;;
esac
case "$target" in *.tar) ;; *) die "the target must end in .tar: $target" ;; esac
for tool in debootstrap umoci skopeo chroot mount; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install debootstrap umoci skopeo)"
done
[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and chroot need it)"
mirror="${FP_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
tag=bookworm-jre17

work="$(mktemp -d /tmp/fp-base.XXXXXX)"
rootfs="$work/rootfs"
cleanup() {
  mountpoint -q "$rootfs/proc" 2>/dev/null && umount "$rootfs/proc" || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "build-base: $*" >&2; }
log "debootstrap bookworm (minbase, with openjdk-17-jre-headless and libgomp1) from $mirror into $rootfs"
# --include resolves the packages' dependencies from the same download, so no apt-get update (the package lists) runs.
debootstrap --variant=minbase --include=openjdk-17-jre-headless,libgomp1 bookworm "$rootfs" "$mirror" \
  > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }

log "adding user fp (1000) and removing caches"
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
  /bin/sh -euc '
    groupadd --gid 1000 fp
    useradd --uid 1000 --gid 1000 --create-home --home-dir /home/fp --shell /bin/sh fp
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/lib/dpkg/*-old \
           /var/log/apt /var/log/dpkg.log /var/log/alternatives.log /var/log/bootstrap.log \
           /usr/share/man/* /usr/share/info/* /tmp/* /root/.cache
    java -version 2>&1 | head -1
  ' >&2
umount "$rootfs/proc"
# The build machine's name server is no part of the image (a container runtime supplies its own).
: > "$rootfs/etc/resolv.conf"
chmod 1777 "$rootfs/tmp"

log "making the OCI image with umoci"
oci="$work/oci"
umoci init --layout "$oci"
umoci new --image "$oci:$tag"
umoci insert --image "$oci:$tag" "$rootfs" /
umoci config --image "$oci:$tag" \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.env LANG=C.UTF-8 \
  --config.env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
  --config.workingdir / \
  --config.cmd /bin/sh \
  --config.label org.opencontainers.image.title=fp-base \
  --config.label "org.opencontainers.image.description=Debian bookworm minbase, openjdk-17-jre-headless, libgomp1, user fp (1000)" \
  --author fraud-platform --os linux --architecture amd64
umoci gc --layout "$oci"

mkdir -p "$(dirname "$target")"
rm -f "$target.part"
skopeo copy --quiet "oci:$oci:$tag" "docker-archive:$target.part:fp-base:$tag"
mv -f "$target.part" "$target"
if [ -n "$key" ]; then echo "$key" > "$target.key.part" && mv -f "$target.key.part" "$target.key"; fi
if [ -n "${FP_BASE_KEEP_OCI:-}" ]; then rm -rf "$FP_BASE_KEEP_OCI"; cp -a "$oci" "$FP_BASE_KEEP_OCI"; fi

manifest_digest="$(skopeo inspect --raw "oci:$oci:$tag" | sha256sum | cut -d' ' -f1)"
config_digest="$(skopeo inspect --config --raw "docker-archive:$target" | sha256sum | cut -d' ' -f1)"
echo "base image: $target ($(du -h "$target" | cut -f1))"
echo "  OCI manifest digest: sha256:$manifest_digest"
echo "  image id (config digest, what Jib and docker show): sha256:$config_digest"
echo "  tar file sha256: $(sha256sum "$target" | cut -d' ' -f1)"
