# Sourced by make-vectors.sh and make-attested-enrollment.sh: a fresh swtpm (swtpm_setup --createek) in a temporary
# directory, on a random loopback port, with TPM2TOOLS_TCTI pointing at it; it stops and the directory goes on exit.
# Sets: out (this directory), work (the temporary one, the current directory), and flush().
set -euo pipefail
out="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
mkdir state
printf 'active_pcr_banks = sha256\n' > setup.conf
swtpm_setup --tpm2 --tpmstate "$work/state" --createek --config "$work/setup.conf" --overwrite >/dev/null
port=$(( 20000 + RANDOM % 20000 ))
swtpm socket --tpm2 --tpmstate dir="$work/state" --server type=tcp,port=$port,bindaddr=127.0.0.1 \
  --ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 --flags not-need-init,startup-clear --daemon --pid file="$work/pid"
export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
flush() { tpm2_flushcontext -t; }   # swtpm has no resource manager
