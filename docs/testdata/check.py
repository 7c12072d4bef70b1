#!/usr/bin/env python3
"""An independent checker of the HeartbeatRM protocol vectors, written from docs/protocol.md alone.

It shares no code with the Java SDK: Python's standard library, plus `cryptography` for Ed25519 and ECDSA P-256 (Debian's
python3-cryptography). It verifies every token of tokens.json (section 3), reads every file of tags/ (section 4),
checks every request of requests.json and requests-p256.json (sections 6 and 7), reads every answer of responses.json in its context
(section 8), computes every due time of renewal-timing.json (section 10), and exits non-zero on the first
disagreement with a vector's verdict.

    python3 docs/testdata/check.py [docs/testdata]
"""
import base64
import calendar
import hashlib
import json
import re
import struct
import sys
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


# ---------------------------------------------------------------------------------------------- section 1

class Refused(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


B64_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def b64url(text, reason="NON_CANONICAL_ENCODING"):
    if not B64_ALPHABET.fullmatch(text) or len(text) % 4 == 1:
        raise Refused(reason, "not canonical base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != text:
        raise Refused(reason, "non-zero trailing bits")
    return raw


def b64url_encode(raw):
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pae(*pieces):
    out = struct.pack("<Q", len(pieces) & 0x7FFFFFFFFFFFFFFF)
    for p in pieces:
        out += struct.pack("<Q", len(p) & 0x7FFFFFFFFFFFFFFF) + p
    return out


def p256_key(public_key):
    """The P-256 public key of a SEC1 uncompressed encoding, or None: 65 bytes, 04, a point on the curve."""
    if len(public_key) != 65 or public_key[0] != 4:
        return None
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key)
    except ValueError:
        return None


def agent_signature_ok(algorithm, public_key, message, signature):
    if algorithm == "ed25519":
        return ed25519_ok(public_key, message, signature)
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        p256_key(public_key).verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError):
        return False


def ed25519_ok(public_key, message, signature):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except InvalidSignature:
        return False


P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551


def es256_ok(point, message, signature):
    """ECDSA P-256 with SHA-256 by an issuer key on a token (section 2.1): r || s, 0 < r < n, 0 < s <= n/2."""
    if p256_key(point) is None or len(signature) != 64:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    return 0 < r < P256_N and 0 < s <= P256_N // 2 and agent_signature_ok("ecdsa-p256", point, message, signature)


def issuer_sig_ok(raw_key, message, signature):
    """An issuer key's signature, with the algorithm of the key (32 bytes: Ed25519; 65: ES256), never the input's."""
    return es256_ok(raw_key, message, signature) if len(raw_key) == 65 else ed25519_ok(raw_key, message, signature)


def key_id(x):
    return "hbs_" + b64url_encode(hashlib.sha256(x).digest()[:16])


TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d\d):(\d\d))")


def timestamp(text):
    """Section 1: the instant a timestamp names, in nanoseconds since 1970; ValueError for any other form."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("not a timestamp")
    m = TIMESTAMP.fullmatch(text)
    if not m:
        raise ValueError("not an RFC 3339 timestamp")
    y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
    datetime(y, mo, d, h, mi, sec)  # a real date and time: no month 13, no February 30, no hour 24, no second 60
    offset = 0
    if m.group(8):
        oh, om = int(m.group(9)), int(m.group(10))
        if om > 59 or oh * 60 + om > 18 * 60:
            raise ValueError("offset out of range")
        offset = (oh * 3600 + om * 60) * (1 if m.group(8) == "+" else -1)
    fraction = int((m.group(7) or "").ljust(9, "0"))
    return (calendar.timegm((y, mo, d, h, mi, sec)) - offset) * 10**9 + fraction


def instant_text(ns):
    """An instant in nanoseconds as UTC text, for messages."""
    return datetime.utcfromtimestamp(ns // 10**9).isoformat() + ("." + str(ns % 10**9).rjust(9, "0") if ns % 10**9 else "") + "Z"


class Duplicate(Exception):
    pass


def no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise Duplicate(k)
        seen[k] = v
    return seen


def utf8_text(raw):
    """JSON text is UTF-8 without a byte order mark (RFC 8259 section 8.1). UTF-16 and UTF-32 text has a NUL byte
    in its first four (RFC 4627 section 3) or starts with FE FF / FF FE; Python's strict UTF-8 decoder refuses
    overlong forms, surrogates and truncated sequences. Any of these raises ValueError."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("a UTF-8 byte order mark")
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe") or b"\x00" in raw[:4]:
        raise ValueError("UTF-16 or UTF-32")
    return raw.decode("utf-8")


def strict_json(raw):
    """One JSON object; a repeated member raises Duplicate, anything else malformed raises ValueError."""
    def bad_constant(c):
        raise ValueError("not JSON: " + c)
    value = json.loads(utf8_text(raw), object_pairs_hook=no_duplicates, parse_constant=bad_constant)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def is_int(v):
    return type(v) is int


ID = {p: re.compile(p + r"_[A-Za-z0-9_-]{21}[AQgw]") for p in ("org", "hbk", "ins", "agt", "grp", "hbs")}
PIN = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")


# ---------------------------------------------------------------------------------------------- section 3

TOKEN_ASSERTION = b"heartbeat-enrollment-token/v1"
CLAIMS = {"ver", "iss", "org", "key", "jti", "iat", "exp", "endpoints", "pins", "platform"}
REQUIRED = {"ver", "iss", "org", "key", "jti", "iat", "endpoints"}


def endpoint_ok(u):
    m = re.fullmatch(r"(https?)://([^/?#@]+)(/[^?#]*)", u)
    return isinstance(u, str) and len(u) <= 2048 and m is not None and m.group(3).endswith("/") and "@" not in u


