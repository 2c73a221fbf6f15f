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
from dataclasses import dataclass
from functools import lru_cache

import morfeusz2
import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from kgraph.records import Records

__all__ = ["make_pipeline", "Analysis", "analyses", "doc_words", "doc_lemmas", "inflect_nominative", "PIPELINE_VERSION", "COUNTRIES"]

PIPELINE_VERSION = "kgraph-pl-rules/1"

# Sovereign states by their Polish nominative names: a lexical resource, like Morfeusz's own.
COUNTRIES = frozenset("""
Albania Andora Austria Belgia Białoruś Bośnia Bułgaria Chorwacja Czarnogóra Czechy Dania Estonia Finlandia Francja
Grecja Hiszpania Holandia Niderlandy Irlandia Islandia Litwa Liechtenstein Luksemburg Łotwa Macedonia Malta Mołdawia
Monako Niemcy Norwegia Polska Portugalia Rosja Rumunia Serbia Słowacja Słowenia Szwajcaria Szwecja Ukraina Węgry
Watykan Włochy Turcja Gruzja Armenia Azerbejdżan Kazachstan Chiny Japonia Korea Indie Izrael Egipt Maroko Tunezja
Kanada Meksyk Brazylia Argentyna Chile Peru Kolumbia Australia Wietnam Tajlandia Indonezja Mongolia Iran Irak
""".split()) | {"Stany Zjednoczone", "Wielka Brytania", "Korea Południowa", "Macedonia Północna", "Republika Czeska"}

COUNTRY_ALIASES = {"Chińska Republika Ludowa": "Chiny", "ChRL": "Chiny", "USA": "Stany Zjednoczone",
                   "Zjednoczone Królestwo": "Wielka Brytania", "Republika Federalna Niemiec": "Niemcy", "RFN": "Niemcy"}

_ABBREVIATIONS = {"r", "im", "św", "ul", "nr", "dn", "ws", "np", "tzw", "m.in", "b.r", "br", "p", "sz", "ok", "godz",
                  "tj", "prof", "dr", "hab", "inż", "mgr", "ks", "pl", "al", "tel", "wg", "ds", "jw", "pt", "tys",
                  "mln", "m", "in", "oprac", "fot", "red"}
_NAME_LABELS = {"imię", "nazwisko", "nazwa_geograficzna", "nazwa_organizacji", "człon_nazwy_geograficznej"}
_CASES = ("nom", "gen", "dat", "acc", "inst", "loc", "voc")
# Prepositions and the cases they govern: narrows the case of the name that follows.
_PREPOSITION_CASES = {
    "w": {"loc", "acc"}, "we": {"loc", "acc"}, "z": {"gen", "inst"}, "ze": {"gen", "inst"}, "do": {"gen"},
    "od": {"gen"}, "dla": {"gen"}, "u": {"gen"}, "koło": {"gen"}, "na": {"loc", "acc"}, "o": {"loc", "acc"},
    "przy": {"loc"}, "po": {"loc"}, "przez": {"acc"}, "między": {"inst"}, "nad": {"inst"}, "pod": {"inst"},
    "przed": {"inst"}, "za": {"inst", "acc"}, "wśród": {"gen"}, "spośród": {"gen"},
}
# Title words (any case, by lemma) that announce a person's name next to them.
TITLES = {"prezydent", "wiceprezydent", "burmistrz", "wiceburmistrz", "mer", "radny", "radna", "sekretarz",
          "ambasador", "przewodniczący", "przewodnicząca", "zastępca", "starosta", "wicestarosta", "wójt",
          "konsul", "dyrektor", "dyrektorka", "prezes", "skarbnik", "naczelnik", "marszałek", "wojewoda",
          "poseł", "posłanka", "senator", "minister", "premier", "gubernator", "członek", "członkini",
          "sopranistka", "dyrygent", "wiceprzewodniczący", "pan", "pani", "lekarz", "lekarka", "nauczyciel",
          "nauczycielka", "kierownik", "kierowniczka", "rektor", "prorektor", "dziekan", "profesor", "komendant",
          "koordynator", "koordynatorka", "doradca", "przedstawiciel", "przedstawicielka", "zastępczyni",
          "wicemarszałek", "wicewojewoda", "inspektor", "radca"}
