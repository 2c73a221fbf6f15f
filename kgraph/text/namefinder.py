"""Names the gazetteer does not know: people, places and organisations, by Morfeusz's name
labels, capitalisation and the words around them (titles, prepositions, organisation heads)."""
from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from kgraph.names import search_key
from kgraph.text.gazetteer import merge_spans
from kgraph.text.lexicon import (ADJ_BEFORE_HEAD, COUNTRY_ADJECTIVES, FOREIGN_ORG_HEADS, FORMS_OF_ADDRESS, NAME_CONNECTORS, NOT_NAMES,
                                 OFFICE_HEADS,
                                 ORG_HEADS, PREPOSITION_CASES, TITLES, TOWN_NOUNS, countries, foreign_given_names)
from kgraph.text.morphology import (analyses, doc_analyses, doc_lemmas, doc_lowers, doc_words, guess_nominatives,
                                    inflect_nominative, token_lemmas, word_analyses, word_lemmas)
from kgraph.text.places import name_tokens, place_index, resolve

__all__ = ["NameFinder", "canonical_person", "canonical_organisation"]

# Words right before a place name that say it is one: prepositions of place and "miasto" forms.
PLACE_CUES = {"w", "we", "z", "ze", "do", "koło", "pod", "miasta", "mieście", "miastem", "miasto", "miast", "miastach",
              "gminy", "gminie", "gmina", "gminą", "partnerem", "partnera", "miejscowości", "miejscowość", "wsi", "wieś"}
# Verbs whose object is a place: "odwiedzili Poznań".
VISITING_VERBS = {"odwiedzić", "odwiedzać", "zwiedzić", "zwiedzać", "opuścić", "reprezentować"}
# Nouns whose genitive complement is a town: "mieszkańcy Krosna", "władze Śmigla".
PLACE_HEADS = {"mieszkaniec", "mieszkanka", "władze", "samorząd", "ratusz", "herb", "centrum", "okolica", "obchody"}
# Continents and parts of the world: geographic names, never towns.
CONTINENTS = {"europa", "azja", "afryka", "ameryka", "australia", "antarktyda", "oceania", "skandynawia", "bałkany"}
# Capitalised words of title phrases and bodies ("Burmistrz Miasta", "Rady Gminy"): never part of a person's name.
NOT_IN_PERSON_NAMES = {"miasto", "gmina", "powiat", "województwo", "rada", "urząd", "rejon", "okręg", "obwód", "region",
                       "starostwo", "sejmik", "zarząd", "wydział", "pan", "pani", "państwo"}
# Letters of other languages' alphabets: an unknown word with one is a foreign name, printed as it is.
FOREIGN_LETTERS = r"[äöüßőűáéíúýčďěňřšťžůàèìòùâêîôûçëïñøåæ]"
# Events named after the body that holds them: "Uroczysta Sesja Rady Miejskiej X" names the council too.
EVENT_NOUNS = {"sesja", "posiedzenie", "obrady", "zgromadzenie", "zjazd", "dzień", "święto", "obchody", "jubileusz",
               "gala", "uroczystość", "konferencja", "forum", "spotkanie"}
# Venues whose quoted name is named with the noun: muzeum „Wasil Levski” is Muzeum Wasil Levski.
VENUE_NOUNS = {"muzeum", "galeria", "kino"}
# Common nouns after which a body's own name follows as printed: "chór „Retro”", "grupy Arabeska",
# "spółki Oświetlenie Uliczne i Drogowe".
ENSEMBLE_NOUNS = {"chór", "zespół", "grupa", "orkiestra", "kapela", "teatr", "stowarzyszenie", "fundacja", "klub",
                  "formacja", "kwartet", "kwintet", "trio", "duet", "balet", "kabaret", "spółka", "firma",
                  "przedsiębiorstwo", *VENUE_NOUNS}
OPENING_QUOTES, CLOSING_QUOTES = {"„", "\"", "«", "“"}, {"”", "\"", "»", "“"}
# Words before a river's or lake's name: it is no town.
_WATER_CUES = {"nad", "dopływ", "dopływu", "rzeka", "rzeki", "rzeką", "rzekę", "rzece", "jezioro", "jeziora", "jeziorem"}
# Words inside a place name written in lower case.
NAME_JOINERS = {"-", "nad", "pod", "na", "n", ".", "am", "an", "der", "die", "im", "in", "sur", "de", "la", "le", "del"}
# Parts of speech of common words: a capitalised word with such a reading needs a cue to be a place.
COMMON_POS = {"subst", "adj", "adja", "adv", "fin", "praet", "inf", "ger", "pact", "ppas", "impt", "conj", "prep", "qub"}


# A pope's or king's number after the name.
_REGNAL = re.compile(r"^(?:I{2,3}|IV|VI{0,3}|IX|XI{0,3}|XIV|XV|XVI{1,3})$")


def _is_cap(word: str) -> bool:
    return word.isalpha() and word[:1].isupper() and word not in NOT_NAMES


def _has(doc, i, predicate) -> bool:
    for analysis in doc_analyses(doc)[i]:  # a loop, not any() over a generator: the rules call this 50,000 times a hundred news
        if predicate(analysis):
            return True
    return False


def _is_given_name(doc, i) -> bool:
    """A first name: Morfeusz's, or a foreign one that is no Polish common word ("Bernd", not "Rada")."""
    return _given_name_word(doc_words(doc)[i])


@lru_cache(maxsize=50_000)
def _given_name_word(word: str) -> bool:
    # by word, cached: the name rules ask it of every capitalised word, several times
    if not (word.isalpha() and word[:1].isupper() and word not in NOT_NAMES):
        return False
    options = analyses(word)
    if any("imię" in a.labels for a in options):
        return True
    foreign = foreign_given_names()
    unknown = not options or all(a.tag == "ign" for a in options)
    # an unknown word's lemmas are its guessed nominatives ("Vytautasem" -> vytautas)
    known = word.lower() in foreign or (unknown and not word_lemmas(word).isdisjoint(foreign))
    blocked = NOT_IN_PERSON_NAMES | TITLES | ORG_HEADS
    return known and not any(a.lemma[:1].islower() or "nazwa_geograficzna" in a.labels for a in options) \
        and word.lower() not in blocked and not any(a.lemma.lower() in blocked for a in options)


def _is_unknown(doc, i) -> bool:
    options = doc_analyses(doc)[i]
    return not options or all(a.tag == "ign" for a in options)


def _is_surname_like(doc, i) -> bool:
    if not _is_cap(doc_words(doc)[i]):
        return False
    options = doc_analyses(doc)[i]
    return _is_unknown(doc, i) or any(a.is_name for a in options) or not any(
        a.pos in ("subst", "adj", "ppas", "pact") and a.lemma[:1].islower() for a in options)