def verify_token(token, trusted, now, skew):
    if len(token) > 16384:
        raise Refused("OVERSIZED")
    if not token.startswith("v4.public."):
        looks = re.match(r"v[0-9]+\.[a-z]+\.", token) is not None
        raise Refused("WRONG_VERSION_OR_PURPOSE" if looks else "MALFORMED")
    rest = token[len("v4.public."):].split(".")
    if len(rest) != 2 or rest[1] == "":
        raise Refused("MALFORMED", "a token has a payload and a footer")
    body, footer = b64url(rest[0]), b64url(rest[1])
    if len(body) < 64:
        raise Refused("MALFORMED", "payload shorter than a signature")
    m, sig = body[:-64], body[-64:]
    try:
        f = strict_json(footer)
    except Duplicate:
        raise Refused("DUPLICATE_JSON_KEY")
    except ValueError:
        raise Refused("MALFORMED", "footer is not JSON")
    if set(f) != {"kid"} or not isinstance(f["kid"], str) or not ID["hbs"].fullmatch(f["kid"]):
        raise Refused("MALFORMED", "footer must be exactly {\"kid\": ...}")
    if f["kid"] not in trusted:
        raise Refused("UNKNOWN_SIGNING_KEY")
    if not issuer_sig_ok(trusted[f["kid"]], pae(b"v4.public.", m, footer, TOKEN_ASSERTION), sig):
        raise Refused("BAD_SIGNATURE")
    try:
        c = strict_json(m)
    except Duplicate:
        raise Refused("DUPLICATE_JSON_KEY")
    except (ValueError, UnicodeDecodeError):
        raise Refused("INVALID_CLAIMS", "claims are not a JSON object")
    unknown = set(c) - CLAIMS
    if unknown:
        raise Refused("INVALID_CLAIMS", "unknown claim")
    if "ver" in c and not is_int(c["ver"]):
        raise Refused("INVALID_CLAIMS", "ver is not an integer")
    if "ver" not in c:
        raise Refused("INVALID_CLAIMS", "no ver")
    if c["ver"] != 2:
        raise Refused("UNSUPPORTED_VERSION")
    if REQUIRED - set(c):
        raise Refused("INVALID_CLAIMS", "missing claim")
    try:
        for name in ("iss", "org", "key", "jti", "iat"):
            if not isinstance(c[name], str):
                raise ValueError(name)
        if not re.fullmatch(r"[\x21-\x7e]{1,200}", c["iss"]):
            raise ValueError("iss")
        for name, prefix in (("org", "org"), ("key", "hbk"), ("jti", "ins")):
            if not ID[prefix].fullmatch(c[name]):
                raise ValueError(name)
        iat = timestamp(c["iat"])
        exp = timestamp(c["exp"]) if "exp" in c else None
        if exp is not None and exp <= iat:
            raise ValueError("exp")
        eps = c["endpoints"]
        if not isinstance(eps, list) or not 1 <= len(eps) <= 8 or not all(isinstance(e, str) and endpoint_ok(e) for e in eps):
            raise ValueError("endpoints")
        pins = c["pins"] if "pins" in c else []
        if not isinstance(pins, list) or len(pins) > 8 or not all(isinstance(p, str) and PIN.fullmatch(p) for p in pins):
            raise ValueError("pins")
        platform = c.get("platform", "")
        if "platform" in c and (not isinstance(platform, str) or platform.lower() not in ("windows", "macos", "linux")):
            raise ValueError("platform")
    except (ValueError, KeyError) as e:
        raise Refused("INVALID_CLAIMS", str(e))
    if exp is not None and not now < exp:
        raise Refused("EXPIRED")
    if iat > now + skew:
        raise Refused("NOT_YET_VALID")
    out = dict(c)
    out["pins"] = pins
    return out


def check_tokens(d):
    keys = json.loads((d / "keys.json").read_text())
    for k in keys["keys"]:
        x = b64url(k["x"])
        assert key_id(x) == k["kid"], k["label"]
        assert hashlib.sha256(x).hexdigest() == k["fingerprint"], k["label"]
        assert b64url(k["seed"]) == hashlib.sha256(k["label"].encode()).digest(), k["label"]
    trusted = {}
    for jwk in keys["pinnedKeySet"]["keys"]:
        assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
        x = b64url(jwk["x"])
        assert key_id(x) == jwk["kid"]
        trusted[jwk["kid"]] = x
    p = keys["pae"]
    assert pae(*[bytes.fromhex(h) for h in p["piecesHex"]]).hex() == p["encodedHex"], "PAE"
    pin = keys["tlsPin"]
    assert b64url_encode(hashlib.sha256(bytes.fromhex(pin["spkiHex"])).digest()) == pin["pin"], "TLS pin"
    e = keys["endorsement"]
    signed = pae(b"heartbeat-key-endorsement/v1", e["kid"].encode(), b64url(e["x"]))
    assert signed.hex() == e["signedBytesHex"], "endorsement input"
    assert key_id(b64url(e["x"])) == e["kid"]
    assert ed25519_ok(trusted[e["endorsedBy"]], signed, b64url(e["sig"])), "endorsement signature"

    t = json.loads((d / "tokens.json").read_text())
    now = timestamp(t["now"])
    skew = t["allowedClockSkewSeconds"] * 10**9
    n = 0
    for v in t["vectors"]:
        try:
            claims = verify_token(v["token"], trusted, now, skew)
            verdict = ("valid", claims)
        except Refused as r:
            verdict = ("invalid", r.reason)
        if v["valid"]:
            assert verdict[0] == "valid", f"token {v['name']}: expected valid, got {verdict[1]}"
            want = v["claims"]
            got = verdict[1]
            for name in ("ver", "iss", "org", "key", "jti", "endpoints", "pins"):
                assert got.get(name) == want.get(name), f"token {v['name']}: claim {name}"
            for name in ("iat", "exp"):
                g, w = got.get(name), want.get(name)
                assert (g is None) == (w is None) and (g is None or timestamp(g) == timestamp(w)), f"token {v['name']}: {name}"
            assert (got.get("platform") or None) == want.get("platform"), f"token {v['name']}: platform"
        else:
            assert verdict[0] == "invalid", f"token {v['name']}: expected {v['reason']}, but it verified"
            assert verdict[1] in v["reason"], f"token {v['name']}: expected {v['reason']}, got {verdict[1]}"
        n += 1
    return n


# ---------------------------------------------------------------------------------------------- section 4

MAX_TOKEN = 16384
TAG_OID = "2.25.190393745108271426843812963612001263239"


class Der:
    """Just enough DER: (tag, content start, end) triples, definite lengths only."""

    @staticmethod
    def read(b, at, end):
        if at + 2 > end:
            raise Refused("BAD_SIGNATURE_BLOCK", "DER runs past its parent")
        tag, first = b[at], b[at + 1]
        at += 2
        if first < 0x80:
            length = first
        elif first in (0x81, 0x82, 0x83, 0x84):
            n = first & 0x7F
            if at + n > end:
                raise Refused("BAD_SIGNATURE_BLOCK", "DER length runs past its parent")
            length = int.from_bytes(b[at:at + n], "big")
            at += n
        else:
            raise Refused("BAD_SIGNATURE_BLOCK", "indefinite or huge DER length")
        if at + length > end:
            raise Refused("BAD_SIGNATURE_BLOCK", "DER content runs past its parent")
        return tag, at, at + length

    @staticmethod
    def children(b, start, end):
        out, at = [], start
        while at < end:
            el = Der.read(b, at, end)
            out.append(el)
            at = el[2]
        return out

    @staticmethod
    def oid(content):
        arcs, v = [], 0
        for byte in content:
            v = (v << 7) | (byte & 0x7F)
            if not byte & 0x80:
                arcs.append(v)
                v = 0
        first = arcs[0]
        head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
        return ".".join(str(a) for a in head + arcs[1:])