# Head nouns of organisation names.
ORG_HEADS = {"rada", "liceum", "szkoła", "chór", "stowarzyszenie", "parlament", "urząd", "uniwersytet", "filharmonia",
             "orkiestra", "komisja", "kancelaria", "starostwo", "samorząd", "fundusz", "muzeum", "zespół", "teatr",
             "fundacja", "związek", "ośrodek", "centrum", "instytut", "akademia", "politechnika", "wydział",
             "ambasada", "konsulat", "biuro", "galeria", "biblioteka", "klub", "towarzystwo", "izba", "kongres",
             "sejmik", "zarząd", "spółka", "przedszkole", "gimnazjum", "technikum", "ministerstwo", "agencja",
             "szpital", "policja", "straż", "komenda", "kapela", "studio", "dom", "parafia", "bank",
             "uczelnia", "zakład", "państwowy", "międzynarodowy", "dziecięcy", "kaliski", "ogólnopolski"}
_ADJ_BEFORE_HEAD = {"państwowy", "międzynarodowy", "dziecięcy", "kaliski", "ogólnopolski", "miejski", "wojewódzki",
                    "powiatowy", "europejski", "polski", "narodowy"}
_CONNECTORS = {"i", "im", ".", "nr", "w", "we", "na", "ds", "-", "pod", "dla", "z", "o"}
_NOT_NAMES = {"Wersja", "Fot", "Tekst", "Autor", "Oprac", "Dzień", "Dni", "Święto", "Rok", "Szanowny", "Szanowna",
              "Pan", "Pani", "Państwo", "Z", "W", "Do", "Na", "Od", "Przez", "Podczas", "Jest", "To", "Ta", "Ten"}


