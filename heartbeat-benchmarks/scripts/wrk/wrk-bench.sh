#!/usr/bin/env bash
# End to end as users run it: `heartbeat serve` (HTTPS, PostgreSQL, the reference server's defaults) driven by wrk,
# an independent C load generator; bodies are signed ahead (WrkFixture.java) and bodies.lua sends each once, so the
# client costs the server's cores almost nothing. Several builds are measured in one run, interleaved A/B/C/A/B/C,
# so that load from other processes on the machine hits each alike; each figure comes with the server process's CPU
# per request (utime+stime from /proc/PID/stat over the measured window ÷ requests).
#
#   heartbeat-benchmarks/scripts/wrk/wrk-bench.sh NAME=path/to/heartbeat.jar[,path/to/bin/java] [NAME=jar ...]
#
# The last build named is "the build under test" (RSA handshakes and the Spring Boot sample run on it alone). SCENARIOS
# (default "one-key renewals fresh rsa thousand-keys spring ceilings") picks the phases (one-key: enrollment on one key;
# renewals: keep-alive renewal, warmed up with renewals when one-key is not named; fresh: the fresh-connection renewal and
# handshakes; each alone or together); e.g. SCENARIOS=one-key with the same jar under two JDKs, SCENARIOS=renewals for
# the renewal rows alone. The spring phase runs when SPRING_JAR names examples/spring-boot/target/heartbeat-spring-boot-sample.jar.
#
# Scenarios (8 connections, 2 wrk threads): enrollment on 1 key and on 1,000 keys (keep-alive), renewal (keep-alive),
# renewal on a new TLS connection per request (Connection: close: a full handshake each), and handshakes alone with
# openssl s_time (full and resumed). Ceilings in the same run: the plain-SQL enrollment and renewal (JMH
# PlainSqlCeilingBenchmark, same database) and the crypto (JMH EnrollmentBenchmark.crypto*; RenewalBenchmark: a renewal
# in process against its crypto ceiling), when
# heartbeat-benchmarks/target/benchmarks.jar is built. Needs PostgreSQL at 127.0.0.1:5432 (db test, user postgres,
# trust), wrk, openssl, psql; each build's jar from `mvn -B -q -pl examples -am package -DskipTests` in its own
# worktree. Not run in CI. About 25 minutes for three builds with the defaults below.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=${REPO:-$(cd "$here/../../.." && pwd)}
ROUNDS=${ROUNDS:-2}
# 60 s: on 2 cores, C2 was still compiling 192dfb8 after 15 s, which put its first round at twice its steady-state CPU
# per enrollment and inflated the ratio (turn 9); after 40 s the C2 threads still took 7% of the machine's CPU during
# the measured run (perf record -a, turn 11)
WARM=${WARM:-60s}
# The warm-up is WARM_RUNS wrk runs of WARM / WARM_RUNS each, every one on new connections (WARM_RUNS=1: the warm-up
# before turn 14). Every measured run opens 8 new TLS connections; after a warm-up on one set of connections, C2 had
# compiled Jetty's and the JDK's TLS read and write paths with no handshake in their profiles, and the first measured
# run's handshakes sent those methods back to the interpreter and through C2 again (turn 14, -XX:+LogCompilation: 118
# C2 compilations, 4.1 s of compile time, in the 20 s around round 1's start). Without the log, the C2 threads took
# 1.3-2.2 s of a build's round 1 and 0.04-0.32 s of rounds 2-4: a one-off cost charged to round 1. Agents come on new
# connections all the time, so a server in service has handshakes in its profiles.
WARM_RUNS=${WARM_RUNS:-3}
DUR=${DUR:-15s}
RDUR=${RDUR:-10s}
# The fewest renewal bodies a renewal run gets: the agents earlier runs enrolled or renewed come first (their answers
# are recorded), and only the shortfall is enrolled in the set-up; at least 1.5 x the same run's last rate x RDUR
# (before one: 4 x the enrollment rate), so that a run does not outlast its bodies. A row's "resent" counts bodies sent
# again (answered with the credential already issued: cheaper than a renewal).
# (the fastest renewal rate of any build so far counts too: one build's first round must not run out where another's
# did not). A row with resent bodies is flagged (a warning at once, "*" in the summary) and left out of its means and
# ratios: a resent request is answered more cheaply, so such a row overstates the rate. Every body is valid, so a row
# with refused requests (non200) is warned about and left out the same way ("!"); a server that refuses every request
# of a run stops the run.
RENEWALS=${RENEWALS:-500}
CLOSE_RENEWALS=${CLOSE_RENEWALS:-200}
# Extra JVM options for the servers measured (e.g. a JFR recording).
SERVE_OPTS=${SERVE_OPTS:-}
# A command run beside each measured run (not the warm-ups), e.g. a profiler of the database's backends:
#   DURING='perf record -F 499 -g -o "$RUN_DIR/perf-$BUILD-$SCENARIO-$ROUND.data" -p "$DB_PIDS"'
# run with bash -c, with SERVER_PID, DB_PIDS (the server's backends, comma-separated), SCENARIO, BUILD, ROUND and
# RUN_DIR (the results directory) in its environment; its process group is sent SIGTERM when the run ends (not SIGINT,
# which a background job of a script ignores; perf record writes its data on either).
DURING=${DURING:-}
# The fewest enrollment bodies a run gets; more when a run could outlast them: 2 x the fastest enrollment rate any
# build reached so far in this run (warm-ups included) x the run's duration (a JIT-warm second round has run at 2.2 x
# its first). A run that still ran out is flagged like a renewal's.
ENROLLS=${ENROLLS:-8000}
OUT=${OUT:-$repo/heartbeat-benchmarks/results/wrk-$(date -u +%Y%m%dT%H%M)}
fixture_jar=${FIXTURE_JAR:-$repo/examples/target/heartbeat.jar}
mkdir -p "$OUT"
work=$(mktemp -d /tmp/hb-wrk.XXXXXX)
SCENARIOS=${SCENARIOS:-one-key renewals fresh rsa thousand-keys spring ceilings}
names=(); jars=(); javas=()
for a in "$@"; do
  names+=("${a%%=*}"); spec=${a#*=}
  jars+=("${spec%%,*}"); [[ $spec == *,* ]] && javas+=("${spec#*,}") || javas+=(java)
done
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
# order ROUND: the builds' indexes in the order they run in that round: as named in odd rounds, reversed in even ones
# (A B, B A, A B, ...), so that running first or last in a round (a JVM that compiled while the others warmed up, the
# load the previous run left) favours no build over an even number of rounds (turn 10: the first build ran 1.35x the
# second in one run, 0.99x in the next with the order swapped)
(( ROUNDS % 2 == 0 )) || echo "note: ROUNDS=$ROUNDS is odd: the first build named runs first in one round more than the others" >&2
order() { local i; if (( $1 % 2 )); then seq 0 $((${#names[@]} - 1)); else for ((i = ${#names[@]} - 1; i >= 0; i--)); do echo "$i"; done; fi; }
[ ${#names[@]} -gt 0 ] || { echo "usage: $0 NAME=heartbeat.jar [NAME=heartbeat.jar ...]" >&2; exit 2; }
results="$OUT/results.tsv"
echo -e "scenario\tbuild\tround\trate\trequests\tserver_cpu_ms\tnon200\tlatency_avg\tuptime_load1\txids_per_req\twal_syncs_per_req\tresent\tdb_cpu_ms" > "$results"

cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
# The database's side of a run, whole cluster (other clients of the same PostgreSQL count too: read it beside an idle
# window): transaction ids consumed (one per transaction that wrote anything) and WAL fsyncs (pg_stat_wal.wal_sync;
# commits of concurrent transactions share one). Statistics reach pg_stat_wal within a second of a backend going idle.
pgcounters() { psql -h 127.0.0.1 -U postgres test -Atc "SELECT txid_current() || ' ' || (SELECT wal_sync FROM pg_stat_wal)"; }
# dbcpu SCHEMA: CPU ticks (utime+stime) of the PostgreSQL backends serving the server on SCHEMA (its pool's sessions,
# found by application name); the server's statements, their commits and the WAL flushes its backends do themselves.
# Sessions that open or close within a run are counted only while both samples see them.
dbcpu() {
  local p t=0
  for p in $(psql -h 127.0.0.1 -U postgres test -Atc "SELECT pid FROM pg_stat_activity WHERE application_name = '$1'" 2>/dev/null); do
    [ -r "/proc/$p/stat" ] && echo "$p $(awk '{print $14+$15}' "/proc/$p/stat")"
  done
}
# dbdelta BEFORE AFTER: ticks the backends present in both samples spent in between
dbdelta() { awk 'NR==FNR {b[$1]=$2; next} ($1 in b) {t += $2 - b[$1]} END {print t+0}' <(echo "$1") <(echo "$2"); }
pids=(); schemas=(); during_pg=; sampler_pid=
declare -A last_rate=()
fastest_enroll=0
cleanup() {
  # a DURING command runs in a session of its own, out of reach of the terminal's ^C
  [ -z "$during_pg" ] || kill -TERM -- "-$during_pg" 2>/dev/null || true
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for s in "${schemas[@]}"; do psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $s CASCADE" 2>/dev/null || true; done
  for f in "$work"/*/serve.err; do [ -f "$f" ] && tail -20 "$f" > "$OUT/serve-$(basename "$(dirname "$f")").err"; done
  rm -rf "$work"
}
trap cleanup EXIT

# The fixture, compiled once per run against the fixture jar (a single-file launch compiled it on every call).
fixture() {
  if [ ! -f "$work/fixture/WrkFixture.class" ]; then
    javac -nowarn -cp "$1" -d "$work/fixture" "$here/WrkFixture.java" 2>>"$OUT/fixture.log" || return 1
  fi
  java -cp "$1:$work/fixture" WrkFixture "${@:2}"
}

# start NAME JAR PORT KEYS [TLS_KIND] [JAVA]: a fresh schema and data directory, init, keys and tokens, then serve.
start() {
  local n=$1 jar=$2 port=$3 keys=$4 kind=${5:-ec} javabin=${6:-java}
  local schema; schema=wrk_$(echo "$n" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '_')
  local d=$work/$n url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema&ApplicationName=$schema"
  schemas+=("$schema")
  # On a saturated machine a new PostgreSQL connection can take longer than the CLI's 1.5 s pool timeout, loading the
  # driver's classes included: set up anew (fresh schema and data directory) up to 10 times, with the set-up JVM's
  # classes from a CDS archive that the first attempt writes, and without C2.
  local try cds=$work/$(basename "$jar" .jar)-$(cksum < "$jar" | cut -d' ' -f1).jsa
  for try in 1 2 3 4 5 6 7 8 9 10; do
    local jopts=(-XX:TieredStopAtLevel=1 -Xlog:cds=off -Xlog:cds+dynamic=off)
    [ -f "$cds" ] && jopts+=(-XX:SharedArchiveFile="$cds") || jopts+=(-XX:ArchiveClassesAtExit="$cds")
    rm -rf "$d"; mkdir -p "$d"
    psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema;" 2>/dev/null
    local tlsopts=()
    if [ "$kind" = rsa ]; then
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/rsa.key" -out "$d/rsa.crt" -days 30 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 2>/dev/null
      tlsopts=(--tls-cert "$d/rsa.crt" --tls-key "$d/rsa.key")
    fi
    HEARTBEAT_JDBC_USER=postgres java "${jopts[@]}" -jar "$jar" --data "$d/data" --jdbc-url "$url" --org Wrk init --server-url "https://127.0.0.1:$port" \
      "${tlsopts[@]}" > /dev/null 2> "$d/init.err" \
      && HEARTBEAT_JDBC_USER=postgres java -XX:TieredStopAtLevel=1 -cp "$jar" "$here/WrkKeys.java" "$d/data" "$url" Load "$keys" "$d/tokens" 2>> "$d/init.err" \
      && break
    echo "$n: set-up attempt $try failed: $(tail -1 "$d/init.err")" >&2
    [ "$try" -lt 10 ] || exit 1
  done
  if [ "$kind" = spring ]; then
    # The Spring Boot sample on the same schema and TLS identity (as examples/e2e.sh runs it); ready when it listens.
    # shellcheck disable=SC2086
    nohup "$javabin" $SERVE_OPTS -jar "$SPRING_JAR" --server.port="$port" --spring.datasource.url="$url" --spring.datasource.username=postgres \
      --heartbeat.key-encryption-key-file="$d/data/kek.bin" --server.ssl.certificate="file:$d/data/tls/server.crt" \
      --server.ssl.certificate-private-key="file:$d/data/tls/server.key" > "$d/serve.out" 2> "$d/serve.err" &
    echo $! > "$d/pid"; pids+=("$(cat "$d/pid")")
    for _ in $(seq 240); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.5; done
    echo "$n did not start: $(tail -3 "$d/serve.out")" >&2; exit 1
  fi
  # serve detects the database with the same 1.5 s timeout: started again (same data) until it serves, up to 10 times.
  local cdsopt=(); [ -f "$cds" ] && cdsopt=(-XX:SharedArchiveFile="$cds" -Xlog:cds=off -Xlog:cds+dynamic=off)
  for try in 1 2 3 4 5 6 7 8 9 10; do
    # shellcheck disable=SC2086
    HEARTBEAT_JDBC_USER=postgres nohup "$javabin" "${cdsopt[@]}" $SERVE_OPTS -jar "$jar" --data "$d/data" --jdbc-url "$url" serve --port "$port" \
      > "$d/serve.out" 2> "$d/serve.err" &
    echo $! > "$d/pid"; pids+=("$(cat "$d/pid")")
    for _ in $(seq 240); do
      grep -q serving "$d/serve.out" 2>/dev/null && return 0
      kill -0 "$(cat "$d/pid")" 2>/dev/null || break
      sleep 0.5
    done
    echo "$n: serve attempt $try failed: $(tail -1 "$d/serve.err")" >&2
  done
  echo "$n did not start: $(tail -3 "$d/serve.err")" >&2; exit 1
}
stop() { local d=$work/$1; kill "$(cat "$d/pid")" 2>/dev/null || true; sleep 1; }

# sample SCHEMA FILE: until killed, every 0.1 s, what the server's PostgreSQL sessions are doing (state and wait event;
# "cpu" when running), one line per session, to FILE; summarized after the run into pg-waits.tsv. One psql session
# (\watch): a psql started every 0.1 s (Debian's perl wrapper, a new backend each time) cost 10% of the machine's CPU
# during the measured runs (perf record -a, turn 11), taken from the builds measured. Always started with & (the exec
# makes $! the psql itself, which the kill stops); its errors go to sampler.err, since a psql that fails now ends the
# sampling for the rest of the run.
sample() {
  exec psql -h 127.0.0.1 -U postgres test -At >> "$2" 2>> "$OUT/sampler.err" <<EOS
SELECT state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'cpu') FROM pg_stat_activity
  WHERE application_name = '$1' AND state <> 'idle';
\\watch 0.1
EOS
}

# analyze SCHEMA: planner statistics for the server's tables, as autovacuum keeps them on a database that has run for
# a while. A fresh schema filled at hundreds of rows a second outruns autovacuum (it looks once a minute): until it
# analyzes, the cached generic plans of the fact reads were made for an empty table and pick an index that leads with
# org_id alone (or a sequential scan), so each enrollment scans the organization's agents. Which build autovacuum
# reached first then decided a round (turns 7 and 8). ANALYZE=0 measures that cold state instead.
ANALYZE=${ANALYZE:-1}
analyze() {
  [ "$ANALYZE" = 1 ] || return 0
  psql -q -h 127.0.0.1 -U postgres test -Atc "SELECT 'ANALYZE ' || quote_ident(schemaname) || '.' || quote_ident(tablename) || ';'
    FROM pg_tables WHERE schemaname = '$1'" | psql -q -h 127.0.0.1 -U postgres test
}

# run SCENARIO NAME ROUND PORT PATH BODIES DURATION CLOSE [BUILD]: one wrk run against server NAME, one line of results.
run() {
  local scenario=$1 n=$2 round=$3 port=$4 path=$5 bodies=$6 dur=$7 close=$8 build=${9:-$2}
  local pid; pid=$(cat "$work/$n/pid")
  [ -d "/proc/$pid" ] || { echo "$n is not running: $(tail -5 "$work/$n/serve.err")" >&2; exit 1; }
  local schema; schema=wrk_$(echo "$n" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '_')
  [[ $scenario == warm-up* ]] || analyze "$schema"
  local d0; d0=$(dbcpu "$schema")
  local c0; c0=$(cpu "$pid")
  local g0; g0=$(pgcounters)
  local samples=$work/$n/samples-$scenario-$round.txt sampler=
  : > "$samples"
  [[ $scenario == warm-up* ]] || { sample "$schema" "$samples" & sampler=$!; sampler_pid=$sampler; }
  local during=
  if [ -n "$DURING" ] && [[ $scenario != warm-up* ]]; then
    SERVER_PID=$pid DB_PIDS=$(echo "$d0" | awk '{print $1}' | paste -sd,) SCENARIO=$scenario BUILD=$build ROUND=$round RUN_DIR=$OUT \
      setsid bash -c "$DURING" >>"$OUT/during.log" 2>&1 & during=$!; during_pg=$during
  fi
  local out
  out=$(BODIES=$bodies RESPONSES=$bodies.resp SENT=$bodies.sent PATH_=$path THREADS=2 CLOSE=$close wrk -t2 -c8 -d"$dur" -s "$here/bodies.lua" "https://127.0.0.1:$port" 2>>"$OUT/wrk.err")
  local c1; c1=$(cpu "$pid")
  local d1; d1=$(dbcpu "$schema")
  # (the sampler may have ended by itself too: a psql that lost its connection)
  [ -z "$sampler" ] || { kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler_pid=; }
  # (it may have ended by itself: a profiler that could not attach; under set -e a failed kill must not end the run)
  [ -z "$during" ] || { kill -TERM -- "-$during" 2>/dev/null || true; wait "$during" 2>/dev/null || true; during_pg=; }
  awk NF "$samples" | sort | uniq -c | sort -rn | head -8 | awk -v s="$scenario" -v b="$build" -v r="$round" '{c=$1; $1=""; print s "\t" b "\t" r "\t" c "\t" substr($0, 2)}' \
    >> "$OUT/pg-waits.tsv"
  sleep 1.5
  local g1; g1=$(pgcounters)
  echo "$out" >> "$OUT/wrk.log"
  local reqs rate non lat again
  reqs=$(echo "$out" | awk '/requests in/{print $1}')
  rate=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  non=$(echo "$out" | awk '/^non200/{print $2}')
  lat=$(echo "$out" | awk '/Latency/{print $2}')
  again=$(echo "$out" | awk '/^resent/{print $2}')
  local ms; ms=$(echo "scale=3; ($c1 - $c0) * 1000 / $(getconf CLK_TCK) / $reqs" | bc)
  local dbms; dbms=$(echo "scale=3; $(dbdelta "$d0" "$d1") * 1000 / $(getconf CLK_TCK) / $reqs" | bc)
  local xids syncs
  xids=$(echo "scale=3; (${g1% *} - ${g0% *} - 1) / $reqs" | bc)
  syncs=$(echo "scale=3; (${g1#* } - ${g0#* }) / $reqs" | bc)
  last_rate[$scenario:$build]=$rate
  if [ "$path" = /v1/enroll ] && [ "$(echo "$rate > $fastest_enroll" | bc)" = 1 ]; then fastest_enroll=$rate; fi
  # Every body is valid, so a refusal means the run went wrong (wrk.err has the answers): say so at once, and stop
  # when a server refused everything, rather than print a rate of refusals.
  if [ "${non:-0}" != 0 ]; then
    echo "WARNING: $scenario $build round $round: ${non} of ${reqs} requests refused (see $OUT/wrk.err): left out of the summary" >&2
    if [ "$non" = "$reqs" ]; then
      echo "$build refused every request of $scenario round $round: stopping (see $OUT/wrk.err)" >&2
      exit 1
    fi
  fi
  if [ "${again:-0}" != 0 ] && [[ $scenario != warm-up* ]]; then
    echo "WARNING: $scenario $build round $round resent ${again} bodies (they ran out): this row is left out of the summary's means" >&2
  elif [ "${again:-0}" != 0 ]; then
    echo "WARNING: $scenario $build resent ${again} bodies (they ran out): replays, which the throttle counts against 127.0.0.1" >&2
  fi
  [[ $scenario == warm-up* ]] || echo -e "$scenario\t$build\t$round\t$rate\t$reqs\t$ms\t$non\t$lat\t$(cut -d' ' -f1 /proc/loadavg)\t$xids\t$syncs\t${again:--}\t$dbms" \
    | tee -a "$results"
}

# bodies_for SCENARIO NAME MIN DURATION: how many bodies a run of DURATION (in seconds, "10s") needs, at least MIN
bodies_for() {
  local r=${last_rate[$1:$2]:-${last_rate[warm-up-$1:$2]:-}} e=${last_rate[enroll-1key:$2]:-${last_rate[warm-up:$2]:-0}} k fastest=0
  for k in "${!last_rate[@]}"; do
    [[ $k == "$1:"* || $k == "warm-up-$1:"* ]] && [ "$(echo "${last_rate[$k]} > $fastest" | bc)" = 1 ] && fastest=${last_rate[$k]}
  done
  [ -n "$r" ] || r=$(echo "$e * 4" | bc)
  [ "$(echo "$fastest > $r" | bc)" = 1 ] && r=$fastest
  echo "$3 $(echo "$r * 1.5 * ${4%s} / 1" | bc)" | awk '{print ($1 > $2 ? $1 : $2)}'
}
# enroll_bodies NAME DURATION: at least ENROLLS bodies, and 2 x the fastest enrollment rate so far x DURATION, never
# fewer than 3,000 a second (the rate after a warm-up undershoots). A run that ran out of bodies resent them: replays, each a
# failed attempt from 127.0.0.1, until the throttle blocked the address and the server refused everything after
# (the "harness fault" of turns 7 and 8).
enroll_bodies() {
  local f=$work/$1/enroll-$RANDOM$RANDOM.txt n rate=$fastest_enroll
  # never fewer than for 1,500/s: a warm-up's rate (a cold JVM, tables not yet analyzed) can be a third of the
  # measured one, and a build has run one key at 1,640/s (turn 10)
  [ "$(echo "$rate > 1500" | bc)" = 1 ] || rate=1500
  n=$(echo "$ENROLLS $(echo "$rate * 2 * ${2%s} / 1" | bc)" | awk '{print ($1 > $2 ? $1 : $2)}')
  fixture "$fixture_jar" enroll "$work/$1/tokens" "$n" "$f"; echo "$f"
}
# warm NAME PORT [renew]: the warm-up: WARM_RUNS runs of enrollment (or renewal), each on new connections
warm() {
  local piece; piece=$(( ${WARM%s} / WARM_RUNS ))s
  for _ in $(seq "$WARM_RUNS"); do
    if [ "${3:-}" = renew ]; then
      run warm-up-renew "$1" 0 "$2" /v1/renew "$(renew_bodies "$1" "$(bodies_for renew "$1" "$RENEWALS" "$piece")" "$2")" "$piece" 0
    else
      run warm-up "$1" 0 "$2" /v1/enroll "$(enroll_bodies "$1" "$piece")" "$piece" 0
    fi
  done
}
# renew_bodies NAME MIN PORT: a renewal body for every agent earlier runs against NAME left with a known credential,
# and at least MIN (the shortfall enrolled first)
renew_bodies() { local f=$work/$1/renew-$RANDOM$RANDOM.txt; fixture "$fixture_jar" renew "$work/$1/data" "https://127.0.0.1:$3/v1/" "$work/$1/tokens" "$2" "$f" "$work/$1" 2>>"$OUT/fixture.log"; echo "$f"; }

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
  echo -e "handshake-$mode\t$n\t$round\t$(echo "scale=1; $conns / 8" | bc)\t$conns\t$ms\t-\t-\t$(cut -d" " -f1 /proc/loadavg)\t-\t-\t-" | tee -a "$results"
}

uptime | tee "$OUT/uptime-start.txt"
git -C "$repo" log -1 --format='%h %s' > "$OUT/commit.txt"

# ---- one key: enrollment (one-key), renewal (renewals), renewal on fresh connections and handshakes (fresh); each
# server warms up with enrollments, and with renewals too when its rounds measure renewals but not enrollment
if want one-key || want renewals || want fresh; then
for i in "${!names[@]}"; do start "${names[$i]}" "${jars[$i]}" $((9440 + i)) 1 ec "${javas[$i]}"; done
for i in "${!names[@]}"; do
  n=${names[$i]}; p=$((9440 + i))
  warm "$n" "$p"
  if ! want one-key && want renewals; then
    warm "$n" "$p" renew
  fi
done
for r in $(seq "$ROUNDS"); do
  for i in $(order "$r"); do
    n=${names[$i]}; p=$((9440 + i))
    if want one-key; then
      run enroll-1key "$n" "$r" "$p" /v1/enroll "$(enroll_bodies "$n" "$DUR")" "$DUR" 0
    fi
    if want renewals; then
      run renew "$n" "$r" "$p" /v1/renew "$(renew_bodies "$n" "$(bodies_for renew "$n" "$RENEWALS" "$RDUR")" "$p")" "$RDUR" 0
    fi
    if want fresh; then
      run renew-fresh-tls "$n" "$r" "$p" /v1/renew "$(renew_bodies "$n" "$(bodies_for renew-fresh-tls "$n" "$CLOSE_RENEWALS" "$RDUR")" "$p")" "$RDUR" 1
      handshakes "$n" "$r" "$p" new
      handshakes "$n" "$r" "$p" reuse
    fi
  done
done
for n in "${names[@]}"; do stop "$n"; done
fi

# ---- the Spring Boot sample (SPRING_JAR, Boot 4, built with the last build named) beside `serve` of that build:
# keep-alive enrollment on one key and renewal, interleaved, server CPU per request
if want spring && [ -n "${SPRING_JAR:-}" ]; then
  last=$((${#names[@]} - 1)); sb=${names[$last]}-spring; sv=${names[$last]}-serve
  start "$sb" "${jars[$last]}" 9452 1 spring "${javas[$last]}"
  start "$sv" "${jars[$last]}" 9453 1 ec "${javas[$last]}"
  warm "$sb" 9452
  warm "$sv" 9453
  for r in $(seq "$ROUNDS"); do
    for pair in "$sb:9452" "$sv:9453"; do
      n=${pair%%:*}; p=${pair##*:}
      run enroll-1key "$n" "$r" "$p" /v1/enroll "$(enroll_bodies "$n" "$DUR")" "$DUR" 0
      run renew "$n" "$r" "$p" /v1/renew "$(renew_bodies "$n" "$(bodies_for renew "$n" "$RENEWALS" "$RDUR")" "$p")" "$RDUR" 0
    done
  done
  stop "$sb"; stop "$sv"
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
  warm "${names[$i]}-k1000" $((9460 + i))
done
for r in $(seq "$ROUNDS"); do
  for i in $(order "$r"); do
    run enroll-1000keys "${names[$i]}-k1000" "$r" $((9460 + i)) /v1/enroll "$(enroll_bodies "${names[$i]}-k1000" "$DUR")" "$DUR" 0 \
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
  # A renewal's server CPU in process (in-memory store, one thread: 1 / rate) beside its crypto ceiling, same JVM run
  java -jar "$bench" 'RenewalBenchmark' -f 1 -rf json -rff "$OUT/renewal.json" > "$OUT/renewal.log" 2>&1 || true
fi
uptime | tee "$OUT/uptime-end.txt"
python3 "$here/wrk-summary.py" "$OUT"
