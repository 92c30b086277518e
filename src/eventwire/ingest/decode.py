"""Bytes -> text: binary detection and encoding detection (charset-normalizer)."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from eventwire.errors import Errors, InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w\-:.]+)""", re.IGNORECASE)
# Control bytes that do not occur in text (tab, LF, FF, CR and ESC excepted).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KiB, not explained by a UTF-16/32 BOM."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(head.count(bytes([c])) for c in _CONTROL)
    return bool(head) and ctrl / len(head) > 0.05


def decode_bytes(data: bytes, source: str, *, html: bool = False) -> str:
    """Decode input bytes: UTF-8 (with or without BOM) first, then a declared HTML charset,
    then charset-normalizer's best guess. Raises InputError when it is not text."""
    if looks_binary(data):
        raise InputError(Errors.E103, source=source)
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if html:
        m = _META_CHARSET.search(data[:4096])
        if m:
            enc = m.group(1).decode("ascii", "replace")
            try:
                return data.decode(enc)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall through to detection
    western = _plausible_cp1252(data)
    if western is not None:
        return western
    matches = from_bytes(data)
    best = matches.best()
    if best is None or (len(data) >= 200 and best.coherence == 0.0 and not _mostly_ascii(data)):
        # no encoding at all, or only ones that give text in no known language
        raise InputError(Errors.E104, source=source)
    # Short Western texts tie between several single-byte code pages; the web's most common
    # one (cp1252, a superset of Latin-1) is the better guess then.
    for m in matches:
        if m.encoding in _WESTERN and m.chaos <= best.chaos and m.coherence >= best.coherence - 0.01:
            return str(m)
    return str(best)


_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _plausible_char(ch: str) -> bool:
    o = ord(ch)
    # Latin letters with diacritics, and the typographic punctuation cp1252 adds (quotes, dashes, euro)
    return (0xC0 <= o <= 0x17F and ch.isalpha()) or 0x2010 <= o <= 0x2026 or ch in "\u20ac\u00a0\u00b0\u00a3\u00a9"


def _plausible_cp1252(data: bytes) -> str | None:
    """cp1252 text when every non-ASCII character it gives is a Latin letter or typographic mark.

    charset-normalizer ranks code pages by language statistics, which mislead on short
    texts ("Caf\xe9 in Z\xfcrich" came out as Baltic cp775); cp1252 is the legacy encoding
    of most Western news, and a decode that yields only plausible characters is strong evidence.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [ch for ch in text if ord(ch) > 127]
    letters = sum(1 for ch in text if ch.isalpha())
    # Western languages use diacritics sparingly; a text of mostly accented "letters" is
    # another script (Cyrillic cp1251, Greek cp1253...) seen through the wrong code page
    if non_ascii and len(non_ascii) <= 0.25 * max(letters, 1) and all(_plausible_char(ch) for ch in non_ascii):
        return text
    return None


def _mostly_ascii(data: bytes) -> bool:
    return sum(1 for b in data if b < 128) / max(len(data), 1) > 0.9


__all__ = ["decode_bytes", "looks_binary"]
