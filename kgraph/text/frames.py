"""Relation frames: which visits, posts and partnerships a document's sentences state.

One `DocumentFrames` reads a document sentence by sentence, with the state a reader keeps: the
delegation last told of (for its members), the scene (where the text's events happen, for
participants) and the days of each place's visit. Titles and posts are read by its base class,
kgraph.text.posts.PostRules. Each rule has a name, kept with every fact it makes as
`evidence.rule`, and a confidence measured per rule (RULE_CONFIDENCE).

>>> from kgraph.text.extract import make_extractor
>>> from kgraph.text.readers import read_text
>>> record = make_extractor(home="Opole").extract(next(read_text(
...     "Wizyta\\n5 maja 2024\\nW Opolu przebywała delegacja z Kitzingen z burmistrzem Janem Kowalem na czele.", "a.txt")))
>>> sorted((v["visitor"], v["place"], v["evidence"]["rule"]) for v in record["visits"])
[('Jan Kowal', 'Opole', 'delegation-member'), ('Kitzingen', 'Opole', 'delegation')]
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from kgraph.names import search_key
from kgraph.text.lexicon import COUNTRY_ADJECTIVES, TOWN_NOUNS, countries
from kgraph.text.morphology import analyses, doc_analyses, doc_lemmas, doc_lowers, doc_words, word_forms
from kgraph.text.posts import TOWN_HEADS, TOWN_WORDS, VERB_POS, PostRules, belongs_to, head_post, role_name, usual_heads

__all__ = ["DocumentFrames", "RULE_CONFIDENCE"]

# Verbs (by lemma) of travelling to a place, and of a place receiving guests.
_TRAVEL = {"podpisać", "odwiedzić", "odwiedzać", "przyjechać", "przyjeżdżać", "przylecieć", "przybyć", "zawitać", "przebywać",
           "wyjechać", "udać", "złożyć", "gościć", "pojechać", "jechać", "uczestniczyć", "wizyta", "gościć w"}
_HOSTING = {"gościć", "przyjąć", "podejmować", "powitać", "witać"}
_GUEST_AT = "gościć w"  # the intransitive "X gości w Y" (X is Y's guest); a travel word, never hosting
# Not the instrumental ("współpracujący z naszym miastem", "partnerstwo z naszą gminą"): it names a partner, not a place.
_HOME_WORDS = {"nasze miasto", "naszego miasta", "naszym mieście", "naszą gminę", "naszej gminy", "naszej gminie", "nasza gmina"}
# "przyjechali do nas", "byli u nas": to the publishing town.
_TO_US = re.compile(r"\b(?:do|u) nas\b")
# Verb forms that state an event, unlike gerunds ("spotkania", "przybycie"), which are nouns to the frames.
_FINITE_POS = {"fin", "praet", "inf", "impt", "imps", "bedzie", "pcon", "pant"}
# A fact's confidence is its rule's precision, measured with `kgraph eval --by-rule` on the dev corpora
# (36 news items, 12 towns' styles; 2026-11-29) and rounded down; rules with fewer than five facts
# there keep a cautious guess. Users filter and review by it: facts at 0.8 or more are right 9 times in 10.
RULE_CONFIDENCE = {
    # measured (facts on the dev corpora, precision): rounded down to a multiple of 0.05
    "title-phrase": 0.95, "delegation-member": 0.95, "delegation-members": 0.95, "delegation": 0.9,
    "apposition": 0.9, "travel": 0.85, "participant": 0.85, "bare-title": 0.85,  # 10 of 10: kept below, a guess at the town
    # fewer than five facts there: a cautious guess
    "hosted-city": 0.8, "hosted-org": 0.7, "hosted-person": 0.7, "address-block": 0.8, "title": 0.8,
    "relative": 0.7, "nominal": 0.7, "exchange": 0.6, "participant-town": 0.6, "head-of-town": 0.6, "partner-cue": 0.6,
    "participle": 0.7, "performance": 0.6,
}
# "potrwa do piątku", "trwała do niedzieli": the day a stay ends, by the name of the weekday (genitive).
_WEEKDAYS = ["poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli"]
_UNTIL_WEEKDAY = re.compile(r"\b(potrwa\w*|trwał\w*)\s+(?:\w+\s+)?do\s+(" + "|".join(_WEEKDAYS) + r")\b")
# A visit that did not happen: called off, put off.
_CALLED_OFF = re.compile(r"\b(?:odwołan\w*|odwoła(?:no|ła|ł|li)|przełożon\w*|nie doszł\w* do skutku|nie odbęd\w*|nie odbył\w*)")
# "Gościem był X", "Gośćmi specjalnymi byli X i Y": guests named (not "byli gośćmi X", X the host).
_GUESTS_WERE = re.compile(r"\bgoś(?:ciem|ćmi)\b(?:\s+\w+){0,2}?\s+(?:był|była|byli|były)\b")
# Festivals named after a town: "Dni Martina", "urodziny Kalisza", "Święto Miasta Hamm".
_FESTIVALS = {"dni", "dniach", "dniami", "dniom", "święta", "święcie", "świętu", "urodzin", "urodzinach", "urodzinami",
              "jubileuszu", "jubileuszem"}
# Prepositions before a town: a town after one is no verb's object.
_PREPOSITIONS = {"z", "ze", "do", "od", "w", "we", "na", "dla", "u", "przez", "o", "po", "przy", "nad", "pod", "za"}
# Nouns of a visit: a sentence with one of them and a date dates the visit told of.
_VISIT_NOUNS = {"wizyta", "pobyt", "spotkanie", "wyjazd", "przyjazd", "rewizyta", "wymiana"}
# Sentences listing a delegation's members after the delegation was named.
_MEMBERS = re.compile(r"\b(reprezent|w osobach|w składzie|w skład|wśród (?:\w+ )?(?:gości|zaproszonych|uczestników|członków)|na czele"
                      r"|przewodniczył\w* delegacj|delegacj\w* przewodniczył|delegację tworzy|goście: |gośćmi byli|obecn\w* (?:byli|był|była))")
# A line of a list: "- Jan Kos - burmistrz", "• Anna Lis", "2. Piotr Sowa".
_LIST_ITEM = re.compile(r"\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s")
# Verbs (by lemma) that open a list of a party's members with a colon: "reprezentowali:", "przyjechali:".
_LIST_VERBS = {"reprezentować", "przyjechać", "przybyć", "uczestniczyć", "wejść", "pojechać", "wyjechać"}
# Nouns of those who stand for a town: "przedstawiciele miasta X", "delegacja X", "władze miasta X".
_REPRESENTING = ("przedstawiciel", "delegac", "reprezentac", "władz", "gości", "goście")
# Nouns of a body's people as a group: "uczniowie Gimnazjum nr 1", "chór Szkoły Muzycznej".
_GROUP_NOUNS = ("uczni", "uczennic", "nauczyciel", "opiekun", "przedstawiciel", "reprezentac", "delegac", "członkowie",
                "zespół", "zespoł", "chór", "młodzież", "pracowni", "zawodni", "sportowc", "strażac", "artyści", "muzyc",
                "tancer", "wychowank", "student", "harcerz", "grupa", "seniorz", "słuchacz")
# Taking part in what happens at the scene.
_PARTICIPATE = {"uczestniczyć", "udział"}
# Verbs of coming (here): with no place named, the place is the scene or the publishing town.
_COMING = {"przyjechać", "przybyć", "przylecieć", "zawitać", "przyjeżdżać", "przybywać"}
# Participles of being somewhere on a visit: "będąc z wizytą w X", "przebywając w X".
_VISITING_PARTICIPLES = {"będąc", "przebywając", "goszcząc"}
# Verbs (by lemma) of doing something at a place one came to: performing, taking part, representing.
_PRESENT_AT = {"reprezentować", "wystąpić", "występować", "uczestniczyć", "przebywać", "koncertować", "zagrać",
               "startować", "rywalizować", "gościć", "zaprezentować", "prezentować"}
# Words of performing (by lemma): the performer named after them was where the show was.
_PERFORMING = {"wystąpić", "występować", "zagrać", "zaśpiewać", "koncertować", "zatańczyć"}
# Relative pronouns: the subject of their verb is the name before them.
_RELATIVE = {"który", "która", "którzy", "które"}
# Verbs whose subject often follows them ("W Kaliszu przebywała delegacja z Martina").
_ARRIVAL = {"przyjechać", "przybyć", "przylecieć", "przebywać", "zawitać", "udać", "przyjeżdżać", "przybywać", "pojechać",
            "wyjechać", "spotkać"}
# Every verb a frame reads by its lemma.
_FRAME_VERBS = (_TRAVEL | _HOSTING | _PARTICIPATE | _PRESENT_AT | _COMING | _ARRIVAL | {"wziąć", "brać", "odbyć", "spotkać"}) - {"wizyta", "udział"}
# A town hall's departments: a post in one that names no town is the publishing town's ("Dyrektor Wydziału Zdrowia").
_OWN_OFFICES = {"wydzial", "urzad", "biuro", "kancelaria", "referat", "departament", "gabinet", "zespol"}
_PARTNER_CUES = [(re.compile(r"partnersk|partnerstw|partner(?:em|a|ze|owi)?\b|bliźniacz", re.I), "partner"),
                 (re.compile(r"zaprzyjaźnion", re.I), "friendly"),
                 (re.compile(r"list(?:u|em)? intencyjn", re.I), "letter-of-intent"),
                 (re.compile(r"memorand|porozumieni", re.I), "memorandum")]
_ANNIVERSARY = re.compile(r"(\d{1,3})\s*(?:\.|-)\s*(?:rocznic\w*|leci\w*)", re.I)


def _negated(lowers: list[str], lemmas: list[str], k: int) -> bool:
    """Whether the verb at k is denied: "nie przyjechał", "nie mogła przybyć", "nie zdołali dojechać"."""
    return (k > 0 and lowers[k - 1] == "nie") or (
        k > 1 and lowers[k - 2] == "nie" and lemmas[k - 1] in ("móc", "zdołać", "musieć", "chcieć", "udać"))


@lru_cache(maxsize=1)
def _misread_frame_verbs() -> frozenset[str]:
    """The forms of the frames' verbs that Morfeusz reads as another word first ("uczestniczą")."""
    return frozenset(form for lemma in _FRAME_VERBS for form in word_forms(lemma) if _frame_verb(form))


