#!/usr/bin/env bash
# End-to-end test of the reference CLI, server and sample agent as separate processes, as the README shows them:
# over HTTPS with the server's self-signed key pinned in every installer; on embedded H2, and on PostgreSQL with two
# `serve` processes (two nodes) sharing the database.
# Usage: examples/e2e.sh [h2|postgres|spring|all]   (needs examples/target/heartbeat.jar and
# examples/spring-boot/target/heartbeat-spring-boot-sample.jar; PostgreSQL at 127.0.0.1:5432)
set -uo pipefail
cd "$(dirname "$0")"
JAR="$PWD/target/heartbeat.jar"
SPRING_JAR="$PWD/spring-boot/target/heartbeat-spring-boot-sample.jar"
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

wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# serve opens its port before it prints where it listens and where the admin token is: wait for the line, at most 30 s
# (a fixed half second after the port was not always enough on a busy machine: CI, 2026-12-07, an empty log)
wait_log() { for _ in $(seq 1 300); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# curl over TLS, trusting exactly the server's pinned key (standard base64 of the SPKI SHA-256, as curl wants it).
pinned_curl_args() { # pinned_curl_args BASE64URL_PIN
  python3 -c 'import base64,sys; p=sys.argv[1]; print("sha256//" + base64.b64encode(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))).decode())' "$1"
}

scenario() { # scenario NAME DB_ARGS...
  local name="$1"; shift
  local db=("$@")
  local dir="$WORK/$name"; mkdir -p "$dir"; cd "$dir"
  local hb=(java -jar "$JAR" --data "$dir/data" "${db[@]}")
  local p1 p2; p1=$(free_port); p2=$(free_port)
  echo "e2e ($name):"
  out=$("${hb[@]}" init --org "Acme MSP" --server-url "https://127.0.0.1:$p1" 2>&1); check "init prints the default key id" 0 $? "$out" "hbk_"
  out=$(stat -c %a "$dir/data"); check "the data directory is owner-only" 0 0 "$out" "^700$"
  out=$(find "$dir/data" -type f ! -perm 600 | head -3); check "every file in it is 0600" 0 0 "[$out]" "^\[\]$"
  pin=$("${hb[@]}" tls show 2>&1 | head -n 1); check "tls show prints the served key's pin" 0 $? "$pin" "^[A-Za-z0-9_-]\{43\}$"
  CURL=(curl -s -k --pinnedpubkey "$(pinned_curl_args "$pin")")
  out=$("${hb[@]}" groups create "Customer A" 2>&1); check "groups create" 0 $? "$out" "Customer A"
  out=$("${hb[@]}" groups create "Site 1" --parent "Customer A" 2>&1); check "groups create --parent" 0 $? "$out" "Customer A/Site 1"
  out=$("${hb[@]}" keys create "Customer A Access Key" --group "Customer A" --max-uses 20 2>&1); check "keys create" 0 $? "$out" "hbk_"
  out=$("${hb[@]}" keys list --json 2>&1); check "keys list --json is one JSON array" 0 $? "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), type(d).__name__)' <<<"$out")" "2 list"
  out=$("${hb[@]}" groups set "Customer A" agentCredentialTtl=6h --lock 2>&1); check "groups set --lock" 0 $? "$out"
  out=$("${hb[@]}" groups show "Customer A/Site 1" 2>&1); check "groups show: inherited and locked" 0 $? "$out" "inherited from Customer A, locked by Customer A"
  out=$("${hb[@]}" installers generate --key "Customer A Access Key" --out "$dir/a.jar" 2>&1); check "installers generate" 0 $? "$out" "ins_"
  out=$(stat -c %s "$dir/a.jar"); check "the installer is under 1 MiB" 0 $(( out < 1048576 ? 0 : 1 )) "$out"
  out=$("${hb[@]}" installers inspect "$dir/a.jar" 2>&1); check "installers inspect shows the TLS pins" 0 $? "$out" "$pin"
  check "installers inspect prints the format" 0 0 "$out" '"format" : "zip"'
  out=$("${hb[@]}" keys list --jdbc-password not-here 2>&1); check "--jdbc-password is refused, saying why" 2 $? "$out" "HEARTBEAT_JDBC_PASSWORD"
  out=$("${hb[@]}" installers inspect --help 2>&1); check "subcommands answer --help" 0 $? "$out" "Usage: heartbeat installers inspect"
  printf 'not an installer' > "$dir/bad.bin"
  out=$("${hb[@]}" installers inspect "$dir/bad.bin" 2>&1); check "installers inspect on a foreign file exits 4" 4 $? "$out" "invalid installer"
  mkfifo "$dir/fifo"
  out=$(timeout 20 "${hb[@]}" installers generate --key "Customer A Access Key" --out "$dir/fifo" 2>&1); check "--out refuses a FIFO" 2 $? "$out" "not a regular file"
  out=$("${hb[@]}" keys disable nosuchkey 2>&1); check "an error is one line, no stack trace" 1 $? "$(echo "$out" | wc -l | tr -d ' ')" "^1$"

  out=$(HEARTBEAT_ADMIN_TOKEN=a "${hb[@]}" serve --port "$p1" 2>&1); check "a weak HEARTBEAT_ADMIN_TOKEN is refused at start in one line" 2 $? "$out" "bits"
  unset HEARTBEAT_ADMIN_TOKEN
  "${hb[@]}" serve --port "$p1" > "$dir/serve1.log" 2>&1 & PIDS+=($!)
  if [ "${#db[@]}" -gt 0 ]; then "${hb[@]}" serve --port "$p2" > "$dir/serve2.log" 2>&1 & PIDS+=($!); fi
  wait_port "$p1"; check "serve listens" 0 $?
  wait_log "$dir/serve1.log" "admin token:"
  token=$(cat "$dir/data/admin-token")
  out=$(stat -c %a "$dir/data/admin-token"); check "the generated admin token is in DATA/admin-token, 0600" 0 0 "$out" "^600$"
  out=$(cat "$dir/serve1.log"); check "serve prints where the token is, never the token" 0 $(grep -qF -- "$token" <<<"$out" && echo 1 || echo 0) "$out" "admin-token"
  out=$(curl -s "http://127.0.0.1:$p1/" -o /dev/null -w '%{http_code}'); check "plain http to the https port gets no answer" 0 0 "$out" "^\(000\|400\)$"
  out=$(curl -s "https://127.0.0.1:$p1/" -o /dev/null -w '%{http_code}'); check "https without the pin or a CA is refused by curl" 0 0 "$out" "^000$"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" 2>&1); check "the agent enrolls into Customer A over pinned https" 0 $? "$out" "Customer A"
  out=$(stat -c %a "$dir/pc1"); check "the agent's state directory is owner-only" 0 0 "$out" "^700$"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc-p256" --key-algorithm p256 2>&1); check "an agent with a P-256 key enrolls" 0 $? "$out" "ecdsa-p256 key, file"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc-p256" --renew-now 2>&1); check "... and renews with it" 0 $? "$out" "renewed.*ecdsa-p256"
  out=$("${hb[@]}" agents list 2>&1); check "agents list shows the key algorithm" 0 $? "$out" "ecdsa-p256"
  if command -v softhsm2-util >/dev/null; then
    # Two SoftHSM2 tokens (two computers' tokens): the key is generated on the first and never leaves it.
    export SOFTHSM2_CONF="$dir/softhsm2.conf"; mkdir -p "$dir/tokens"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$dir/tokens" > "$SOFTHSM2_CONF"
    lib=$(ls /usr/lib/softhsm/libsofthsm2.so /usr/lib/*/softhsm/libsofthsm2.so 2>/dev/null | head -1)
    for t in one two; do
      slot=$(softhsm2-util --init-token --free --label "$t" --pin 1234 --so-pin 5678 | sed -n 's/.*reassigned to slot \([0-9]*\).*/\1/p')
      printf 'name = %s\nlibrary = %s\nslot = %s\n' "$t" "$lib" "$slot" > "$dir/$t.cfg"
    done
    printf '1234\n' > "$dir/pin"; chmod 600 "$dir/pin"
    out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc-hsm" --pkcs11 "$dir/one.cfg" --pkcs11-pin-file "$dir/pin" 2>&1); check "an agent whose key is on a PKCS#11 token enrolls" 0 $? "$out" "ecdsa-p256 key, pkcs11"
    out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc-hsm" --pkcs11 "$dir/one.cfg" --pkcs11-pin-file "$dir/pin" --renew-now 2>&1); check "... renews after a restart, signing on the token" 0 $? "$out" "renewed"
    cp -a "$dir/pc-hsm" "$dir/pc-hsm-copy"
    out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc-hsm-copy" --pkcs11 "$dir/two.cfg" --pkcs11-pin-file "$dir/pin" --renew-now 2>&1); check "its state copied to a computer with another token cannot renew" 1 $? "$out" "not on\|holds no agent key"
    unset SOFTHSM2_CONF
  fi
  ln -s "$dir/pc1" "$dir/pc1-link"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1-link" 2>&1); check "a symlinked --state-dir is refused" 1 $? "$out" "symbolic link"
  mkdir -m 777 "$dir/pc-open"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc-open" 2>&1); check "a state directory writable by others is refused" 1 $? "$out" "accessible to other users"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" --renew-now 2>&1); check "run again: it renews" 0 $? "$out" "renewed"
  if [ "${#db[@]}" -gt 0 ]; then
    wait_port "$p2"
    out=$("${hb[@]}" installers generate --key "Customer A Access Key" --server-url "https://127.0.0.1:$p2" --out "$dir/b.jar" 2>&1)
    check "installer for the second node" 0 $? "$out" "ins_"
    out=$(java -jar "$dir/b.jar" --state-dir "$dir/pc2" 2>&1); check "an agent enrolls through the second serve process" 0 $? "$out" "Customer A"
  fi
  out=$("${hb[@]}" keys disable "Customer A Access Key" --reason "e2e" 2>&1); check "keys disable (while serve runs)" 0 $? "$out"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc3" 2>&1); check "a fresh install is refused at once" 3 $? "$out" "access key was disabled"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" --renew-now 2>&1); check "the enrolled agent still renews" 0 $? "$out" "renewed"
  "${hb[@]}" keys enable "Customer A Access Key" >/dev/null 2>&1

  # A copied state directory: both copies refused as a clone, an audit event, and an admin unlock.
  java -jar "$dir/a.jar" --state-dir "$dir/pc7" >/dev/null 2>&1
  cp -rp "$dir/pc7" "$dir/pc7-copy"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc7" --renew-now 2>&1); check "clone: the original renews first" 0 $? "$out" "renewed"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc7-copy" --renew-now 2>&1); check "clone: the copy is refused as a clone" 3 $? "$out" "clone"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc7" --renew-now 2>&1); check "clone: the original is refused too while locked" 3 $? "$out" "clone"
  agent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["agentId"])' "$dir/pc7/identity.json")
  out=$("${hb[@]}" agents list --status LOCKED 2>&1); check "agents list --status LOCKED shows it" 0 $? "$out" "$agent"
  out=$("${hb[@]}" agents unlock "$agent" --reason "copy wiped" 2>&1); check "agents unlock" 0 $? "$out" "ACTIVE"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc7" --renew-now 2>&1); check "clone: after the unlock the original renews" 0 $? "$out" "renewed"

  for body in '' '{' '[]' '{"v":1}' '{"v":1,"token":7}' "$(head -c 70000 /dev/zero | tr '\0' 'a')"; do
    code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -X POST --data-binary "$body" "https://127.0.0.1:$p1/v1/enroll")
    case "$code" in 4??) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/resp.json"; check "malformed body -> $code with a JSON error" 0 $? ;;
      *) check "malformed body answered 4xx" 4xx "$code" ;; esac
  done
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$p1/v1/enroll"); check "GET is refused with 405" 405 "$code"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' "https://127.0.0.1:$p1/api/keys/%zz"); out=$(cat "$dir/resp.json")
  check "%zz in a URL -> a JSON 400, not an HTML page" 400 "$code" "$out" '"field"'
  out=$("${CURL[@]}" -D - "https://127.0.0.1:$p1/"); check "serve answers the web console at /, with a strict CSP" 0 $? "$out" "script-src 'self'"
  code=$("${CURL[@]}" -o "$dir/api.js" -w '%{http_code}' "https://127.0.0.1:$p1/api.js"); check "/api.js is the console's module, not the API" 200 "$code" "$(head -c 300 "$dir/api.js")" "admin JSON API"
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$p1/kek.bin"); check "nothing but the console's files is served" 404 "$code"
  api="https://127.0.0.1:$p1/api"; auth="Authorization: Bearer $token"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' "$api/keys"); check "admin API without the token -> 401" 401 "$code"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "Authorization: Bearer wrong" "$api/keys"); check "admin API with a wrong token -> 401" 401 "$code"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "Authorization: Bearer wrong" "$api/keys"); check "and at once again -> 429 (slowed per source)" 429 "$code"
  sleep 1
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "authorization: bearer $token" "$api/keys"); check "the scheme in any case" 200 "$code"
  for body in '{' '[1]' '{"name":7,"group":"Customer A"}' '{"name":"k","group":"Customer A","maxUses":"x"}' '{"name":"k"}' \
      '{"name":"k","group":"Customer A","colour":"red"}' '{"name":"k","name":"j","group":"Customer A"}' \
      '{"name":"k","group":"Customer A","expiresAt":"+999999999-12-31T23:59:59Z"}'; do
    code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST --data-binary "$body" "$api/keys")
    out=$(cat "$dir/resp.json"); check "admin API malformed body $body -> 400 JSON naming the field" 400 "$code" "$out" '"field"'
  done
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST -d '{"name":"k2","group":"No Such Group"}' "$api/keys")
  check "admin API unknown group -> 404" 404 "$code"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST -d '{"name":"Download Key","group":"Customer A/Site 1"}' "$api/keys")
  check "admin API creates a key" 201 "$code"
  code=$("${CURL[@]}" -o "$dir/dl.jar" -w '%{http_code}' -H "$auth" "$api/keys/Download%20Key/installer"); check "installer download streams the installer" 200 "$code"
  out=$(java -jar "$dir/dl.jar" --state-dir "$dir/pc9" 2>&1); check "the downloaded installer enrolls into Customer A/Site 1" 0 $? "$out" "Site 1"
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H "$auth" -X POST "$api/signing-keys/nonsense"); check "only POST /api/signing-keys/rotate rotates: anything else is 404" 404 "$code"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST "$api/signing-keys/rotate"); check "rotate the signing keys" 200 "$code"
  code=$("${CURL[@]}" -o "$dir/dl2.jar" -w '%{http_code}' -H "$auth" "$api/keys/Download%20Key/installer"); check "download after the rotation" 200 "$code"
  out=$(java -jar "$dir/dl2.jar" --state-dir "$dir/pc10" 2>&1); check "it pins the new signing key set, and enrolls" 0 $? "$out" "Site 1"
  out=$("${CURL[@]}" -H "$auth" "$api/installers"); check "the download is recorded with its digest" 0 $? "$out" '"sha256"'
  printf 'my own installer' > "$dir/own.bin"
  code=$("${CURL[@]}" -o "$dir/own-tagged.bin" -w '%{http_code}' -H "$auth" --data-binary @"$dir/own.bin" "$api/keys/Download%20Key/installer?platform=linux&filename=own.bin")
  check "an uploaded base installer comes back tagged" 200 "$code"
  out=$("${hb[@]}" installers inspect "$dir/own-tagged.bin" 2>&1); check "its token is for linux" 0 $? "$out" '"platform" : "linux"'
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST "$api/keys/Download%20Key/installer"); out=$(cat "$dir/resp.json")
  check "an empty upload -> 400 in words" 400 "$code" "$out" "empty"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" -X POST -d '{"name":"Site 9"}' "$api/groups/Customer%20A%2FSite%201/rename"); out=$(cat "$dir/resp.json")
  check "rename a group by its %2F-encoded path" 200 "$code" "$out" "Customer A/Site 9"
  code=$("${CURL[@]}" -o "$dir/resp.json" -w '%{http_code}' -H "$auth" "$api/audit?from=yesterday"); out=$(cat "$dir/resp.json")
  check "a bad audit time -> 400 naming the field" 400 "$code" "$out" '"field":"from"'
  out=$("${hb[@]}" keys assign "Download Key" --group "Customer A" 2>&1); check "keys assign still works (old name of repoint)" 0 $? "$out" "Customer A"

  # TLS rotation while serving: the next key (pinned by every installer already) is served; old installers keep working.
  out=$("${hb[@]}" tls rotate 2>&1); check "tls rotate prints the new pins" 0 $? "$out" "^[A-Za-z0-9_-]\{43\}$"
  newpin=$(head -n 1 <<<"$out"); sleep 3
  out=$(curl -s -k --pinnedpubkey "$(pinned_curl_args "$newpin")" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$p1/"); check "the running serve reloaded the next key" 0 0 "$out" "^200$"
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc1" --renew-now 2>&1); check "an installer made before the rotation still connects" 0 $? "$out" "renewed"

  out=$("${hb[@]}" agents list --json 2>&1); check "agents list --json" 0 $? "$out" "Customer A"
  out=$("${hb[@]}" keys create 2>&1); check "a usage error is one line" 2 $? "$(echo "$out" | wc -l | tr -d ' ')" "^1$"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PIDS=()
  out=$(java -jar "$dir/a.jar" --state-dir "$dir/pc5" 2>&1); check "server stopped (SIGTERM): the agent exits 5, unreachable" 5 $? "$out" "unreachable"
  tampered="$dir/tampered.jar"; cp "$dir/a.jar" "$tampered"; printf 'X' | dd of="$tampered" bs=1 seek=$(( $(stat -c %s "$tampered") - 40 )) conv=notrunc 2>/dev/null
  out=$(java -jar "$tampered" --state-dir "$dir/pc6" 2>&1); check "a tampered installer exits 4" 4 $? "$out" "invalid installer"
  cd - > /dev/null
}

