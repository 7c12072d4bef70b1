#!/usr/bin/env bash
# Before/after for a change to the hot path: runs two builds' benchmark jars interleaved (before, after, before,
# after), each with its own plain-SQL ceiling in the same JMH invocation (PostgreSQL, 1,000 keys, 8 clients) and
# the in-process enrollment against the crypto ceiling. About 20 minutes on 2 cores.
# Usage: before-after.sh BEFORE_JAR AFTER_JAR [OUT_DIR]   (build the "before" jar in a git worktree)
set -euo pipefail
before=$1; after=$2; out=${3:-heartbeat-benchmarks/results/before-after}
mkdir -p "$out"
run() { # run LABEL JAR
  java -jar "$2" 'EndToEndBenchmark\.(enroll|renew)08$|PlainSqlCeilingBenchmark\.plain(Enroll|Renew)08' -p store=postgresql -p keys=1000 \
    -wi 3 -w 4s -i 3 -r 4s -f 1 -rf json -rff "$out/e2e-$1.json" > "$out/e2e-$1.log" 2>&1
  java -jar "$2" 'EnrollmentBenchmark\.(enroll1Thread|cryptoCeiling1Thread)' -wi 3 -w 2s -i 5 -r 2s -f 1 \
    -rf json -rff "$out/inproc-$1.json" > "$out/inproc-$1.log" 2>&1
}
for i in 1 2; do
  run "old$i" "$before"
  run "new$i" "$after"
done
python3 - "$out" <<'PY'
import json, glob, os, sys
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    rates = []
    for r in json.load(open(f)):
        m = r["primaryMetric"]
        rate = r["threads"] * 1e6 / m["score"] if m["scoreUnit"].startswith("us") else m["score"]
        rates.append(f'{r["benchmark"].rsplit(".", 1)[1]}={rate:.0f}/s')
    print(os.path.basename(f), " ".join(rates))
PY
