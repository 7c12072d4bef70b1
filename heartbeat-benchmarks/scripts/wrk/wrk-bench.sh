#!/usr/bin/env bash
# End to end as users run it: `heartbeat serve` (HTTPS, PostgreSQL, the reference server's defaults) driven by wrk,
# an independent C load generator; bodies are signed ahead (WrkFixture.java) and bodies.lua sends each once, so the
# client costs the server's cores almost nothing. Several builds are measured in one run, interleaved A/B/C/A/B/C,
# so that load from other processes on the machine hits each alike; each figure comes with the server process's CPU
# per request (utime+stime from /proc/PID/stat over the measured window ÷ requests).
#
#   heartbeat-benchmarks/scripts/wrk/wrk-bench.sh NAME=path/to/heartbeat.jar[,path/to/bin/java] [NAME=jar ...]
#
# The last build named is "the build under test" (RSA handshakes run on it alone). SCENARIOS (default
# "one-key rsa thousand-keys ceilings") picks the phases; e.g. SCENARIOS=one-key with the same jar under two JDKs.
#
# Scenarios (8 connections, 2 wrk threads): enrollment on 1 key and on 1,000 keys (keep-alive), renewal (keep-alive),
# renewal on a new TLS connection per request (Connection: close: a full handshake each), and handshakes alone with
# openssl s_time (full and resumed). Ceilings in the same run: the plain-SQL enrollment and renewal (JMH
# PlainSqlCeilingBenchmark, same database) and the crypto (JMH EnrollmentBenchmark.crypto*), when
# heartbeat-benchmarks/target/benchmarks.jar is built. Needs PostgreSQL at 127.0.0.1:5432 (db test, user postgres,
# trust), wrk, openssl, psql; each build's jar from `mvn -B -q -pl examples -am package -DskipTests` in its own
# worktree. Not run in CI. About 25 minutes for three builds with the defaults below.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${REPO:-$(cd "$here/../../.." && pwd)}
ROUNDS=${ROUNDS:-2}
WARM=${WARM:-15s}
DUR=${DUR:-15s}
RDUR=${RDUR:-10s}
RENEWALS=${RENEWALS:-15000}
CLOSE_RENEWALS=${CLOSE_RENEWALS:-5000}
ENROLLS=${ENROLLS:-45000}
OUT=${OUT:-$repo/heartbeat-benchmarks/results/wrk-$(date -u +%Y%m%dT%H%M)}
fixture_jar=${FIXTURE_JAR:-$repo/examples/target/heartbeat.jar}
mkdir -p "$OUT"
work=$(mktemp -d /tmp/hb-wrk.XXXXXX)
SCENARIOS=${SCENARIOS:-one-key rsa thousand-keys ceilings}
names=(); jars=(); javas=()
for a in "$@"; do
  names+=("${a%%=*}"); spec=${a#*=}
  jars+=("${spec%%,*}"); [[ $spec == *,* ]] && javas+=("${spec#*,}") || javas+=(java)
done
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
[ ${#names[@]} -gt 0 ] || { echo "usage: $0 NAME=heartbeat.jar [NAME=heartbeat.jar ...]" >&2; exit 2; }
results="$OUT/results.tsv"
echo -e "scenario\tbuild\tround\trate\trequests\tserver_cpu_ms\tnon200\tlatency_avg\tuptime_load1" > "$results"

cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
pids=(); schemas=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for s in "${schemas[@]}"; do psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $s CASCADE" 2>/dev/null || true; done
  for f in "$work"/*/serve.err; do [ -f "$f" ] && tail -20 "$f" > "$OUT/serve-$(basename "$(dirname "$f")").err"; done
  rm -rf "$work"
}
trap cleanup EXIT

fixture() { java -cp "$1" "$here/WrkFixture.java" "${@:2}"; }

# start NAME JAR PORT KEYS [TLS_KIND] [JAVA]: a fresh schema and data directory, init, keys and tokens, then serve.
start() {
  local n=$1 jar=$2 port=$3 keys=$4 kind=${5:-ec} javabin=${6:-java}
  local schema; schema=wrk_$(echo "$n" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '_')
  local d=$work/$n url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema"
  schemas+=("$schema")
  rm -rf "$d"; mkdir -p "$d"
  psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema;" 2>/dev/null
  local tlsopts=()
  if [ "$kind" = rsa ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/rsa.key" -out "$d/rsa.crt" -days 30 -subj /CN=127.0.0.1 \
      -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    tlsopts=(--tls-cert "$d/rsa.crt" --tls-key "$d/rsa.key")
  fi
  HEARTBEAT_JDBC_USER=postgres java -jar "$jar" --data "$d/data" --jdbc-url "$url" --org Wrk init --server-url "https://127.0.0.1:$port" \
    "${tlsopts[@]}" > /dev/null
  HEARTBEAT_JDBC_USER=postgres fixture "$jar" keys "$d/data" "$url" Load "$keys" "$d/tokens"
  HEARTBEAT_JDBC_USER=postgres nohup "$javabin" -jar "$jar" --data "$d/data" --jdbc-url "$url" serve --port "$port" > "$d/serve.out" 2> "$d/serve.err" &
  echo $! > "$d/pid"; pids+=("$(cat "$d/pid")")
  for _ in $(seq 120); do grep -q serving "$d/serve.out" 2>/dev/null && return 0; sleep 0.5; done
  echo "$n did not start: $(tail -3 "$d/serve.err")" >&2; exit 1
}
stop() { local d=$work/$1; kill "$(cat "$d/pid")" 2>/dev/null || true; sleep 1; }

# run SCENARIO NAME ROUND PORT PATH BODIES DURATION CLOSE [BUILD]: one wrk run against server NAME, one line of results.
run() {
  local scenario=$1 n=$2 round=$3 port=$4 path=$5 bodies=$6 dur=$7 close=$8 build=${9:-$2}
  local pid; pid=$(cat "$work/$n/pid")
  [ -d "/proc/$pid" ] || { echo "$n is not running: $(tail -5 "$work/$n/serve.err")" >&2; exit 1; }
  local c0; c0=$(cpu "$pid")
  local out
  out=$(BODIES=$bodies PATH_=$path THREADS=2 CLOSE=$close wrk -t2 -c8 -d"$dur" -s "$here/bodies.lua" "https://127.0.0.1:$port" 2>>"$OUT/wrk.err")
  local c1; c1=$(cpu "$pid")
  echo "$out" >> "$OUT/wrk.log"
  local reqs rate non lat
  reqs=$(echo "$out" | awk '/requests in/{print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  non=$(echo "$out" | awk '/^non200/{print $2}')
  lat=$(echo "$out" | awk '/Latency/{print $2}')
  local ms; ms=$(echo "scale=3; ($c1 - $c0) * 1000 / $(getconf CLK_TCK) / $reqs" | bc)
  [ "$scenario" = warm-up ] || echo -e "$scenario\t$build\t$round\t$rate\t$reqs\t$ms\t$non\t$lat\t$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
}

enroll_bodies() { local f=$work/$1/enroll-$RANDOM$RANDOM.txt; fixture "$fixture_jar" enroll "$work/$1/tokens" "$2" "$f"; echo "$f"; }
renew_bodies() { local f=$work/$1/renew-$RANDOM$RANDOM.txt; fixture "$fixture_jar" renew "$work/$1/data" "https://127.0.0.1:$3/v1/" "$work/$1/tokens" "$2" "$f"; echo "$f"; }

# handshakes NAME ROUND PORT MODE: openssl s_time, new or reused sessions, server CPU per connection.
handshakes() {
  local n=$1 round=$2 port=$3 mode=$4
  local pid; pid=$(cat "$work/$n/pid")
  local c0; c0=$(cpu "$pid")
  local out; out=$(openssl s_time -connect "127.0.0.1:$port" -"$mode" -time 8 -www /v1/none 2>&1 || true)
  local c1; c1=$(cpu "$pid")
  local conns; conns=$(echo "$out" | awk '/connections in [0-9.]+s/{print $1; exit}')
  local rate; rate=$(echo "$out" | awk '/connections\/user sec/{print $0; exit}')
  local ms; ms=$(echo "scale=3; ($c1 - $c0) * 1000 / $(getconf CLK_TCK) / $conns" | bc)
  echo -e "handshake-$mode\t$n\t$round\t$(echo "scale=1; $conns / 8" | bc)\t$conns\t$ms\t-\t-\t$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
}

uptime | tee "$OUT/uptime-start.txt"
git -C "$repo" log -1 --format='%h %s' > "$OUT/commit.txt"

# ---- one key: enrollment, renewal, renewal on fresh connections, handshakes
if want one-key; then
for i in "${!names[@]}"; do start "${names[$i]}" "${jars[$i]}" $((9440 + i)) 1 ec "${javas[$i]}"; done
for i in "${!names[@]}"; do
  n=${names[$i]}; p=$((9440 + i))
  run warm-up "$n" 0 "$p" /v1/enroll "$(enroll_bodies "$n" "$ENROLLS")" "$WARM" 0
done
for r in $(seq "$ROUNDS"); do
  for i in "${!names[@]}"; do
    n=${names[$i]}; p=$((9440 + i))
    run enroll-1key "$n" "$r" "$p" /v1/enroll "$(enroll_bodies "$n" "$ENROLLS")" "$DUR" 0
    run renew "$n" "$r" "$p" /v1/renew "$(renew_bodies "$n" "$RENEWALS" "$p")" "$RDUR" 0
    run renew-fresh-tls "$n" "$r" "$p" /v1/renew "$(renew_bodies "$n" "$CLOSE_RENEWALS" "$p")" "$RDUR" 1
    handshakes "$n" "$r" "$p" new
    handshakes "$n" "$r" "$p" reuse
  done
done
for n in "${names[@]}"; do stop "$n"; done
fi

# ---- RSA 2048 server key, newest build only: the full handshake it costs, against the default P-256 above
last=$((${#names[@]} - 1))
if want rsa; then
  start "${names[$last]}-rsa" "${jars[$last]}" 9450 1 rsa "${javas[$last]}"
  for r in $(seq "$ROUNDS"); do handshakes "${names[$last]}-rsa" "$r" 9450 new; done
  stop "${names[$last]}-rsa"
fi

# ---- 1,000 keys: enrollment
if want thousand-keys; then
for i in "${!names[@]}"; do start "${names[$i]}-k1000" "${jars[$i]}" $((9460 + i)) 1000 ec "${javas[$i]}"; done
for i in "${!names[@]}"; do
  run warm-up "${names[$i]}-k1000" 0 $((9460 + i)) /v1/enroll "$(enroll_bodies "${names[$i]}-k1000" "$ENROLLS")" "$WARM" 0
done
for r in $(seq "$ROUNDS"); do
  for i in "${!names[@]}"; do
    run enroll-1000keys "${names[$i]}-k1000" "$r" $((9460 + i)) /v1/enroll "$(enroll_bodies "${names[$i]}-k1000" "$ENROLLS")" "$DUR" 0 \
      "${names[$i]}"
  done
done
for n in "${names[@]}"; do stop "$n-k1000"; done
fi

# ---- ceilings, same run: plain SQL on the same database, and the crypto
bench=${BENCH_JAR:-$repo/heartbeat-benchmarks/target/benchmarks.jar}
if [ -f "$bench" ] && want ceilings; then
  java -jar "$bench" 'PlainSqlCeilingBenchmark\.plain(Enroll|Renew)08' -p store=postgresql -p keys=1 -wi 2 -w 3s -i 3 -r 3s -f 1 \
    -rf json -rff "$OUT/plain-sql.json" > "$OUT/plain-sql.log" 2>&1 || true
  java -jar "$bench" 'EnrollmentBenchmark\.crypto' -wi 2 -w 2s -i 3 -r 2s -f 1 -rf json -rff "$OUT/crypto.json" > "$OUT/crypto.log" 2>&1 || true
fi
uptime | tee "$OUT/uptime-end.txt"
python3 "$here/wrk-summary.py" "$OUT"