# The Spring Boot sample on the same PostgreSQL that the reference CLI administers, serving the CLI's TLS identity.
spring_scenario() { # spring_scenario JDBC_URL
  local url="$1" dir="$WORK/spring"; mkdir -p "$dir"; cd "$dir"
  local hb=(java -jar "$JAR" --data "$dir/data" --jdbc-url "$url" --jdbc-user postgres)
  local port; port=$(free_port)
  echo "e2e (spring):"
  out=$("${hb[@]}" init --org "Spring MSP" --server-url "https://127.0.0.1:$port" 2>&1); check "CLI init on PostgreSQL" 0 $? "$out" "hbk_"
  out=$("${hb[@]}" installers generate --key "Default access key" --out "$dir/agent.jar" 2>&1); check "CLI installers generate" 0 $? "$out" "ins_"
  java -jar "$SPRING_JAR" --server.port="$port" --spring.datasource.url="$url" --spring.datasource.username=postgres \
    --heartbeat.key-encryption-key-file="$dir/data/kek.bin" \
    --server.ssl.certificate="file:$dir/data/tls/server.crt" --server.ssl.certificate-private-key="file:$dir/data/tls/server.key" \
    > "$dir/spring.log" 2>&1 & PIDS+=($!)
  # Up to 60 s for the JVM to start; the check fails when the port never opened (the application died at start).
  local listening=1
  for _ in $(seq 1 600); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then listening=0; break; fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  check "the Spring Boot sample listens (https, the CLI's TLS key)" 0 $listening "$(tail -n 5 "$dir/spring.log")"
  out=$(java -jar "$dir/agent.jar" --state-dir "$dir/pc1" 2>&1); check "the sample agent enrolls through the Spring application" 0 $? "$out" "enrolled"
  local pin; pin=$("${hb[@]}" tls show | head -n 1)
  local curl=(curl -s -k --pinnedpubkey "$(pinned_curl_args "$pin")")
  out=$("${curl[@]}" "https://127.0.0.1:$port/actuator/metrics/heartbeat.enrollments"); check "/actuator/metrics/heartbeat.enrollments counts it" 0 $? "$out" '"value":1.0'
  out=$("${curl[@]}" "https://127.0.0.1:$port/actuator/health"); check "/actuator/health is UP" 0 $? "$out" '"status":"UP"'
  out=$("${hb[@]}" agents list 2>&1); check "the CLI sees the agent the Spring application enrolled" 0 $? "$out" "Default\|/"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PIDS=()
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
if [ "$what" = spring ] || [ "$what" = all ]; then
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    schema="hbspring_$$"
    psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $schema" >/dev/null
    spring_scenario "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema"
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
  elif [ "${CI:-}" = true ]; then
    FAILED=$((FAILED + 1)); echo "  FAILED: PostgreSQL unreachable at 127.0.0.1:5432 and CI=true"
  else
    echo "e2e (spring): skipped: PostgreSQL not reachable at 127.0.0.1:5432 (start it to run this part)"
  fi
fi
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
