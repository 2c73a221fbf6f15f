"""The gazetteer: known entities found by the lemmas of their names, so inflected mentions match."""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgraph.names import search_key
from kgraph.records import Records
from kgraph.text.lexicon import TOWN_BODIES, countries
from kgraph.text.morphology import analyses, doc_analyses, doc_words, genitive, morfeusz_component, token_lemmas

__all__ = ["Gazetteer", "merge_spans"]


@dataclass(frozen=True)
class _Entry:
    tokens: tuple[frozenset[str], ...]
    label: str
    name: str
    id: str
    country: str | None = None


class Gazetteer:
    """Curated entities by the lemmas of their labels and aliases: inflected mentions match."""

    def __init__(self, nlp: Language, name: str = "kgraph_gazetteer"):
        self.nlp = nlp
        self.by_first: dict[str, list[_Entry]] = {}
        # names every town's body has ("Rada Miasta"): by search key, (town, canonical name, id) of each body
        self.generic: dict[str, list[tuple[str, str, str]]] = {}

    def add(self, text: str, label: str, name: str, entity_id: str, country: str | None = None) -> None:
        doc = morfeusz_component(self.nlp.make_doc(text))
        keys = []
        for token in doc:
            options = doc_analyses(doc)[token.i]
            # A one-word name must be matched as a noun: "Polscy" (adjective) is not "Polska".
            usable = [a for a in options if a.tag != "ign" and (len(doc) > 1 or a.pos in ("subst", "depr"))]
            keys.append(frozenset({token.lower_} | {a.lemma.lower() for a in usable}))
        entry = _Entry(tuple(keys), label, name, entity_id, country)
        for lemma in keys[0]:
            bucket = self.by_first.setdefault(lemma, [])
            if entry not in bucket:
                bucket.append(entry)
                bucket.sort(key=lambda e: -len(e.tokens))

    def add_records(self, records: Records) -> "Gazetteer":
        for place in records.places:
            label = {"city": "CITY", "country": "COUNTRY"}.get(place.type, "CITY")
            for text in {*place.labels.values(), *place.aliases}:
                if re.search(r"[^\W\d_]", text) and not re.search(r"[\u0400-\u04FF]", text):
                    self.add(text, label, place.labels["pl"], place.id, place.country)
        town_names = {place.id: place.labels["pl"] for place in records.places}
        for organisation in records.organisations:
            for text in sorted({organisation.labels["pl"], *organisation.aliases}):
                # an acronym alias such as RMK would match too much, and one without a proper name
                # ("Rada Miasta" is every town's council) is that body's only in its own town's news
                if _generic(text):
                    town = town_names.get(organisation.location or "")
                    if town:
                        self.generic.setdefault(search_key(text), []).append(
                            (town, organisation.labels["pl"], organisation.id))
                elif len(text) > 3:
                    self.add(text, "ORG", organisation.labels["pl"], organisation.id)
        for person in records.people:
            for text in {person.labels["pl"], *person.aliases}:
                self.add(text, "PERSON", person.labels["pl"], person.id)
        for text, (name, _code) in sorted(countries().items()):
            self.add(text, "COUNTRY", name, None)
        return self

    def link_generic(self, doc: Doc, home: str | None, ents=None) -> None:
        """Link bodies named generically ("Rady Miasta") to the publishing town's own, once it is known:
        a curated body, else the town's council or office by its name ("Rada Miejska Śmigla")."""
        if not home:
            return
        for span in doc.ents if ents is None else ents:
            if span.label_ == "ORG" and span._.kg_id is None:
                key = search_key(span._.kg_name or "")
                own = [e for e in self.generic.get(key, ()) if search_key(e[0]) == search_key(home)]
                if len(own) == 1:
                    span._.kg_name, span._.kg_id = own[0][1], own[0][2]
                elif key in TOWN_BODIES and genitive(home):
                    span._.kg_name = f"{span._.kg_name} {genitive(home)}"  # "Rada Miejska" -> "Rada Miejska Śmigla"

    def __call__(self, doc: Doc) -> Doc:
        spans, i = [], 0
        lemmas = [None] * len(doc)
        # Entries start with a capital or a digit: test first letters on plain strings,
        # without making a Token for every word (doc[i] allocates one each time).
        initials = [word[:1] for word in doc_words(doc)]
        while i < len(doc):
            if not (initials[i].isupper() or initials[i].isdigit()):
                i += 1
                continue
            lemmas[i] = lemmas[i] or token_lemmas(doc, i)
            match = None
            for lemma in lemmas[i]:
                for entry in self.by_first.get(lemma, ()):
                    if match and len(entry.tokens) <= len(match.tokens):
                        continue
                    end = i + len(entry.tokens)
                    if end > len(doc):
                        continue
                    ok = True
                    for k in range(1, len(entry.tokens)):
                        j = i + k
                        lemmas[j] = lemmas[j] or token_lemmas(doc, j)
                        if not (lemmas[j] & entry.tokens[k]):
                            ok = False
                            break
                    if ok:
                        match = entry
            word = doc_words(doc)[i]
            if match and len(match.tokens) == 1 and len(word) <= 3 and not word.isupper() and word.lower() != match.name.lower():
                match = None  # "Pl." (plac), which Morfeusz reads as short for Polska, names no country; "Ełk" is Ełk
            if match:
                span = Span(doc, i, i + len(match.tokens), label=match.label)
                span._.kg_name, span._.kg_id, span._.kg_source = match.name, match.id, "gazetteer"
                span._.kg_country = match.country
                spans.append(span)
                i += len(match.tokens)
            else:
                i += 1
        doc.ents = merge_spans(doc.ents, spans)
        return doc


def _generic(name: str) -> bool:
    """A name made of common words only: "Rada Miasta", not "Rada Miasta Kalisza" or "Kopernik"."""
    words = re.findall(r"\w+", name)
    return len(words) > 1 and all(any(a.lemma[:1].islower() and a.pos in ("subst", "adj") and not a.is_name
                                      for a in analyses(word)) for word in words)


def merge_spans(existing, new) -> tuple[Span, ...]:
    """Keep existing spans; add new ones that overlap none of them."""
    taken = set()
    for span in existing:
        taken.update(range(span.start, span.end))
    kept = list(existing)
    for span in new:
        if not taken.intersection(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return tuple(sorted(kept, key=lambda s: s.start))


@Language.factory("kgraph_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> Gazetteer:
    return Gazetteer(nlp, name)

