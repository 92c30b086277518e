"""Files that are lists of URLs (one http(s) URL a line), told apart from article text."""

from __future__ import annotations

import re

_URL_LINE = re.compile(rb"^\s*https?://\S+\s*$")


def url_lines(data: bytes) -> list[str] | None:
    """The URLs of a file that is a list of http(s) URLs, one a line ('#' comment lines allowed),
    else None."""
    lines = [ln for ln in data.splitlines() if ln.strip() and not ln.lstrip().startswith(b"#")]
    if not lines or not all(_URL_LINE.match(ln) for ln in lines):
        return None
    return [ln.strip().decode("utf-8", "replace") for ln in lines]


__all__ = ["url_lines"]
