#!/usr/bin/env bash
# Regenerates attested-enrollment.json (protocol.md section 6.1) with swtpm and tpm2-tools: the TPM makes every key,
# credential activation, certification and signature; assemble_attested.py (standard library) only lays out the JSON
# and computes the proof input's SHA-256, which tpm2_sign signs with the agent key.
# Usage: bash docs/testdata/tpm/make-attested-enrollment.sh   (needs swtpm, swtpm_setup, tpm2-tools, python3)
set -euo pipefail
# shellcheck source=swtpm-env.sh
source "$(dirname "$0")/swtpm-env.sh"

# EK (RSA 2048, L-1) and a restricted ECDSA P-256 attestation key.
tpm2_createek -c ek.ctx -G rsa -u ek.pub >/dev/null; flush
tpm2_createak -C ek.ctx -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pub -n ak.name >/dev/null; flush
# The server's credential for name(AK), made without a TPM, then activated by this one.
head -c 32 /dev/urandom > credential-secret.bin
tpm2_makecredential -T none -u ek.pub -s credential-secret.bin -n "$(xxd -p -c 256 ak.name)" -o credential.bin >/dev/null
tpm2_startauthsession --policy-session -S session.ctx
tpm2_policysecret -S session.ctx -c e >/dev/null
tpm2_activatecredential -c ak.ctx -C ek.ctx -i credential.bin -o activated.bin -P "session:session.ctx" >/dev/null
tpm2_flushcontext session.ctx; flush
# The agent key: ECDSA P-256 under an owner primary, certified by the AK.
tpm2_createprimary -C o -c primary.ctx >/dev/null; flush
tpm2_create -C primary.ctx -G ecc256:ecdsa-sha256 -u key.pub -r key.priv -c key.ctx >/dev/null; flush
tpm2_certify -c key.ctx -C ak.ctx -g sha256 -o certify-attest.bin -s certify-signature.bin >/dev/null; flush
# The request's proof: the agent key signs SHA-256 of the proof input.
python3 "$out/assemble_attested.py" digest "$work"
tpm2_sign -c key.ctx -g sha256 -s ecdsa -d -o proof.bin digest.bin; flush
python3 "$out/assemble_attested.py" finish "$work"
cp attested-enrollment.json "$out/"
echo "attested-enrollment.json written to $out"
