#!/usr/bin/env python3
"""Writes requests-p256.json: agent requests with ECDSA P-256 agent keys (docs/protocol.md, sections 6 and 7).

Made with Python's `cryptography`, not with HeartbeatRM's code, so that the Java parser and verifier (and check.py)
are checked against another implementation. ECDSA signatures are randomized: this file is written once and
committed; running it again gives other, equally valid, proofs. Run: python3 docs/testdata/p256/make.py
"""
import base64
import hashlib
import json
import struct
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
HERE = Path(__file__).resolve().parent
TOKEN = json.loads((HERE.parent / "requests.json").read_text())["vectors"][0]["body"]
TOKEN = json.loads(TOKEN)["token"]
AGENT, ORG = "agt_Mz8pQ2vRt5Ww2Xy6Bn1KmA", "org_4gkSx9Ma2Bv1YrT0Qd7LwA"
CREDENTIAL = "v4.public.eyJ4IjoxfQ." + "B" * 86
NONCE = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX"
TS = "2026-06-01T00:00:00Z"
FACTS = {"hostname": "pc-0042", "platform": "windows", "osVersion": "10.0.26100", "agentVersion": "heartbeat-agent/1.4.2"}


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def pae(*pieces):
    out = struct.pack("<Q", len(pieces))
    for p in pieces:
        out += struct.pack("<Q", len(p)) + p
    return out


p256 = ec.derive_private_key(int.from_bytes(hashlib.sha256(b"heartbeat test vector agent p256").digest(), "big") % N, ec.SECP256R1())
P256_PUB = p256.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
ed = ed25519.Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"heartbeat test vector agent ed25519 explicit").digest())
ED_PUB = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def p1363(der):
    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign_p256(message):
    return p1363(p256.sign(message, ec.ECDSA(hashes.SHA256())))


def enroll(public_key_text, algorithm, sign, algorithm_signed=None):
    """An enrollment body; algorithm None leaves keyAlgorithm out; algorithm_signed is the name the proof covers."""
    signed_alg = algorithm if algorithm_signed is None else algorithm_signed
    pieces = [TOKEN, public_key_text, FACTS["hostname"], FACTS["platform"], FACTS["osVersion"], FACTS["agentVersion"], "", NONCE, TS]
    if signed_alg not in (None, "ed25519"):
        pieces.append(signed_alg)
    proof = sign(pae(b"heartbeat-enrollment-request/v1", *[p.encode() for p in pieces]))
    m = {"v": 1, "token": TOKEN, "publicKey": public_key_text}
    if algorithm is not None:
        m["keyAlgorithm"] = algorithm
    m.update({"facts": FACTS, "nonce": NONCE, "timestamp": TS, "proof": b64(proof)})
    return json.dumps(m, separators=(",", ":"))


def renew(credential, sign=sign_p256):
    pieces = [AGENT, ORG, b64(P256_PUB), credential or "", NONCE, TS, "ecdsa-p256"]
    proof = sign(pae(b"heartbeat-renewal-request/v1", *[p.encode() for p in pieces]))
    m = {"v": 1, "agentId": AGENT, "organizationId": ORG, "publicKey": b64(P256_PUB), "keyAlgorithm": "ecdsa-p256"}
    if credential:
        m["credential"] = credential
    m.update({"nonce": NONCE, "timestamp": TS, "proof": b64(proof)})
    return json.dumps(m, separators=(",", ":"))


def off_curve():
    bad = bytearray(P256_PUB)
    bad[64] ^= 1
    return bytes(bad)


def with_member(body, name, value):
    m = json.loads(body)
    m[name] = value
    return json.dumps(m, separators=(",", ":"))


P = b64(P256_PUB)
V = []


def vector(name, kind, description, body, verdict, problem=None, field=None):
    v = {"name": name, "kind": kind, "description": description, "body": body, "verdict": verdict}
    if problem:
        v["problem"] = problem
    if field:
        v["field"] = field
    V.append(v)


vector("enroll-p256-valid", "enroll", "a P-256 agent key: SEC1 uncompressed key, P1363 proof, the algorithm's name signed last",
       enroll(P, "ecdsa-p256", sign_p256), "proof_verifies")
