#!/usr/bin/env bash
# End-to-end test of the reference CLI, server and sample agent as separate processes, as the README shows them:
# on embedded H2, and on PostgreSQL with two `serve` processes (two nodes) sharing the database.
# Usage: examples/e2e.sh [h2|postgres|all]   (needs examples/target/heartbeat.jar; PostgreSQL at 127.0.0.1:5432)
set -uo pipefail
cd "$(dirname "$0")"
JAR="$PWD/target/heartbeat.jar"
WORK="$(mktemp -d)"
PIDS=()
FAILED=0
PASSED=0
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

check() { # check DESCRIPTION EXPECTED_EXIT ACTUAL_EXIT [OUTPUT PATTERN]
  local what="$1" want="$2" got="$3" out="${4:-}" pattern="${5:-}"
  if [ "$got" = "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" <<<"$out"; }; then
    PASSED=$((PASSED + 1)); echo "  ok: $what"
  else
    FAILED=$((FAILED + 1)); echo "  FAILED: $what (exit $got, wanted $want${pattern:+, output should contain \"$pattern\"}): $out"
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

scenario() { # scenario NAME DB_ARGS...
  local name="$1"; shift
  local db=("$@")
  local dir="$WORK/$name"; mkdir -p "$dir"; cd "$dir"
  local hb=(java -jar "$JAR" --data "$dir/data" "${db[@]}")
  local p1 p2; p1=$(free_port); p2=$(free_port)
  echo "e2e ($name):"
  out=$("${hb[@]}" init --org "Acme MSP" --server-url "http://127.0.0.1:$p1" 2>&1); check "init prints the default key id" 0 $? "$out" "hbk_"
  out=$("${hb[@]}" groups create "Customer A" 2>&1); check "groups create" 0 $? "$out" "Customer A"
  out=$("${hb[@]}" groups create "Site 1" --parent "Customer A" 2>&1); check "groups create --parent" 0 $? "$out" "Customer A/Site 1"
  out=$("${hb[@]}" keys create "Customer A Access Key" --group "Customer A" --max-uses 5 2>&1); check "keys create" 0 $? "$out" "hbk_"
  out=$("${hb[@]}" keys list --json 2>&1); check "keys list --json is one JSON array" 0 $? "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), type(d).__name__)' <<<"$out")" "2 list"
  out=$("${hb[@]}" groups set "Customer A" agentCredentialTtl=6h --lock 2>&1); check "groups set --lock" 0 $? "$out"
  out=$("${hb[@]}" groups show "Customer A/Site 1" 2>&1); check "groups show: inherited and locked" 0 $? "$out" "inherited from Customer A, locked by Customer A"
  out=$("${hb[@]}" installers generate --key "Customer A Access Key" --out "$dir/a.jar" 2>&1); check "installers generate" 0 $? "$out" "ins_"
  out=$("${hb[@]}" installers inspect "$dir/a.jar" 2>&1); check "installers inspect" 0 $? "$out" "accessKeyId"
  printf 'not an installer' > "$dir/bad.bin"
  out=$("${hb[@]}" installers inspect "$dir/bad.bin" 2>&1); check "installers inspect on a foreign file exits 4" 4 $? "$out" "invalid installer"
  out=$("${hb[@]}" keys disable nosuchkey 2>&1); check "an error is one line, no stack trace" 1 $? "$(echo "$out" | wc -l | tr -d ' ')" "^1$"

  export HEARTBEAT_ADMIN_TOKEN="e2e-admin-$$"
  "${hb[@]}" serve --port "$p1" > "$dir/serve1.log" 2>&1 & PIDS+=($!)
  if [ "${#db[@]}" -gt 0 ]; then "${hb[@]}" serve --port "$p2" > "$dir/serve2.log" 2>&1 & PIDS+=($!); fi
  wait_port "$p1"; check "serve listens" 0 $?
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" 2>&1); check "the agent enrolls into Customer A" 0 $? "$out" "Customer A"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" 2>&1); check "run again: it renews" 0 $? "$out" "renewed"
  if [ "${#db[@]}" -gt 0 ]; then
    wait_port "$p2"
    out=$("${hb[@]}" installers generate --key "Customer A Access Key" --server-url "http://127.0.0.1:$p2" --out "$dir/b.jar" 2>&1)
    check "installer for the second node" 0 $? "$out" "ins_"
    out=$(java -jar "$dir/b.jar" --state-dir "$dir/pc2" 2>&1); check "an agent enrolls through the second serve process" 0 $? "$out" "Customer A"
  fi
  out=$("${hb[@]}" keys disable "Customer A Access Key" --reason "e2e" 2>&1); check "keys disable (while serve runs)" 0 $? "$out"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc3" 2>&1); check "a fresh install is refused at once" 3 $? "$out" "access key was disabled"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" 2>&1); check "the enrolled agent still renews" 0 $? "$out" "renewed"
  for body in '' '{' '[]' '{"v":1}' '{"v":1,"token":7}' "$(head -c 70000 /dev/zero | tr '\0' 'a')"; do
    code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -X POST --data-binary "$body" "http://127.0.0.1:$p1/v1/enroll")
    case "$code" in 4??) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/resp.json"; check "malformed body -> $code with a JSON error" 0 $? ;;
      *) check "malformed body answered 4xx" 4xx "$code" ;; esac
  done
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p1/v1/enroll"); check "GET is refused with 405" 405 "$code"
  out=$(curl -s -D - "http://127.0.0.1:$p1/"); check "serve answers the web console at /, with a strict CSP" 0 $? "$out" "script-src 'self'"
  code=$(curl -s -o "$dir/api.js" -w '%{http_code}' "http://127.0.0.1:$p1/api.js"); check "/api.js is the console's module, not the API" 200 "$code" "$(head -c 300 "$dir/api.js")" "admin JSON API"
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p1/kek.bin"); check "nothing but the console's files is served" 404 "$code"
  api="http://127.0.0.1:$p1/api"; auth="Authorization: Bearer $HEARTBEAT_ADMIN_TOKEN"
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' "$api/keys"); check "admin API without the token -> 401" 401 "$code"
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "Authorization: Bearer wrong" "$api/keys"); check "admin API with a wrong token -> 401" 401 "$code"
  for body in '{' '[1]' '{"name":7,"group":"Customer A"}' '{"name":"k","group":"Customer A","maxUses":"x"}' '{"name":"k"}'; do
    code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST --data-binary "$body" "$api/keys")
    out=$(cat "$dir/resp.json"); check "admin API malformed body $body -> 400 JSON" 400 "$code" "$out" '"error"'
  done
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST -d '{"name":"k2","group":"No Such Group"}' "$api/keys")
  check "admin API unknown group -> 404" 404 "$code"
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST -d '{"name":"Download Key","group":"Customer A/Site 1"}' "$api/keys")
  check "admin API creates a key" 201 "$code"
  code=$(curl -s -o "$dir/dl.jar" -w '%{http_code}' -H "$auth" "$api/keys/Download%20Key/installer"); check "installer download streams the installer" 200 "$code"
  out=$(java -jar "$dir/dl.jar" --state-dir "$dir/pc9" 2>&1); check "the downloaded installer enrolls into Customer A/Site 1" 0 $? "$out" "Site 1"
  out=$(curl -s -H "$auth" "$api/installers"); check "the download is recorded with its digest" 0 $? "$out" '"sha256"'
  printf 'my own installer' > "$dir/own.bin"
  code=$(curl -s -o "$dir/own-tagged.bin" -w '%{http_code}' -H "$auth" --data-binary @"$dir/own.bin" "$api/keys/Download%20Key/installer?platform=linux&filename=own.bin")
  check "an uploaded base installer comes back tagged" 200 "$code"
  out=$("${hb[@]}" installers inspect "$dir/own-tagged.bin" 2>&1); check "its token is for linux" 0 $? "$out" '"platform" : "linux"'
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST "$api/keys/Download%20Key/installer"); out=$(cat "$dir/resp.json")
  check "an empty upload -> 400 in words" 400 "$code" "$out" "empty"
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST -d '{"name":"Site 9"}' "$api/groups/Customer%20A%2FSite%201/rename"); out=$(cat "$dir/resp.json")
  check "rename a group by its %2F-encoded path" 200 "$code" "$out" "Customer A/Site 9"
  code=$(curl -s -o "$dir/resp.json" -w '%{http_code}' -H "$auth" "$api/audit?from=yesterday"); out=$(cat "$dir/resp.json")
  check "a bad audit time -> 400 naming the field" 400 "$code" "$out" '"field":"from"'

  out=$("${hb[@]}" agents list --json 2>&1); check "agents list --json" 0 $? "$out" "Customer A"
  out=$("${hb[@]}" keys create 2>&1); check "a usage error is one line" 2 $? "$(echo "$out" | wc -l | tr -d ' ')" "^1$"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PIDS=()
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc5" 2>&1); check "server stopped (SIGTERM): the agent exits 5, unreachable" 5 $? "$out" "unreachable"
  tampered="$dir/tampered.jar"; cp "$dir/a.jar" "$tampered"; printf 'X' | dd of="$tampered" bs=1 seek=$(( $(stat -c %s "$tampered") - 40 )) conv=notrunc 2>/dev/null
  out=$(java -jar "$tampered" --state-dir "$dir/pc6" 2>&1); check "a tampered installer exits 4" 4 $? "$out" "invalid installer"
  cd - > /dev/null
}

what="${1:-all}"
if [ "$what" = h2 ] || [ "$what" = all ]; then scenario h2; fi
if [ "$what" = postgres ] || [ "$what" = all ]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    schema="hbe2e_$$"
    psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $schema" >/dev/null
    scenario postgres --jdbc-url "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" --jdbc-user postgres
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
  elif [ "${CI:-}" = true ]; then
    FAILED=$((FAILED + 1)); echo "  FAILED: PostgreSQL unreachable at 127.0.0.1:5432 and CI=true"
  else
    echo "e2e (postgres): skipped: PostgreSQL not reachable at 127.0.0.1:5432 (start it to run this part)"
  fi
fi
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
