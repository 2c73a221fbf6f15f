"""Morphology: Morfeusz 2 (SGJP) analyses, lemmas and nominatives of Polish word forms.

>>> sorted({a.lemma for a in analyses("Kaliszu") if a.is_name})
['Kalisz']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import morfeusz2
import numpy
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from kgraph.text.lexicon import CASES, NAME_LABELS

__all__ = ["polish_share", "Analysis", "analyses", "word_analyses", "doc_analyses", "doc_words", "doc_lowers", "doc_lemmas",
           "token_lemmas", "word_lemmas", "inflect_nominative", "guess_nominatives"]


@dataclass(frozen=True)
class Analysis:
    """One Morfeusz interpretation: lemma (without its homonym mark), tag, name labels; and what the tag says
    (part of speech, cases, gender, whether it is a name), read once here: the name rules ask them of the same
    cached analyses tens of thousands of times per hundred documents."""

    lemma: str
    tag: str
    labels: tuple[str, ...]
    pos: str = field(init=False, compare=False, repr=False)
    cases: frozenset[str] = field(init=False, compare=False, repr=False)
    gender: str = field(init=False, compare=False, repr=False)
    is_name: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        parts = self.tag.split(":")
        set_ = object.__setattr__  # frozen: set once, here
        set_(self, "pos", parts[0])
        set_(self, "cases", frozenset(c for c in parts[2].split(".") if c in CASES) if len(parts) > 2 else frozenset())
        set_(self, "gender", parts[3].split(".")[0] if len(parts) > 3 else "")
        set_(self, "is_name", bool(NAME_LABELS & set(self.labels)))


_MORFEUSZ = None


def _morfeusz():
    global _MORFEUSZ
    if _MORFEUSZ is None:
        _MORFEUSZ = morfeusz2.Morfeusz(separate_numbering=True, whitespace=morfeusz2.SKIP_WHITESPACES)
    return _MORFEUSZ


@lru_cache(maxsize=200_000)
def analyses(form: str) -> tuple[Analysis, ...]:
    """Morfeusz analyses of one word form, cached: text repeats its forms, so this is the hot path."""
    if not form or form.isspace() or len(form) > 60:
        return ()
    found = []
    for start, _end, (_orth, lemma, tag, labels, _qualifiers) in _morfeusz().analyse(form):
        if start != 0:
            continue  # a form Morfeusz splits ("Mosińska-Busz" is already split by spaCy)
        found.append(Analysis(lemma.split(":", 1)[0], tag, tuple(labels)))
    return tuple(sorted(set(found), key=lambda a: (a.tag == "ign", not a.is_name, a.lemma, a.tag)))


@lru_cache(maxsize=50_000)
def inflect_nominative(lemma: str, gender: str) -> str:
    """Nominative singular of an adjective in a gender ('podstawowy', 'f' -> 'podstawowa')."""
    if not gender or gender.startswith("m"):
        return lemma
    want = "f" if gender == "f" else "n"
    try:
        forms = _morfeusz().generate(lemma)
    except Exception:  # Morfeusz raises on lemmas it cannot generate; fall back to the lemma
        return lemma
    for form, _lemma, tag, _q, _l in forms:
        parts = tag.split(":")
        if parts[0] in ("adj", "ppas") and parts[1] == "sg" and "nom" in parts[2].split(".") \
                and want in parts[3].split(".") and (len(parts) < 5 or parts[-1] in ("pos", "aff")):
            return form
    return lemma


# ---------------------------------------------------------------------------
# de-inflecting names Morfeusz does not know (foreign names: Łoweczu, Petkova, Ohlmannem)

# (case, ending, replacement) for masculine consonant stems, tried longest first
_MASCULINE = [
    ("inst", "giem", "g"), ("inst", "kiem", "k"), ("inst", "em", ""), ("gen", "a", ""), ("acc", "a", ""),
    ("dat", "owi", ""), ("loc", "iu", ""), ("loc", "u", ""), ("loc", "cie", "t"), ("loc", "dzie", "d"), ("loc", "rze", "r"),
    ("inst", "em", "o"), ("gen", "a", "o"),  # neuter towns: Breznem -> Brezno
    ("loc", "ście", "st"), ("loc", "le", "ł"), ("loc", "nie", "n"), ("loc", "mie", "m"), ("loc", "wie", "w"),
    ("loc", "sie", "s"), ("loc", "zie", "z"), ("loc", "bie", "b"), ("loc", "pie", "p"), ("loc", "ie", ""),
    ("gen", "ic", "ice"), ("gen", "yc", "yce"),  # towns in the plural: Košic -> Košice, Gliwic -> Gliwice
    ("gen", "ego", "y"), ("gen", "ego", "i"), ("inst", "ym", "y"), ("inst", "im", "i"), ("loc", "ym", "y"),
    ("loc", "im", "i"), ("dat", "emu", "y"), ("dat", "emu", "i"),
]
_FEMININE = [
    ("gen", "owej", "owa"), ("dat", "owej", "owa"), ("loc", "owej", "owa"), ("inst", "ową", "owa"), ("acc", "ową", "owa"),
    ("acc", "ą", "a"),
    ("gen", "iej", "a"), ("gen", "ej", "a"), ("dat", "ej", "a"), ("loc", "ej", "a"), ("inst", "ą", "a"), ("acc", "ę", "a"),
    ("gen", "ii", "ia"), ("dat", "ii", "ia"), ("loc", "ii", "ia"), ("gen", "y", "a"),
    ("gen", "ni", "nia"), ("gen", "li", "la"), ("gen", "i", "a"),  # soft stems: Brzedni -> Brzednia, Gdyni -> Gdynia
]


@lru_cache(maxsize=100_000)
def _all_guesses(form: str) -> frozenset[str]:
    return frozenset(g.lower() for g in guess_nominatives(form))


def guess_nominatives(form: str, cases: set[str] | None = None, feminine: bool | None = None) -> list[str]:
    """Candidate nominatives of an unknown name form, most likely first; the form itself last.

    >>> guess_nominatives("Łoweczu", {"loc"})
    ['Łowecz', 'Łoweczu']
    >>> guess_nominatives("Ohlmannem", {"inst"})[0], guess_nominatives("Erfurcie", {"loc"})[0]
    ('Ohlmann', 'Erfurt')
    """
    found = []
    rules = ([] if feminine is True else _MASCULINE) + ([] if feminine is False else _FEMININE)
    for case, ending, replacement in sorted(rules, key=lambda r: -len(r[1])):
        if cases is not None and case not in cases:
            continue
        if form.endswith(ending) and len(form) - len(ending) >= 2:
            guess = form[: len(form) - len(ending)] + replacement
            if guess not in found:
                found.append(guess)
    return found + [form]


# components

# The morfeusz component keeps each token's analyses, text and lemma in doc.user_data (spaCy's
# store for a pipeline's own data): the name rules read them tens of thousands of times per
# hundred documents, and both doc._ (an Underscore object per access) and doc[i] (a Token
# per access) would allocate each time.
_ANALYSES, _WORDS, _LOWERS, _LEMMAS, _SHARE = (
    "kgraph.analyses", "kgraph.words", "kgraph.lowers", "kgraph.lemmas", "kgraph.polish_share")


def doc_analyses(doc: Doc) -> list:
    """Each token's Morfeusz analyses (after the kgraph_morfeusz component)."""
    return doc.user_data.get(_ANALYSES) or ()