@lru_cache(maxsize=50_000)
def _frame_verb(word: str) -> str | None:
    """The lemma of a verb the frames read, when a word can be it and its first reading is something
    else ("uczestniczą": adjective "uczestniczy" or verb "uczestniczyć")."""
    readings = analyses(word)
    if not readings or readings[0].lemma in _FRAME_VERBS:
        return None
    verb = next((a for a in readings if a.lemma in _FRAME_VERBS and a.pos in _FINITE_POS), None)
    if verb is None or (verb.pos != "inf" and any(a.pos == "subst" for a in readings)):
        return None  # "gości" is the guests as often as the verb: the rules read it in context ("przybyć" is the verb)
    return verb.lemma


def _governor_at(doc, start: int) -> int:
    """Where the word a name starting at `start` depends on stands, over adjectives and "miasto/gmina"."""
    words, lowers = doc_words(doc), doc_lowers(doc)
    while True:
        k = start - 1
        while k > 0 and start - k <= 3 and (lowers[k] in TOWN_NOUNS or (
                words[k].islower() and any(a.pos == "adj" for a in doc_analyses(doc)[k]))):
            k -= 1
        # "z Marquette (Francja) oraz Sleaford", "w Opolu, Nysie i Brzegu": a later town of a list
        # depends on the word its first town depends on
        if k <= 0 or lowers[k] not in (",", "i", "oraz"):
            return k
        j = k - 1
        if words[j] == ")":  # over a country in brackets
            while j > 0 and words[j] != "(" and k - j < 6:
                j -= 1
            j -= 1
        if j < 0 or doc[j].ent_type_ != "CITY":
            return k
        while j > 0 and doc[j].ent_iob_ == "I":
            j -= 1
        start = j


def _governor(doc, span) -> str:
    """The word a place name depends on: "w" for "w mieście partnerskim Waldbröl", "z" for "z partnerskiego
    miasta Kitzingen"."""
    k = _governor_at(doc, span.start)
    return doc_lowers(doc)[k] if k >= 0 else ""


def _represented(doc, span) -> bool:
    """A town someone stands for: "przedstawiciele miasta X", "przedstawiciel z miasta X", "delegacja X"."""
    k = _governor_at(doc, span.start)
    if k >= 0 and doc_lowers(doc)[k] in ("z", "ze"):
        k = _governor_at(doc, k)
    return k >= 0 and doc_lowers(doc)[k].startswith(_REPRESENTING)


def _members_of(doc, span, ents) -> bool:
    """A body whose people are named as a group: "uczniowie i opiekunowie Gimnazjum nr 1", "reprezentacja
    brzeskiej Szkoły Muzycznej", "goście z Liceum X", and a body coordinated with one ("… oraz Gimnazjum nr 3")."""
    lowers = doc_lowers(doc)
    k = _governor_at(doc, span.start)
    if k < 0:
        return False
    if lowers[k] in ("z", "ze") or lowers[k].startswith(_GROUP_NOUNS):
        return True
    if lowers[k] in ("oraz", "i", ","):
        return any(e.label_ == "ORG" and e.end == k and _members_of(doc, e, ents) for e in ents)
    return False


def _country_code(town) -> str | None:
    """A town span's ISO country code: from GeoNames, or from its curated record's country ("niemcy")."""
    if town._.kg_place is not None:
        return town._.kg_place.country
    return _codes_by_key().get(town._.kg_country or "")


@lru_cache(maxsize=1)
def _codes_by_key() -> dict[str, str]:
    return {search_key(name): code for name, code in countries().values()}


def _festival_of(doc, town) -> bool:
    """Whether a town is named as the one whose festival it is: "Dni Martina", "Dni Miasta Hamm",
    "urodzinach Kalisza", "Święta Miasta Erfurt"."""
    k = town.start - 1
    if k > 0 and doc_lowers(doc)[k] in ("miasta", "gminy"):
        k -= 1
    return k >= 0 and doc_lowers(doc)[k] in _FESTIVALS


def _coordinated(doc, first, places) -> list:
    """The places coordinated after `first` ("Hamm, Martin i Łowecz"), `first` not among them."""
    found, last = [], first
    for e in places:
        if last is None or e.start <= last.start:
            continue
        if e.start - last.end == 1 and doc_lowers(doc)[last.end] in (",", "i", "oraz"):
            found.append(e)
            last = e
        elif e.start > last.end:
            break
    return found


def _place_after(doc, ents, verb: int) -> bool:
    """Whether a town after the verb is where one went ("do X", "w X"), not where one came from ("z X")."""
    return any(e.label_ == "CITY" and e.start > verb and _governor(doc, e) in ("w", "we", "do", "na") for e in ents)


def _accusative(doc, span) -> bool:
    return any("acc" in a.cases for a in doc_analyses(doc)[span.start])


def _adjective_of(word: str, town: str | None) -> bool:
    """Whether `word` is the town's adjective: "śmigielska" of Śmigiel, "kaliska" of Kalisz, "raciborska" of Racibórz."""
    if not town or not re.search(r"(sk|ck|sc|cc)\w*$", word):  # "kaliska", "kaliscy", "śmigielscy"
        return False
    stem, key = search_key(word), search_key(town)
    common = 0
    while common < min(len(stem), len(key)) and stem[common] == key[common]:
        common += 1
    return common >= 3 and common >= min(4, len(key) - 2)