def pkcs7_token(b, start, end):
    """The token in a ContentInfo's SignedData certificate set (section 4.1), or None."""
    tag, cs, ce = Der.read(b, start, end)
    ci = Der.children(b, cs, ce)
    if tag != 0x30 or len(ci) != 2 or ci[0][0] != 0x06 or ci[1][0] != 0xA0:
        raise Refused("BAD_SIGNATURE_BLOCK", "not a ContentInfo")
    sd = Der.read(b, ci[1][1], ci[1][2])
    certs = [f for f in Der.children(b, sd[1], sd[2]) if f[0] == 0xA0]
    if not certs:
        raise Refused("BAD_SIGNATURE_BLOCK", "no certificate set")
    found = []
    for cert in Der.children(b, certs[0][1], certs[0][2]):
        tbs = Der.children(b, cert[1], cert[2])[0]
        for field in Der.children(b, tbs[1], tbs[2]):
            if field[0] != 0xA3:
                continue
            exts = Der.read(b, field[1], field[2])
            for ext in Der.children(b, exts[1], exts[2]):
                parts = Der.children(b, ext[1], ext[2])
                if parts[0][0] == 0x06 and Der.oid(b[parts[0][1]:parts[0][2]]) == TAG_OID:
                    value = parts[-1]
                    if value[0] != 0x04:
                        raise Refused("AMBIGUOUS_TAG", "tag extension is not an OCTET STRING")
                    found.append(b[value[1]:value[2]].decode("latin-1"))
    if len(found) > 1:
        raise Refused("AMBIGUOUS_TAG", "two tags in one signature")
    return found[0] if found else None


def read_pe(b):
    lfanew = struct.unpack_from("<I", b, 0x3C)[0]
    if lfanew < 0x40 or lfanew % 8 or lfanew + 24 > len(b) or b[lfanew:lfanew + 4] != b"PE\0\0":
        raise Refused("BAD_PE")
    opt = lfanew + 24
    magic = struct.unpack_from("<H", b, opt)[0]
    count_at, dirs = {0x10B: (opt + 92, opt + 96), 0x20B: (opt + 108, opt + 112)}[magic]
    if struct.unpack_from("<I", b, count_at)[0] < 5:
        return None
    offset, size = struct.unpack_from("<II", b, dirs + 32)
    if offset == 0 and size == 0:
        return None
    if offset % 8 or not 8 <= size <= 1 << 20:
        raise Refused("BAD_PE", "certificate table misaligned or of a size out of range")
    if offset + size > len(b):
        raise Refused("TRUNCATED", "the certificate table runs past the end of the file")
    if offset + size != len(b):
        raise Refused("BAD_PE", "certificate table is not the end of the file")
    length, revision, kind = struct.unpack_from("<IHH", b, offset)
    if revision != 0x0200 or kind != 0x0002 or (length + 7) & ~7 != size:
        raise Refused("BAD_SIGNATURE_BLOCK")
    der_end = Der.read(b, offset + 8, offset + length)[2]
    if offset + size - der_end >= 8 or any(b[der_end:offset + size]):
        raise Refused("BAD_SIGNATURE_BLOCK", "bytes after the signature")
    return pkcs7_token(b, offset + 8, der_end)


