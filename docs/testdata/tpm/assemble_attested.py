#!/usr/bin/env python3
"""Assembles attested-enrollment.json from what tpm2-tools made (make-attested-enrollment.sh); standard library only.

  assemble_attested.py digest WORK   -> WORK/request.json (unsigned) and WORK/digest.bin, SHA-256 of the proof input
  assemble_attested.py finish WORK   -> WORK/attested-enrollment.json, with the proof tpm2_sign made over that digest
"""
import base64
import hashlib
import json
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vectorwire import b64, pae  # noqa: E402

TOKEN_FILE = Path(__file__).resolve().parent.parent / "tags" / "token.txt"
NONCE = base64.urlsafe_b64encode(bytes(range(24))).decode().rstrip("=")
TIMESTAMP = "2026-06-01T00:00:00Z"
CHALLENGE_ID = b"an opaque challenge id: the server's sealed state"
CHALLENGE_NONCE = hashlib.sha256(b"heartbeat attestation vector nonce").digest()
FACTS = {"hostname": "pc-tpm-0042", "platform": "linux", "osVersion": "6.1.0", "agentVersion": "heartbeat-agent/test"}


def unsized(tpm2b):
    (n,) = struct.unpack(">H", tpm2b[:2])
    assert len(tpm2b) == 2 + n, "not one TPM2B"
    return tpm2b[2:]


def ecc_point(public_area):
    """The SEC1 point of an ECC TPMT_PUBLIC."""
    b = public_area
    kind, _name_alg, _attrs = struct.unpack(">HHI", b[:8])
    assert kind == 0x0023, "not an ECC key"
    at = 8
    (n,) = struct.unpack(">H", b[at:at + 2])
    at += 2 + n  # authPolicy
    (sym,) = struct.unpack(">H", b[at:at + 2])
    at += 2 + (4 if sym != 0x0010 else 0)
    (scheme,) = struct.unpack(">H", b[at:at + 2])
    at += 2 + (2 if scheme != 0x0010 else 0)
    at += 2  # curveID
    (kdf,) = struct.unpack(">H", b[at:at + 2])
    at += 2 + (2 if kdf != 0x0010 else 0)
    (nx,) = struct.unpack(">H", b[at:at + 2])
    x = b[at + 2:at + 2 + nx]
    at += 2 + nx
    (ny,) = struct.unpack(">H", b[at:at + 2])
    y = b[at + 2:at + 2 + ny]
    assert at + 2 + ny == len(b), "trailing bytes"
    return b"\x04" + x.rjust(32, b"\0") + y.rjust(32, b"\0")


def request_fields(work):
    token = TOKEN_FILE.read_text().strip()
    key_public = unsized((work / "key.pub").read_bytes())
    attestation = {
        "challengeId": b64(CHALLENGE_ID),
        "credential": b64((work / "activated.bin").read_bytes()),
        "certifyInfo": b64((work / "certify-attest.bin").read_bytes()),
        "signature": b64((work / "certify-signature.bin").read_bytes()),
        "keyPublic": b64(key_public),
    }
    m = {"v": 1, "token": token, "publicKey": b64(ecc_point(key_public)), "keyAlgorithm": "ecdsa-p256", "facts": FACTS,
         "attestation": attestation, "nonce": NONCE, "timestamp": TIMESTAMP}
    pieces = [token, m["publicKey"], FACTS["hostname"], FACTS["platform"], FACTS["osVersion"], FACTS["agentVersion"], "",
              NONCE, TIMESTAMP, "ecdsa-p256", attestation["challengeId"], attestation["credential"],
              attestation["certifyInfo"], attestation["signature"], attestation["keyPublic"]]
    return m, pae(b"heartbeat-enrollment-request/v1", *[p.encode() for p in pieces])


def p1363(tpmt_signature):
    alg, _hash = struct.unpack(">HH", tpmt_signature[:4])
    assert alg == 0x0018, "not an ECDSA signature"
    (nr,) = struct.unpack(">H", tpmt_signature[4:6])
    r = tpmt_signature[6:6 + nr]
    (ns,) = struct.unpack(">H", tpmt_signature[6 + nr:8 + nr])
    s = tpmt_signature[8 + nr:8 + nr + ns]
    return r.rjust(32, b"\0") + s.rjust(32, b"\0")


def main():
    step, work = sys.argv[1], Path(sys.argv[2])
    m, signed = request_fields(work)
    if step == "digest":
        (work / "digest.bin").write_bytes(hashlib.sha256(signed).digest())
        return
    m["proof"] = b64(p1363((work / "proof.bin").read_bytes()))
    cred = (work / "credential.bin").read_bytes()
    assert cred[:8] == bytes.fromhex("badcc0de00000001"), "not a tpm2_makecredential file"
    (n1,) = struct.unpack(">H", cred[8:10])
    blob = cred[10:10 + n1]
    secret = unsized(cred[10 + n1:])
    vector = {
        "comment": "Made by make-attested-enrollment.sh with swtpm and tpm2-tools only; see README.md. tpm2_certify 5.4 "
                   "cannot pass qualifying data, so certifyInfo's extraData is 00ff55aa, not the challenge's nonce: a "
                   "server refuses this enrollment as attestation_invalid, and everything else in it verifies.",
        "challengeRequest": json.dumps({"v": 1, "token": m["token"], "ekPublic": b64(unsized((work / "ek.pub").read_bytes())),
                                        "akPublic": b64(unsized((work / "ak.pub").read_bytes()))}, separators=(",", ":")),
        "challenge": json.dumps({"v": 1, "challengeId": b64(CHALLENGE_ID), "credentialBlob": b64(blob),
                                 "encryptedSecret": b64(secret), "nonce": b64(CHALLENGE_NONCE),
                                 "expiresAt": "2026-06-01T00:05:00Z"}, separators=(",", ":")),
        "credentialSecret": b64((work / "credential-secret.bin").read_bytes()),
        "akName": b64((work / "ak.name").read_bytes()),
        "enrollRequest": json.dumps(m, separators=(",", ":")),
        "expect": {"proofVerifies": True, "credentialMatches": True, "certifiesKeyPublic": True,
                   "extraData": "00ff55aa", "nonceMatches": False, "serverAnswer": "attestation_invalid"},
    }
    (work / "attested-enrollment.json").write_text(json.dumps(vector, indent=1) + "\n")


if __name__ == "__main__":
    main()
