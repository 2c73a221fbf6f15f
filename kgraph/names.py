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


def ascii_fold(text: str) -> str:
    """Drop diacritics: 'Łowecz' -> 'Lowecz', 'Louvière' -> 'Louviere'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)  # extraction keys the same names again and again
def search_key(text: str) -> str:
    """Case-, diacritic-, dash- and quote-insensitive key for matching names."""
    folded = ascii_fold(unicodedata.normalize("NFC", text)).casefold()
    folded = _QUOTES.sub("", _DASHES.sub("-", folded))
    return " ".join(folded.split())