def _lemma_in(doc, i, words) -> bool:
    if doc_lowers(doc)[i] in words:
        return True
    for analysis in doc_analyses(doc)[i]:
        if analysis.lemma.lower() in words:
            return True
    return False


def _context_cases(doc, start: int) -> set[str] | None:
    """Cases allowed by the preposition or title right before a name."""
    words = doc_words(doc)
    if start == 0:
        return None
    before = doc[start - 1]
    if before.lower_ in PREPOSITION_CASES:
        return PREPOSITION_CASES[before.lower_]
    if _lemma_in(doc, start - 1, TITLES):
        if start > 1 and _lemma_in(doc, start - 2, TITLES):
            return _title_cases(doc, start - 2)  # "Zastępca Burmistrza Rafał Kubacki": the head title agrees
        return _title_cases(doc, start - 1)
    # "burmistrza Włodzimierz Woł. Petro Sahaniuka", "mera Lidy Iwana Sokoła": the title before the town's name
    k = start - 1
    while k > 0 and start - k <= 3 and (words[k] == "." or (_is_cap(words[k]) and not _lemma_in(doc, k, TITLES))):
        k -= 1
    if k < start - 1 and words[k].islower() and _lemma_in(doc, k, TITLES):
        return _title_cases(doc, k)
    return None


def _title_after(doc, k) -> int | None:
    """Where the title of an apposition starting at `k` stands: 'sekretarz' or 'główny lekarz'
    (one lower-case adjective first), else None."""
    if k < len(doc) and _lemma_in(doc, k, TITLES):
        return k
    if k + 1 < len(doc) and doc_words(doc)[k].islower() and _has(doc, k, lambda a: a.pos == "adj") and _lemma_in(doc, k + 1, TITLES):
        return k + 1
    return None


def _title_cases(doc, i) -> set[str] | None:
    """Cases a title word may be in; indeclinable readings ('sg.pl', all cases) say nothing."""
    readings = [a for a in doc_analyses(doc)[i] if a.lemma.lower() in TITLES and ".pl:" not in a.tag]
    return set().union(*(a.cases for a in readings)) if readings else None


# Endings of Polish oblique cases: a foreign surname without one is in the nominative.
_OBLIQUE_ENDINGS = ("a", "owi", "em", "ie", "u", "y", "ą", "ę", "ego", "emu", "ym", "im", "ej")


def canonical_person(doc, start: int, end: int) -> str:
    """Nominative of a person's name: known parts by Morfeusz in the agreed case, unknown by endings."""
    tokens = [doc[i] for i in range(start, end)]
    options = [doc_analyses(doc)[i] for i in range(start, end)]
    known_cases = None
    feminine = None
    foreign = foreign_given_names()
    first = tokens[0].text
    last_unknown = not options[-1] or all(a.tag == "ign" for a in options[-1])
    first_unknown = not options[0] or all(a.tag == "ign" for a in options[0])
    apposition = _title_after(doc, end + 1) if end + 1 < len(doc) and doc_words(doc)[end] in (",", "-", "–") else None
    oblique_context = bool(((_title_cases(doc, apposition) if apposition is not None else None)
                            or _context_cases(doc, start) or set()) - {"nom", "voc"})
    last_oblique = any(a.is_name for a in options[-1]) and not any(a.is_name and "nom" in a.cases for a in options[-1])
    # "Jana Kowala": a first name read as Jan's genitive and a surname that has a genitive too, declined together
    first_cases = set().union(*(a.cases for a in options[0] if "imię" in a.labels)) - {"nom"}
    last_cases = set().union(*(a.cases for a in options[-1] if a.is_name and len(a.cases) < 6)) - {"nom"}  # not indeclinable
    declined_together = bool(first_cases & last_cases)
    if first.lower() in foreign and not any("imię" in a.labels and "nom" in a.cases for a in options[0]) \
            and len(tokens) > 1 and not oblique_context and not last_oblique and not declined_together and (
                first_unknown or any(a.is_name and "nom" in a.cases and ":sg" in a.tag for a in options[-1])
                or (last_unknown and not tokens[-1].text.endswith(_OBLIQUE_ENDINGS))):
        return _join([t.text for t in tokens], tokens)  # a foreign name as printed: "Kai Buchmann", "Larissa Weber"
    if not options[0] or all(a.tag == "ign" for a in options[0]):
        # an inflected foreign first name tells the case of the whole name: "Vytautasem Laurinaitisem"
        known_cases = next(({case} for case in ("inst", "gen", "dat", "loc", "acc")
                            if any(g.lower() in foreign for g in guess_nominatives(first, {case})[:-1])), None)
    for k, opts in enumerate(options):
        names = [a for a in opts if a.is_name and a.pos == "subst" and a.lemma[:1].isupper()]
        if k == 0 and len(tokens) > 1 and any("imię" in a.labels for a in names):
            names = [a for a in names if "imię" in a.labels]  # "Jana Kowala": Jana as a first name is Jan's genitive
        if names:
            cases = set().union(*(a.cases for a in names))
            known_cases = cases if known_cases is None else (known_cases & cases or known_cases)
            if k == 0 and feminine is None:
                genders = {a.gender for a in names if "imię" in a.labels}
                feminine = genders == {"f"} if genders else None
    context = _context_cases(doc, start)
    title = _title_after(doc, end + 1) if end + 1 < len(doc) and doc_words(doc)[end] in (",", "-", "–") else None
    if title is not None:
        context = _title_cases(doc, title) or context  # "Jana Melniczuk - sekretarz": apposition agrees
    if context and known_cases:
        known_cases = (known_cases & context) or known_cases
    elif context:
        known_cases = context
    elif known_cases and "nom" in known_cases and any("imię" in a.labels and "nom" in a.cases and ":sg:" in a.tag
                                                      for a in options[0]) \
            and (not options[-1] or all(a.tag == "ign" for a in options[-1])
                 or any(a.is_name and "nom" in a.cases and ":sg:" in a.tag for a in options[-1])):
        # nothing around the name says its case and its surname allows the nominative: "Krystyna Piosik
        # dyrektor…" is Krystyna, not the genitive of Krystyn
        known_cases = {"nom"}
        feminine = any("imię" in a.labels and "nom" in a.cases and ":sg:" in a.tag and a.gender == "f"
                       for a in options[0]) or None
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
            if token is tokens[0] and len(tokens) > 1:
                # a foreign first name the lexicon knows, its stem's fleeting "e" put back: "Pavla" -> Pavel, "Karla" -> Karel
                with_e = [g[:-1] + "e" + g[-1] for g in guesses[:-1] if len(g) > 2 and g[-2] not in "aeiouy"]
                guesses = [g for g in guesses[:1] + with_e + guesses[1:-1] if g.lower() in foreign][:1] or guesses
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
    options = [doc_analyses(doc)[i] for i in range(start, end)]
    head = None
    for k, opts in enumerate(options):
        nouns = sorted((a for a in opts if a.pos == "subst" and a.lemma.lower() in ORG_HEADS),
                       key=lambda a: (a.is_name, ":pl:" in a.tag))  # the common noun, not a surname "Związek"
        if nouns:
            head = (k, nouns[0])
            break
    if head is None:
        return _join([doc_words(doc)[i] for i in range(start, end)], [doc[i] for i in range(start, end)])
    k_head, noun = head
    # every singular reading of the head counts: "Gimnazjum" is any case, and the adjectives say which
    cases = set().union(*(a.cases for a in options[k_head] if a.lemma == noun.lemma and ":sg:" in a.tag)) or noun.cases
    gender = noun.gender
    parts = []
    for k in range(end - start):
        token = doc[start + k]
        opts = options[k]
        word = token.text
        if k == k_head:
            word = _case_like(noun.lemma, token.text)
        elif k < k_head or k == k_head + 1 or (k > k_head and parts and parts[-1] != word and _agrees(opts, cases, gender)
                                                 and all(_agrees(options[j], cases, gender) or _compound_part(doc, start + j)
                                                         for j in range(k_head + 1, k))):
            adjectives = [a for a in opts if a.pos in ("adj", "ppas") and a.cases & cases and ":sg:" in a.tag]
            if adjectives and (k < k_head or _agrees(opts, cases, gender)):
                word = _case_like(inflect_nominative(adjectives[0].lemma, gender), token.text)
        parts.append(word)
    return _join(parts, [doc[i] for i in range(start, end)])


