"""Coded errors, spaCy style: ``[E101] ... Available: ...``.

Every user-facing failure has a code so docs and issues can refer to it, and a
message that names the file and says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable


class EventwireError(Exception):
    """Base class of eventwire's own errors; ``code`` is a stable identifier."""

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {message}")


class InputError(EventwireError):
    """An input file or record could not be read (it is quarantined, the batch goes on)."""

    code = "E100"


class UsageError(EventwireError):
    """Bad arguments or settings."""

    code = "E200"


class StoreError(EventwireError):
    """The store is unreadable, too new, or locked."""

    code = "E300"


def choice_error(what: str, value: str, valid: Iterable[str], code: str = "E201") -> UsageError:
    """Error for an unknown choice, listing the valid ones."""
    return UsageError(f"Unknown {what} {value!r}. Available: {', '.join(sorted(valid))}", code=code)


# Input failure codes (see InputFailure.code); messages are written at the raise site.
E_MISSING = "E101"  # file or path does not exist
E_EMPTY = "E102"  # file is empty or has no text
E_BINARY = "E103"  # binary content, not text
E_ENCODING = "E104"  # bytes undecodable in any detected encoding
E_FORMAT = "E105"  # malformed JSON/CSV/feed/WARC record
E_TOO_LARGE = "E106"  # over the size limit / archive bomb
E_TRUNCATED = "E107"  # truncated archive or compressed stream
E_FETCH = "E108"  # URL fetch failed or refused
E_LANGUAGE = "E109"  # not in a supported language (stored, not extracted)