def read_msi(b):
    major, order, shift, mini_shift = struct.unpack_from("<HHHH", b, 26)
    if order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
        raise Refused("BAD_MSI", "version or sector size")
    ss = 1 << shift
    n_fat, dir_start = struct.unpack_from("<II", b, 44)
    cutoff, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from("<IIIII", b, 56)
    assert cutoff == 4096
    sectors = (len(b) - ss + ss - 1) // ss

    def sector(n):
        if not 0 <= n < sectors:
            raise Refused("BAD_MSI", "sector past the end")
        return b[(n + 1) * ss:(n + 2) * ss]

    fat_sectors = list(struct.unpack_from("<109I", b, 76))[:n_fat]
    nxt, seen = difat_start, set()
    while len(fat_sectors) < n_fat:
        if nxt in seen:
            raise Refused("BAD_MSI", "DIFAT loop")
        seen.add(nxt)
        entries = struct.unpack_from(f"<{ss // 4}I", sector(nxt))
        fat_sectors += list(entries[:-1])[:n_fat - len(fat_sectors)]
        nxt = entries[-1]
    fat = []
    for s in fat_sectors:
        fat += struct.unpack_from(f"<{ss // 4}I", sector(s))

    def chain(table, start, limit):
        out, seen_ = [], set()
        while start != 0xFFFFFFFE:
            if start >= len(table) or start in seen_ or len(out) > limit:
                raise Refused("BAD_MSI", "chain loops or points past the end")
            seen_.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(s) for s in chain(fat, dir_start, sectors))

    def entry(i):
        e = directory[i * 128:(i + 1) * 128]
        name_len = struct.unpack_from("<H", e, 64)[0]
        name = e[:max(0, name_len - 2)].decode("utf-16-le")
        left, right, child = struct.unpack_from("<III", e, 68)
        start = struct.unpack_from("<I", e, 116)[0]
        size = struct.unpack_from("<I" if major == 3 else "<Q", e, 120)[0]
        return dict(name=name, type=e[66], left=left, right=right, child=child, clsid=e[80:96], start=start, size=size)

    root = entry(0)
    assert root["type"] == 5, "entry 0 is the root"
    msi_clsids = [bytes([c, 0x10, 0x0C, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]) for c in (0x84, 0x86, 0x82)]
    if root["clsid"] not in msi_clsids:
        raise Refused("UNSUPPORTED", "not an MSI")
    todo, visited, signatures = [root["child"]], set(), []
    while todo:
        i = todo.pop()
        if i == 0xFFFFFFFF:
            continue
        if i in visited or i >= len(directory) // 128:
            raise Refused("BAD_MSI", "directory tree loops")
        visited.add(i)
        e = entry(i)
        if e["type"] == 2 and e["name"] == "\x05DigitalSignature":
            signatures.append(e)
        todo += [e["left"], e["right"]]
    if not signatures:
        raise Refused("UNSUPPORTED", "an unsigned MSI")
    if len(signatures) > 1:
        raise Refused("AMBIGUOUS_TAG", "two signature streams")
    sig = signatures[0]
    if not 2 <= sig["size"] <= 1 << 20:
        raise Refused("BAD_LENGTH")
    if sig["size"] < cutoff:
        mini_stream = b"".join(sector(s) for s in chain(fat, root["start"], sectors))[:root["size"]]
        minifat = []
        for s in chain(fat, minifat_start, n_minifat):
            minifat += struct.unpack_from(f"<{ss // 4}I", sector(s))
        data = b"".join(mini_stream[m * 64:(m + 1) * 64] for m in chain(minifat, sig["start"], sig["size"] // 64 + 1))
    else:
        data = b"".join(sector(s) for s in chain(fat, sig["start"], sig["size"] // ss + 1))
    if len(data) < sig["size"]:
        raise Refused("BAD_MSI", "signature chain shorter than its size")
    return pkcs7_token(data[:sig["size"]], 0, sig["size"])


def read_ar(b):
    at, found, members = 8, None, 0
    while at < len(b):
        members += 1
        if members > 1024:
            raise Refused("UNSUPPORTED", "more than 1,024 members")
        if at + 60 > len(b):
            raise Refused("TRUNCATED")
        h = b[at:at + 60]
        if h[58:60] != b"`\n":
            raise Refused("BAD_LENGTH", "ar header")
        name = h[0:16].decode("ascii").strip()
        if not re.fullmatch(rb" *[0-9]+ *", h[48:58]):
            raise Refused("BAD_LENGTH", "ar member size is not a number")
        size = int(h[48:58])
        if at + 60 + size > len(b):
            raise Refused("BAD_LENGTH", "ar member past the end")
        if found is not None:
            raise Refused("AMBIGUOUS_TAG", "members after the tag member")
        if name in ("_heartbeat_tag", "_heartbeat_tag/"):
            if not 1 <= size <= MAX_TOKEN:
                raise Refused("BAD_TOKEN", "the tag member's size")
            found = b[at + 60:at + 60 + size].decode("latin-1")
        at += 60 + size + size % 2
    return found


ZIP_MARKER = b"\n#heartbeatrm-enrollment-token:v1:"


def find_zip_comment(b):
    """The EOCD comment, or None when the file is no ZIP."""
    window = min(len(b), 22 + 0xFFFF)
    base = len(b) - window
    hits = [p for p in range(len(b) - 22, base - 1, -1)
            if b[p:p + 4] == b"PK\x05\x06" and p + 22 + struct.unpack_from("<H", b, p + 20)[0] == len(b)]
    if len(hits) > 1:
        raise Refused("BAD_ZIP", "two end records reach the end")
    if not hits:
        if b[:4] == b"PK\x03\x04" and b"PK\x05\x06" in b[base:]:
            raise Refused("BAD_ZIP", "the comment length does not reach the end of the file")
        return None
    return b[hits[0] + 22:]


def zip_token(comment):
    if ZIP_MARKER not in comment:
        return None
    if comment.count(ZIP_MARKER) > 1:
        raise Refused("AMBIGUOUS_TAG")
    at = comment.rindex(ZIP_MARKER)
    if not comment.endswith(b"#") or len(comment) < at + len(ZIP_MARKER) + 1:
        raise Refused("BAD_ZIP", "the tag does not end the comment")
    return comment[at + len(ZIP_MARKER):-1].decode("latin-1")


def read_trailer(b, end):
    if end < 48:
        return None
    f = b[end - 48:end]
    if f[:7] != b"HBRMTAG" or f[44:48] != b"HBRM":
        return None
    if f[7] != 1:
        raise Refused("BAD_FOOTER", "version")
    length = struct.unpack_from(">I", f, 8)[0]
    if not 1 <= length <= MAX_TOKEN:
        raise Refused("BAD_LENGTH")
    if length > end - 48:
        raise Refused("TRUNCATED", "the token would start before the file")
    token = b[end - 48 - length:end - 48]
    if hashlib.sha256(token).digest() != f[12:44]:
        raise Refused("BAD_FOOTER", "SHA-256")
    return end - 48 - length, token.decode("latin-1")


SCRIPT_LINE = re.compile(rb"# heartbeat-enrollment-token: (v4\.public\.[A-Za-z0-9_.-]+)\r?\n")


def read_script(b):
    if not b.endswith(b"\n"):
        return None
    start = b.rfind(b"\n", 0, len(b) - 1) + 1
    m = SCRIPT_LINE.fullmatch(b[start:])
    return m.group(1).decode("ascii") if m else None


def read_tag(b):
    """(format, token); Refused for a file that must be refused or carries no tag."""
    if b[:2] == b"MZ" and len(b) >= 0x40:
        t = read_pe(b)
        if t is not None:
            return "PE_AUTHENTICODE", t
        # an unsigned PE is read as "anything else" below
    if b[:8] == bytes.fromhex("d0cf11e0a1b11ae1"):
        t = read_msi(b)
        if t is None:
            raise Refused("NO_TAG", "a signed MSI without a tag")
        return "MSI_AUTHENTICODE", t
    if b[:8] == b"!<arch>\n":
        t = read_ar(b)
        if t is None:
            raise Refused("NO_TAG")
        return "AR", t
    found = []
    trailer = read_trailer(b, len(b))
    comment = find_zip_comment(b)
    if comment is not None and trailer is not None and ZIP_MARKER in comment:
        raise Refused("AMBIGUOUS_TAG", "a token in the ZIP comment and a footer")
    token = zip_token(comment) if comment is not None else None
    if token is not None:
        found.append(("ZIP", token))
    if trailer is not None:
        if read_trailer(b, trailer[0]) is not None:
            raise Refused("AMBIGUOUS_TAG", "two stacked footers")
        found.append(("TRAILER", trailer[1]))
    script = read_script(b)
    if script is not None:
        found.append(("SCRIPT", script))
    if len(found) > 1:
        raise Refused("AMBIGUOUS_TAG")
    if not found:
        raise Refused("NO_TAG")
    return found[0]


def token_text(found):
    """Section 4: what a tag holds must be 1 to 16,384 printable ASCII characters (0x21-0x7e), else BAD_TOKEN."""
    fmt, text = found
    if not re.fullmatch(r"[\x21-\x7e]{1,16384}", text):
        raise Refused("BAD_TOKEN")
    return fmt, text


def check_tags(d):
    listing = json.loads((d / "tags.json").read_text())
    token = (d / "tags" / "token.txt").read_text().strip()
    n = 0
    for v in listing["vectors"]:
        b = (d / "tags" / v["file"]).read_bytes()
        want = v["expect"]
        try:
            got = token_text(read_tag(b))
        except Refused as r:
            got = ("error", r.reason)
        if want == "none":
            assert got == ("error", "NO_TAG"), f"tag {v['file']}: expected no tag, got {got}"
        elif want.startswith("error:"):
            assert got == ("error", want[len("error:"):]), f"tag {v['file']}: expected {want}, got {got}"
        else:
            assert got == (want, token), f"tag {v['file']}: expected {want} with the full token, got {got[0]}"
        n += 1
    return n


# ---------------------------------------------------------------------------------------------- sections 6, 7

class BadRequest(Exception):
    def __init__(self, problem, field=None):
        super().__init__(problem, field)
        self.problem, self.field = problem, field


def member(m, name, kind, prefix=""):
    if name not in m or m[name] is None:
        raise BadRequest("MISSING_FIELD", prefix + name)
    v = m[name]
    if (kind is int and not is_int(v)) or (kind is not int and not isinstance(v, kind)):
        raise BadRequest("WRONG_TYPE", prefix + name)
    return v


def raw_bytes(m, name, low, high):
    text = member(m, name, str)
    try:
        raw = b64url(text)
    except Refused:
        raise BadRequest("INVALID_VALUE", name)
    if not low <= len(raw) <= high:
        raise BadRequest("INVALID_VALUE", name)
    return raw


def parse_request(kind, body):
    if len(body) > 32768:
        raise BadRequest("OVERSIZED")  # answered request_too_large (413)
    try:
        m = strict_json(body)
    except Duplicate:
        raise BadRequest("DUPLICATE_FIELD")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("NOT_JSON")
    allowed = ({"v", "token", "publicKey", "keyAlgorithm", "facts", "nonce", "timestamp", "proof"} if kind == "enroll"
               else {"v", "agentId", "organizationId", "publicKey", "keyAlgorithm", "credential", "nonce", "timestamp", "proof"})
    for name in m:
        if name not in allowed:
            raise BadRequest("UNKNOWN_FIELD", name)
    if member(m, "v", int) != 1:
        raise BadRequest("UNSUPPORTED_VERSION", "v")
    if kind == "enroll":
        token = member(m, "token", str)
        if not token.startswith("v4.public.") or len(token) > 16384:
            raise BadRequest("INVALID_VALUE", "token")
        algorithm, public_key = agent_key(m)
        facts = member(m, "facts", dict)
        for name in facts:
            if name not in ("hostname", "platform", "osVersion", "agentVersion", "machineFingerprint"):
                raise BadRequest("UNKNOWN_FIELD", "facts." + name)
        hostname = member(facts, "hostname", str, "facts.")
        platform = member(facts, "platform", str, "facts.")
        os_version = member(facts, "osVersion", str, "facts.")
        agent_version = member(facts, "agentVersion", str, "facts.")
        fingerprint = facts.get("machineFingerprint")
        if fingerprint is not None and not isinstance(fingerprint, str):
            raise BadRequest("WRONG_TYPE", "facts.machineFingerprint")
        rules = [("hostname", hostname, r"[A-Za-z0-9._-]{1,253}"), ("platform", platform.lower(), r"windows|macos|linux"),
                 ("osVersion", os_version, r"[\x20-\x7e]{1,100}"), ("agentVersion", agent_version, r"[\x20-\x7e]{1,100}")]
        if fingerprint is not None:
            rules.append(("machineFingerprint", fingerprint, r"[A-Za-z0-9_.:-]{1,128}"))
        for name, value, rule in rules:
            if not re.fullmatch(rule, value):
                raise BadRequest("INVALID_VALUE", "facts." + name)
        pieces = [token, m["publicKey"], hostname, platform, os_version, agent_version, fingerprint or ""]
        purpose = b"heartbeat-enrollment-request/v1"
    else:
        agent = member(m, "agentId", str)
        if not ID["agt"].fullmatch(agent):
            raise BadRequest("INVALID_VALUE", "agentId")
        org = member(m, "organizationId", str)
        if not ID["org"].fullmatch(org):
            raise BadRequest("INVALID_VALUE", "organizationId")
        algorithm, public_key = agent_key(m)
        credential = m.get("credential")
        if credential is not None and (not isinstance(credential, str) or not credential.startswith("v4.public.")):
            raise BadRequest("INVALID_VALUE", "credential")
        pieces = [agent, org, m["publicKey"], credential or ""]
        purpose = b"heartbeat-renewal-request/v1"
    raw_bytes(m, "nonce", 16, 64)
    ts = member(m, "timestamp", str)
    try:
        at = timestamp(ts)
    except ValueError:
        raise BadRequest("INVALID_VALUE", "timestamp")
    proof = raw_bytes(m, "proof", 64, 64)
    signed = pae(purpose, *[p.encode("utf-8") for p in pieces + [m["nonce"], ts] + ([] if algorithm == "ed25519" else [algorithm])])
    return signed, agent_signature_ok(algorithm, public_key, signed, proof), at


def agent_key(m):
    """keyAlgorithm (absent or null: ed25519) and the public key in its fixed encoding (sections 6 and 7)."""
    algorithm = m.get("keyAlgorithm")
    if algorithm is None:
        algorithm = "ed25519"
    elif not isinstance(algorithm, str):
        raise BadRequest("WRONG_TYPE", "keyAlgorithm")
    elif algorithm not in ("ed25519", "ecdsa-p256"):
        raise BadRequest("INVALID_VALUE", "keyAlgorithm")
    length = 32 if algorithm == "ed25519" else 65
    public_key = raw_bytes(m, "publicKey", length, length)
    if algorithm == "ecdsa-p256" and p256_key(public_key) is None:
        raise BadRequest("INVALID_VALUE", "publicKey")
    return algorithm, public_key


def check_requests(d):
    n = 0
    vectors = json.loads((d / "requests.json").read_text())["vectors"] + json.loads((d / "requests-p256.json").read_text())["vectors"]
    for v in vectors:
        try:
            body = bytes.fromhex(v["bodyHex"]) if "bodyHex" in v else v["body"].encode("utf-8")
            signed, ok, at = parse_request(v["kind"], body)
            got = ("proof_verifies" if ok else "bad_proof", None, None)
            if "proofInputHex" in v:
                assert signed.hex() == v["proofInputHex"], f"request {v['name']}: proof input"
            if "instant" in v:
                assert at == timestamp(v["instant"]), f"request {v['name']}: the instant is {instant_text(at)}"
        except BadRequest as e:
            got = ("invalid_request", e.problem, e.field)
        want = (v["verdict"], v.get("problem"), v.get("field"))
        assert got == want, f"request {v['name']}: expected {want}, got {got}"
        n += 1
    return n


# ---------------------------------------------------------------------------------------------- section 8

REASONS = {"invalid_request": 400, "request_too_large": 413, "invalid_installer": 403, "installer_expired": 403,
           "installer_revoked": 403, "installer_used": 403, "key_not_found": 403, "key_disabled": 403, "key_expired": 403, "key_exhausted": 403,
           "network_not_allowed": 403, "platform_not_allowed": 403, "rejected": 403, "clock_skew": 403, "throttled": 429,
           "agent_not_found": 403, "agent_disabled": 403, "agent_locked": 403, "pending_expired": 403, "not_found": 404,
           "method_not_allowed": 405, "unavailable": 503, "internal_error": 500}
CREDENTIAL_ASSERTION = b"heartbeat-agent-credential/v1"
PLACEMENT = {"v", "status", "agentId", "organizationId", "organization", "group"}


class Answer(Exception):
    """The agent refuses the answer: outcome is malformed or bad_credential."""

    def __init__(self, outcome, detail):
        super().__init__(f"{outcome}: {detail}")
        self.outcome = outcome


def text_ok(t, most):
    units = len(t.encode("utf-16-le")) // 2 if isinstance(t, str) else 0
    return 1 <= units <= most and not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", t)


def parse_answer(http_status, body):
    """Section 8: (status, members); Answer("malformed") for a body an agent must refuse whatever it asked."""
    def malformed(detail):
        return Answer("malformed", detail)
    if len(body) > 32768:
        raise malformed("over 32,768 bytes")
    try:
        m = strict_json(body)
    except (ValueError, Duplicate, UnicodeDecodeError) as e:
        raise malformed(f"not one strict JSON object: {e!r}")
    m = {k: x for k, x in m.items() if x is not None}  # a null member is absent
    if not is_int(m.get("v")) or m["v"] != 1:
        raise malformed("v is not 1")
    status = m.get("status")
    if status in ("enrolled", "renewed", "pending"):
        allowed = PLACEMENT | ({"credential", "credentialExpiresAt", "generation", "issuerKeys", "tlsPins"} if status != "pending" else set())
        if set(m) - allowed:
            raise malformed("unknown member")
        if http_status != (202 if status == "pending" else 200):
            raise malformed("HTTP status disagrees")
        if not isinstance(m.get("agentId"), str) or not ID["agt"].fullmatch(m["agentId"]):
            raise malformed("agentId")
        if not isinstance(m.get("organizationId"), str) or not ID["org"].fullmatch(m["organizationId"]):
            raise malformed("organizationId")
        if not text_ok(m.get("organization"), 200) or not text_ok(m.get("group"), 4096):
            raise malformed("organization or group is not a printable text")
        if status == "pending":
            return status, m
        if not isinstance(m.get("credential"), str):
            raise malformed("credential")
        try:
            m["credentialExpiresAt"] = timestamp(m.get("credentialExpiresAt"))
        except ValueError:
            raise malformed("credentialExpiresAt")
        if not is_int(m.get("generation")) or m["generation"] < 1:
            raise malformed("generation")
        endorsements = m.get("issuerKeys", [])
        if not isinstance(endorsements, list) or len(endorsements) > 8:
            raise malformed("issuerKeys")
        for e in endorsements:
            try:
                x, sig = endorsement_entry(e)
            except Refused:
                raise malformed("an issuerKeys entry is not base64url")
            except ValueError:
                raise malformed("an issuerKeys entry")
            if key_id(x) != e["kid"] or len(sig) != 64 or not re.fullmatch(r"hbs_[A-Za-z0-9_-]{22}", e["endorsedBy"]) \
                    or e["endorsedBy"] == e["kid"]:
                raise malformed("an issuerKeys entry")
        pins = m.get("tlsPins", [])
        if not isinstance(pins, list) or len(pins) > 8 or not all(isinstance(p, str) and PIN.fullmatch(p) for p in pins):
            raise malformed("tlsPins")
        return status, m
    if status == "denied":
        if set(m) - {"v", "status", "reason", "message", "retryAfter"}:
            raise malformed("unknown member")
        reason = m.get("reason")
        if not isinstance(reason, str):
            raise malformed("reason")
        if reason not in REASONS:
            reason = "unknown"
            if not 400 <= http_status <= 599:
                raise malformed("an unknown reason with a status that is not 4xx or 5xx")
        elif http_status != REASONS[reason]:
            raise malformed("HTTP status disagrees")
        if not text_ok(m.get("message"), 200):
            raise malformed("message")
        retry = m.get("retryAfter", 0)
        if not is_int(retry) or not 0 <= retry <= 86400:
            raise malformed("retryAfter")
        m["reason"] = reason
        return status, m
    raise malformed("unknown status")


def verify_credential(credential, trusted):
    """Section 9: the claims of a credential signed by a trusted key; Answer("bad_credential") otherwise."""
    def bad(detail):
        return Answer("bad_credential", detail)
    parts = credential.split(".") if credential.startswith("v4.public.") else []
    if len(parts) != 4 or len(credential) > 16384:
        raise bad("not a v4.public PASETO with a footer")
    try:
        body, footer = b64url(parts[2]), b64url(parts[3])
        f = strict_json(footer)
    except (Refused, ValueError, Duplicate, UnicodeDecodeError):
        raise bad("encoding or footer")
    if len(body) < 64 or set(f) != {"kid"} or not isinstance(f["kid"], str):
        raise bad("payload or footer")
    if f["kid"] not in trusted:
        raise bad("signed by a key the agent does not trust")
    m, sig = body[:-64], body[-64:]
    if not issuer_sig_ok(trusted[f["kid"]], pae(b"v4.public.", m, footer, CREDENTIAL_ASSERTION), sig):
        raise bad("the signature does not verify as a credential")
    try:
        c = strict_json(m)
    except (ValueError, Duplicate, UnicodeDecodeError):
        raise bad("claims")
    if set(c) != {"ver", "iss", "org", "agt", "grp", "fp", "gen", "iat", "exp"} or c["ver"] != 2 or not is_int(c["gen"]) or c["gen"] < 1:
        raise bad("claims")
    try:
        c["iat"], c["exp"] = timestamp(c["iat"]), timestamp(c["exp"])
    except ValueError:
        raise bad("iat or exp")
    if c["exp"] <= c["iat"] or not re.fullmatch(r"[0-9a-f]{64}", c["fp"]) or not ID["grp"].fullmatch(c["grp"]):
        raise bad("claims")
    return c


def read_answer(http_status, body, context, pinned):
    """What an agent in `context` makes of an answer: the outcome (and reason), after every check of section 8.2."""
    try:
        status, m = parse_answer(http_status, body)
        if status == "denied":
            return "denied", m["reason"]
        renewing = context["request"] == "renew"
        held = context.get("generationHeld", 0)
        if status == ("renewed" if not renewing else "enrolled"):
            raise Answer("malformed", f"{status} does not answer a {context['request']} request")
        if status == "pending" and renewing and held > 0:
            raise Answer("malformed", "pending for an agent that holds a credential")
        if m["organizationId"] != context["organizationId"]:
            raise Answer("malformed", "the placement names another organization")
        if renewing and m["agentId"] != context["agentId"]:
            raise Answer("malformed", "the placement names another agent")
        if status == "pending":
            return status, None
        trusted = dict(pinned)
        for k in context.get("learnedKeys", []):
            trusted.setdefault(k["kid"], b64url(k["x"]))
        grew = True
        while grew:  # endorsements may chain
            grew = False
            for e in m.get("issuerKeys", []):
                x, sig = endorsement_entry(e)
                signed = pae(b"heartbeat-key-endorsement/v1", e["kid"].encode(), x)
                if e["kid"] not in trusted and e["endorsedBy"] in trusted and issuer_sig_ok(trusted[e["endorsedBy"]], signed, sig):
                    trusted[e["kid"]] = x
                    grew = True
        c = verify_credential(m["credential"], trusted)
        agent_key = b64url(context["agentPublicKey"])
        checks = [(c["iss"] == context["issuer"], "another issuer"), (c["org"] == context["organizationId"], "another organization"),
                  (c["agt"] == m["agentId"], "another agent"), (c["fp"] == hashlib.sha256(agent_key).hexdigest(), "another agent key"),
                  (c["gen"] == m["generation"], "another generation than the answer"),
                  (c["exp"] == m["credentialExpiresAt"], "another expiry than the answer"),
                  (c["gen"] > held, "a generation not newer than the one held")]
        for ok, what in checks:
            if not ok:
                raise Answer("bad_credential", "the credential names " + what)
        return status, None
    except Answer as a:
        return a.outcome, None


def endorsement_entry(e):
    """An issuerKeys entry (section 8.2): exactly kid, x, endorsedBy, sig (Ed25519), or kid, crv "P-256", x, y, endorsedBy,
    sig (P-256). Returns the endorsed key's raw form (32 bytes, or the point 04 || x || y) and the signature."""
    ed = {"kid", "x", "endorsedBy", "sig"}
    if not isinstance(e, dict) or set(e) not in (ed, ed | {"crv", "y"}) or not all(isinstance(v, str) for v in e.values()):
        raise ValueError("members")
    x, sig = b64url(e["x"]), b64url(e["sig"])
    if "crv" in e:
        y = b64url(e["y"])
        if e["crv"] != "P-256" or len(x) != 32 or len(y) != 32:
            raise ValueError("crv")
        x = b"\x04" + x + y
        if p256_key(x) is None:
            raise ValueError("not a point on P-256")
    elif len(x) != 32:
        raise ValueError("x")
    return x, sig


def pinned_key(jwk):
    """A JWK of a pinned key set (section 2): Ed25519, or P-256 for an issuer key on a token."""
    if jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "y" not in jwk:
        x = b64url(jwk["x"])
        assert len(x) == 32
    else:
        assert jwk["kty"] == "EC" and jwk["crv"] == "P-256", "only Ed25519 and P-256 keys can be pinned"
        x = b"\x04" + b64url(jwk["x"]) + b64url(jwk["y"])
        assert p256_key(x) is not None, "not a point on P-256"
    assert key_id(x) == jwk["kid"], "kid does not match its key"
    return x


def check_es256(d):
    """es256.json: issuer keys on a token (section 2), tokens they signed and endorsements across algorithms."""
    v = json.loads((d / "es256.json").read_text())
    k = v["key"]
    point = b64url(k["point"])
    assert key_id(point) == k["kid"] and pinned_key(k["jwk"]) == point, "P-256 kid"
    pem = serialization.load_pem_public_key(k["pem"].encode())
    assert pem.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint) == point, "PEM"
    trusted = {jwk["kid"]: pinned_key(jwk) for jwk in v["pinnedKeySet"]["keys"]}
    now, skew = timestamp(v["now"]), v["allowedClockSkewSeconds"] * 10**9
    n = 0
    for t in v["tokens"]:
        try:
            claims, reason = verify_token(t["token"], trusted, now, skew), None
        except Refused as r:
            claims, reason = None, r.reason
        if t["valid"]:
            assert reason is None and claims == t["claims"], f"es256 token {t['name']}: {reason}"
        else:
            assert reason in t["reasons"], f"es256 token {t['name']}: got {reason}, expected {t['reasons']}"
        n += 1
    keys = json.loads((d / "keys.json").read_text())
    trusted.update({kk["kid"]: b64url(kk["x"]) for kk in keys["keys"]})
    for e in v["endorsements"]:
        x, sig = endorsement_entry(e["entry"])
        signed = pae(b"heartbeat-key-endorsement/v1", e["entry"]["kid"].encode(), x)
        assert signed.hex() == e["signedBytesHex"], f"endorsement {e['name']}: input"
        assert key_id(x) == e["entry"]["kid"]
        ok = issuer_sig_ok(trusted[e["entry"]["endorsedBy"]], signed, sig)
        assert ok == e["valid"], f"endorsement {e['name']}: expected valid={e['valid']}"
        n += 1
    return n


def check_responses(d):
    keys = json.loads((d / "keys.json").read_text())
    pinned = {k["kid"]: b64url(k["x"]) for k in keys["pinnedKeySet"]["keys"]}
    n = 0
    for v in json.loads((d / "responses.json").read_text())["vectors"]:
        got = read_answer(v["httpStatus"], v["body"].encode("utf-8"), v["context"], pinned)
        want = (v["outcome"], v.get("reason"))
        assert got == want, f"response {v['name']}: expected {want}, got {got}"
        n += 1
    return n


# ---------------------------------------------------------------------------------------------- section 10

def due_at(agent_id, generation, iat, exp):
    """The Java agent's renewal time, in nanoseconds: iat + 2/3 of the lifetime - a jitter of up to a tenth of it."""
    life = (exp - iat) // 10**6  # whole milliseconds
    bits = int.from_bytes(hashlib.sha256(f"{agent_id}:{generation}".encode("ascii")).digest()[:8], "big")
    u = (bits >> 11) / 2.0**53
    return iat + (life * 2 // 3 - int(life / 10.0 * u)) * 10**6


def check_renewal_timing(d):
    n = 0
    for v in json.loads((d / "renewal-timing.json").read_text())["vectors"]:
        now = timestamp(v["now"])
        if v["status"] == "pending" or v.get("renewalUnanswered"):
            due = True
        else:
            at = due_at(v["agentId"], v["generation"], timestamp(v["credentialIssuedAt"]), timestamp(v["credentialExpiresAt"]))
            assert at == timestamp(v["dueAt"]), f"timing {v['name']}: due at {instant_text(at)}, not {v['dueAt']}"
            due = now >= at
        assert due == v["due"], f"timing {v['name']}: expected due={v['due']}"
        n += 1
    return n


def tpm2b(b, at):
    n = int.from_bytes(b[at:at + 2], "big")
    assert at + 2 + n <= len(b), "TPM2B overruns its structure"
    return b[at + 2:at + 2 + n], at + 2 + n


def tpm_public(area):
    """(type, attributes, SEC1 point or None) of a TPMT_PUBLIC; ECC points only, the rest is skipped."""
    kind, _name_alg, attributes = struct.unpack(">HHI", area[:8])
    _policy, at = tpm2b(area, 8)
    if kind != 0x0023:
        return kind, attributes, None
    sym = int.from_bytes(area[at:at + 2], "big")
    at += 2 + (4 if sym != 0x0010 else 0)
    scheme = int.from_bytes(area[at:at + 2], "big")
    at += 2 + (2 if scheme != 0x0010 else 0)
    curve = int.from_bytes(area[at:at + 2], "big")
    kdf = int.from_bytes(area[at + 2:at + 4], "big")
    at += 4 + (2 if kdf != 0x0010 else 0)
    x, at = tpm2b(area, at)
    y, at = tpm2b(area, at)
    assert at == len(area) and curve == 0x0003, "not one NIST P-256 TPMT_PUBLIC"
    return kind, attributes, b"\x04" + x.rjust(32, b"\0") + y.rjust(32, b"\0")


def check_attested(d):
    """docs/testdata/tpm/attested-enrollment.json, made by tpm2-tools: protocol.md section 6.1."""
    v = json.loads((d / "tpm" / "attested-enrollment.json").read_text())
    cr = strict_json(v["challengeRequest"].encode())
    assert set(cr) <= {"v", "token", "ekCertificate", "ekPublic", "akPublic"} and len(v["challengeRequest"]) <= 16384
    ak_kind, ak_attrs, ak_point = tpm_public(b64url(cr["akPublic"]))
    fixed_tpm, fixed_parent, restricted, decrypt, sign = 0x2, 0x10, 0x10000, 0x20000, 0x40000
    assert ak_point is not None and ak_attrs & (fixed_tpm | fixed_parent | restricted | sign) == fixed_tpm | fixed_parent | restricted | sign
    assert not ak_attrs & decrypt, "the AK must not decrypt"
    assert b"\x00\x0b" + hashlib.sha256(b64url(cr["akPublic"])).digest() == b64url(v["akName"]), "name(AK)"
    ch = strict_json(v["challenge"].encode())
    assert set(ch) == {"v", "challengeId", "credentialBlob", "encryptedSecret", "nonce", "expiresAt"}
    assert len(b64url(ch["nonce"])) == 32 and timestamp(ch["expiresAt"])
    body = strict_json(v["enrollRequest"].encode())
    a = body["attestation"]
    assert set(a) == {"challengeId", "credential", "certifyInfo", "signature", "keyPublic"} and a["challengeId"] == ch["challengeId"]
    assert body["keyAlgorithm"] == "ecdsa-p256"
    pieces = [body["token"], body["publicKey"], body["facts"]["hostname"], body["facts"]["platform"], body["facts"]["osVersion"],
              body["facts"]["agentVersion"], body["facts"].get("machineFingerprint") or "", body["nonce"], body["timestamp"],
              "ecdsa-p256", a["challengeId"], a["credential"], a["certifyInfo"], a["signature"], a["keyPublic"]]
    signed = pae(b"heartbeat-enrollment-request/v1", *[p.encode("utf-8") for p in pieces])
    public_key = b64url(body["publicKey"])
    assert agent_signature_ok("ecdsa-p256", public_key, signed, b64url(body["proof"])) == v["expect"]["proofVerifies"], "proof"
    assert (b64url(a["credential"]) == b64url(v["credentialSecret"])) == v["expect"]["credentialMatches"], "credential"
    key_area = b64url(a["keyPublic"])
    _kind, key_attrs, key_point = tpm_public(key_area)
    assert key_point == public_key, "keyPublic's point is the request's publicKey"
    assert key_attrs & (fixed_tpm | fixed_parent | sign) == fixed_tpm | fixed_parent | sign and not key_attrs & restricted
    attest = b64url(a["certifyInfo"])
    assert attest[:6] == bytes.fromhex("ff5443478017"), "TPM_GENERATED_VALUE, TPM_ST_ATTEST_CERTIFY"
    _signer, at = tpm2b(attest, 6)
    extra, at = tpm2b(attest, at)
    at += 17 + 8  # clockInfo, firmwareVersion
    certified_name, at = tpm2b(attest, at)
    _qualified, at = tpm2b(attest, at)
    assert at == len(attest), "trailing bytes in TPMS_ATTEST"
    assert (certified_name == b"\x00\x0b" + hashlib.sha256(key_area).digest()) == v["expect"]["certifiesKeyPublic"]
    sig = b64url(a["signature"])
    assert sig[:4] == bytes.fromhex("0018000b"), "ECDSA with SHA-256"
    r, at = tpm2b(sig, 4)
    s_, at = tpm2b(sig, at)
    assert at == len(sig)
    p256_key(ak_point).verify(encode_dss_signature(int.from_bytes(r, "big"), int.from_bytes(s_, "big")), attest,
                              ec.ECDSA(hashes.SHA256()))
    assert extra.hex() == v["expect"]["extraData"] and (extra == b64url(ch["nonce"])) == v["expect"]["nonceMatches"]
    return 1


def main():
    d = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    try:
        tokens, tags, requests = check_tokens(d), check_tags(d), check_requests(d)
        responses, timings = check_responses(d), check_renewal_timing(d)
        es256 = check_es256(d)
        attested = check_attested(d)
    except AssertionError as e:
        print(f"check.py: FAILED: {e}", file=sys.stderr)
        return 1
    print(f"check.py: {tokens} token, {tags} tag, {requests} request, {responses} response, {timings} renewal-timing and "
          f"{es256} ES256 issuer-key and {attested} TPM-attested enrollment vectors agree with docs/protocol.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
