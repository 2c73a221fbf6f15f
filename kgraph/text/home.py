"""The publishing town of a document: the Polish town the text is about.

A text says which town it speaks for through its officials and offices ("Prezydent Miasta
Rzeszowa", "Urząd Miasta Ciechanów"), its title line, and how often it names the town. News
about partner towns names foreign towns too, so only Polish towns count. When a text names no
Polish town, the project's default from data/settings.yaml applies.

>>> from kgraph.text.pipeline import make_pipeline
>>> doc = make_pipeline()("Burmistrz Trzebnicy przyjął gości z Kitzingen i burmistrza Oleśnicy.")
>>> publishing_town(doc, default="Kalisz")
'Trzebnica'
"""
from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path

import yaml

from kgraph.errors import ParameterError, ReadError
from kgraph.names import search_key
from kgraph.records import Records
from kgraph.text.morphology import doc_analyses
from kgraph.text.places import name_tokens, place_index

__all__ = ["publishing_town", "default_home", "check_home"]

# Words before a town's name that make it the subject of the text: its offices and officials.
_OWN_OFFICE_WORDS = {"miasta", "gminy", "urząd", "urzędu", "prezydent", "prezydenta", "burmistrz", "burmistrza",
                     "wójt", "wójta", "starosta", "starosty", "ratusz", "ratusza", "mieszkańcy", "mieszkańców"}


def publishing_town(doc, *, default: str | None, title_chars: int = 0, ents=None) -> str | None:
    """The Polish town `doc` (a pipeline Doc; `ents` its doc.ents if already read) most speaks for, else `default`.

    A town counts once per mention, twice more after a capitalised office word ("Urząd Miasta X",
    "Burmistrz X") and three more in the title (the first `title_chars` characters)."""
    score: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    # towns inside bodies' names count too: "I Liceum Ogólnokształcące w Nowym Targu"
    for span in sorted([*(doc.ents if ents is None else ents), *doc.spans.get("kg_nested", [])], key=lambda s: s.start):
        if span.label_ != "CITY" or not _is_polish(span):
            continue
        name = span._.kg_name
        first_seen.setdefault(name, span.start)
        score[name] += 1
        # a town's own news writes its offices with capitals ("Urząd Miasta X", "Prezydent Miasta X");
        # a guest is introduced in lower case ("Jana Nowaka, burmistrza Bochni")
        before = doc[span.start - 1] if span.start > 0 else None
        if before is not None and before.lower_ in _OWN_OFFICE_WORDS and before.text[:1].isupper():
            score[name] += 2
        if span.start_char < title_chars:
            score[name] += 3
    if not score:
        return default
    return max(score, key=lambda name: (score[name], -first_seen[name]))


def _is_polish(span) -> bool:
    """A town in Poland: by GeoNames, by the curated record, or, unknown to both, by Morfeusz."""
    place = span._.kg_place
    if place is not None:
        return place.country == "PL"
    if span._.kg_source == "gazetteer":
        return span._.kg_country in ("pl", "poland", "polska")
    # a name no gazetteer knows: Polish when Morfeusz (whose geographic names are Polish places) knows it
    return any("nazwa_geograficzna" in a.labels for a in doc_analyses(span.doc)[span.start])


def default_home(data_dir: Path | str | None) -> str | None:
    """The `home` of data_dir/settings.yaml, or None when there is no such file or setting."""
    if data_dir is None:
        return None
    path = Path(data_dir) / "settings.yaml"
    if not path.exists():
        return None
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ReadError(f"{path}: cannot read the settings ({e}); fix the YAML or remove the file") from e
    if not isinstance(settings, dict) or not isinstance(settings.get("home", ""), (str, type(None))):
        raise ReadError(f"{path}: expected 'home: TOWN' (a town's Polish name)")
    return settings.get("home")


def check_home(home: str, records: Records) -> str:
    """`home` as the curated or GeoNames name of a Polish town; ParameterError names the closest ones."""
    curated = {search_key(label): place.labels["pl"] for place in records.places if place.type == "city"
               for label in (*place.labels.values(), *place.aliases)}
    if search_key(home) in curated:
        return curated[search_key(home)]
    tokens = name_tokens(home)
    if tokens and any(p.country == "PL" for p in place_index().lookup(tokens)):
        return home.strip()
    close = difflib.get_close_matches(search_key(home), sorted(curated), n=3, cutoff=0.6)
    hint = f"; did you mean: {', '.join(curated[c] for c in close)}?" if close else "; give a Polish town's name"
    raise ParameterError(f"--home {home!r}: no Polish town of this name{hint}")