def doc_words(doc: Doc) -> list[str]:
    """Each token's text (after the kgraph_morfeusz component)."""
    return doc.user_data[_WORDS]


def doc_lowers(doc: Doc) -> list[str]:
    """Each token's text in lower case, as token.lower_ (after the kgraph_morfeusz component)."""
    return doc.user_data[_LOWERS]


def doc_lemmas(doc: Doc) -> list[str]:
    """Each token's lemma, as token.lemma_ (after the kgraph_morfeusz component)."""
    return doc.user_data[_LEMMAS]


@Language.component("kgraph_morfeusz")
def morfeusz_component(doc: Doc) -> Doc:
    """Morfeusz analyses for every token (doc_analyses(doc)[i]) and a lemma: names and nouns first."""
    found, lemmas = [], []
    # token texts in one pass over the doc's strings (a Token object per word costs more than the rest)
    strings = doc.vocab.strings
    words = [strings[orth] for orth in doc.to_array([ORTH]).tolist()] if len(doc) else []
    counted = known = 0  # for polish_share, in the same pass
    for word in words:
        options = word_analyses(word)
        found.append(options)
        known_word = bool(options) and options[0].tag != "ign"
        lemmas.append(options[0].lemma if known_word else word)
        if len(word) > 2 and word.isalpha():
            counted += 1
            known += known_word or any(a.tag != "ign" for a in options)
    doc.user_data[_SHARE] = (counted, known)
    if words:
        doc.from_array([LEMMA], numpy.array([strings.add(lemma) for lemma in lemmas], dtype="uint64"))
    doc.user_data[_ANALYSES], doc.user_data[_WORDS], doc.user_data[_LEMMAS] = found, words, lemmas
    doc.user_data[_LOWERS] = [word.lower() for word in words]
    return doc


