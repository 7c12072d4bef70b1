#!/usr/bin/env bash
# The end-to-end load run behind BENCHMARKS.md: for each store and key count, the HTTPS figures and their plain-SQL
# ceilings in one JMH invocation (so that each ratio compares trials minutes apart, not an hour), then the wire's
# parts and the crypto ceiling. About 35 minutes on 2 cores with the default
# JMH_OPTS (3 warm-up and 3 measured iterations of 3 s per benchmark; each fork first seeds 20,000 agents). Needs PostgreSQL at 127.0.0.1:5432 (database test,
# user postgres, trust auth) and `mvn -B -q install -DskipTests` first. Prints the tables of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=heartbeat-benchmarks/target/benchmarks.jar
out=${OUT:-heartbeat-benchmarks/results}
mkdir -p "$out"
[ -f "$jar" ] || { echo "build first: mvn -B -q install -DskipTests" >&2; exit 2; }
prof=(-prof com.heartbeatrm.benchmarks.CpuProfiler)
# shellcheck disable=SC2206
opts=(${JMH_OPTS:--wi 3 -w 3s -i 3 -r 3s})
for store in postgresql h2; do
  for keys in 1000 1; do
    java -jar "$jar" 'EndToEndBenchmark\.(enroll|renew)[0-9]+$|PlainSqlCeilingBenchmark' -p store=$store -p keys=$keys "${prof[@]}" "${opts[@]}" \
      -rf json -rff "$out/e2e-$store-$keys.json" > "$out/e2e-$store-$keys.log" 2>&1
  done
done
java -jar "$jar" 'EndToEndBenchmark\.(wireFloor|inProcessEnroll|jdkClientEnroll)' -p store=postgresql -p keys=1000 "${prof[@]}" "${opts[@]}" \
  -rf json -rff "$out/e2e-parts.json" > "$out/e2e-parts.log" 2>&1
java -jar "$jar" 'EnrollmentBenchmark\.crypto' -rf json -rff "$out/crypto.json" > "$out/crypto.log" 2>&1
python3 heartbeat-benchmarks/scripts/summarize.py "$out"