def _compound_part(doc, i) -> bool:
    """The first part and dash of a compound adjective: "Organizacyjno-" in "Organizacyjno-Prawnego"."""
    return doc_words(doc)[i] in ("-", "–") or any(a.pos == "adja" for a in doc_analyses(doc)[i]) or (
        i + 1 < len(doc) and doc_words(doc)[i + 1] == "-" and not doc[i].whitespace_)


def _agrees(opts, cases, gender) -> bool:
    return any(a.pos in ("adj", "ppas") and a.cases & cases and ":sg:" in a.tag and (not gender or gender in a.tag) for a in opts)


def _case_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _title_before(doc, i) -> bool:
    """A title right before token i, or before a dash or "miasta": "burmistrz Jan", "Burmistrz miasta - Marton Béla"."""
    k = i - 1
    while k >= 0 and i - k <= 3 and doc_lowers(doc)[k] in ("-", "–", ":", "miasta", "gminy", "pan", "pani", "panem", "panią"):
        k -= 1
    return k >= 0 and _lemma_in(doc, k, TITLES)


def _cue_index(doc, i) -> int:
    """Where the word announcing a place before token i stands, over lower-case adjectives and a dash:
    "miasta" in "z miasta partnerskiego X", "miast" in "miast partnerskich - Chrudimiu"."""
    words, lowers = doc_words(doc), doc_lowers(doc)
    k = i - 1
    while k >= 0 and i - k <= 3 and (words[k] in ("-", "–", ":") or (
            words[k].islower() and _has(doc, k, lambda a: a.pos in ("adj", "qub", "adv", "part")) and lowers[k] not in PLACE_CUES)):
        k -= 1  # "odwiedziła także Lwów", "z miasta partnerskiego X"
    return k


def _town_noun_before(doc, i) -> bool:
    """ "z gminą X", "do miejscowości X": a lower-case town noun, not one inside a title ("burmistrz miasta X")."""
    words, lowers = doc_words(doc), doc_lowers(doc)
    k = _cue_index(doc, i)
    if k < 0 or lowers[k] not in TOWN_NOUNS or not words[k].islower() or (
            k > 0 and (_lemma_in(doc, k - 1, TITLES) or lowers[k - 1] in TOWN_NOUNS)):
        return False
    # not a person ("patrona naszego miasta Wojciecha Kętrzyńskiego") nor a common word ("mieście Ogólnopolskiego Festiwalu")
    person = _is_given_name(doc, i) and i + 1 < len(doc) and _is_cap(words[i + 1]) and _has(
        doc, i + 1, lambda a: "nazwisko" in a.labels or (a.pos == "adj" and re.search(r"(sk|ck|dzk)i$", a.lemma)))
    common = _has(doc, i, lambda a: a.lemma[:1].islower() and a.pos in COMMON_POS) and not _has(doc, i, lambda a: a.is_name)
    return not person and not common


def _cue_word(doc, i) -> str:
    k = _cue_index(doc, i)
    return doc_lowers(doc)[k] if k >= 0 else ""


def _place_cue_before(doc, i) -> bool:
    """A word announcing a place before token i, over up to two lower-case adjectives:
    "w Opolu", "z miasta partnerskiego Nordhausen", "w niemieckim Hamm", "odwiedzili Poznań";
    or a country around it: "z Francji (Meudon)", "Meudon (Francja)"."""
    words, lowers = doc_words(doc), doc_lowers(doc)
    if i >= 2 and words[i - 1] == "(" and doc[i - 2].ent_type_ == "COUNTRY":
        return True
    if i + 2 < len(doc) and words[i + 1] == "(" and doc[i + 2].ent_type_ == "COUNTRY":
        return True
    if i + 2 < len(doc) and lowers[i + 1] in ("na", "w", "we") and doc[i + 2].ent_type_ == "COUNTRY":
        return True  # "Raseiniai na Litwie", "Hamm w Niemczech"
    if i > 0 and words[i - 1].islower() and doc_lemmas(doc)[i - 1].lower() in COUNTRY_ADJECTIVES:
        return True  # "…, niemieckim Haldensleben (20-lecie) i słowackim Breznem"
    k = _cue_index(doc, i)
    return k >= 0 and (lowers[k] in PLACE_CUES or _lemma_in(doc, k, VISITING_VERBS))


def _first_name_not_place(doc, span) -> bool:
    """A one-word town between a title and a surname is a first name: "burmistrz Martin Mrkos"."""
    words = doc_words(doc)
    i = span.start
    return span.label_ == "CITY" and span.end == i + 1 and 0 < i and i + 1 < len(doc) \
        and _lemma_in(doc, i - 1, TITLES) and not _is_given_name(doc, i + 1) and _is_cap(words[i + 1]) and doc[i + 1].ent_type_ == "" \
        and _is_surname_like(doc, i + 1) and not _has(doc, i + 1, lambda a: "nazwa_geograficzna" in a.labels)


