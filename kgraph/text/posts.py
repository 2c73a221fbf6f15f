"""Posts: who holds which office, for whom ("Prezydent Miasta Rzeszowa Tadeusz Ferenc", "Jan Sowa,
burmistrz Opola", "burmistrz Jan Kos" with no town).

`PostRules` is the part of a document's frames (kgraph.text.frames.DocumentFrames) that reads
titles: title phrases before a name, appositions after it, titles in a letter's address block, and
bare heads' titles decided once the whole text is read. What it finds also tells the visit rules
whose officials are hosts and which town an official travels for.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kgraph.names import search_key
from kgraph.text.lexicon import ACADEMIC_TITLES, FORMS_OF_ADDRESS
from kgraph.text.morphology import analyses, doc_analyses, doc_lowers, doc_words
from kgraph.text.places import name_tokens, place_index

__all__ = ["PostRules", "role_name", "head_post", "usual_heads", "belongs_to", "VERB_POS", "TOWN_WORDS", "TOWN_HEADS"]

# Parts of speech of verbs: a word read only as one names no post.
VERB_POS = {"fin", "praet", "inf", "impt", "imps", "pcon", "pant", "bedzie", "ger", "pact"}
# A title word's post by how the word starts: every case of it ("Burmistrza", "radną", "wójta").
_ROLE_BY_PREFIX = [("wiceprezydent", "wiceprezydent"), ("prezydent", "prezydent"), ("wiceburmistrz", "wiceburmistrz"),
                   ("nadburmistrz", "nadburmistrz"), ("burmistrz", "burmistrz"), ("mer", "mer"),
                   ("radna", "radna"), ("radnej", "radna"), ("radną", "radna"), ("radn", "radny"), ("sekretarz", "sekretarz"),
                   ("wiceprzewodnicz", "wiceprzewodniczący"), ("przewodnicząca", "przewodnicząca"),
                   ("przewodnicz", "przewodniczący"), ("zastęp", "zastępca"), ("skarbnik", "skarbnik"),
                   ("wicestarost", "wicestarosta"), ("komendant", "komendant"), ("kierowni", "kierownik"),
                   ("koordynator", "koordynator"), ("członek", "członek"), ("członk", "członek"),
                   ("nauczycielk", "nauczycielka"), ("nauczyciel", "nauczyciel"), ("dyrektork", "dyrektorka"),
                   ("wicemarszał", "wicemarszałek"), ("wojt", "wójt"), ("sołtys", "sołtys"), ("rektor", "rektor"),
                   ("naczelnik", "naczelnik"), ("prezes", "prezes"), ("ambasador", "ambasador"),
                   ("starost", "starosta"), ("wójt", "wójt"), ("dyrektor", "dyrektor"), ("konsul", "konsul"),
                   ("marszał", "marszałek"), ("wojewod", "wojewoda")]
# Words between a title and its town: "Burmistrz Miasta i Gminy X".
TOWN_WORDS = {"miasta", "gminy", "miasta i gminy", "powiatu", "m.", "st.", "stołecznego"}
# Offices of the home city when the text names no city or body for them.
_HOME_OFFICES = {"prezydent", "wiceprezydent", "radny", "radna", "sekretarz", "skarbnik", "przewodniczący", "naczelnik"}
# "były burmistrz": a former holder's title in apposition.
_FORMER = {"były", "była", "byli", "obecny", "obecna", "ówczesny", "ówczesna"}
# A town's heads: their post stands for the town ("Prezydent Kalisza wziął udział": Kalisz took part).
TOWN_HEADS = {"prezydent", "burmistrz", "wójt", "mer", "nadburmistrz"}
# Heads of towns and their deputies named with no town ("burmistrz Jan Kos", "merem miasta X"): whose
# they are is decided once the whole text is read (DocumentFrames.finish). Polish towns have no mer.
_BARE_HEADS = {"prezydent", "wiceprezydent", "burmistrz", "wiceburmistrz", "wójt", "mer", "nadburmistrz"}
_FOREIGN_HEADS = {"mer", "nadburmistrz"}
# A county's offices: a toponymic adjective after them names the county ("starosta milicki").
_COUNTY_OFFICES = {"starosta", "wicestarosta"}
# Offices every town has: the publishing town's only when the title says "Miasta"/"Gminy" and no town.
_TOWN_OFFICES = {"burmistrz", "wiceburmistrz", "zastępca", "wójt", "sekretarz", "skarbnik"}


@lru_cache(maxsize=1_000)
def usual_heads(town: str | None) -> frozenset[str]:
    """The title a Polish town's head most likely has: prezydent in a town of 50,000 or more (the law
    gives it to towns over 100,000 and those that had one before 1990, which are nearly all above
    50,000), burmistrz or wójt below; none for a town the gazetteer does not know in Poland."""
    polish = [p for p in place_index().lookup(name_tokens(town)) if p.country == "PL"] if town else []
    if not polish:
        return frozenset()
    return frozenset({"prezydent"} if max(p.population for p in polish) >= 50_000 else {"burmistrz", "wójt"})


def head_post(role: str) -> str:
    """The office a post is of: "zastępca burmistrza" -> burmistrz, "wiceburmistrz" -> burmistrz."""
    word = role.split()[-1]
    word = role_name(word) or word
    return word[4:] if word.startswith("wice") and word != "wicestarosta" else word


@lru_cache(maxsize=20_000)
def role_name(text: str) -> str | None:
    """The post a word names ("Burmistrza" -> burmistrz); None for other words, verbs included
    ("przewodniczył" chaired: no post)."""
    low = text.lower()
    options = analyses(text)
    if options and all(a.pos in VERB_POS for a in options if a.tag != "ign") and any(a.tag != "ign" for a in options):
        return None
    for prefix, role in _ROLE_BY_PREFIX:
        if low.startswith(prefix):
            if prefix == "mer" and low not in ("mer", "mera", "merem", "merowi", "merze", "merowie", "merzy"):
                continue
            return role
    return None


def _county(doc, k) -> str | None:
    """The county a toponymic adjective names after a starosta's title: "Milicki" -> "Powiat Milicki"."""
    adjectives = [a.lemma for a in doc_analyses(doc)[k] if a.pos == "adj" and re.search(r"(sk|ck|dzk)i$", a.lemma)]
    return f"Powiat {adjectives[0][:1].upper()}{adjectives[0][1:]}" if adjectives else None