@dataclass(frozen=True)
class Analysis:
    """One Morfeusz interpretation: lemma (without its homonym mark), tag, name labels."""

    lemma: str
    tag: str
    labels: tuple[str, ...]

    @property
    def pos(self) -> str:
        return self.tag.split(":", 1)[0]

    @property
    def cases(self) -> set[str]:
        parts = self.tag.split(":")
        return {c for part in parts[2:3] for c in part.split(".") if c in _CASES} if len(parts) > 2 else set()

    @property
    def gender(self) -> str:
        parts = self.tag.split(":")
        return parts[3].split(".")[0] if len(parts) > 3 else ""

    @property
    def is_name(self) -> bool:
        return bool(_NAME_LABELS & set(self.labels))


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
    ("dat", "owi", ""), ("loc", "u", ""), ("loc", "cie", "t"), ("loc", "dzie", "d"), ("loc", "rze", "r"),
    ("loc", "ście", "st"), ("loc", "le", "ł"), ("loc", "nie", "n"), ("loc", "mie", "m"), ("loc", "wie", "w"),
    ("loc", "sie", "s"), ("loc", "zie", "z"), ("loc", "bie", "b"), ("loc", "pie", "p"), ("loc", "ie", ""),
    ("gen", "ego", "y"), ("gen", "ego", "i"), ("inst", "ym", "y"), ("inst", "im", "i"), ("loc", "ym", "y"),
    ("loc", "im", "i"), ("dat", "emu", "y"), ("dat", "emu", "i"),
]
_FEMININE = [
    ("gen", "owej", "owa"), ("dat", "owej", "owa"), ("loc", "owej", "owa"), ("inst", "ową", "owa"), ("acc", "ową", "owa"),
    ("gen", "iej", "a"), ("gen", "ej", "a"), ("dat", "ej", "a"), ("loc", "ej", "a"), ("inst", "ą", "a"), ("acc", "ę", "a"),
    ("gen", "ii", "ia"), ("dat", "ii", "ia"), ("loc", "ii", "ia"), ("gen", "y", "a"), ("gen", "i", "a"),
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


# ---------------------------------------------------------------------------
# components

# The morfeusz component keeps each token's analyses, text and lemma in doc.user_data (spaCy's
# store for a pipeline's own data): the name rules read them tens of thousands of times per
# hundred documents, and both doc._ (an Underscore object per access) and doc[i] (a Token
# per access) would allocate each time.
_ANALYSES, _WORDS, _LEMMAS = "kgraph.analyses", "kgraph.words", "kgraph.lemmas"


def _analyses(doc: Doc) -> list:
    return doc.user_data.get(_ANALYSES) or ()


def doc_words(doc: Doc) -> list[str]:
    """Each token's text (after the kgraph_morfeusz component)."""
    return doc.user_data[_WORDS]


def doc_lemmas(doc: Doc) -> list[str]:
    """Each token's lemma, as token.lemma_ (after the kgraph_morfeusz component)."""
    return doc.user_data[_LEMMAS]


for _name in ("kg_name", "kg_id", "kg_source"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.component("kgraph_sentences")
def sentences(doc: Doc) -> Doc:
    """Sentence starts after . ! ? … (not after an abbreviation or an initial) and at line breaks."""
    # Set through from_array: the per-token is_sent_start setter rescans the whole doc each time.
    starts = numpy.full((len(doc), 1), -1, dtype="int32")
    previous = None
    for token in doc:
        start = token.i == 0
        if previous is not None:
            if "\n" in previous.text or "\n" in previous.whitespace_:
                start = True
            elif previous.text in (".", "!", "?", "…", "...") and token.is_title | token.is_upper | (not token.is_alpha):
                before = doc[previous.i - 1] if previous.i > 0 else None
                abbreviation = before is not None and previous.text == "." and not before.whitespace_ and (
                    before.lower_ in _ABBREVIATIONS or (len(before.text) == 1 and before.is_upper))
                start = not abbreviation
        if start:
            starts[token.i, 0] = 1
        previous = token
    if len(doc):
        doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


@Language.component("kgraph_morfeusz")
def morfeusz_component(doc: Doc) -> Doc:
    """Morfeusz analyses for every token (_analyses(doc)[i]) and a lemma: names and nouns first."""
    found, words, lemmas = [], [], []
    for token in doc:
        word = token.text
        options = _word_analyses(word)
        lemma = options[0].lemma if options and options[0].tag != "ign" else word
        token.lemma_ = lemma
        found.append(options)
        words.append(word)
        lemmas.append(lemma)
    doc.user_data[_ANALYSES], doc.user_data[_WORDS], doc.user_data[_LEMMAS] = found, words, lemmas
    return doc


def _word_analyses(word: str) -> tuple[Analysis, ...]:
    """A token's analyses: words and hyphenated names only (numbers and punctuation have none)."""
    return analyses(word) if word.isalpha() or "-" in word else ()


def token_lemmas(doc: Doc, i: int) -> frozenset[str]:
    """Every lemma a token may have, lower case, with guessed nominatives for unknown capitalised words."""
    return _word_lemmas(doc_words(doc)[i])


@lru_cache(maxsize=100_000)
def _word_lemmas(word: str) -> frozenset[str]:
    # Cached by word: the gazetteer asks for most tokens' lemmas, and words recur in every text.
    options = _word_analyses(word)
    lemmas = {word.lower()} | {a.lemma.lower() for a in options if a.tag != "ign"}
    if word[:1].isupper() and (not options or all(a.tag == "ign" for a in options) or any(a.is_name for a in options)):
        lemmas.update(_all_guesses(word))
    return frozenset(lemmas)


@dataclass(frozen=True)
class _Entry:
    tokens: tuple[frozenset[str], ...]
    label: str
    name: str
    id: str


class Gazetteer:
    """Curated entities by the lemmas of their labels and aliases: inflected mentions match."""

    def __init__(self, nlp: Language, name: str = "kgraph_gazetteer"):
        self.nlp = nlp
        self.by_first: dict[str, list[_Entry]] = {}

    def add(self, text: str, label: str, name: str, entity_id: str) -> None:
        doc = morfeusz_component(self.nlp.make_doc(text))
        keys = []
        for token in doc:
            options = _analyses(doc)[token.i]
            # A one-word name must be matched as a noun: "Polscy" (adjective) is not "Polska".
            usable = [a for a in options if a.tag != "ign" and (len(doc) > 1 or a.pos in ("subst", "depr"))]
            keys.append(frozenset({token.lower_} | {a.lemma.lower() for a in usable}))
        entry = _Entry(tuple(keys), label, name, entity_id)
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
                    self.add(text, label, place.labels["pl"], place.id)
        for organisation in records.organisations:
            for text in {organisation.labels["pl"], *organisation.aliases}:
                if len(text) > 3:  # an acronym alias such as RMK would match too much
                    self.add(text, "ORG", organisation.labels["pl"], organisation.id)
        for person in records.people:
            for text in {person.labels["pl"], *person.aliases}:
                self.add(text, "PERSON", person.labels["pl"], person.id)
        for country in sorted(COUNTRIES):
            self.add(country, "COUNTRY", country, None)
        for alias, country in sorted(COUNTRY_ALIASES.items()):
            self.add(alias, "COUNTRY", country, None)
        return self

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
            if match:
                span = Span(doc, i, i + len(match.tokens), label=match.label)
                span._.kg_name, span._.kg_id, span._.kg_source = match.name, match.id, "gazetteer"
                spans.append(span)
                i += len(match.tokens)
            else:
                i += 1
        doc.ents = _merge(doc.ents, spans)
        return doc


def _merge(existing, new) -> tuple[Span, ...]:
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


# ---------------------------------------------------------------------------
# unknown names


def _is_cap(token) -> bool:
    return token.is_alpha and token.text[:1].isupper() and token.text not in _NOT_NAMES


def _has(doc, i, predicate) -> bool:
    return any(predicate(a) for a in _analyses(doc)[i])


def _is_given_name(doc, i) -> bool:
    return _is_cap(doc[i]) and _has(doc, i, lambda a: "imię" in a.labels)


def _is_unknown(doc, i) -> bool:
    options = _analyses(doc)[i]
    return not options or all(a.tag == "ign" for a in options)


def _is_surname_like(doc, i) -> bool:
    if not _is_cap(doc[i]):
        return False
    options = _analyses(doc)[i]
    return _is_unknown(doc, i) or any(a.is_name for a in options) or not any(
        a.pos in ("subst", "adj", "ppas", "pact") and a.lemma[:1].islower() for a in options)


def _lemma_in(doc, i, words) -> bool:
    return doc[i].lower_ in words or _has(doc, i, lambda a: a.lemma.lower() in words)


def _context_cases(doc, start: int) -> set[str] | None:
    """Cases allowed by the preposition or title right before a name."""
    if start == 0:
        return None
    before = doc[start - 1]
    if before.lower_ in _PREPOSITION_CASES:
        return _PREPOSITION_CASES[before.lower_]
    if _lemma_in(doc, start - 1, TITLES):
        return _title_cases(doc, start - 1)
    return None


def _title_after(doc, k) -> int | None:
    """Where the title of an apposition starting at `k` stands: 'sekretarz' or 'główny lekarz'
    (one lower-case adjective first), else None."""
    if k < len(doc) and _lemma_in(doc, k, TITLES):
        return k
    if k + 1 < len(doc) and doc[k].is_lower and _has(doc, k, lambda a: a.pos == "adj") and _lemma_in(doc, k + 1, TITLES):
        return k + 1
    return None


def _title_cases(doc, i) -> set[str] | None:
    """Cases a title word may be in; indeclinable readings ('sg.pl', all cases) say nothing."""
    readings = [a for a in _analyses(doc)[i] if a.lemma.lower() in TITLES and ".pl:" not in a.tag]
    return set().union(*(a.cases for a in readings)) if readings else None


def canonical_person(doc, start: int, end: int) -> str:
    """Nominative of a person's name: known parts by Morfeusz in the agreed case, unknown by endings."""
    tokens = [doc[i] for i in range(start, end)]
    options = [_analyses(doc)[i] for i in range(start, end)]
    known_cases = None
    feminine = None
    for k, opts in enumerate(options):
        names = [a for a in opts if a.is_name and a.pos == "subst" and a.lemma[:1].isupper()]
        if names:
            cases = set().union(*(a.cases for a in names))
            known_cases = cases if known_cases is None else (known_cases & cases or known_cases)
            if k == 0 and feminine is None:
                genders = {a.gender for a in names if "imię" in a.labels}
                feminine = genders == {"f"} if genders else None
    context = _context_cases(doc, start)
    title = _title_after(doc, end + 1) if end + 1 < len(doc) and doc[end].text in (",", "-", "–") else None
    if title is not None:
        context = _title_cases(doc, title) or context  # "Jana Melniczuk - sekretarz": apposition agrees
    if context and known_cases:
        known_cases = (known_cases & context) or known_cases
    elif context:
        known_cases = context
    if known_cases is None and feminine is None and tokens[0].text.endswith("a") and len(tokens) > 1 \
            and tokens[-1].text.endswith(("a", "ova", "owa", "ska", "cka")):
        feminine = True
    parts = []
    for token, opts in zip(tokens, options):
        if not token.is_alpha:
            parts.append(token.text)
            continue
        if known_cases and "nom" in known_cases and any("nom" in a.cases for a in opts if a.tag != "ign") \
                and not any(a.lemma[:1].isupper() and a.pos == "subst" and "nom" not in a.cases and a.cases & known_cases
                            for a in opts):
            parts.append(token.text)  # already a nominative: keep it as written
            continue
        names = [a for a in opts if a.lemma[:1].isupper() and a.pos == "subst"
                 and (known_cases is None or a.cases & known_cases)
                 and (feminine is None or (a.gender == "f") == feminine)]
        if names:
            parts.append(names[0].lemma)
        elif opts and opts[0].tag != "ign" and known_cases and [a for a in opts if a.pos == "subst" and a.cases & known_cases
                                                                and (a.gender == "f") == bool(feminine)]:
            # a surname that is also a common noun: Klocka -> Klocek
            noun = next(a for a in opts if a.pos == "subst" and a.cases & known_cases and (a.gender == "f") == bool(feminine))
            parts.append(_capital(noun.lemma))
        elif opts and opts[0].tag != "ign" and known_cases:
            # a surname Morfeusz knows only as an adjective: Kinastowskim -> Kinastowski
            adjectives = [a for a in opts if a.pos == "adj" and a.cases & known_cases]
            lemma = adjectives[0].lemma if adjectives else None
            parts.append(_capital(inflect_nominative(lemma, "f" if feminine else "m1")) if lemma else token.text)
        elif known_cases and not (known_cases <= {"nom", "voc"}):
            guesses = guess_nominatives(token.text, known_cases - {"nom", "voc"}, feminine)
            parts.append(guesses[0])
        else:
            parts.append(token.text)
    return _join(parts, tokens)


def _capital(text: str) -> str:
    return "-".join(p[:1].upper() + p[1:] for p in text.split("-"))


def _join(parts, tokens) -> str:
    out = ""
    for part, token in zip(parts, tokens):
        out += part + (token.whitespace_ and " ")
    return re.sub(r"\s*-\s*", "-", out.strip())


def canonical_organisation(doc, start: int, end: int) -> str:
    """Nominative of an organisation name: adjectives + head noun + agreeing adjectives; the rest as written."""
    options = [_analyses(doc)[i] for i in range(start, end)]
    head = None
    for k, opts in enumerate(options):
        nouns = sorted((a for a in opts if a.pos == "subst" and a.lemma.lower() in ORG_HEADS),
                       key=lambda a: (bool(a.labels), ":pl:" in a.tag))
        if nouns:
            head = (k, nouns[0])
            break
    if head is None:
        return _join([doc[i].text for i in range(start, end)], [doc[i] for i in range(start, end)])
    k_head, noun = head
    cases, gender = noun.cases, noun.gender
    parts = []
    for k in range(end - start):
        token = doc[start + k]
        opts = options[k]
        word = token.text
        if k == k_head:
            word = _case_like(noun.lemma, token.text)
        elif k < k_head or k == k_head + 1 or (k > k_head and parts and parts[-1] != word and _agrees(opts, cases, gender)
                                                 and all(_agrees(options[j], cases, gender) for j in range(k_head + 1, k))):
            adjectives = [a for a in opts if a.pos in ("adj", "ppas") and a.cases & cases]
            if adjectives and (k < k_head or _agrees(opts, cases, gender)):
                word = _case_like(inflect_nominative(adjectives[0].lemma, gender), token.text)
        parts.append(word)
    return _join(parts, [doc[i] for i in range(start, end)])


def _agrees(opts, cases, gender) -> bool:
    return any(a.pos in ("adj", "ppas") and a.cases & cases and (not gender or gender in a.tag) for a in opts)


def _case_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


class NameFinder:
    """People, places and organisations the gazetteer does not know."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        taken = set()
        self.places = {}
        for span in doc.ents:
            taken.update(range(span.start, span.end))
            if span.label_ == "CITY":
                self.places.update((k, span) for k in range(span.start, span.end))
        n = len(doc)
        # Every name starts with a capital: test the other tokens once here, not in each finder.
        capital = [word[:1].isupper() for word in doc_words(doc)]
        i = 0
        while i < n:
            if i in taken or not capital[i]:
                i += 1
                continue
            found = self._organisation(doc, i, taken) or self._person(doc, i, taken) or self._place(doc, i, taken)
            if found:
                span = found
                spans.append(span)
                taken.update(range(span.start, span.end))
                i = span.end
            else:
                i += 1
        # An organisation named after its city ("Rada Miejska Łowecz") contains that city's mention:
        # the organisation takes the tokens and the city is kept among the nested mentions.
        inside_org = {}
        for org in spans:
            if org.label_ == "ORG":
                inside_org.update((k, org) for k in range(org.start, org.end))
        existing = list(doc.ents)
        nested = [e for e in existing if inside_org.get(e.start) is not None and inside_org.get(e.start) is inside_org.get(e.end - 1)]
        nested_starts = {e.start for e in nested}
        for org in (s for s in spans if s.label_ == "ORG"):
            for k in range(org.start + 1, org.end):
                if doc[k - 1].lower_ in ("w", "we") and k not in nested_starts:
                    place = self._place(doc, k, set())
                    if place is not None and place.end <= org.end:
                        nested.append(place)
                        nested_starts.add(k)
        doc.spans["kg_nested"] = nested
        nested_ids = {(e.start, e.end) for e in nested}
        doc.ents = _merge([e for e in existing if (e.start, e.end) not in nested_ids], spans)
        return doc

    def _person(self, doc, i, taken):
        n = len(doc)
        if not _is_cap(doc[i]) or doc[i].is_upper:
            return None
        title_before = i > 0 and _lemma_in(doc, i - 1, TITLES)
        given = _is_given_name(doc, i)
        end = i + 1
        while end < n and end - i < 4 and end not in taken:
            token = doc[end]
            if (_is_surname_like(doc, end) or (given and end == i + 1 and _is_cap(token) and not _lemma_in(doc, end, ORG_HEADS)
                                               and not _has(doc, end, lambda a: "nazwa_geograficzna" in a.labels))) \
                    and not token.is_upper:
                end += 1
            elif token.text == "-" and not token.whitespace_ and not doc[end - 1].whitespace_ and end + 1 < n \
                    and _is_surname_like(doc, end + 1):
                end += 2
            elif token.lower_ in ("de", "van", "von", "der", "di", "da", "le") and end + 1 < n and _is_cap(doc[end + 1]):
                end += 2
            else:
                break
        if end - i < 2:
            return None
        apposition = end < n and doc[end].text in (",", "-", "–") and _title_after(doc, end + 1) is not None
        unknown_first = _is_unknown(doc, i)
        # A name needs evidence: a known first name, a title before it, or a title in apposition.
        if not (given or title_before or apposition):
            return None
        if not given and not unknown_first and not title_before and not apposition:
            return None
        # Geographic or organisational words are not people ("Rada Miasta", "Stany Zjednoczone").
        if all(_lemma_in(doc, k, TITLES) or doc[k].lower_ in ("panie", "pani", "pan") for k in range(i, end)):
            return None  # "Szanowny Panie Radny": a form of address, not a name
        if _lemma_in(doc, i, ORG_HEADS) or (not given and _has(doc, i, lambda a: "nazwa_geograficzna" in a.labels)):
            return None
        span = Span(doc, i, end, label="PERSON")
        span._.kg_name = canonical_person(doc, i, end)
        span._.kg_source = "names"
        return span

    def _place(self, doc, i, taken):
        if not _is_cap(doc[i]) or i == 0:
            return None
        before = doc[i - 1].lower_
        cue = before in ("w", "we", "z", "ze", "do", "koło", "miasta", "mieście", "miastem", "miasto", "miast",
                         "miastach", "gminy", "gminie", "partnerem", "partnera")
        geographic = _has(doc, i, lambda a: "nazwa_geograficzna" in a.labels and a.lemma[:1].isupper())
        unknown = _is_unknown(doc, i)
        if not cue or not (geographic or (unknown and before.startswith("miast"))):
            return None
        end = i + 1
        while end < len(doc) and end not in taken and _is_cap(doc[end]) and (
                _has(doc, end, lambda a: a.is_name) or _is_unknown(doc, end)):
            end += 1
        cases = _context_cases(doc, i) or {"miasta": {"gen", "nom"}, "mieście": {"nom", "loc"}, "miastem": {"nom", "inst"},
                                           "miasto": {"nom", "acc"}}.get(before)
        geo = [a for a in _analyses(doc)[i] if "nazwa_geograficzna" in a.labels and a.lemma[:1].isupper()
               and (cases is None or a.cases & cases)]
        # Prefer an oblique reading when the cue allows one, then masculine towns (Głogowie -> Głogów).
        geo.sort(key=lambda a: (not (cases and a.cases & (cases - {"nom"})), a.gender != "m3"))
        if end - i == 1:
            if geo:
                name = geo[0].lemma
            elif cases and not before.startswith("miast"):
                name = guess_nominatives(doc[i].text, cases - {"nom", "voc"})[0]
            else:
                name = doc[i].text  # "miasta Revuca": a foreign name in apposition stays nominative
        else:
            name = canonical_organisation(doc, i, end) if geo else _join([t.text for t in doc[i:end]], list(doc[i:end]))
            if geo:
                name = geo[0].lemma + name[len(_case_like(geo[0].lemma, doc[i].text)):] if name.startswith(doc[i].text) \
                    else name
        label = "COUNTRY" if name in COUNTRIES else "CITY"
        span = Span(doc, i, end, label=label)
        span._.kg_name, span._.kg_source = name, "names"
        return span

    def _organisation(self, doc, i, taken):
        n = len(doc)
        token = doc[i]
        if not token.text[:1].isupper():
            return None
        if i > 0 and doc[i - 1].is_alpha and doc[i - 1].text[:1].isupper() and not doc[i - 1].is_sent_start:
            return None  # inside a longer capitalised name ("Festiwalu Zespołów Muzyki Dawnej")
        acronym = token.is_upper and token.is_alpha and 2 <= len(token.text) <= 6 and not re.fullmatch(r"[IVXLC]+", token.text)
        head_at = None
        for k in range(i, min(i + 3, n)):
            if k in taken or not doc[k].text[:1].isupper():
                break
            if _lemma_in(doc, k, ORG_HEADS - _ADJ_BEFORE_HEAD) and _has(doc, k, lambda a: a.pos == "subst"):
                head_at = k
                break
            if not _has(doc, k, lambda a: a.pos in ("adj", "ppas")):
                break
        if acronym and not token.whitespace_ and i + 1 < n and doc[i + 1].text == ".":
            acronym = False  # "KPM.003.0002.2026": a reference number, not a name
        if head_at is None and not acronym:
            return None
        end = (head_at if head_at is not None else i) + 1
        while end < n:
            if end in taken:
                place = self.places.get(end)
                if place is None or place.start != end or head_at is None:
                    break
                end = place.end
                taken.difference_update(range(place.start, place.end))
                continue
            token_end = doc[end]
            if token_end.text[:1].isupper() and token_end.is_alpha or token_end.is_digit:
                end += 1
            elif token_end.lower_ in _CONNECTORS and end + 1 < n and (end + 1) not in taken and (
                    doc[end + 1].text[:1].isupper() or doc[end + 1].is_digit or doc[end + 1].text == "."):
                if token_end.text == "." and doc[end - 1].lower_ != "im" and not (
                        len(doc[end - 1].text) == 1 and doc[end - 1].is_upper):
                    break
                end += 1
            elif token_end.text == "." and (doc[end - 1].lower_ == "im" or (
                    len(doc[end - 1].text) == 1 and doc[end - 1].is_upper)) and end + 1 < n and doc[end + 1].text[:1].isupper():
                end += 1
            else:
                break
        while end > i + 1 and (doc[end - 1].lower_ in _CONNECTORS or doc[end - 1].text == "."):
            end -= 1
        if end - i < 2 and not (acronym and end - i == 1 and len(token.text) >= 3):
            return None
        if head_at is not None and end - i == 1:
            return None
        span = Span(doc, i, end, label="ORG")
        span._.kg_name = canonical_organisation(doc, i, end)
        span._.kg_source = "names"
        return span


@Language.factory("kgraph_names")
def make_name_finder(nlp: Language, name: str) -> NameFinder:
    return NameFinder()


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