vector("renew-p256-valid", "renew", "a renewal with the P-256 key and a credential", renew(CREDENTIAL), "proof_verifies")
vector("renew-p256-pending", "renew", "a pending agent's poll with the P-256 key", renew(None), "proof_verifies")
vector("enroll-ed25519-explicit", "enroll", "keyAlgorithm \"ed25519\" written out: the same proof input as without it",
       enroll(b64(ED_PUB), "ed25519", ed.sign), "proof_verifies")
vector("enroll-p256-name-not-signed", "enroll", "a P-256 proof over the input without the algorithm's name",
       enroll(P, "ecdsa-p256", sign_p256, algorithm_signed="ed25519"), "bad_proof")
vector("enroll-p256-other-message", "enroll", "a valid P-256 signature over other bytes",
       enroll(P, "ecdsa-p256", lambda m: sign_p256(m + b"x")), "bad_proof")
vector("renew-p256-high-s", "renew", "the same signature with s replaced by n - s: ECDSA accepts both (section 6)",
       renew(CREDENTIAL, lambda m: (lambda sig: sig[:32] + (N - int.from_bytes(sig[32:], "big")).to_bytes(32, "big"))(sign_p256(m))),
       "proof_verifies")
vector("enroll-p256-without-algorithm", "enroll", "a 65-byte key without keyAlgorithm is not an Ed25519 key",
       enroll(P, None, sign_p256, algorithm_signed="ecdsa-p256"), "invalid_request", "INVALID_VALUE", "publicKey")
vector("enroll-ed25519-key-named-p256", "enroll", "a 32-byte key named ecdsa-p256",
       enroll(b64(ED_PUB), "ecdsa-p256", ed.sign), "invalid_request", "INVALID_VALUE", "publicKey")
vector("enroll-p256-off-curve", "enroll", "a 65-byte point that is not on P-256",
       enroll(b64(off_curve()), "ecdsa-p256", sign_p256), "invalid_request", "INVALID_VALUE", "publicKey")
compressed = p256.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
vector("enroll-p256-compressed", "enroll", "a compressed (33-byte) point is not the encoding",
       enroll(b64(compressed), "ecdsa-p256", sign_p256), "invalid_request", "INVALID_VALUE", "publicKey")
vector("enroll-p256-x-beyond-p", "enroll", "04 || p || y: a coordinate not below the field prime",
       enroll(b64(b"\x04" + (2**256 - 2**224 + 2**192 + 2**96 - 1).to_bytes(32, "big") + P256_PUB[33:]), "ecdsa-p256", sign_p256),
       "invalid_request", "INVALID_VALUE", "publicKey")
vector("enroll-unknown-algorithm", "enroll", "an algorithm that is not one of the two",
       with_member(enroll(P, "ecdsa-p256", sign_p256), "keyAlgorithm", "ecdsa-p384"), "invalid_request", "INVALID_VALUE", "keyAlgorithm")
vector("enroll-algorithm-upper-case", "enroll", "names are exact: no case folding",
       with_member(enroll(P, "ecdsa-p256", sign_p256), "keyAlgorithm", "ECDSA-P256"), "invalid_request", "INVALID_VALUE", "keyAlgorithm")
vector("enroll-algorithm-number", "enroll", "keyAlgorithm must be a string",
       with_member(enroll(P, "ecdsa-p256", sign_p256), "keyAlgorithm", 1), "invalid_request", "WRONG_TYPE", "keyAlgorithm")
der_proof = p256.sign(b"anything", ec.ECDSA(hashes.SHA256()))
vector("enroll-p256-der-proof", "enroll", "a DER signature is not the encoding: the proof is 64 bytes",
       with_member(enroll(P, "ecdsa-p256", sign_p256), "proof", b64(der_proof)), "invalid_request", "INVALID_VALUE", "proof")

out = {"description": "Requests with agent keys of both algorithms (docs/protocol.md, sections 6 and 7), made by "
       "docs/testdata/p256/make.py with Python's cryptography. Verdicts as in requests.json. The P-256 agent key's private "
       "scalar is SHA-256(\"heartbeat test vector agent p256\") mod n; publicKeyHex is its SEC1 uncompressed encoding.",
       "publicKeyHex": P256_PUB.hex(), "vectors": V}
(HERE.parent / "requests-p256.json").write_text(json.dumps(out, indent=1) + "\n")
print(f"requests-p256.json: {len(V)} vectors")