def belongs_to(body: str, town: str) -> bool:
    """Whether a body's or post's name names the town: "Rada Miejska w Miliczu", "Starostwo Milickie" of Milicz."""
    body_key, town_key = search_key(body), search_key(town).split(" ")[0]  # "Ostrów Wielkopolski": by "ostrow"
    if body_key == search_key(town):
        return False
    stem = town_key[:max(4, len(town_key) - 2)]
    return len(body_key.split()) > 1 and any(word.startswith(stem) for word in body_key.split()[1:])


class PostRules:
    """The title rules of DocumentFrames (a mixin: it reads the frames' document, home town and state)."""

    def _town_of_post(self, post: tuple[str, str]) -> str | None:
        """The town an official stands for: the town of its post, or of its town council."""
        role, of = post
        if of in self._city_names:
            return of
        if search_key(of).startswith("rada "):
            towns = self._city_names | {n._.kg_name for n in self.doc.spans.get("kg_nested", []) if n.label_ == "CITY"}
            return next((town for town in sorted(towns) if belongs_to(of, town)), None)
        return None

    def _resolve_bare_titles(self) -> None:
        """ "burmistrz Jan Kos" with no town: the publishing town's, unless its head has another title
        (named in this text, else the usual one for its size: a city's prezydent means the burmistrz
        is the partner's) or the title is no Polish office
        (mer, nadburmistrz); then the one other town its sentence names, else the scene, else the other
        town the text names most."""
        home_heads = {head_post(role) for person, (role, of) in self.person_post.items()
                      if self.home and search_key(of) == search_key(self.home) and head_post(role) in _BARE_HEADS}
        home_heads = home_heads or usual_heads(self.home)
        others = [name for name in self._city_mentions if search_key(name) != search_key(self.home or "")]
        pending, self.bare_titles = self.bare_titles, []
        for person, role, sentence, sentence_towns, scene, partner in pending:
            if person in self.person_role_of:
                continue
            post = head_post(role)
            if self.home and not partner and post not in _FOREIGN_HEADS and (not home_heads or post in home_heads):
                of = self.home
            elif len(sentence_towns) == 1:
                of = sentence_towns[0]
            elif scene and search_key(scene) != search_key(self.home or "") and not partner:
                of = scene
            else:
                of = max(others, key=others.count) if others else None
            if of:
                self._role(person, role, of, sentence, "bare-title")

    def _role(self, person: str, role: str, of: str | None, sentence, rule: str, *, bare: bool = True,
              partner: bool = False):
        """A post held; with no `of`, a bare head's title ("burmistrz Jan Kos", not "mer Samorządu") or a
        partner town's ("burmistrz miasta partnerskiego Jan Kos") waits for the whole text (_resolve_bare_titles)."""
        if not of:
            if (bare or partner) and head_post(role) in _BARE_HEADS:
                others = sorted({e._.kg_name for e in sentence.ents if e.label_ == "CITY" and e._.kg_name != self.home})
                self.bare_titles.append((person, role, sentence, others, self.scene, partner))
            return
        self.roles.append({"person": person, "role": role, "of": of, **self._evidence(sentence, rule)})
        self.person_role_of.setdefault(person, of)
        self.person_post.setdefault(person, (role, of))

    def _roles(self, sentence, ents):
        doc = self.doc
        previous_of = None
        for k, e in enumerate(ents):
            if e.label_ != "PERSON":
                continue
            name = e._.kg_name
            # apposition: "X, Prezydent Miasta Kalisza" / "X - burmistrz Kamieńca"
            j = e.end
            crossed = False
            while j < len(doc) - 1 and (doc[j].is_space or doc_words(doc)[j].strip("*") == ""):
                crossed = crossed or "\n" in doc_words(doc)[j] or "\n" in doc[j - 1].whitespace_
                j += 1
            if crossed and j < len(doc) and role_name(doc_words(doc)[j]) and doc_words(doc)[j][:1].isupper():
                # a letter's address block: the name on one line, the title on the next
                following = doc[j + 1:min(j + 5, len(doc))].ents
                of_entity = next((o for o in following if o.label_ in ("CITY", "ORG")), None)
                role = role_name(doc_words(doc)[j])
                of = of_entity._.kg_name if of_entity else (self.home if role in _HOME_OFFICES else None)
                self._role(name, role, of, sentence, "address-block")
                continue
            phrase = self._title_phrase_before(sentence, ents, e)
            if phrase is not None:  # "Burmistrz Śmigla - Małgorzata Adamczak"; an apposition may follow too
                role, of, partner = phrase
                self._role(name, role, of, sentence, "title-phrase", partner=partner)
            j = e.end  # the separator before an apposition's title: "X, burmistrz…", "X - burmistrz…"
            if j + 1 < sentence.end and doc_words(doc)[j] not in (",", "-", "–"):
                if role_name(doc_words(doc)[j]) and doc_words(doc)[j].isalpha():
                    j -= 1  # no separator: "Kai Buchmann Nadburmistrz Nordhausen"
                elif doc_lowers(doc)[j] not in _FORMER or not role_name(doc_words(doc)[j + 1]):
                    j = None  # "były burmistrz Scharnebeck" keeps j on "były"
            # ", Sekretarz Miasta Sabina Cebula": the title phrase after a comma leads to the next name
            title_of_next = j is not None and any(
                doc[k].ent_type_ == "PERSON" and doc[k].ent_iob_ == "B"
                and all(doc_lowers(doc)[m] in TOWN_WORDS | FORMS_OF_ADDRESS | {"-", "–"} or doc[m].ent_type_ in ("CITY", "ORG")
                        or role_name(doc_words(doc)[m]) or _county(doc, m) for m in range(j + 2, k))
                for k in range(j + 2, min(j + 9, sentence.end)))
            # a plural title ("…Paweł Niewiadomski, radni oraz…") is not one person's
            plural = j is not None and j + 1 < sentence.end and all(
                ":pl:" in a.tag for a in doc_analyses(doc)[j + 1] if a.tag != "ign") and doc_analyses(doc)[j + 1]
            if j is not None and j + 1 < sentence.end and role_name(doc_words(doc)[j + 1]) and not title_of_next and not plural:
                role = role_name(doc_words(doc)[j + 1])
                of_entity = None
                for other in ents[k + 1:]:
                    if other.start > j + 6 or other.label_ == "PERSON":
                        break
                    gap = doc[j + 2:other.start]
                    if any(t.text in (",", ";") or t.lower_ in ("oraz", "i") for t in gap):
                        break
                    if other.label_ in ("CITY", "ORG"):
                        of_entity = other
                        break
                phrase = []
                for token in doc[j + 2:sentence.end]:
                    if token.is_punct or token.lower_ in ("i", "oraz"):
                        break
                    phrase.append(token)
                # A bare title in a list ("Jana Melniczuk - sekretarz;") continues the previous one's city;
                # a longer phrase naming no known body gives no `of` rather than a guess.
                bare = len(phrase) <= 1 and not any(t.text[:1].isupper() for t in phrase)
                county = _county(doc, j + 2) if role in _COUNTY_OFFICES and j + 2 < sentence.end else None
                of = of_entity._.kg_name if of_entity else county or (
                    previous_of if previous_of and bare else
                    self.home if role in _HOME_OFFICES and (bare or any(t.lower_ == "miasta" for t in phrase)) else None)
                self._role(name, role, of, sentence, "apposition", bare=bare)
                previous_of = of
                continue
            if phrase is not None:
                continue
            # title before: "prezydent Krystian Kinastowski", "radni A i B", "przewodniczącego Rady Miasta X"
            t = e.start - 1
            of = None
            if t > sentence.start and doc_words(doc)[t] == "," and role_name(doc_words(doc)[t - 1]):
                t -= 1  # "gośćmi wiceprezydenta, Grzegorza Kulawinka"
            if t >= sentence.start and doc[t].ent_type_ == "ORG":
                org = next((o for o in ents if o.start <= t < o.end), None)
                if org is None:
                    continue
                of, t = org._.kg_name, org.start - 1
            chain = t
            while chain >= sentence.start and doc_lowers(doc)[chain] in ("i", ",", "oraz") and chain - 1 >= sentence.start:
                prior = next((o for o in ents if o.end == chain), None)
                if prior is None or prior.label_ != "PERSON":
                    break
                chain = prior.start - 1
            if of is None and chain != t and chain >= sentence.start and doc[chain].ent_type_ == "ORG":
                # "wiceprzewodniczący Rady Miejskiej A i B": the body named before the first of the names
                org = next((o for o in ents if o.start <= chain < o.end), None)
                if org is not None:
                    of, chain = org._.kg_name, org.start - 1
            title = doc[chain] if chain >= sentence.start else None
            role = role_name(title.text) if title is not None and title.is_lower else None
            if role and name not in self.person_role_of:
                if of is None and role in _HOME_OFFICES:
                    of = self.home
                self._role(name, role, of, sentence, "title")

    def _title_phrase_before(self, sentence, ents, person) -> tuple[str, str | None, bool] | None:
        """(role, of, whether it is the partner town's) from a title phrase right before a person, capitalised or not:
        "Prezydent Miasta Rzeszowa Pan Tadeusz Ferenc", "Zastępca Burmistrza Gminy Trzebnica Marek
        Długozima", "burmistrz Martin Mrkos", "Burmistrz Śmigla - Małgorzata Adamczak"."""
        doc, first = self.doc, sentence.start
        t = person.start - 1
        if t >= first and doc_words(doc)[t] in ("-", "–", ":"):
            t -= 1  # a member list: "Burmistrz Śmigla - Małgorzata Adamczak"
        while t >= first and (doc_lowers(doc)[t] in FORMS_OF_ADDRESS | ACADEMIC_TITLES
                              or (doc_words(doc)[t] == "." and t > first and doc_lowers(doc)[t - 1] in ACADEMIC_TITLES)):
            t -= 1  # "Pan dr Holger Vogel", "prof. dr hab. Jan Lis"
        partner_word = t > first and doc_lowers(doc)[t - 1].startswith("partnersk")  # "Burmistrz gminy partnerskiej, Pan…"
        comma = t > first and doc_words(doc)[t] == "," and (doc[t - 1].ent_type_ in ("CITY", "ORG") or partner_word)
        if comma:
            t -= 1  # "Wiceprzewodniczący Rady Miejskiej w Białej Cerkwi, Pan Anatolii Honchar", "Prezydenta Miasta Leszna, Adam Mytych"
        qualifier = next((k for k in range(t, max(first, t - 6) - 1, -1) if doc_lowers(doc)[k] == "ds"), None)
        if qualifier is not None and all(doc_words(doc)[k].islower() or doc_words(doc)[k] == "." for k in range(qualifier, t + 1)):
            t = qualifier - 1  # "zastępcą prezydenta ds. rozwoju gospodarczego Panem Piotrem Augustyńskim"
        of = None
        if t > first and doc_words(doc)[t] == "." and not doc[t].ent_type_ and doc[t - 1].ent_type_ in ("CITY", "ORG"):
            t -= 1  # "burmistrza Włodzimierz Woł. Petro Sahaniuka": the town's abbreviation
        body = next((o for o in ents if o.end == t + 1 and o.label_ in ("CITY", "ORG")), None)
        if body is not None:
            of, t = body._.kg_name, body.start - 1
        elif t > first and _county(doc, t) and role_name(doc_words(doc)[t - 1]) in _COUNTY_OFFICES:
            of, t = _county(doc, t), t - 1  # "wicestarosta kielecki Zenon Janus": the county's
        while t >= first and (doc_lowers(doc)[t] in TOWN_WORDS or doc_lowers(doc)[t].startswith("partnersk")):
            t -= 1  # "Burmistrz Miasta i Gminy X", "Burmistrz gminy partnerskiej"
        k = t
        while k >= first and t - k < 2 and role_name(doc_words(doc)[k]) and doc_words(doc)[k].isalpha():
            k -= 1
        if k == t:
            return None
        if k >= first and doc_words(doc)[k][:1].isupper() and doc_words(doc)[k].isalpha() and not doc[k].is_sent_start \
                and doc_lowers(doc)[k] not in FORMS_OF_ADDRESS \
                and doc[k].ent_type_ not in ("CITY", "COUNTRY", "PERSON") and not re.fullmatch(r"[IVX]{1,3}", doc_words(doc)[k]):
            return None  # the end of a longer capitalised name, not a title (but "Panu Burmistrzowi X" is one)
        before_title = k - 1 if k >= first and re.fullmatch(r"[IVX]{1,3}", doc_words(doc)[k]) else k  # "oraz I zastępca …"
        if comma and before_title >= first and not (doc_words(doc)[before_title].isalpha() and doc_words(doc)[before_title].islower()):
            return None  # "A, Przewodniczący Rady X, B", "A - burmistrz X, B": in a list the title after a name is that name's
        words = [doc_words(doc)[j] for j in range(k + 1, t + 1)]
        role = role_name(words[0])
        if role == "zastępca" and len(words) > 1:  # "Zastępca Burmistrza": the post is a deputy's
            role = f"zastępca {words[1].lower()}"
        # a bare office, or "Burmistrz Miasta" with no town: the publishing town's
        between = [doc_lowers(doc)[j] for j in range(t + 1, person.start)]
        if qualifier is not None:  # the qualifier's words say what the post is for, not whose it is
            between = [w for w in between if w in TOWN_WORDS | FORMS_OF_ADDRESS | {"-", "–", ":"}]
        home_post = role.split()[-1] if role.startswith("zastępca ") else role.split()[0]  # "zastępca prezydenta"
        town_word = any(w in TOWN_WORDS for w in between)
        named_before = next((e for e in ents if e.end == k + 1 and e.label_ == "CITY"), None) if k >= first else None
        if of is None and town_word and named_before is not None:
            of = named_before._.kg_name  # "do Balatonfűzfő Burmistrz miasta - Marton Béla": the town just named
        if of is None and body is None and all(w in TOWN_WORDS | FORMS_OF_ADDRESS | ACADEMIC_TITLES | {"-", "–", ":", "."}
                                               for w in between) and (
                role.split()[0] in _HOME_OFFICES or role_name(home_post) in _HOME_OFFICES
                or (town_word and role.split()[0] in _TOWN_OFFICES and head_post(role) not in _BARE_HEADS)):
            of = self.home  # ("Burmistrz Miasta" with no town is decided with the whole text: _resolve_bare_titles)
        partner = of is None and any(w.startswith("partnersk") for w in between)
        return role, of, partner
