"""What users may type, as plain rules shared by the forms (overleg/forms.py), the search
parameters and the mail layer.

- Single-line text (names, titles, subjects, places, links, searches) holds no control
  characters at all: no CR/LF (a name with ``\\r\\nBcc:`` must never reach a mail header),
  no tab, no NUL, no C1 controls and no Unicode line or paragraph separators.
- Multi-line text (notes, descriptions, reasons) may keep tab, CR and LF, nothing else of
  the kind (a NUL byte cannot even be stored in PostgreSQL text).
- Dates lie between 1 January 2000 and 31 December 2099. Wider dates are typing errors in
  this application (the oldest data are from 2019), and the limits keep every computation
  on them (a month view, a series, a conversion to UTC) far from year 1 and year 9999.
"""

from __future__ import annotations

import re
from datetime import date

# C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same without tab, LF and CR.
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def has_control_characters(text: str | None, *, multiline: bool = False) -> bool:
    """True when the text holds a character it may not: any control character on one
    line; for multi-line text anything but tab, LF and CR."""
    if not text:
        return False
    pattern = _CONTROL_IN_TEXT if multiline else _CONTROL
    return pattern.search(text) is not None


def one_line(text: str | None, limit: int | None = None) -> str:
    """The text on one line: every run of control characters becomes one space (for mail
    headers and search terms, whatever is stored)."""
    cleaned = re.sub(f"(?:{_CONTROL.pattern})+", " ", text or "").strip()
    return cleaned[:limit] if limit is not None else cleaned


def date_in_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE
