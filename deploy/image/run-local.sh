#!/usr/bin/env bash
# run-local.sh IMAGE.tar [fp arguments...]: runs an fp image tar (Jib's app/target/jib-image.tar, Docker format)
# without a Docker daemon: skopeo turns it into an OCI layout, umoci unpacks it into a runtime bundle (rootfs and
# config.json, the image's entrypoint, environment and user), and crun runs it with the arguments given (the image's
# entrypoint is `java ... dev.fraudplatform.app.Fp`, so the arguments are fp's). Root only (crun, unpacking as root).
# The bundle is kept under FP_BUNDLE_DIR (default /tmp/fp-bundle.<image id>) and reused; FP_HOME is /tmp/fp inside it.
# Environment: FP_RUN_ENV="K=V K=V" adds environment variables; FP_RUN_USER=0:0 runs as root instead of the image's user.
set -euo pipefail
die() { echo "run-local: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: run-local.sh IMAGE.tar [fp arguments...]"
image="$1"; shift
[ -f "$image" ] || die "no image tar at $image"
for tool in skopeo umoci crun python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install skopeo umoci crun)"
done
[ "$(id -u)" -eq 0 ] || die "must run as root"
id="$(skopeo inspect --config --raw "docker-archive:$image" | sha256sum | cut -c1-12)"
bundle="${FP_BUNDLE_DIR:-/tmp/fp-bundle.$id}"
if [ ! -f "$bundle/config.json" ]; then
  oci="$(mktemp -d /tmp/fp-oci.XXXXXX)"
  trap 'rm -rf "$oci"' EXIT
  skopeo copy --quiet "docker-archive:$image" "oci:$oci:fp"
  rm -rf "$bundle"
  umoci unpack --image "$oci:fp" "$bundle" >/dev/null
  cp "$bundle/config.json" "$bundle/config.image.json"
fi
# The image's process, with these arguments after its entrypoint, no terminal, a writable root (FP_HOME is under /tmp).
python3 - "$bundle" "${FP_RUN_ENV:-}" "${FP_RUN_USER:-}" "$@" <<'PY'
import json, sys
bundle, extra_env, user, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
c = json.load(open(bundle + "/config.image.json"))
p = c["process"]
p["args"] = p["args"] + args
p["terminal"] = False
p["env"] = p["env"] + [e for e in extra_env.split() if "=" in e]
if user:
    u, g = user.split(":")
    p["user"] = {"uid": int(u), "gid": int(g)}
c["root"]["readonly"] = False
# No cgroups: crun cannot manage them on every host (a sandbox with cgroup v1 mounts refuses them); limits are the
# orchestrator's business, and this is a local check only.
c["mounts"] = [m for m in c["mounts"] if m.get("type") != "cgroup"]
c["linux"].pop("resources", None)
json.dump(c, open(bundle + "/config.json", "w"), indent=2)
PY
name="fp-$id-$$"
cd "$bundle"
# crun refuses a host with cgroup v1 hierarchies beside a cgroup2 mount that has controllers ("hybrid mode"); this runs
# it in a private mount namespace without that cgroup2 mount, so the host's mounts are not touched.
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
  exec unshare --mount --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec crun --cgroup-manager=disabled run "$1"' sh "$name"
fi
exec crun --cgroup-manager=disabled run "$name"
