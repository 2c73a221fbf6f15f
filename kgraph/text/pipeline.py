"""The Polish pipeline: spacy.blank("pl") with kgraph's registered components.

    kgraph_sentences   sentence starts: . ! ? and line breaks, not after abbreviations (r., im., św.)
    kgraph_morfeusz    Morfeusz 2 (SGJP) analyses per token, cached per word form; token.lemma_
    kgraph_gazetteer   curated entities found by lemma, so every inflected form matches
    kgraph_names       unknown people, places and organisations, by Morfeusz name labels and cues

Entities end up in doc.ents with labels PERSON, CITY, COUNTRY, ORG; each span carries
span._.kg_name (canonical nominative form) and span._.kg_id (curated id, or None).

>>> nlp = make_pipeline()
>>> doc = nlp("Kalisz gościł Stratsimira Petkova, burmistrza Łowecza w Bułgarii.")
>>> [(e.label_, e._.kg_name) for e in doc.ents]
[('CITY', 'Kalisz'), ('PERSON', 'Stratsimir Petkov'), ('CITY', 'Łowecz'), ('COUNTRY', 'Bułgaria')]
"""
from __future__ import annotations

import re

import numpy
import spacy
from spacy.attrs import ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from kgraph.records import Records
from kgraph.text import gazetteer, morphology, namefinder  # noqa: F401  (they register their components)
from kgraph.text.lexicon import ABBREVIATIONS
from kgraph.text.morphology import analyses

__all__ = ["make_pipeline", "PIPELINE_VERSION"]

PIPELINE_VERSION = "kgraph-pl-rules/1"

for _name in ("kg_name", "kg_id", "kg_source", "kg_place", "kg_country"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.component("kgraph_sentences")
def sentences(doc: Doc) -> Doc:
    """Sentence starts after . ! ? … (not after an abbreviation or an initial) and at line breaks."""
    # Set through from_array (the per-token is_sent_start setter rescans the whole doc each time),
    # and read from arrays and strings (a Token object per word would cost more than the test).
    n = len(doc)
    starts = numpy.full((n, 1), -1, dtype="int32")
    if n:
        strings = doc.vocab.strings
        words = [strings[orth] for orth in doc.to_array([ORTH]).tolist()]
        spaces = doc.to_array([SPACY]).tolist()
        starts[0, 0] = 1
    for i in range(1, n):
        previous, word = words[i - 1], words[i]
        if "\n" in previous:  # spaCy keeps line breaks as tokens (a token's trailing space is one space)
            starts[i, 0] = 1
        elif previous in (".", "!", "?", "…", "...") and (word[:1].isupper() or not word.isalpha()):
            before = words[i - 2] if i > 1 else None
            abbreviation = before is not None and previous == "." and not spaces[i - 2] and (
                before.lower() in ABBREVIATIONS or (len(before) == 1 and before.isupper())
                or re.fullmatch(r"\d{4}r", before.lower()) is not None  # "2013r." is "2013 r."
                or (len(before) <= 4 and before[:1].isupper()  # "Włodzimierz Woł. Petro", "Ostrów Wlkp. Jan"
                    and all(a.tag == "ign" for a in analyses(before)))
                or (before.isdigit() and word.isdigit() and not spaces[i - 1]))  # "05.10", "11.10.2014"
            if not abbreviation:
                starts[i, 0] = 1
    if len(doc):
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc



def make_pipeline(records: Records | None = None) -> Language:
    """spacy.blank("pl") with kgraph's components; the gazetteer holds `records` (default: packaged data)."""
    if records is None:
        from kgraph.records import load_records
        from kgraph.resources import packaged_data_dir

        records = load_records(packaged_data_dir())
    nlp = spacy.blank("pl")
    nlp.max_length = 2_000_000
    nlp.add_pipe("kgraph_sentences")
    nlp.add_pipe("kgraph_morfeusz")
    nlp.add_pipe("kgraph_gazetteer").add_records(records)
    nlp.add_pipe("kgraph_names")
    return nlp

