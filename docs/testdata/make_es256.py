#!/usr/bin/env python3
"""Makes docs/testdata/es256.json: the vectors of issuer keys on a PKCS#11 token (ECDSA P-256, ES256).

Written from docs/protocol.md with Python's `cryptography` (OpenSSL), sharing no code with the Java SDK, so the
SDK's verifier and check.py are both checked against signatures neither of them made. Signatures are deterministic
(RFC 6979), so running it again gives the same file.

    python3 docs/testdata/make_es256.py [docs/testdata]
"""
import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vectorwire import b64, pae  # noqa: E402

N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551
TOKEN_ASSERTION = b"heartbeat-enrollment-token/v1"
ENDORSEMENT = b"heartbeat-key-endorsement/v1"


def kid(raw):
    return "hbs_" + b64(hashlib.sha256(raw).digest()[:16])


def p256_key(label):
    d = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big") % N
    return ec.derive_private_key(d, ec.SECP256R1())


def point(key):
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def es256(key, message, high_s=False):
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256(), deterministic_signing=True)))
    s = min(s, N - s)
    if high_s:
        s = N - s
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def token(message, footer, sign):
    sig = sign(pae(b"v4.public.", message, footer, TOKEN_ASSERTION))
    return "v4.public." + b64(message + sig) + "." + b64(footer)


def main(d):
    keys = json.loads((d / "keys.json").read_text())
    tokens = json.loads((d / "tokens.json").read_text())
    issuer1 = keys["keys"][0]
    issuer2 = keys["keys"][1]
    ed1 = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(issuer1["seed"] + "="))
    label = "heartbeat test vector token issuer P-256"
    p256 = p256_key(label)
    pt = point(p256)
    k = kid(pt)
    jwk = {"kty": "EC", "crv": "P-256", "kid": k, "x": b64(pt[1:33]), "y": b64(pt[33:])}
    pem = p256.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    valid = [v for v in tokens["vectors"] if v["valid"] and v["name"] == "minimal"][0]
    claims = json.dumps({c: v for c, v in valid["claims"].items() if not (c == "pins" and v == [])}, separators=(",", ":")).encode()
    footer = json.dumps({"kid": k}, separators=(",", ":")).encode()
    ed_footer = json.dumps({"kid": issuer1["kid"]}, separators=(",", ":")).encode()
    good = token(claims, footer, lambda m: es256(p256, m))
    body = base64.urlsafe_b64decode(good.split(".")[2] + "==")
    r, s = body[-64:-32], body[-32:]
    vectors = [
        {"name": "es256", "description": "signed by the P-256 key: ES256, r || s, low S", "token": good, "valid": True,
         "claims": valid["claims"]},
        {"name": "es256-high-s", "description": "the same signature with s replaced by n - s: valid ECDSA, refused",
         "token": token(claims, footer, lambda m: es256(p256, m, high_s=True)), "valid": False, "reasons": ["BAD_SIGNATURE"]},
        {"name": "es256-der", "description": "an ASN.1 DER signature where r || s belongs",
         "token": "v4.public." + b64(claims + encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s, "big"))) + "." + b64(footer),
         "valid": False, "reasons": ["BAD_SIGNATURE"]},
        {"name": "es256-zero-r", "description": "r = 0", "valid": False, "reasons": ["BAD_SIGNATURE"],
         "token": "v4.public." + b64(claims + bytes(32) + s) + "." + b64(footer)},
        {"name": "ed25519-sig-p256-kid", "description": "Ed25519 signature by issuer 1, footer naming the P-256 key: the key, not the "
         "signature, fixes the algorithm", "valid": False, "reasons": ["BAD_SIGNATURE"],
         "token": token(claims, footer, lambda m: ed1.sign(m))},
        {"name": "es256-sig-ed25519-kid", "description": "ES256 signature by the P-256 key, footer naming Ed25519 issuer 1",
         "valid": False, "reasons": ["BAD_SIGNATURE"], "token": token(claims, ed_footer, lambda m: es256(p256, m))},
    ]
    up = pae(ENDORSEMENT, k.encode(), pt)
    x2 = base64.urlsafe_b64decode(issuer2["x"] + "=")
    down = pae(ENDORSEMENT, issuer2["kid"].encode(), x2)
    out = {
        "description": "Issuer keys on a PKCS#11 token: ECDSA P-256 with SHA-256 (ES256). d = SHA-256(label) mod n; the raw key is "
                       "the uncompressed point 04 || X || Y, kid = hbs_ + base64url(first 16 bytes of SHA-256(point)). Tokens are "
                       "verified at tokens.json's now and skew against pinnedKeySet; a signature is r || s (64 bytes) with s <= n/2. "
                       "Made by make_es256.py with Python's cryptography, not by the SDK.",
        "now": tokens["now"],
        "allowedClockSkewSeconds": tokens["allowedClockSkewSeconds"],
        "key": {"label": label, "point": b64(pt), "kid": k, "jwk": jwk, "pem": pem},
        "pinnedKeySet": {"keys": [jwk, keys["pinnedKeySet"]["keys"][0]]},
        "tokens": vectors,
        "endorsements": [
            {"name": "ed25519-endorses-p256", "description": "Ed25519 issuer 1 endorses the P-256 key (its successor on a token)",
             "entry": {"kid": k, "crv": "P-256", "x": jwk["x"], "y": jwk["y"], "endorsedBy": issuer1["kid"], "sig": b64(ed1.sign(up))},
             "signedBytesHex": up.hex(), "valid": True},
            {"name": "p256-endorses-ed25519", "description": "the P-256 key endorses Ed25519 issuer 2 (back to a software key)",
             "entry": {"kid": issuer2["kid"], "x": issuer2["x"], "endorsedBy": k, "sig": b64(es256(p256, down))},
             "signedBytesHex": down.hex(), "valid": True},
            {"name": "p256-endorses-ed25519-high-s", "description": "the same with s replaced by n - s",
             "entry": {"kid": issuer2["kid"], "x": issuer2["x"], "endorsedBy": k, "sig": b64(es256(p256, down, high_s=True))},
             "signedBytesHex": down.hex(), "valid": False},
        ],
    }
    (d / "es256.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent))