class DocumentFrames(PostRules):
    """Sentence-by-sentence relation rules for one document; remembers the last delegation."""

    def __init__(self, home: str | None, document, doc, dates, *, extractor: str, ents=None):
        self.home, self.extractor = home, extractor
        self.document, self.doc, self.dates = document, doc, dates
        self.date_starts = [d.begin for d in dates]
        self.visits: list[dict] = []
        self.roles: list[dict] = []
        self.partnerships: list[dict] = []
        self.person_role_of: dict[str, str] = {}
        self.person_post: dict[str, tuple[str, str]] = {}
        # (person, role, sentence, the other towns its sentence names, the scene then): bare heads' titles
        self.bare_titles: list[tuple] = []
        self.member_list: tuple[str, object] | None = None  # (place, days) while a list of members runs
        self.last_trip: tuple[str, dict | None] | None = None
        # the scene: the place the text's events happen at, and the days of each place's visit,
        # for sentences that name neither ("W obchodach uczestniczyli…", "Wizyta odbyła się 9–12 listopada")
        self.scene: str | None = None
        self.last_when = None  # the last date the text gave, for sentences that take part in what it dated
        self.ents = list(doc.ents) if ents is None else ents
        self._city_mentions = [e._.kg_name for e in self.ents if e.label_ == "CITY"]
        self._city_names = set(self._city_mentions)
        self.place_dates: dict[str, object] = {}

    # -- helpers
    def _evidence(self, sentence, rule: str) -> dict:
        offset, start, end = self.document.offset, sentence.start_char, sentence.end_char
        confidence = RULE_CONFIDENCE.get(rule.split(":")[0], 0.5)
        return {"evidence": {"sentence": self._text(sentence).strip(), "start": offset + start,
                             "end": offset + end, "rule": rule, "confidence": confidence,
                             "extractor": self.extractor}}

    def _text(self, sentence) -> str:
        """sentence.text, cut from the text the doc was made of (Span.text and Doc.text join
        every token's text each time)."""
        return self.document.text[sentence.start_char:sentence.end_char]

    def _date(self, sentence):
        at = bisect_left(self.date_starts, sentence.start_char)
        if at < len(self.dates) and self.dates[at].begin < sentence.end_char:
            return self.dates[at]
        return None


    def _lasts_until_weekday(self, low: str) -> None:
        """ "Ta część projektu potrwa do piątku": the visit at the scene ends on that weekday, the first one
        on or after the document's date (before it for "trwała do piątku")."""
        match = _UNTIL_WEEKDAY.search(low)
        known = self.place_dates.get(search_key(self.scene))
        if match is None or known is None:
            return
        published = date.fromisoformat(self.document.date)
        shift = (_WEEKDAYS.index(match.group(2)) - published.weekday()) % 7
        end = published + timedelta(days=shift) if match.group(1).startswith("po") else \
            published - timedelta(days=(published.weekday() - _WEEKDAYS.index(match.group(2))) % 7)
        if known.start <= end.isoformat():
            self.place_dates[search_key(self.scene)] = replace(known, end=end.isoformat())

    def _dated_heading(self, sentence, when) -> bool:
        """A line of its own that opens with its date: the heading of a chronicle's entry."""
        text = self.document.text
        return (when.begin == sentence.start_char and len(sentence) <= 16
                and (sentence.start_char == 0 or text[sentence.start_char - 1] == "\n")
                and (self._text(sentence).endswith("\n") or sentence.end_char == len(text)))

    def _visit(self, visitor: str, place: str, when, sentence, rule: str):
        if not visitor or not place or search_key(visitor) == search_key(place):
            return
        of = self.person_role_of.get(visitor)
        if belongs_to(visitor, place) or (of and (search_key(of) == search_key(place) or belongs_to(of, place))):
            return  # the town's own officials and bodies ("Rada Miejska w Miliczu") host, they do not visit it
        if rule not in ("participle", "relative"):  # a visit told in passing is not where the text's events happen
            self.scene = place
        if when is not None:
            self.place_dates.setdefault(search_key(place), when)
        self.visits.append({"visitor": visitor, "place": place, "start": when.start if when else None,
                            "end": when.end if when else None, **self._evidence(sentence, rule)})


    def finish(self) -> None:
        """A town's head travels for the town ("Prezydent m.st. Warszawy Rafał Trzaskowski w Paryżu":
        Warszawa visited Paris too); days for visits whose own sentence gives none, from another
        sentence about the same place's visit ("Wizyta odbyła się w dniach 9–12 listopada")."""
        self._resolve_bare_titles()
        known = {(search_key(v["visitor"]), search_key(v["place"])) for v in self.visits}
        for visit in list(self.visits):
            post = self.person_post.get(visit["visitor"])
            # a visit mentioned in passing ("…, który w czerwcu odwiedził X") was the person's own
            town = self._town_of_post(post) if post is not None else None
            if town is None or visit["evidence"]["rule"] in ("relative", "participle"):
                continue
            key = (search_key(town), search_key(visit["place"]))
            if key[0] != key[1] and key not in known:
                known.add(key)
                self.visits.append({**visit, "visitor": town, "evidence": {
                    **visit["evidence"], "rule": "head-of-town", "confidence": RULE_CONFIDENCE["head-of-town"]}})
        for visit in self.visits:
            when = self.place_dates.get(search_key(visit["place"]))
            # no days of its own, or one day inside the visit's days ("W piątek 15 czerwca przyjechał autokar…"
            # in a visit of 15–19 June): the visit's days
            if when is not None and (visit["start"] is None or (
                    visit["start"] == visit["end"] and when.start <= visit["start"] <= when.end)):
                visit["start"], visit["end"] = when.start, when.end

    # -- rules
    def sentence(self, sentence, ents):
        low = self._text(sentence).lower()
        if self.member_list is not None:
            if _LIST_ITEM.match(low):
                # "- Jan Kos - Burmistrz X,": an item of the list of members a colon opened
                self._roles(sentence, ents)
                place, list_when = self.member_list
                member = next((e for e in ents if e.label_ in ("PERSON", "ORG")), None)
                if member is not None and member.label_ == "PERSON":
                    self._visit(member._.kg_name, place, list_when, sentence, "delegation-members")
                return
            self.member_list = None
        when = self._date(sentence)
        self.last_when = when or self.last_when
        if when is not None and self._dated_heading(sentence, when):
            # "9 grudnia 2019 - Europejska Stolica Wolontariatu": a chronicle's new entry; the days told
            # of the entries before it are not this one's
            self.place_dates.clear()
            self.last_trip = None
        if not ents and not low.rstrip().endswith(":") and "delegac" not in low:
            # no names, no facts (but "delegacja szwedzka", a list's "weszli:"): only the days of the visit
            # told of may move on ("Wizyta odbyła się w dniach 9–12 listopada", "potrwa do piątku")
            if when is not None and self.scene:
                lemmas = {lemma.lower() for lemma in doc_lemmas(self.doc)[sentence.start:sentence.end]}
                if not lemmas.isdisjoint(("odbyć", "trwać")) and not lemmas.isdisjoint(_VISIT_NOUNS):
                    self.place_dates[search_key(self.scene)] = when
            elif when is None and self.scene and self.document.date:
                self._lasts_until_weekday(low)
            return
        # plain strings from the morfeusz component: a Token per word would cost more than the rules
        lemmas = [lemma.lower() for lemma in doc_lemmas(self.doc)[sentence.start:sentence.end]]
        lowers = doc_lowers(self.doc)[sentence.start:sentence.end]
        if not _misread_frame_verbs().isdisjoint(lowers):
            for k, word in enumerate(lowers):
                verb = _frame_verb(word)
                if verb is not None:
                    lemmas[k] = verb  # "uczestniczą": Morfeusz reads the adjective "uczestniczy" first
        for k in range(len(lowers) - 1):
            # "gości" is also the genitive plural of "gość"; before "w/we/u" it is the verb, used
            # intransitively: X "gości w" Y is X's visit to Y, not X hosting someone
            if lowers[k] in ("gości", "goszczą") and lowers[k + 1] in ("w", "we", "u"):
                lemmas[k] = _GUEST_AT
            elif lemmas[k] == "gościć" and (lowers[k + 1] == "u" or (
                    lowers[k + 1] in ("w", "we") and k + 2 < len(lowers) and self.doc[sentence.start + k + 2].ent_type_ == "CITY")):
                lemmas[k] = _GUEST_AT  # "gościli w Kaliszu", "gościli u rówieśników": the guests are the subject
            elif lemmas[k] == "gościć" and any(w in ("delegacja", "goście", "grupa") for w in lowers[k + 1:k + 4]):
                lemmas[k] = _GUEST_AT  # "w Meppen gościła delegacja z…": the delegation (nominative) was the guest
        self._roles(sentence, ents)
        self._participle_visits(sentence, ents, lowers)
        self._relative_presence(sentence, ents, lemmas, lowers)
        self._performances(sentence, ents, lemmas, lowers)
        self._partnerships(sentence, ents, low)
        # "odwiedzić" names its place as its object: it wins over another travel word in the sentence,
        # unless it is in a relative clause ("…Marton Béla, który w czerwcu odwiedził Śmigiel"): that
        # clause is its antecedent's visit, and the main clause is read without it
        travel_at = next((k for k, lemma in enumerate(lemmas) if lemma.startswith("odwiedz")), None)
        if travel_at is not None and self._relative_visit(sentence, ents, travel_at, when):
            lemmas[travel_at] = ""
            travel_at = next((k for k, lemma in enumerate(lemmas) if lemma.startswith("odwiedz")), None)
        if travel_at is None:  # a verb before the noun: "z gościnną wizytą przybyli uczniowie z X"
            travel_at = next((k for k, lemma in enumerate(lemmas) if lemma in _TRAVEL and lemma != "wizyta"), None)
        if travel_at is None:
            # "wzięli udział w obchodach": taking part, like "uczestniczyć"
            # ("wzięli także udział", "wzięła czynny udział": a word may come between)
            travel_at = next((k for k in range(len(lemmas)) if lowers[k] == "udział" and (
                (k > 0 and lemmas[k - 1] in ("wziąć", "brać")) or (k > 1 and lemmas[k - 2] in ("wziąć", "brać"))
                or (k + 1 < len(lemmas) and lemmas[k + 1] in ("wziąć", "brać")))), None)  # "udział wziął"
            if travel_at is not None:
                lemmas[travel_at] = "udział"  # Morfeusz's first reading of the word is the verb "udziać"
        if travel_at is None:  # verbs before nouns: "biorą udział w programie Wymiana…"
            travel_at = next((k for k, lemma in enumerate(lemmas) if lemma in _VISIT_NOUNS), None)
        if travel_at is None:
            # "w Ciechanowie spotkali się przedstawiciele miast z…": a meeting at a place named before the verb,
            # its participants after it (not "burmistrz spotkał się z…", nor a meeting online)
            travel_at = next((k for k in range(1, len(lemmas) - 1) if lemmas[k] == "spotkać" and lowers[k + 1] == "się"
                              and not any(e.label_ in ("PERSON", "ORG") and e.start < sentence.start + k for e in ents)
                              and any(e.label_ == "CITY" and e.start < sentence.start + k and _governor(self.doc, e) in ("w", "we")
                                      for e in ents)), None)
        if (travel_at is not None and _negated(lowers, lemmas, travel_at)) or _CALLED_OFF.search(low):
            return  # "nie mogła przybyć delegacja z X", "wizyta została odwołana": no visit
        delegation = any(lemma.startswith("delegac") for lemma in lemmas) or "delegacj" in low
        home_named = any(w in low for w in _HOME_WORDS) or _TO_US.search(low) is not None
        cities = [e for e in ents if e.label_ == "CITY"]
        if when is not None and not cities and self.scene and any(lemma in ("odbyć", "trwać") for lemma in lemmas) \
                and any(lemma in _VISIT_NOUNS for lemma in lemmas):
            # "Wizyta odbyła się w dniach od 9 do 12 listopada": the days of the visit just told of
            self.place_dates[search_key(self.scene)] = when
        if when is None and self.scene and self.document.date:
            self._lasts_until_weekday(low)
        if cities and (when is not None or any(lemma in ("odbyć", "spotkać") for lemma in lemmas)):
            # "W dniach 1–3 października w Waldbröl odbył się jubileusz", "W dniach 6–9 maja w Goslar
            # obchodzono…": the scene of what follows, and its days (a visit told here moves it again)
            located = next((e for e in cities if _governor(self.doc, e) in ("w", "we")), None)
            if located is not None:
                self.scene = located._.kg_name
                if when is not None and "podpisać" not in lemmas:  # an agreement's day is not its visits' days
                    self.place_dates.setdefault(search_key(self.scene), when)
        trip = self.last_trip or ((self.scene, self.place_dates.get(search_key(self.scene))) if self.scene else None)
        # "Naszą gminę reprezentował…": our own people, the hosts, not members of the visiting party
        members = trip is not None and _MEMBERS.search(low) is not None and not home_named and (
            travel_at is None or lemmas[travel_at] in _PARTICIPATE) and not any(
            _governor(self.doc, e) in ("do", "w", "we") for e in cities)  # a sentence naming where is read on its own
        if members:
            # "W skład delegacji weszli: A – burmistrz X, B…": the members of the delegation just told of;
            # "Miasto Skawina reprezentowali radni w osobach: A, B": the town too
            place, trip_when = trip
            for e in ents:
                if e.label_ == "PERSON" or (e.label_ == "CITY" and e.start < sentence.start + 3
                                            and _governor(self.doc, e) not in ("w", "we", "do", "z", "ze")):
                    self._visit(e._.kg_name, place, trip_when, sentence, "delegation-members")
        elif travel_at is None and _GUESTS_WERE.search(low):
            self._guests_were(sentence, ents, when)
        elif delegation or travel_at is not None or home_named or not _HOSTING.isdisjoint(lemmas):
            self._visits(sentence, ents, lemmas, low, when, travel_at, delegation)
        if low.rstrip().endswith(":") and (_MEMBERS.search(low) or any(lemma in _LIST_VERBS for lemma in lemmas)):
            self._open_member_list(sentence, ents, when, trip, home_named)

    def _guests_were(self, sentence, ents, when) -> None:
        """ "Gościem specjalnym był burmistrz Martina Ján Danko", "Gośćmi byli uczniowie z Erfurtu": the guests
        were at the place the sentence names, else the scene, else the publishing town."""
        doc = self.doc
        # not what a relative clause tells of them: "Gościem był Jan Kowal, który w Opolu mieszka"
        clause_end = next((k for k in range(sentence.start, sentence.end) if doc_lowers(doc)[k] in _RELATIVE), sentence.end)
        ents = [e for e in ents if e.end <= clause_end]
        located = next((e for e in ents if e.label_ == "CITY" and _governor(doc, e) in ("w", "we", "na")), None)
        place = located._.kg_name if located is not None else self.scene or self.home
        if place is None:
            return
        for e in ents:
            of = self.person_role_of.get(e._.kg_name)
            if e is located or (of is not None and (search_key(of) == search_key(place) or belongs_to(of, place))):
                continue  # the hosts
            if e.label_ == "PERSON" or (e.label_ in ("CITY", "ORG") and _governor(doc, e) in ("z", "ze")):
                self._visit(e._.kg_name, place, when, sentence, "hosted-person" if e.label_ == "PERSON" else
                            "hosted-city" if e.label_ == "CITY" else "hosted-org")

    def _open_member_list(self, sentence, ents, when, trip, home_named) -> None:
        """ "Gminę X podczas wizyty w Y reprezentowali:", "W skład delegacji weszli:": the lines after it
        that open with a dash or a number are the party's members. The place is the one this sentence
        names, else the trip just told of; a list of our own people at home is of hosts, not visitors."""
        cities = [e for e in ents if e.label_ == "CITY"]
        located = next((e for e in cities if _governor(self.doc, e) in ("w", "we", "do", "na")
                        and e._.kg_name != self.home), None)
        if located is not None:
            place, list_when = located._.kg_name, when or self.place_dates.get(search_key(located._.kg_name))
        elif trip is not None and not home_named:
            place, list_when = trip
        else:
            return
        for e in cities:  # "Gminę Skwierzyna … reprezentowali:": the town the party stands for
            if e is not located and e.start < sentence.start + 3 and _governor(self.doc, e) not in ("w", "we", "do", "z", "ze"):
                self._visit(e._.kg_name, place, list_when, sentence, "delegation-members")
        self.member_list = (place, list_when)

    def _visits(self, sentence, ents, lemmas, low, when, travel_at, delegation):
        start = sentence.start
        places = [e for e in ents if e.label_ == "CITY"]
        people = [e for e in ents if e.label_ in ("PERSON",)]
        doc = self.doc

        def before(e):
            return doc_lowers(doc)[e.start - 1] if e.start > sentence.start else ""

        # destination: a city after "w/we/do/na" (or the object of "odwiedzić"), else the home words
        destination = None
        inverted = travel_at is not None and lemmas[travel_at] in _ARRIVAL and not any(
            e.label_ in ("PERSON", "ORG") for e in ents if e.start - start < travel_at)
        for e in places:
            # "w Łoweczu", "do Kalisza", "w słowackim mieście Martin"; "W Kaliszu przebywała delegacja"
            if (before(e) in ("w", "we", "do", "mieście") or _governor(doc, e) in ("w", "we", "do")) and (
                    travel_at is None or e.start - start > travel_at
                                                             or delegation or inverted or before(e) == "do"):
                destination = e
                break
        visited_object = None
        if travel_at is not None and lemmas[travel_at].startswith("odwiedz"):
            # the object after the verb, or fronted right before it: "Trzebnicę odwiedziła delegacja z X"
            fronted = next((e for e in places if e.end == start + travel_at and _accusative(doc, e)
                            and _governor(doc, e) not in _PREPOSITIONS), None)  # not "Delegacja z Kalisza odwiedziła…"
            fronted_home = " ".join(t.lower_ for t in doc[max(start, start + travel_at - 2):start + travel_at]) in _HOME_WORDS
            visited_object = fronted or (None if fronted_home else next((e for e in places if e.start - start > travel_at), None))
            destination = visited_object or (None if fronted_home else destination)  # "Naszą gminę odwiedziła…"
        home_named = (any(w in low for w in _HOME_WORDS) or _TO_US.search(low) is not None) and not destination
        dest_name = destination._.kg_name if destination else (self.home if home_named else None)
        if dest_name and travel_at is not None and lemmas[travel_at] != "podpisać":
            self.scene = dest_name  # "Kilkudziesięciu uczniów odwiedziło dziś Kalisz": where what follows happens

        host_at = next((k for k, lemma in enumerate(lemmas) if lemma in _HOSTING), None)
        if host_at is not None and self._hosting(sentence, ents, start + host_at, destination, low, when):
            return

        if delegation:
            visitor_city = None
            idx = next((k for k, t in enumerate(sentence) if t.lower_.startswith("delegac")), None)
            if idx is not None:
                # "delegacja z Brzegu", "delegacja Powiatu Kętrzyńskiego": the town or body right after the word
                after = [e for e in ents if e.label_ in ("CITY", "ORG") and 0 <= e.start - (start + idx) <= 4
                         and not any(doc_lowers(self.doc)[k] != "się" and doc_analyses(self.doc)[k]
                                     and all(a.pos in VERB_POS for a in doc_analyses(self.doc)[k] if a.tag != "ign")
                                     for k in range(start + idx + 1, e.start))]  # not "delegacja odwiedziła Teatr X"
                visitor_city = after[0] if after else None
                if visitor_city is not None and visitor_city is destination:
                    visitor_city = None
            words_after = low[sentence[idx].idx - sentence.start_char:] if idx is not None else ""
            origin = visitor_city._.kg_name if visitor_city else (
                self.home if idx is not None and (idx > 0 and _adjective_of(sentence[idx - 1].lower_, self.home)
                                                  or re.match(r"\w+ z (?:\w+ )?nasz(?:ego|ej) (?:miasta|gminy)", words_after)
                                                  # "delegacja miasta odwiedziła…": the town the text speaks for
                                                  or re.match(r"\w+ (?:naszego )?(?:miasta|gminy)(?! partnersk)\b(?! [A-ZĄĆĘŁŃÓŚŹŻ])",
                                                              self._text(sentence)[sentence[idx].idx - sentence.start_char:]))
                else self._town_of_nation(sentence, idx) if idx is not None else None)
            if origin and not dest_name:
                gone_to = self._town_in_country_gone_to(ents, {origin, self.home or ""})
                dest_name = gone_to._.kg_name if gone_to is not None else None
            if origin and not dest_name and not _place_after(doc, ents, start) \
                    and not any(e.label_ == "COUNTRY" and _governor(doc, e) in ("do", "na") for e in ents):
                # "delegacja szwedzka zwiedziła miasto": a delegation from elsewhere, no place named, is where
                # the text's events happen
                dest_name = next((town for town in (self.scene, self.home)
                                  if town and search_key(town) != search_key(origin)), None)
            if origin and dest_name and origin != dest_name:
                self._visit(origin, dest_name, when, sentence, "delegation")
                for other in _coordinated(doc, visited_object, places):  # "odwiedziła Hamm i Martin"
                    if other._.kg_name != origin:
                        self._visit(origin, other._.kg_name, when, sentence, "delegation")
                delegation_at = start + idx if idx is not None else start
                clause = next((k + 1 for k in range(delegation_at - 1, start - 1, -1) if doc_lowers(doc)[k] in ("że", "iż")), start)
                for person in people:
                    if person.start < clause:
                        continue  # "Anna Lis poinformowała, że delegacja…": who tells of it
                    if destination is not None and destination.start < delegation_at:
                        # "Na zaproszenie burmistrza Y do Y udała się delegacja z X na czele z A": after the delegation
                        member = person.start > delegation_at
                    else:
                        listed_at = next((k for k in range(start, sentence.end) if doc_lowers(self.doc)[k] in ("składzie", "skład")), None)
                        member = destination is None or person.start < destination.start or (
                            listed_at is not None and person.start > listed_at > destination.start)
                    if member:
                        self._visit(person._.kg_name, dest_name, when, sentence, "delegation-member")
                self.last_trip = (dest_name, when)
                return
            if visitor_city is not None and destination is not None:
                self._visit(visitor_city._.kg_name, destination._.kg_name, when, sentence, "delegation")
                return

        if travel_at is None:
            return
        verb = start + travel_at
        if lemmas[travel_at] == "wymiana":
            # a school exchange held at a body of a town with one from another: "w ZSO w Gostyniu odbyła się wymiana
            # uczniów z bawarskiej szkoły w Türkheim" (the guests' town is the one named after the noun)
            held = next((n for o in ents if o.label_ == "ORG" and o.start < verb and _governor(doc, o) in ("w", "we")
                         for n in doc.spans.get("kg_nested", []) if o.start <= n.start < o.end and n.label_ == "CITY"), None)
            guests = [e for e in places if e.start > verb]
            if held is not None and len({e._.kg_name for e in guests}) == 1:
                self._visit(guests[0]._.kg_name, held._.kg_name, when, sentence, "exchange")
                return
            if self._exchange_between(sentence, ents, verb, when):
                return
        if lemmas[travel_at] in _VISIT_NOUNS and destination is not None and 0 < destination.start - verb <= 6:
            # a nominal frame: "wizyta Prezydenta Rafała Trzaskowskiego w Paryżu", "podczas spotkania w
            # Kaliningradzie prezydent Elbląga X i mer Kaliningradu Y" (the host's people are filtered out)
            met = next((k for k in range(verb, sentence.end - 1) if doc[k].lemma_.lower() == "spotkać"
                        and doc_lowers(doc)[k + 1] == "się"), None)
            for e in ents:
                if met is not None and e.start > met and any(doc_lowers(doc)[k] in ("z", "ze") for k in range(met, e.start)):
                    continue  # "podczas wizyty w X prezydent spotkał się z burmistrzem Y": the host
                if e.label_ == "PERSON" or (e.label_ in ("CITY", "ORG") and _governor(doc, e) in ("z", "ze")):
                    self._visit(e._.kg_name, dest_name, when, sentence, "nominal")
            heads = usual_heads(self.home)
            unnamed_head = next((k for k in range(start, met if met is not None else sentence.end)
                                 if doc_words(doc)[k].islower() and role_name(doc_words(doc)[k]) in heads and k + 1 < sentence.end
                                 and not doc[k + 1].ent_type_ and doc_lowers(doc)[k + 1] not in TOWN_WORDS), None)
            if unnamed_head is not None and self.home:
                self._visit(self.home, dest_name, when, sentence, "nominal")  # "podczas wizyty w X prezydent…": ours
            return
        if dest_name is None and lemmas[travel_at] in (_GUEST_AT, "przebywać") and verb + 2 < sentence.end \
                and doc_lowers(doc)[verb + 1] in ("w", "we") and doc[verb + 2].ent_type_ == "ORG" \
                and not any(e.label_ == "CITY" for e in ents if e.start > verb):
            # "uczniowie z miasta X goszczą w Szkole Podstawowej nr 18": an institution named
            # without a city is the publishing city's own
            dest_name = self.home
        if dest_name is None and lemmas[travel_at] in _PARTICIPATE:
            # "wziął udział w obchodach Dni Martina": a town's own festival is held in that town
            festival = next((e for e in places if e.start > start + travel_at and e._.kg_name != self.home
                             and _festival_of(doc, e)), None)
            if festival is not None:
                destination, dest_name = festival, festival._.kg_name
        if dest_name is None and lemmas[travel_at] in _PARTICIPATE and places:
            # "A, przewodniczący Rady Miejskiej w Łodzi, 4 maja w Stuttgarcie wziął udział w…": the place before the verb
            located = [e for e in places if e.start < start + travel_at and _governor(doc, e) in ("w", "we")]
            if located:
                destination, dest_name = located[-1], located[-1]._.kg_name
                if not any(e.label_ in ("PERSON", "ORG") and e.start < start + travel_at for e in ents):
                    # "W obradach forum w Erfurcie wzięła udział dyrektor X": its participants follow the verb
                    self.scene = dest_name
                    self._participants(sentence, ents, when, lemmas[travel_at], start + travel_at)
                    return
        if dest_name is None and lemmas[travel_at] in _PARTICIPATE and not any(
                _governor(doc, e) in ("w", "we", "do", "na") for e in places):  # a town in a title is no place to go
            self._participants(sentence, ents, when, lemmas[travel_at], start + travel_at)
            return
        if dest_name is None and lemmas[travel_at] in _COMING and not _place_after(doc, ents, start + travel_at):
            # "przyjechał autokar z delegacją z Kitzingen": coming, with no place named, is coming here
            origins = {search_key(e._.kg_name) for e in places if _governor(doc, e) in ("z", "ze")}
            if not origins:
                return  # "Na spotkanie przybyli zaproszeni goście: …": from nowhere named, they may be our own
            dest_name = self.scene if self.scene and search_key(self.scene) not in origins else self.home
        if dest_name is None and any(e.label_ == "COUNTRY" and _governor(doc, e) in ("do", "w", "we", "na") for e in ents):
            # "wybrali się do Chorwacji, a udali się tam, by odnowić partnerstwo z gminą Beli Monastir": to the
            # one town named there
            towns = [e for e in places if e.start > start + travel_at and e._.kg_name != self.home]
            if len({e._.kg_name for e in towns}) == 1:
                destination, dest_name = towns[0], towns[0]._.kg_name
        if dest_name is None:
            return
        # visitors: people, organisations and cities named before the verb (the subject side)
        # "Anna Lis poinformowała, że delegacja odwiedziła X": the subject is in the verb's own clause
        clause = next((k + 1 for k in range(verb - 1, start - 1, -1) if doc_lowers(doc)[k] in ("że", "iż")), start)
        subjects = [e for e in ents if clause <= e.start < verb and e is not destination and e.label_ in ("PERSON", "ORG", "CITY")]
        relative = next((k for k in range(verb - 1, max(start, verb - 4) - 1, -1) if doc_lowers(doc)[k] in _RELATIVE), None)
        if relative is not None:
            # "Marton Béla, który w czerwcu odwiedził Śmigiel": the relative pronoun's antecedent travelled
            antecedent = [e for e in subjects if e.end <= relative and e.label_ in ("PERSON", "ORG")]
            subjects = antecedent[-1:]
        elif not subjects and dest_name != self.home and self.home and any(
                _adjective_of(doc_lowers(doc)[k], self.home) and doc_lowers(doc)[k + 1].startswith(_GROUP_NOUNS + ("radn", "samorządow", "goście"))
                for k in range(clause, verb - 1)):
            self._visit(self.home, dest_name, when, sentence, f"travel:{lemmas[travel_at]}")  # "Kaliscy radni odwiedzili X"
            self.last_trip = (dest_name, when)
            return
        elif not subjects and lemmas[travel_at] in _ARRIVAL:
            # the subject after the verb: "przyjechał burmistrz Jan Nowak", "przebywała delegacja z X"
            subjects = [e for e in ents if e.start > verb and e is not destination
                        and (e.label_ == "PERSON" or (e.label_ == "CITY" and (_governor(doc, e) in ("z", "ze") or (
                            before(e) == "(" and doc[e.start - 2].ent_type_ == "COUNTRY")))  # "z Francji (Meudon)"
                             or (e.label_ == "ORG" and _members_of(doc, e, ents)))]  # "udali się uczniowie Gimnazjum nr 1"
        for e in subjects:
            if e.label_ == "CITY" and before(e) not in ("z", "ze", "miasta", "", "(") and _governor(doc, e) not in ("z", "ze") \
                    and not doc_lowers(doc)[e.start - 1].startswith("przedstawic") \
                    and role_name(doc_words(doc)[e.start - 1]) not in TOWN_HEADS:  # "Prezydent Kalisza wziął udział": the town
                continue
            if e._.kg_name == dest_name:
                continue
            if e.label_ == "ORG" and ((any(role_name(t.text) for t in doc[max(sentence.start, e.start - 3):e.start])
                                       and not _members_of(doc, e, ents))
                                      or _governor(doc, e) in ("w", "we")  # "… w chojnickim Urzędzie Gminy": a workplace
                                      or (e.start > 1 and doc_lowers(doc)[e.start - 1] in ("z", "ze")
                                          and doc[e.start - 2].ent_type_ == "PERSON")):  # "Anna Kowal z Urzędu Gminy"
                continue  # "przewodniczący Rady Miejskiej Łowecz": the body named in a title did not travel
            self._visit(e._.kg_name, dest_name, when, sentence, f"travel:{lemmas[travel_at]}")
            if e.label_ == "CITY" and role_name(doc_words(doc)[e.start - 1]) in TOWN_HEADS:
                # "mera Kaliningradu, by odwiedził Elbląg": the head the text named before ("mer Kaliningradu
                # Aleksandr Jaroszuk") travelled
                post = role_name(doc_words(doc)[e.start - 1])
                holder = next((person for person, (role, of) in self.person_post.items()
                               if of == e._.kg_name and head_post(role) == post and not role.startswith("zastępca")), None)
                if holder is not None:
                    self._visit(holder, dest_name, when, sentence, f"travel:{lemmas[travel_at]}")
        self.last_trip = (dest_name, when) if subjects else self.last_trip

    def _town_in_country_gone_to(self, ents, exclude: set[str]):
        """ "Na zaproszenie władz Hamm do Niemiec wyjechała delegacja": where one went is a country; the
        one town of that country the sentence names is the place."""
        known = countries()
        codes = {known[e._.kg_name][1] for e in ents if e.label_ == "COUNTRY" and e._.kg_name in known
                 and _governor(self.doc, e) in ("do", "w", "we", "na")}
        towns = [e for e in ents if e.label_ == "CITY" and e._.kg_name not in exclude and codes and _country_code(e) in codes]
        return towns[0] if len({e._.kg_name for e in towns}) == 1 else None

    def _town_of_nation(self, sentence, at: int) -> str | None:
        """ "delegacja szwedzka", "niemiecka delegacja": the one town of that country the text names."""
        lemmas = doc_lemmas(self.doc)
        codes = {COUNTRY_ADJECTIVES[lemmas[k].lower()] for k in (sentence.start + at - 1, sentence.start + at + 1)
                 if sentence.start <= k < sentence.end and lemmas[k].lower() in COUNTRY_ADJECTIVES}
        if not codes:
            return None
        towns = {e._.kg_name for e in self.ents if e.label_ == "CITY" and _country_code(e) in codes}
        return towns.pop() if len(towns) == 1 else None

    def _exchange_between(self, sentence, ents, noun: int, when) -> bool:
        """ "wymiana między I LO w Nowym Targu a Freies Gymnasium z Ravensburga": held in the town the sentence
        names for it, else the publishing town; the party from elsewhere came there."""
        doc = self.doc
        between = next((k for k in range(noun + 1, min(noun + 4, sentence.end)) if doc_lowers(doc)[k] in ("między", "pomiędzy")), None)
        if between is None:
            return False
        nested = doc.spans.get("kg_nested", [])

        def town_of(party):
            if party.label_ == "CITY":
                return party._.kg_name
            inside = next((n for n in nested if party.start <= n.start < party.end and n.label_ == "CITY"), None)
            after = next((e for e in ents if e.label_ == "CITY" and 0 < e.start - party.end <= 2
                          and _governor(doc, e) in ("z", "ze", "w", "we")), None)
            return (inside or after)._.kg_name if (inside or after) is not None else None

        parties = [e for e in ents if e.start > between and e.label_ in ("ORG", "CITY")
                   and not (e.label_ == "CITY" and any(o.label_ == "ORG" and 0 < e.start - o.end <= 2 for o in ents))]
        held_in = next((e._.kg_name for e in ents if e.label_ == "CITY" and e.end <= noun and _governor(doc, e) in ("w", "we")),
                       self.home)
        if len(parties) != 2 or held_in is None:
            return False
        towns = [town_of(p) for p in parties]
        if None in towns or search_key(towns[0]) == search_key(towns[1]):
            return False
        for party, town in zip(parties, towns):
            if search_key(town) != search_key(held_in):
                self._visit(party._.kg_name, held_in, when, sentence, "exchange")
        return True

    def _relative_presence(self, sentence, ents, lemmas, lowers) -> None:
        """ "…motorniczym z Zajezdni X, którzy w Stuttgarcie reprezentowali Polskę", "chór, który w Erfurcie
        wystąpił": a relative clause placing its antecedent somewhere by what it did there (performed, took part,
        represented), not by where it lives or works."""
        doc, start = self.doc, sentence.start
        for k, word in enumerate(lowers[:-3]):
            if word not in _RELATIVE or lowers[k + 1] not in ("w", "we"):
                continue
            place = next((e for e in ents if e.label_ == "CITY" and e.start == start + k + 2), None)
            if place is None or place.end - start >= len(lemmas) or lemmas[place.end - start] not in _PRESENT_AT:
                continue
            antecedent = [e for e in ents if e.end <= start + k and start + k - e.end <= 1 and (
                e.label_ in ("PERSON", "ORG") or (e.label_ == "CITY" and _governor(doc, e) in ("z", "ze")))]
            if antecedent and antecedent[-1]._.kg_name != place._.kg_name:
                self._visit(antecedent[-1]._.kg_name, place._.kg_name, self._date_between(start + k, place.end + 1) or
                            self._date(sentence), sentence, "relative")

    def _performances(self, sentence, ents, lemmas, lowers) -> None:
        """A performer at the scene: "W koncercie wystąpiła Anna Lis, sopranistka z Genewy". The place is the
        town the sentence puts it in, else the scene, else the publishing town; the publishing town's own
        ensembles at home are hosts."""
        given = next((k for k in range(len(lemmas) - 1) if lemmas[k] == "dać" and "koncert" in lemmas[k + 1:k + 3]),
                     None) if "koncert" in lemmas else None
        if _PERFORMING.isdisjoint(lemmas) and given is None:  # most sentences
            return
        doc, start = self.doc, sentence.start
        at = given if given is not None else next(  # "Orkiestra Dęta z Hamm dała koncert": like "zagrała"
            (k for k, lemma in enumerate(lemmas) if lemma in _PERFORMING and not _negated(lowers, lemmas, k)), None)
        if at is None:
            return
        # the performer right after the verb ("wystąpiła także Anna Lis"), the verb's subject
        performer = next((e for e in ents if e.label_ in ("PERSON", "ORG") and 0 < e.start - (start + at) <= 2
                          and all(doc_lowers(doc)[k] in ("także", "również", "też", "ponadto") for k in range(start + at + 1, e.start))),
                         None) or next((e for e in ents if e.label_ == "ORG" and _governor(doc, e) not in _PREPOSITIONS and (
                                            e.end == start + at or any(  # "chór Canto wystąpił", "Orkiestra z Hamm dała"
                                                t.label_ == "CITY" and t.end == start + at and t.start == e.end + 1
                                                and doc_lowers(doc)[e.end] in ("z", "ze") for t in ents))), None)
        if performer is None or (performer.end < len(doc) and doc_lowers(doc)[performer.end] in ("z", "ze", "o", "przed", "pod", "jako")
                                 and performer.end < sentence.end and doc[performer.end + 1].ent_type_ != "CITY"):
            return  # "wystąpił burmistrz z wnioskiem", "orkiestra wystąpiła pod batutą X"
        local = belongs_to(performer._.kg_name, self.home or "") or any(
            _adjective_of(word.lower(), self.home) for word in performer._.kg_name.split()[:2])
        located = next((e for e in ents if e.label_ == "CITY" and _governor(doc, e) in ("w", "we")), None)
        place = located._.kg_name if located is not None else self.scene or self.home
        if place is None or (local and search_key(place) == search_key(self.home or "")):
            return
        if performer.label_ == "PERSON" and performer._.kg_name in self.person_role_of:
            return  # an official speaking ("wystąpił burmistrz"), read by the other frames
        self._visit(performer._.kg_name, place, self._date(sentence) or self.place_dates.get(search_key(place)),
                    sentence, "performance")

    def _participle_visits(self, sentence, ents, lowers) -> None:
        """A visit told in a participle clause about the person before it: "Burmistrz X Jan Kowal, będąc w zeszłym
        roku z wizytą w Kitzingen, zaprosił…", "…, przebywając w Martinie, …". Its date is its own, often none."""
        doc, start = self.doc, sentence.start
        for k, word in enumerate(lowers):
            if word not in _VISITING_PARTICIPLES:
                continue
            place = next((e for e in ents if e.label_ == "CITY" and 0 < e.start - (start + k) <= 7
                          and _governor(doc, e) in ("w", "we")), None)
            if place is None or (word == "będąc" and "wizyt" not in " ".join(lowers[k:place.start - start])):
                continue  # "będąc w" alone is being somewhere, not visiting ("będąc w zarządzie")
            person = next((e for e in reversed(ents) if e.label_ == "PERSON" and e.end <= start + k
                           and start + k - e.end <= 1), None)  # the name right before: "Jan Kowal, będąc…"
            if person is not None:
                self._visit(person._.kg_name, place._.kg_name, self._date_between(start + k, place.end), sentence,
                            "participle")

    def _date_between(self, begin: int, end: int):
        """A date told inside tokens [begin, end) of the doc, else None."""
        first, last = self.doc[begin].idx, self.doc[end - 1].idx + len(self.doc[end - 1])
        return next((d for d in self.dates if first <= d.begin < last), None)

    def _relative_visit(self, sentence, ents, verb_at: int, when) -> bool:
        """ "A, który odwiedził X": A's visit to X, when a relative pronoun opens the clause of the verb."""
        doc, verb = self.doc, sentence.start + verb_at
        pronoun = next((k for k in range(verb - 1, max(sentence.start, verb - 4) - 1, -1) if doc_lowers(doc)[k] in _RELATIVE), None)
        if pronoun is None or pronoun <= sentence.start + 1:
            return False
        antecedent = [e for e in ents if e.end <= pronoun and (e.label_ in ("PERSON", "ORG") or (
            e.label_ == "CITY" and _governor(doc, e) in ("z", "ze")))]  # "goście z Magdeburga, którzy…"
        place = next((e._.kg_name for e in ents if e.start > verb and e.label_ == "CITY"), None)
        if place is None and verb + 1 < sentence.end and doc_lowers(doc)[verb + 1] == "nas":
            place = self.home  # "…którzy odwiedzają nas": the publishing town
        if not antecedent or place is None or antecedent[-1].end < pronoun - 2:
            return False
        self._visit(antecedent[-1]._.kg_name, place, when, sentence, "relative")
        return True

    def _hosting(self, sentence, ents, verb: int, destination, low: str, when) -> bool:
        """A host receiving guests: "Kalisz gościł Jana Nowaka, burmistrza Bochni", "Gmina Mieścisko
        gościła delegację z gminy Scharnebeck", "Burmistrz Trzebnicy przyjął gości z Kitzingen",
        "nasze miasto gościło…", "gościliśmy w ratuszu delegację z X" (the host unnamed: the place
        named, else the publishing town). True when the sentence was read this way."""
        doc = self.doc
        if any(a.pos == "ppas" for a in doc_analyses(doc)[verb]) and verb > sentence.start \
                and doc_lowers(doc)[verb - 1] in ("zostali", "zostały", "został", "została", "zostało", "byli", "były", "był", "była"):
            return self._hosted_passive(sentence, ents, verb, destination, when)
        subjects = [e for e in ents if e.start < verb and e.label_ in ("CITY", "ORG") and _governor(doc, e) not in ("z", "ze")]
        host = None
        if subjects:
            subject = subjects[-1]
            if subject.label_ == "CITY":
                host = subject._.kg_name
            else:  # "Urząd Miasta X": the town inside the body's name
                inside = [n for n in doc.spans.get("kg_nested", []) if subject.start <= n.start < subject.end
                          and n.label_ == "CITY"]
                host = inside[0]._.kg_name if inside else None
        elif re.search(r"nasze miasto go|nasza gmina go", low):
            host = self.home
        elif not any(e.label_ == "PERSON" for e in ents if e.start < verb):
            # "gościliśmy w Kaliszu…": a place right after the verb; otherwise the publishing town
            host = destination._.kg_name if destination is not None and 0 < destination.start - verb <= 3 else self.home
        else:  # an official hosting: "Burmistrz Trzebnicy przyjął…" - the town of the official's title
            host = next((e._.kg_name for e in reversed(ents) if e.start < verb and e.label_ == "CITY"), None) or self.home
        if host is None:
            return False
        guests = []
        for e in ents:
            if e.start <= verb or e._.kg_name == host or (destination is not None and e is destination):
                continue
            if e.label_ == "PERSON":
                of = self.person_role_of.get(e._.kg_name)
                if of is None or search_key(of) != search_key(host):
                    guests.append((e, "hosted-person"))
            elif e.label_ == "ORG" and _governor(doc, e) in ("z", "ze"):
                guests.append((e, "hosted-org"))
            elif e.label_ == "CITY" and _governor(doc, e) not in ("w", "we", "do", "na", "pod", "koło"):
                guests.append((e, "hosted-city"))  # "z gminy X", "delegacje z miast: A, B", "Kalisz gościł Martin"
        if not guests:
            return False
        for e, rule in guests:
            self._visit(e._.kg_name, host, when, sentence, rule)
        self.last_trip = (host, when)
        return True

    def _hosted_passive(self, sentence, ents, verb: int, destination, when) -> bool:
        """ "Goście z Erfurtu zostali przyjęci w ratuszu przez prezydenta": the guests before the verb; the
        place after it, else the scene, else the publishing town."""
        doc = self.doc
        host = destination._.kg_name if destination is not None and destination.start > verb else (self.scene or self.home)
        guests = [e for e in ents if e.start < verb and e._.kg_name != host and (
            e.label_ == "PERSON" or (e.label_ in ("CITY", "ORG") and _governor(doc, e) in ("z", "ze")))]
        if host is None or not guests:
            return False
        for e in guests:
            self._visit(e._.kg_name, host, when, sentence, "hosted-city" if e.label_ == "CITY" else "hosted-person"
                        if e.label_ == "PERSON" else "hosted-org")
        self.last_trip = (host, when)
        return True

    def _participants(self, sentence, ents, when, verb: str, verb_at: int | None = None):
        """Who took part in what happens at the scene: "W obchodach uczestniczyli Prezydent Miasta
        Rzeszowa Tadeusz Ferenc oraz…". People and bodies of the scene's own town are hosts, not
        visitors; an official's town takes part with them. With no scene yet, the publishing town's
        own people take part abroad, in the other town the text names most; anyone else, at home."""
        place = self.scene or self._other_town_if_own_people(ents)
        if place is None:
            return
        # taking part in what was just dated: "6 maja 2019 - Dni Miasta Koszyce … W obchodach uczestniczyli…"
        when = when or self.place_dates.get(search_key(place)) or self.last_when
        if verb_at is not None and any(e.label_ == "PERSON" and e.start < verb_at for e in ents):
            # the subject before the verb ("…delegacja z wójtem X wzięła udział w sesji Rady Gminy"):
            # what follows the verb is the event, not its participants
            ents = [e for e in ents if e.start < verb_at]
        for e in ents:
            if e.label_ == "CITY" and e._.kg_name != place and _represented(self.doc, e):
                # "uczestniczyli również przedstawiciele miasta Silistra": the town took part
                self._visit(e._.kg_name, place, when, sentence, f"participant:{verb}")
                continue
            if e.label_ not in ("PERSON", "ORG") or e._.kg_name == place:
                continue
            if e.label_ == "ORG" and e.start > 0 and any(
                    doc_words(self.doc)[k] in ("-", "–", ",") or role_name(doc_words(self.doc)[k])
                    for k in range(max(sentence.start, e.start - 2), e.start)):
                continue  # "Wioletta Rybarczyk - Wydział Promocji", "Dyrektor Wydziału Zdrowia": where one works
            of = self.person_role_of.get(e._.kg_name)
            if of is not None and search_key(of) == search_key(place):
                continue
            self._visit(e._.kg_name, place, when, sentence, f"participant:{verb}")
            if of is not None and of in self._city_names:
                self._visit(of, place, when, sentence, f"participant-town:{verb}")
        self.scene = place

    def _other_town_if_own_people(self, ents) -> str | None:
        people = [e for e in ents if e.label_ == "PERSON"]
        own = [e for e in people if self.person_role_of.get(e._.kg_name) and self.home
               and (search_key(self.person_role_of[e._.kg_name]) == search_key(self.home)
                    or belongs_to(self.person_role_of[e._.kg_name], self.home)
                    or search_key(self.person_role_of[e._.kg_name]).split()[0] in _OWN_OFFICES)]
        if not people:
            return None
        if not own:
            return self.home
        others = [name for name in self._city_mentions if search_key(name) != search_key(self.home or "")]
        return max(others, key=others.count) if others else None


    def _partnerships(self, sentence, ents, low):
        kind = next((k for pattern, k in _PARTNER_CUES if pattern.search(low)), None)
        if not kind or not self.home:
            return
        cities = [e for e in ents if e.label_ == "CITY" and e._.kg_name != self.home]
        since = None
        anniversary = _ANNIVERSARY.search(low)
        if anniversary and self.document.date:
            since = str(int(self.document.date[:4]) - int(anniversary.group(1)))
        for city in cities:
            self.partnerships.append({"city": self.home, "partner": city._.kg_name, "kind": kind, "since": since,
                                      **self._evidence(sentence, "partner-cue")})

