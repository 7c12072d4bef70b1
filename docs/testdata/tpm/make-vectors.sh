#!/usr/bin/env bash
# Regenerates the TPM vectors in this directory with swtpm and tpm2-tools only (none of HeartbeatRM's code).
# Usage: bash docs/testdata/tpm/make-vectors.sh   (needs swtpm, swtpm_setup, tpm2-tools)
set -euo pipefail
# shellcheck source=swtpm-env.sh
source "$(dirname "$0")/swtpm-env.sh"

# The attestation key: restricted ECDSA P-256 signing, under the RSA EK.
tpm2_createek -c ek.ctx -G rsa -u ek.pub >/dev/null; flush
tpm2_createak -C ek.ctx -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pub -n ak.name >/dev/null; flush
# The agent key: ECDSA P-256 under an owner primary, certified by the AK.
tpm2_createprimary -C o -c primary.ctx >/dev/null; flush
tpm2_create -C primary.ctx -G ecc256:ecdsa-sha256 -u key.pub -r key.priv -c key.ctx >/dev/null; flush
tpm2_certify -c key.ctx -C ak.ctx -g sha256 -o certify-attest.bin -s certify-signature.bin >/dev/null; flush
# A credential for the AK's name, encrypted to the EK, made without a TPM.
head -c 32 /dev/urandom > credential-secret.bin
tpm2_makecredential -T none -u ek.pub -s credential-secret.bin -n "$(xxd -p -c 256 ak.name)" -o credential.bin >/dev/null
# The ECC P-256 EK (template L-2) and a credential for the same name made for it (ECDH, KDFe).
tpm2_createek -c ek-ecc.ctx -G ecc -u ek-ecc.pub >/dev/null; flush
tpm2_makecredential -T none -u ek-ecc.pub -s credential-secret.bin -n "$(xxd -p -c 256 ak.name)" -o credential-ecc.bin >/dev/null

cp ek.pub "$out/ek.pub"
cp ek-ecc.pub "$out/ek-ecc.pub"
cp ak.pub "$out/ak.pub"
cp ak.name "$out/ak.name"
cp key.pub "$out/key.pub"
cp certify-attest.bin certify-signature.bin credential-secret.bin credential.bin credential-ecc.bin "$out/"
echo "vectors written to $out"
