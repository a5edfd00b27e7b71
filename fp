#!/usr/bin/env bash
# fp: the fraud-platform command line. Builds itself on first use (or when sources change), then runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/app/target/fp-app.jar"
stale() {
  [ ! -f "$jar" ] || [ ! -d "$here/app/target/lib" ] && return 0
  [ -n "$(find "$here" \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" \
          -not -path '*/target/*' -not -path '*/.fp/*' -print -quit 2>/dev/null)" ]
}
if stale; then
  echo "fp: building (first use or sources changed; this takes a minute the first time)..." >&2
  (cd "$here" && mvn -B -q -DskipTests install) >&2
fi
export FP_HOME="${FP_HOME:-$here/.fp}"
# XGBoost's OpenMP threads sleep rather than spin while they wait: on a small shared machine spinning doubles the CPU
# that training takes and makes it slower (fp bench train: 1M rows, 2 threads, 76 s passive against 190 s spinning).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if ! mkdir -p "$FP_HOME" 2>/dev/null || [ ! -w "$FP_HOME" ]; then
  echo "fp: FP_HOME $FP_HOME is not writable (it cannot be created, or is read-only); set FP_HOME to a directory you can write" >&2
  exit 2
fi
exec java ${FP_JAVA_OPTS:--Xms1g -Xmx3g -XX:+UseParallelGC} -Dfp.log.file="$FP_HOME/fp.log" \
  -cp "$jar:$here/app/target/lib/*" dev.fraudplatform.app.Fp "$@"
