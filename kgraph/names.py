"""Name folding shared by the build (search keys) and queries (parameters).

>>> search_key("  Łowecz ")
'lowecz'
>>> search_key("Małgorzata Mosińska–Busz")
'malgorzata mosinska-busz'
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["search_key", "ascii_fold"]

# Letters that Unicode does not decompose into base letter + accent.
_NON_DECOMPOSING = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE"})
_DASHES = re.compile(r"\s*[\u2010-\u2015\-]+\s*")
_QUOTES = re.compile(r"[\"'„”“«»‚‘’]")


class _WithoutMarks(dict):
    """str.translate table dropping combining marks (accents), filled one code point at a time as text
    shows it: a C-level lookup per character, where a Python test per character cost twice the time of
    the rest of search_key (a build keys every name)."""

    def __missing__(self, code: int) -> int | None:
        kept = self[code] = None if unicodedata.combining(chr(code)) else code
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def ascii_fold(text: str) -> str:
    """Drop diacritics: 'Łowecz' -> 'Lowecz', 'Louvière' -> 'Louviere'."""
    if text.isascii():  # nothing to fold; NFKD leaves ASCII as it is
        return text
    return unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING)).translate(_WITHOUT_MARKS)


@lru_cache(maxsize=1 << 16)  # extraction keys the same names again and again
def search_key(text: str) -> str:
    """Case-, diacritic-, dash- and quote-insensitive key for matching names."""
    folded = ascii_fold(unicodedata.normalize("NFC", text)).casefold()
    folded = _QUOTES.sub("", _DASHES.sub("-", folded))
    return " ".join(folded.split())
