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
# Class-data sharing (AppCDS): the JVM maps the classes a run loaded, already parsed and verified, from an archive
# recorded once per build. Kafka's broker and clients, Streams, Jetty, PostgreSQL's driver and DuckDB are tens of
# thousands of classes: loading them was most of a start on 2 cores (fp demo, world cached: first decision 12.4 s
# without the archive, 7.6 s with it). A stale or unusable archive is ignored by the JVM; FP_CDS=off runs without.
jsa="$here/app/target/fp-app.jsa"
# A new home's embedded PostgreSQL starts as a copy of a cluster initialised and migrated once per build, on binaries
# unpacked once per build (unpacking, initdb and the migrations were 4-6 s of a fresh home's first start); the first
# run after a build (the archive's short run below) makes both.
pg_template=(-Dfp.pg.template="$here/app/target/pg-template" -Dfp.pg.binaries="$here/app/target/pg-binaries")
cds_fresh() { [ -f "$jsa" ] && [ -z "$(find "$jar" "$here/app/target/lib" -newer "$jsa" -print -quit 2>/dev/null)" ]; }
record_cds() {  # a short demo in a scratch home, on the embedded wiring whatever this shell's FP_* settings say
  echo "fp: recording the JVM's class-data archive from a short run (once per build; later starts are faster)..." >&2
  local scratch; scratch="$(mktemp -d)"
  if env -i PATH="$PATH" HOME="${HOME:-$scratch}" FP_HOME="$scratch" OMP_WAIT_POLICY=PASSIVE \
      java -Xms1g -Xmx3g -XX:+UseParallelGC -XX:ArchiveClassesAtExit="$jsa.tmp" -Xlog:cds*=off \
      "${pg_template[@]}" -Dfp.log.file="$scratch/fp.log" -cp "$jar:$here/app/target/lib/*" dev.fraudplatform.app.Fp \
      demo --transactions 2000 >/dev/null 2>&1; then
    mv -f "$jsa.tmp" "$jsa"
  else
    rm -f "$jsa.tmp"; echo "fp: no class-data archive (the short run failed); starting without one" >&2
  fi
  rm -rf "$scratch"
}
if stale; then
  echo "fp: building (first use or sources changed; this takes a minute the first time)..." >&2
  (cd "$here" && mvn -B -q -DskipTests install) >&2
  [ "${FP_CDS:-on}" = off ] || record_cds
elif [ "${FP_CDS:-on}" != off ] && ! cds_fresh && [ "${1:-}" = demo ]; then
  record_cds  # built by mvn rather than by fp: record it before the first demo, as the build would have
fi
cds=()
if [ "${FP_CDS:-on}" != off ] && cds_fresh; then cds=(-XX:SharedArchiveFile="$jsa" -Xlog:cds*=off); fi
export FP_HOME="${FP_HOME:-$here/.fp}"
# XGBoost's OpenMP threads sleep rather than spin while they wait: on a small shared machine spinning doubles the CPU
# that training takes and makes it slower (fp bench train: 1M rows, 2 threads, 76 s passive against 190 s spinning).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if ! mkdir -p "$FP_HOME" 2>/dev/null || [ ! -w "$FP_HOME" ]; then
  echo "fp: FP_HOME $FP_HOME is not writable (it cannot be created, or is read-only); set FP_HOME to a directory you can write" >&2
  exit 2
fi
exec java ${FP_JAVA_OPTS:--Xms1g -Xmx3g -XX:+UseParallelGC} ${cds[@]+"${cds[@]}"} "${pg_template[@]}" -Dfp.log.file="$FP_HOME/fp.log" \
  -cp "$jar:$here/app/target/lib/*" dev.fraudplatform.app.Fp "$@"