def word_analyses(word: str) -> tuple[Analysis, ...]:
    """A token's analyses: words and hyphenated names only (numbers and punctuation have none)."""
    return analyses(word) if word.isalpha() or "-" in word else ()


def token_lemmas(doc: Doc, i: int) -> frozenset[str]:
    """Every lemma a token may have, lower case, with guessed nominatives for unknown capitalised words."""
    return word_lemmas(doc_words(doc)[i])


@lru_cache(maxsize=100_000)
def word_lemmas(word: str) -> frozenset[str]:
    # Cached by word: the gazetteer asks for most tokens' lemmas, and words recur in every text.
    options = word_analyses(word)
    lemmas = {word.lower()} | {a.lemma.lower() for a in options if a.tag != "ign"}
    if word[:1].isupper() and (not options or all(a.tag == "ign" for a in options) or any(a.is_name for a in options)):
        lemmas.update(_all_guesses(word))
    if word[:1].isupper():
        # an adjective in a name agrees with its noun: "Białej Cerkwi" is "Biała Cerkiew", "Nowym Mieście" "Nowe Miasto"
        lemmas.update(inflect_nominative(a.lemma, a.gender).lower() for a in options if a.pos == "adj" and a.gender[:1] in "fn")
    return frozenset(lemmas)



def polish_share(doc: Doc) -> dict:
    """How Polish a text is: the share of its words of three letters or more that Morfeusz knows.
    Polish news scores about 0.9; German or English about 0.1-0.2, Ukrainian 0 (Morfeusz knows
    no Cyrillic). `polish` is false below one half: the rules then read a language they were not
    written for, and what they find is unreliable."""
    counted, known = doc.user_data.get(_SHARE, (0, 0))
    if not counted:
        return {"polish": True, "known_words": None}
    share = round(known / counted, 2)
    return {"polish": share >= 0.5, "known_words": share}


@lru_cache(maxsize=2_000)
def genitive(name: str) -> str | None:
    """The genitive of a town's name, from Morfeusz: "Śmigiel" -> "Śmigla", "Ostrów Wielkopolski" ->
    "Ostrowa Wielkopolskiego"; None when Morfeusz does not know the town."""
    words = name.split()
    noun = [f for f in _generated(words[0]) if f[1] == "subst" and "gen" in f[2] and "nazwa_geograficzna" in f[4]]
    if not noun:
        return None
    form, _pos, _cases, gender, _labels = noun[0]
    forms = [form]
    for word in words[1:]:
        adjectives = [f for f in _generated(word.lower()) if f[1] == "adj" and "gen" in f[2] and gender in f[3]]
        if not adjectives:
            return None
        forms.append(adjectives[0][0][:1].upper() + adjectives[0][0][1:])
    return " ".join(forms)


@lru_cache(maxsize=2_000)
@lru_cache(maxsize=1_000)
def word_forms(lemma: str) -> frozenset[str]:
    """Every form Morfeusz generates for a lemma, lower case (empty for a lemma it cannot generate)."""
    try:
        return frozenset(form.lower() for form, *_rest in _morfeusz().generate(lemma))
    except Exception:  # Morfeusz raises on lemmas it cannot generate
        return frozenset()


def _generated(lemma: str) -> tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...]], ...]:
    """Singular forms Morfeusz generates for a lemma: (form, part of speech, cases, genders, labels)."""
    try:
        generated = _morfeusz().generate(lemma)
    except Exception:  # Morfeusz raises on lemmas it cannot generate
        return ()
    found = []
    for form, _lemma, tag, labels, _qualifiers in generated:
        parts = tag.split(":")
        if len(parts) > 3 and parts[1] == "sg":
            found.append((form, parts[0], tuple(parts[2].split(".")), parts[3], tuple(labels)))
    return tuple(found)
