"""Mask stage: credentials inside base64 values (user_data, custom_data, *_base64, encoded PEM blocks).

A value is decoded only when it looks like base64 (a run of 40+ base64 characters, not all hex) and
decodes to readable text; that text is searched like any other string, and the encoded run is masked whole.
"""

from __future__ import annotations

import base64
import binascii
import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.credentials import find_in_text

PEM = lazy_compile(r"LS0tLS1CRUdJTi[A-Za-z0-9+/\r\n]*={0,2}")
RUN = lazy_compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=_-])")
HEX = lazy_compile(r"[0-9a-fA-F]+")
MIN_PRINTABLE = 0.95
MAX_DEPTH = 2  # base64 inside decoded base64 (a cloud-init part holding an encoded script), no deeper


def find_encoded(text: str, depth: int = 0) -> list[tuple[str, str]]:
    """(kind, base64 text) for each base64 run in TEXT whose decoded text holds a credential."""
    found: list[tuple[str, str]] = []
    for match in PEM.finditer(text):
        encoded = match.group(0).rstrip()
        decoded = _decoded(re.sub(r"\s", "", encoded))
        if decoded and any(kind == "private-key" for kind, _ in find_in_text(decoded)):
            found.append(("private-key", encoded))
    for match in RUN.finditer(text):
        encoded = match.group(0)
        if HEX.fullmatch(encoded) or any(encoded in seen for _, seen in found):
            continue
        decoded = _decoded(encoded)
        if not decoded:
            continue
        kinds = [kind for kind, _ in find_in_text(decoded)]
        if not kinds and depth < MAX_DEPTH:
            kinds = [kind for kind, _ in find_encoded(decoded, depth + 1)]
        found += [(kind, encoded) for kind in dict.fromkeys(kinds)]
    return found


def _decoded(encoded: str) -> str | None:
    """ENCODED decoded to text, or None when it is not base64 of (mostly) printable UTF-8."""
    try:
        raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    printable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    return text if text and printable >= MIN_PRINTABLE * len(text) else None


def decoded_text(value: str) -> str | None:
    """VALUE decoded when the whole of it is base64 of readable text (a boot script), else None."""
    compact = re.sub(r"\s", "", value)
    if len(compact) < 16 or HEX.fullmatch(compact) or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", compact):
        return None
    return _decoded(compact)
