"""The encodings the vector scripts share (docs/protocol.md): unpadded base64url and PASETO's pre-authentication
encoding. Standard library only, so the TPM scripts stay free of third-party packages."""
import base64
import struct


def b64(raw):
    """Unpadded base64url of `raw`."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pae(*pieces):
    """PASETO PAE: the count of pieces, then each piece after its length, all lengths 64-bit little-endian."""
    out = struct.pack("<Q", len(pieces))
    for p in pieces:
        out += struct.pack("<Q", len(p)) + p
    return out