def _not_in_name(doc, i) -> bool:
    """A title or body word ("Burmistrz", "Miasta", "Rady"), or a town with no name reading: not part of a person's name."""
    options = doc_analyses(doc)[i]
    if doc_lowers(doc)[i] in FORMS_OF_ADDRESS:
        return True
    if any(a.lemma.lower() in NOT_IN_PERSON_NAMES or (a.lemma.lower() in TITLES and a.pos == "subst") for a in options):
        return not any("imię" in a.labels for a in options)  # "Burmistrz", "Panem" (also surnames), not "Pan" alone
    if any("imię" in a.labels or "nazwisko" in a.labels for a in options):
        return False
    return bool(options) and all("nazwa_geograficzna" in a.labels or a.tag == "ign" for a in options) \
        and not all(a.tag == "ign" for a in options)


@lru_cache(maxsize=50_000)
def _first_word_readings(word: str) -> tuple[tuple[str, int], ...]:
    """Lower-case readings of a word to look places up by, with their trust (0 most trusted):
    Morfeusz's geographic lemmas, the word itself, its other lemmas, then guessed nominatives."""
    options = word_analyses(word)
    tiers = ([a.lemma.lower() for a in options if "nazwa_geograficzna" in a.labels], [word.lower()],
             [a.lemma.lower() for a in options if a.tag != "ign"], word_lemmas(word))
    readings: dict[str, int] = {}
    for trust, tier in enumerate(tiers):
        for reading in sorted(tier):
            readings.setdefault(reading, trust)
    return tuple(readings.items())


@lru_cache(maxsize=10_000)
def _shouted_word(word: str) -> bool:
    """A common word in capitals ("FOTO", "TAK"), not an acronym ("UAM", "LO", "PWSZ"): Morfeusz knows its
    small letters, and only as common words."""
    readings = [a for a in analyses(word.lower()) if a.tag != "ign"]
    return bool(readings) and all(a.lemma[:1].islower() for a in readings)


@lru_cache(maxsize=50_000)
def _foreign_head_word(word: str) -> bool:
    """Whether a word may head a foreign body's name: "Gymnasium", "Liceo", "Realschule"."""
    word = word.lower()
    return word in FOREIGN_ORG_HEADS or word.endswith(("gymnasium", "schule"))


def _abbreviated(doc, k, word: str | None) -> bool:
    """Whether token k is a word cut short with a period ("Wlkp.", "Maz.", "Woł."), standing for
    `word` (its letters in order, the first the same), or for any word when `word` is None."""
    if k + 1 >= len(doc) or doc_words(doc)[k + 1] != "." or doc[k].whitespace_ or not 2 <= len(doc_words(doc)[k]) <= 5:
        return False
    if word is None:
        return True
    short, letters = doc_lowers(doc)[k], iter(word)
    return short[0] == word[0] and len(short) < len(word) and all(c in letters for c in short)


# A capital after a small letter inside a word: how brands are spelt, not places.
_MIXED_CASE = re.compile(r"[a-ząćęłńóśźż][A-ZĄĆĘŁŃÓŚŹŻ]")
# A long word in capitals: a text with none has no shouted headline.
_SHOUT = re.compile(r"\b[A-ZĄĆĘŁŃÓŚŹŻ]{7,}\b")


def _shouted_tokens(doc: Doc) -> list[int]:
    """The tokens of lines written all in capitals ("WIZYTA DELEGACJI W MIEŚCIE PARTNERSKIM"): a
    headline's capitals say nothing of names. Acronyms alone ("PWSZ, UAM") are not shouting."""
    words_of_doc = doc_words(doc)
    if not _SHOUT.search(" ".join(words_of_doc)):
        return []  # most texts: no long word in capitals anywhere
    shouted, line = [], []
    # by the token strings (Doc.text joins every token anew); a line ends at a token holding a line break
    for k, word in enumerate([*words_of_doc, "\n"]):
        if "\n" not in word:
            line.append(k)
            continue
        words = [w for w in (words_of_doc[j] for j in line) if len(w) > 1 and w.isalpha()]
        if len(words) >= 3 and all(w.isupper() for w in words) and any(len(w) >= 7 for w in words):
            shouted.extend(line)
        line = []
    return shouted


