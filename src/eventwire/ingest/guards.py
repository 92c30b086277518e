"""Guards every record reader shares: JSON without lone surrogates, and a bounded quarantine per file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from eventwire.errors import Errors, input_failure
from eventwire.model import Article, InputFailure

_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def loads(text: str) -> Any:
    """``json.loads``, with the lone surrogates JSON's escapes allow (a "\\ud800" alone) made U+FFFD: Python keeps
    them in its strings, but they are not text, and no store or file encoding takes them."""
    value = json.loads(text)
    return _scrub(value) if "\\u" in text else value


# Bad records of one file listed one by one in the quarantine; past this many, they are counted in one record
# (a million broken lines must not become a million quarantine rows and error lines)
MAX_LISTED_FAILURES = 1000


def capped(results: Iterator[Article | InputFailure], source: str,
           limit: int = MAX_LISTED_FAILURES) -> Iterator[Article | InputFailure]:
    """``results`` with the failures past ``limit`` counted in one summary failure at the end; every article passes."""
    failed = 0
    for r in results:
        if isinstance(r, InputFailure):
            failed += 1
            if failed > limit:
                continue
        yield r
    if failed > limit:
        yield input_failure(source, Errors.E169, limit=limit, count=failed - limit)



__all__ = ["MAX_LISTED_FAILURES", "capped", "loads"]