class NameFinder:
    """People, places and organisations the gazetteer does not know."""

    def __call__(self, doc: Doc) -> Doc:
        words, lowers = doc_words(doc), doc_lowers(doc)
        spans = []
        taken = set()
        self.places = {}
        known_countries = countries()
        self.mentioned = set()
        existing = [e for e in doc.ents if not _first_name_not_place(doc, e)]
        doc.ents = existing  # (Doc.ents builds its spans anew at every read: read it once)
        for span in existing:
            taken.update(range(span.start, span.end))
            if span.label_ == "CITY":
                self.places.update((k, span) for k in range(span.start, span.end))
            elif span.label_ == "COUNTRY" and span._.kg_name in known_countries:
                self.mentioned.add(known_countries[span._.kg_name][1])
        n = len(doc)
        # Every name starts with a capital: test the other tokens once here, not in each finder.
        capital = [word[:1].isupper() for word in words]
        self.foreign_heads = {k for k, word in enumerate(words) if capital[k] and _foreign_head_word(word)}
        for k in _shouted_tokens(doc):
            capital[k] = False
        i = 0
        while i < n:
            if i in taken or not capital[i]:
                i += 1
                continue
            found = (self._named_ensemble(doc, i, taken) or self._organisation(doc, i, taken)
                     or self._person(doc, i, taken) or self._place(doc, i, taken))
            if found:
                span = found
                spans.append(span)
                taken.update(range(span.start, span.end))
                if span.label_ == "CITY":
                    self.places.update((k, span) for k in range(span.start, span.end))
                i = span.end
            else:
                i += 1
        spans += self._places_again(doc, spans, taken, capital)
        # An organisation named after its city ("Rada Miejska Łowecz") contains that city's mention:
        # the organisation takes the tokens and the city is kept among the nested mentions.
        inside_org = {}
        for org in spans:
            if org.label_ == "ORG":
                inside_org.update((k, org) for k in range(org.start, org.end))
        nested = [e for e in existing if inside_org.get(e.start) is not None and inside_org.get(e.start) is inside_org.get(e.end - 1)]
        nested_starts = {e.start for e in nested}
        for org in (s for s in spans if s.label_ == "ORG"):
            for k in range(org.start + 1, org.end):
                if lowers[k - 1] in ("w", "we") and k not in nested_starts:
                    place = self._place(doc, k, set())
                    if place is not None and place.end <= org.end:
                        nested.append(place)
                        nested_starts.add(k)
        doc.spans["kg_nested"] = nested
        nested_ids = {(e.start, e.end) for e in nested}
        doc.ents = merge_spans([e for e in existing if (e.start, e.end) not in nested_ids], spans)
        _same_numbered_bodies(doc)
        return doc

    def _places_again(self, doc, spans, taken, capital) -> list[Span]:
        """One name, one sense in a text: a town found once by its cue ("do Kitzingen") is the same town
        where the same word stands with no cue ("koordynator współpracy Kitzingen z Trzebnicą"), unless
        it starts a longer capitalised name. `spans` is corrected in place."""
        words = doc_words(doc)
        forms: dict[str, dict[tuple, Span]] = {}  # by first word
        for span in spans:
            if span.label_ == "CITY":
                forms.setdefault(words[span.start], {}).setdefault(tuple(words[span.start:span.end]), span)
        found = []
        for i in range(len(doc)):
            if not capital[i] or words[i] not in forms or i in taken:
                continue
            for form, model in forms[words[i]].items():
                end = i + len(form)
                if tuple(words[i:end]) == form and not any(k in taken for k in range(i, end)) \
                        and not (end < len(doc) and capital[end]) and not (i > 0 and capital[i - 1] and doc_words(doc)[i - 1].isalpha()):
                    span = Span(doc, i, end, label=model.label_)
                    span._.kg_name, span._.kg_source, span._.kg_place = model._.kg_name, model._.kg_source, model._.kg_place
                    found.append(span)
                    taken.update(range(i, end))
                    self.places.update((k, span) for k in range(i, end))
                    break
        # "z władzami Beli Monastiru" read as a person (Bela) where the text named the town Beli Monastir:
        # a "person" whose words are the town's, the last one inflected, is the town
        for k, person in enumerate(spans):
            if person.label_ != "PERSON" or person.end - person.start < 2:
                continue
            written = words[person.start:person.end]
            model = next((m for form, m in forms.get(written[0], {}).items() if len(form) == len(written)
                          and form[:-1] == tuple(written[:-1]) and written[-1].startswith(form[-1])
                          and len(written[-1]) - len(form[-1]) <= 3), None)
            if model is not None:
                span = Span(doc, person.start, person.end, label="CITY")
                span._.kg_name, span._.kg_source, span._.kg_place = model._.kg_name, model._.kg_source, model._.kg_place
                spans[k] = span
                self.places.update((j, span) for j in range(span.start, span.end))
        return found

    def _person(self, doc, i, taken):
        words, lowers = doc_words(doc), doc_lowers(doc)
        n = len(doc)
        if not _is_cap(words[i]) or words[i].isupper() or _not_in_name(doc, i):
            return None
        given = _is_given_name(doc, i)
        if not given and i + 2 < n and _is_given_name(doc, i + 1) and _is_surname_like(doc, i + 2):
            return None  # "Goslar Henning Binnewies", "Kętrzyński Jarosław Pieniak": a word, then the name

        end = i + 1
        while end < n and end - i < 4 and end not in taken and not _not_in_name(doc, end):
            token = doc[end]
            if (_is_surname_like(doc, end) or (given and end == i + 1 and _is_cap(words[end]) and not _lemma_in(doc, end, ORG_HEADS)
                                               and not _has(doc, end, lambda a: "nazwa_geograficzna" in a.labels))) \
                    and not token.is_upper:
                end += 1
            elif token.text == "-" and not token.whitespace_ and not doc[end - 1].whitespace_ and end + 1 < n \
                    and _is_surname_like(doc, end + 1):
                end += 2
            elif token.lower_ in ("de", "van", "von", "der", "di", "da", "le") and end + 1 < n and _is_cap(words[end + 1]):
                end += 2
            else:
                break
        if end - i < 2:
            return None
        title_before = _title_before(doc, i)
        if i >= 2 and words[i - 1] == "." and lowers[i - 2] in ("św", "im", "bł", "ul", "pl", "al", "os") \
                or lowers[i - 1] in ("świętego", "świętej", "błogosławionego", "ulicy", "ulica", "ulicę", "placu",
                                         "plac", "alei", "aleja", "rondzie", "rondo", "osiedlu", "osiedle"):
            return None  # a saint or a patron ("kościół św. Jana Nepomucena", "Liceum im. Jana Karskiego", "na Pl. Jana
            # Pawła II"), no one present
        if end < n and _REGNAL.match(words[end]) and not (end + 1 < n and _is_cap(words[end + 1])):
            end += 1  # "papieża Jana Pawła II" (not "Jan Nowak II LO")
        apposition = end < n and words[end] in (",", "-", "–") and _title_after(doc, end + 1) is not None
        unknown_first = _is_unknown(doc, i)
        # A name needs evidence: a known first name, a title before it, or a title in apposition.
        if not (given or title_before or apposition):
            return None
        if not given and not unknown_first and not title_before and not apposition:
            return None
        # Geographic or organisational words are not people ("Rada Miasta", "Stany Zjednoczone").
        if all(_lemma_in(doc, k, TITLES) or lowers[k] in ("panie", "pani", "pan") for k in range(i, end)):
            return None  # "Szanowny Panie Radny": a form of address, not a name
        if _lemma_in(doc, i, ORG_HEADS) or (not given and _has(doc, i, lambda a: "nazwa_geograficzna" in a.labels)):
            return None
        if _town_noun_before(doc, i):
            return None  # "z gminą Beli Monastir": a town's name, whatever its words
        if (_place_cue_before(doc, i) and lowers[i - 1] not in TITLES) or (
                len(doc[end - 1]) <= 4 and _is_unknown(doc, end - 1) and _abbreviated(doc, end - 1, None)):
            known = self._geonames(doc, i, set())
            if known is not None and known[0] >= end:
                return None  # "w partnerskim Włodzimierzu Wołyńskim", "Włodzimierz Woł.": a town named like a person
        span = Span(doc, i, end, label="PERSON")
        span._.kg_name = canonical_person(doc, i, end)
        span._.kg_source = "names"
        return span

    def _place(self, doc, i, taken):
        span = self._place_or_nation(doc, i, taken)
        if span is not None and span.end - span.start == 1 and _has(
                doc, i, lambda a: a.lemma[:1].isupper() and "nazwa_pospolita" in a.labels and a.gender == "m1" and ":pl:" in a.tag) \
                and not _has(doc, i, lambda a: ":sg:" in a.tag and "nazwa_geograficzna" in a.labels):
            return None  # "ze Szwedami", "z Polakami": people of a nation, not the villages Szwedy or Polaki
        return span

    def _place_or_nation(self, doc, i, taken):
        words, lowers = doc_words(doc), doc_lowers(doc)
        if not _is_cap(words[i]):
            return None
        before = lowers[i - 1] if i > 0 else ""
        cue = _place_cue_before(doc, i)
        cue_word = _cue_word(doc, i) if cue else ""
        geographic = _has(doc, i, lambda a: "nazwa_geograficzna" in a.labels and a.lemma[:1].isupper())
        known = self._geonames(doc, i, taken)
        if known is not None:
            end, name, candidates = known
            in_list = before in (",", "i", "oraz", "-", "–", "/") and self.places.get(i - 2) is not None and (
                before not in ("-", "/") or bool(doc[i - 2].whitespace_))  # "Hajdu-Bihar" is one name
            common = not geographic and _has(doc, i, lambda a: a.lemma[:1].islower() and a.pos in COMMON_POS) \
                or _lemma_in(doc, i, TITLES)
            big = max(p.population for p in candidates) >= 50_000
            # One word that is only an adjective here ("Kaliska Orkiestra") or a given name is not a place alone.
            # "Kaliska Orkiestra", "w Dolnej Saksonii": an adjective before another name; "z Chmielnickim," is a town
            lone_adjective = end - i == 1 and _has(doc, i, lambda a: a.pos == "adj") and (
                (end < len(doc) and _is_cap(words[end])) or not (geographic or cue))
            hyphenated = i > 1 and words[i - 1] == "-" and not doc[i - 2].whitespace_  # "Hajdu-Bihar"
            given = end - i == 1 and _is_given_name(doc, i)
            titled = i > 0 and _lemma_in(doc, i - 1, TITLES | PLACE_HEADS)  # "burmistrz Śmigla", "mieszkańcy Krosna"
            foreign_titled = titled and _is_unknown(doc, i) and not _is_given_name(doc, i)  # "Nadburmistrz Nordhausen"
            continent = end - i == 1 and _lemma_in(doc, i, CONTINENTS | TITLES)  # "Mer": a title, not a town
            # a Polish town both Morfeusz and GeoNames know ("Trzebnicę odwiedziła…") needs no cue
            polish_town = geographic and any(p.country == "PL" for p in candidates) and not _has(
                doc, i, lambda a: "nazwisko" in a.labels) and not common
            # "Beli Monastir": a known name followed by an unknown capitalised word is part of a longer one
            continues = end < len(doc) and _is_cap(words[end]) and not _is_given_name(doc, end) and (
                _is_unknown(doc, end) or common)  # "Beli Monastir", "w Piłce Nożnej": part of a longer name
            river = before in _WATER_CUES and end - i == 1  # "nad Narwią", "dopływ Dunaju"
            if not lone_adjective and not (given and not cue) and not continent and not continues and not river \
                    and not hyphenated and (
                    cue or in_list or polish_town or (titled and geographic) or foreign_titled
                    or (big and not common and (geographic or not doc[i].is_sent_start)
                        and (geographic or not _has(doc, i, lambda a: "nazwisko" in a.labels)))):  # "utwory Andersona"
                place = resolve(candidates, near=self._countries_near(doc, i), mentioned=self.mentioned)
                main = name_tokens(place.name)
                if len(main) == end - i and all(main[k - i] in token_lemmas(doc, k) for k in range(i, end)):
                    name = place.name  # the place's own name when the words fit it too: "Krosna" is Krosno
                if end - i == 1 and end < len(doc) and _is_cap(words[end]) and _has(doc, end, lambda a: a.pos == "adj") \
                        and not _has(doc, end, lambda a: "imię" in a.labels or "nazwa_geograficzna" in a.labels):
                    # "w Podlesiu Kościelnym": a village and its adjective, one name
                    gender = next((a.gender for a in doc_analyses(doc)[i] if "nazwa_geograficzna" in a.labels), "n")
                    adjective = next(a.lemma for a in doc_analyses(doc)[end] if a.pos == "adj")
                    name, end = f"{name} {_capital(inflect_nominative(adjective, gender))}", end + 1
                span = Span(doc, i, end, label="COUNTRY" if name in countries() else "CITY")
                joint = next((k for k in range(i + 1, end) if lowers[k] in ("nad", "pod")), None)
                if joint is not None:  # "Zdziar nad Sazawą": after "nad" the name is as printed (always instrumental)
                    name = " ".join(name.split()[:joint - i]) + " " + _join([t.text for t in doc[joint:end]], list(doc[joint:end]))
                span._.kg_name, span._.kg_source, span._.kg_place = name, "geonames", place
                return span
        if i == 0:
            return None
        unknown = _is_unknown(doc, i)
        previous = self.places.get(i - 2) if before in (",", "i", "oraz") else None
        if previous is not None and (geographic or unknown):
            # the next item of a list of places, in the case of the list's first item
            first = previous
            while self.places.get(first.start - 2) is not None and words[first.start - 1] in (",", "i", "oraz"):
                first = self.places[first.start - 2]
            before = lowers[first.start - 1] if first.start > 0 else ""
            cases = _context_cases(doc, first.start)
            geo = [a.lemma for a in doc_analyses(doc)[i] if "nazwa_geograficzna" in a.labels and a.lemma[:1].isupper()]
            name = geo[0] if geo else guess_nominatives(words[i], cases - {"nom", "voc"})[0] if cases else None
            if name:
                span = Span(doc, i, i + 1, label="CITY")
                span._.kg_name, span._.kg_source = name, "names"
                return span
        foreign = unknown and cue and before in ("w", "we", "do", "z", "ze") and re.search(FOREIGN_LETTERS, words[i]) \
            and not (i + 1 < len(doc) and _is_cap(words[i + 1]) and not _lemma_in(doc, i + 1, TITLES))
        if foreign:  # "do Balatonfűzfő": a foreign place no gazetteer knows, as printed
            span = Span(doc, i, i + 1, label="CITY")
            span._.kg_name, span._.kg_source = words[i], "names"
            return span
        town_noun = _town_noun_before(doc, i)
        # "do Brzedni": a word no dictionary knows after "do", not starting a longer name, is where one went
        to_unknown = unknown and before == "do" and not (i + 1 < len(doc) and _is_cap(words[i + 1]))
        if not cue or not (geographic or (unknown and cue_word.startswith("miast")) or town_noun or to_unknown) \
                or _lemma_in(doc, i, CONTINENTS):
            return None
        end = i + 1
        while end < len(doc) and end not in taken and _is_cap(words[end]) and (
                _has(doc, end, lambda a: a.is_name) or _is_unknown(doc, end)):
            end += 1
        if end < len(doc) and _is_cap(words[end]) and end == i + 1 and not town_noun and _has(
                doc, i, lambda a: a.lemma[:1].islower() and a.pos in COMMON_POS):
            return None  # "w Piłce Nożnej": a common word starting a longer capitalised name
        if end - i > 1 and _has(doc, i, lambda a: a.pos == "adj") and not town_noun:
            return None  # "w Dolnej Saksonii": a region; a town of such a name would be in GeoNames
        cases = _context_cases(doc, i) or {"miasta": {"gen", "nom"}, "mieście": {"nom", "loc"}, "miastem": {"nom", "inst"},
                                           "miasto": {"nom", "acc"}}.get(before)
        geo = [a for a in doc_analyses(doc)[i] if "nazwa_geograficzna" in a.labels and a.lemma[:1].isupper()
               and (cases is None or a.cases & cases)]
        # Prefer an oblique reading when the cue allows one, then masculine towns (Głogowie -> Głogów).
        geo.sort(key=lambda a: (not (cases and a.cases & (cases - {"nom"})), a.gender != "m3"))
        if end - i == 1:
            if geo:
                name = geo[0].lemma
            elif cases and not before.startswith("miast"):
                name = guess_nominatives(words[i], cases - {"nom", "voc"})[0]
            else:
                name = words[i]  # "miasta Revuca": a foreign name in apposition stays nominative
        else:
            name = canonical_organisation(doc, i, end) if geo else _join([t.text for t in doc[i:end]], list(doc[i:end]))
            if geo:
                name = geo[0].lemma + name[len(_case_like(geo[0].lemma, words[i])):] if name.startswith(words[i]) \
                    else name
        label = "COUNTRY" if name in countries() else "CITY"
        span = Span(doc, i, end, label=label)
        span._.kg_name, span._.kg_source = name, "names"
        return span

    def _geonames(self, doc, i, taken):
        """The longest GeoNames name starting at token i, matched by lemma: (end, name, places) or None.

        The first word's readings are tried in order of trust: Morfeusz's geographic lemma, the word
        itself, its other lemmas, then guessed nominatives ("Krakowa" is Kraków, not "Krakow")."""
        index = place_index()
        words = doc_words(doc)
        if _MIXED_CASE.search(words[i]):
            return None  # "PaSO Strings", "eMKa": a brand's spelling, not a place's
        found = []
        for first, trust in _first_word_readings(words[i]):
            for tokens, name in index.names_starting(first):
                end = i + len(tokens)
                # later words of a name are capitalised or joiners ("Nowe Miasto nad Wartą", "Bielsko-Biała")
                if end <= len(doc) and all(
                        k not in taken and (words[k][:1].isupper() or words[k] in NAME_JOINERS)
                        and (tokens[k - i] in token_lemmas(doc, k) or (k == end - 1 and _abbreviated(doc, k, tokens[k - i])))
                        for k in range(i + 1, end)):
                    places = index.lookup(tokens)
                    found.append((len(tokens), -trust, max(p.population for p in places), name, places))
                    break  # names_starting lists the longest first
        if not found:
            return None
        # the longest name; then the most trusted reading; among Morfeusz's geographic lemmas
        # ("Tarnowie": Tarnów, Tarnowo, Tarnowa) the most populous place
        size, _trust, _population, name, places = max(found, key=lambda f: f[:3])
        return i + size, name, places

    def _countries_near(self, doc, i) -> set[str]:
        """Countries an adjective right before a place names: "w niemieckim mieście Hamm" -> DE."""
        lemmas = doc_lemmas(doc)
        return {COUNTRY_ADJECTIVES[lemmas[k].lower()] for k in range(max(0, i - 3), i) if lemmas[k].lower() in COUNTRY_ADJECTIVES}

    def _named_ensemble(self, doc, i, taken):
        """A group named after a common noun, as printed: "chór „Retro”", "grupy wokalnej Arabeska",
        "stowarzyszenie kulturalne „Tracce di Memoria”"."""
        words, lowers = doc_words(doc), doc_lowers(doc)
        k = i - 1
        quoted = k >= 0 and words[k] in OPENING_QUOTES
        k -= quoted
        while k >= 0 and i - k <= 3 and words[k].islower() and _has(doc, k, lambda a: a.pos == "adj"):
            k -= 1
        if k < 0 or not words[k].islower() or not _lemma_in(doc, k, ENSEMBLE_NOUNS):
            return None
        end = i
        while end < len(doc) and end not in taken and (
                (quoted and words[end] not in CLOSING_QUOTES and end - i < 8)
                or (not quoted and (_is_cap(words[end]) or (lowers[end] in (NAME_JOINERS - {".", "n"}) | {"i"}
                                                         and end + 1 < len(doc) and _is_cap(words[end + 1])
                                                         and not (lowers[end] == "i" and (  # "Retro i Anna Lis": two
                                                             _is_given_name(doc, end + 1) or end + 1 in taken
                                                             or _lemma_in(doc, end + 1, ORG_HEADS | ENSEMBLE_NOUNS))))))):
            end += 1
        if end == i or (quoted and (end >= len(doc) or words[end] not in CLOSING_QUOTES)):
            return None
        if not quoted and (_is_given_name(doc, i) or self._geonames(doc, i, taken)):
            return None  # "zespołu Jana Kowala", "chór z…": a person or a place, read as such
        span = Span(doc, i, end, label="ORG")
        name = _join([t.text for t in doc[i:end]], list(doc[i:end]))
        venue = next((v for v in VENUE_NOUNS if _lemma_in(doc, k, {v})), None)
        span._.kg_name, span._.kg_source = (f"{venue.capitalize()} {name}" if venue else name), "names"
        return span

    def _organisation(self, doc, i, taken):
        words, lowers = doc_words(doc), doc_lowers(doc)
        n = len(doc)
        token = doc[i]
        if not token.text[:1].isupper():
            return None
        if i > 0 and words[i - 1].isalpha() and words[i - 1][:1].isupper() and not doc[i - 1].is_sent_start \
                and not _lemma_in(doc, i - 1, TITLES | EVENT_NOUNS):
            # inside a longer capitalised name ("Festiwalu Zespołów Muzyki Dawnej"), but a title
            # starts one ("Przewodniczący Rady Miejskiej")
            return None
        numeral = re.fullmatch(r"[IVX]{1,4}", token.text) is not None  # "II Liceum Ogólnokształcące", "II LO"
        first = doc[i + 1] if numeral and i + 1 < n else token
        acronym = first.is_upper and first.is_alpha and 2 <= len(first.text) <= 6 \
            and re.fullmatch(r"[IVX]{1,4}", first.text) is None and not _shouted_word(first.text)
        # a foreign body's name, its head after words no Polish dictionary knows: "Freies Gymnasium Sankt Konrad"
        head_at = None if self.foreign_heads.isdisjoint(range(i, i + 3)) else next((
            k for k in range(i, min(i + 3, n)) if k in self.foreign_heads and k not in taken and _is_unknown(doc, k)
                        and all(j not in taken and ((_is_cap(words[j]) and _is_unknown(doc, j))
                                                    or (words[j] == "-" and not doc[j].whitespace_))  # "Stiftland-Gymnasium"
                                for j in range(i, k))), None)
        compound = head_at == i and lowers[i] not in FOREIGN_ORG_HEADS  # "Stiftland-Gymnasium", "Realschule"
        for k in range(i + numeral, min(i + numeral + 3, n)):
            if head_at is not None or k in taken or not words[k][:1].isupper():
                break
            if _lemma_in(doc, k, ORG_HEADS - ADJ_BEFORE_HEAD) and _has(doc, k, lambda a: a.pos == "subst"):
                head_at = k
                break
            if not _has(doc, k, lambda a: a.pos in ("adj", "ppas")) or _lemma_in(doc, k, TITLES):
                break  # "Przewodniczący Rady Miejskiej": a title before a body, not part of its name
        if acronym and not token.whitespace_ and i + 1 < n and words[i + 1] == ".":
            acronym = False  # "KPM.003.0002.2026": a reference number, not a name
        if head_at is None and not acronym:
            return None
        end = (head_at if head_at is not None else i + numeral) + 1
        while end < n:
            if end in taken:
                # a town or country named in the body's name: "Rada Miejska Łowecz", "Związek Miast Ukrainy"
                place = self.places.get(end) or next((e for e in doc.ents if e.start == end and e.label_ == "COUNTRY"), None)
                if place is None or place.start != end or (
                        head_at is None and not (acronym and lowers[end - 1] in ("w", "we"))):
                    break  # "Rada Miejska Łowecz", "ZSO w Gostyniu", "II LO w Kaliszu" (not "UM Kalisz:")
                end = place.end
                taken.difference_update(range(place.start, place.end))
                continue
            token_end = doc[end]
            if end > (head_at if head_at is not None else i) + 1 and _is_given_name(doc, end) and end + 1 < n and _is_surname_like(doc, end + 1) \
                    and not any(lowers[k] == "im" for k in range(max(i, end - 3), end)):  # a patron: "PWSZ im. Jana Kowala"
                break  # "Rady Miejskiej Paweł Ciszewski": a person's name follows the body's
            patron = any(lowers[k] == "im" for k in range(max(i, end - 2), end))
            # "Kancelaria Prezydenta Miasta": an office named after the official it serves
            served = head_at is not None and end == head_at + 1 and _lemma_in(doc, head_at, OFFICE_HEADS) and token_end.text[:1].isupper()
            if token_end.lower_ in FORMS_OF_ADDRESS or (
                    _lemma_in(doc, end, TITLES) and not _lemma_in(doc, end, ORG_HEADS) and not patron and not served):
                break  # "Wydział Zdrowia Pani Renata…", "Rady Miejskiej Przewodniczący…"
            if token_end.is_digit and lowers[end - 1] not in ("nr", "numer"):
                break  # "Szkoła Podstawowa nr 18", but not "Rada Miejska w Łodzi 4 …"
            if token_end.text[:1].isupper() and token_end.is_alpha or token_end.is_digit:
                end += 1
            elif token_end.lower_ == "stopnia" and re.fullmatch(r"[IV]{1,3}", words[end - 1]):
                end += 1  # "Szkoła Muzyczna I stopnia"
            elif token_end.lower_ in ("i", "oraz") and end + 1 < n and (
                    _lemma_in(doc, end + 1, ORG_HEADS - ADJ_BEFORE_HEAD) or (words[end + 1].isupper() and len(words[end + 1]) > 1
                                                                           and words[end + 1].isalpha())):
                break  # "UAM i PWSZ", "Teatr i Filharmonia": two bodies
            elif token_end.lower_ in ("w", "we") and end + 1 < n and _lemma_in(doc, end + 1, ORG_HEADS - ADJ_BEFORE_HEAD):
                break  # "Wydział Organizacyjno-Prawny w Urzędzie Gminy": a body inside another is named apart
            elif token_end.lower_ in NAME_CONNECTORS and end + 1 < n and (
                    (end + 1) not in taken or (self.places.get(end + 1) is not None and self.places[end + 1].start == end + 1)) and (
                    words[end + 1][:1].isupper() or doc[end + 1].is_digit or words[end + 1] == "."):
                if token_end.text == "." and lowers[end - 1] != "im" and not (
                        len(words[end - 1]) == 1 and words[end - 1].isupper()):
                    break
                end += 1
            elif token_end.text == "." and (lowers[end - 1] == "im" or (
                    len(words[end - 1]) == 1 and words[end - 1].isupper())) and end + 1 < n and words[end + 1][:1].isupper():
                end += 1
            else:
                break
        while end > i + 1 and (lowers[end - 1] in NAME_CONNECTORS or words[end - 1] == "."):
            end -= 1
        if end - i < 2 and not (acronym and end - i == 1 and len(token.text) >= 3) and not compound:
            return None
        if head_at is not None and end - i == 1 and not compound:
            return None
        span = Span(doc, i, end, label="ORG")
        span._.kg_name = canonical_organisation(doc, i, end)
        span._.kg_source = "names"
        return span


_NUMBERED = re.compile(r"(\w+) nr (\d+)\b")


def _same_numbered_bodies(doc: Doc) -> None:
    """Bodies of one kind and number in one text are one body, under its fullest name: "Publiczne Gimnazjum
    nr 1 w Brzegu" then "Gimnazjum nr 1"; schools are named shorter, and loosely, once introduced."""
    fullest: dict[tuple[str, str], str] = {}
    orgs = [e for e in doc.ents if e.label_ == "ORG" and e._.kg_name]
    for org in orgs:
        found = _NUMBERED.search(org._.kg_name)
        if found:
            key = (search_key(found[1]), found[2])
            if len(org._.kg_name) > len(fullest.get(key, "")):
                fullest[key] = org._.kg_name
    for org in orgs:
        found = _NUMBERED.search(org._.kg_name)
        if found:
            org._.kg_name = fullest[(search_key(found[1]), found[2])]


@Language.factory("kgraph_names")
def make_name_finder(nlp: Language, name: str) -> NameFinder:
    return NameFinder()

