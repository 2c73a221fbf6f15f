"""Deterministic synthetic records at a target size, shaped like kgraph's curated data.

    python -m benchmarks.synthetic 100000   # prints the triple count it reached

Polish-like people with posts, cities in many countries, partnerships, and
visits with 1-5 visitors, all as kgraph Records, so the real build path runs.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

from kgraph.records import Event, Organisation, PartialDate, Partnership, Person, Place, Post, Records, Where

GIVEN = ["Anna", "Jan", "Krystian", "Małgorzata", "Sławomir", "Zofia", "Piotr", "Katarzyna", "Mateusz", "Agnieszka",
         "Tomasz", "Ewa", "Andrzej", "Barbara", "Łukasz", "Joanna", "Grzegorz", "Magdalena", "Paweł", "Dorota"]
FAMILY = ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Dąbrowski",
          "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski", "Michalski"]
STEMS = ["Kal", "Łow", "Mar", "Erf", "Ham", "Prest", "Louv", "Kam", "Sol", "Byd", "Olsz", "Boch", "Sąd", "Ostr", "Gniez"]
ENDINGS = ["isz", "ecz", "tin", "furt", "burg", "ów", "ice", "owo", "sk", "no", "ville", "ton"]
ROLES = ["prezydent", "wiceprezydent", "burmistrz", "radny", "sekretarz", "przewodniczacy"]
KINDS = ["partner", "friendly", "letter-of-intent", "memorandum", "sister-city"]
HERE = Where("<synthetic>", 1)
TRIPLES_PER_UNIT = 640  # calibrated: one unit of the scale gives about this many triples


def synthetic_records(target_triples: int, *, seed: int = 42) -> Records:
    rng = random.Random(seed)
    units = max(1, target_triples // TRIPLES_PER_UNIT)
    records = Records(data_dir=Path("<synthetic>"))
    source = ["https://example.org/news/%d" % i for i in range(max(10, units))]
    src = lambda: (rng.choice(source),)  # noqa: E731
    countries = [f"country-{i}" for i in range(min(60, 5 + units // 10))]
    for i, cid in enumerate(countries):
        records.places.append(Place(cid, "country", {"pl": f"Państwo {i}", "en": f"Country {i}"}, HERE, sources=src()))
    cities = []
    for i in range(max(4, units * 2)):
        name = f"{rng.choice(STEMS)}{rng.choice(ENDINGS)} {i}"
        cid = f"city-{i}"
        cities.append(cid)
        records.places.append(Place(cid, "city", {"pl": name, "en": name}, HERE, country=rng.choice(countries),
                                    lat=round(rng.uniform(35, 60), 4), long=round(rng.uniform(-10, 40), 4), sources=src()))
    for i in range(max(1, units // 5)):
        records.organisations.append(Organisation(f"org-{i}", {"pl": f"Rada Miasta {i}", "en": f"City Council {i}"}, HERE,
                                                  location=rng.choice(cities), sources=src()))
    people = []
    for i in range(max(4, units * 4)):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        pid = f"person-{i}"
        people.append(pid)
        start = rng.randint(1990, 2024)
        posts = tuple(Post(rng.choice(ROLES), rng.choice(cities), HERE, start=PartialDate(start + k * 4),
                           end=PartialDate(start + k * 4 + 4) if rng.random() < 0.6 else None, sources=src())
                      for k in range(rng.randint(1, 2)))
        records.people.append(Person(pid, {"pl": f"{given} {family} {i}", "en": f"{given} {family} {i}"}, HERE, given_name=given,
                                     family_name=f"{family} {i}", posts=posts, sources=src()))
    for i in range(max(2, units)):
        a, b = rng.sample(cities, 2)
        records.partnerships.append(Partnership(f"partnership-{i}", (a, b), rng.choice(KINDS), HERE,
                                                since=PartialDate(rng.randint(1950, 2024)), sources=src()))
    for i in range(max(4, units * 25)):
        year, month, day = rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 25)
        host, home = rng.sample(cities, 2)
        visitors = (home,) + tuple(rng.sample(people, rng.randint(1, 5)))
        records.events.append(Event(f"visit-{i}", rng.choice(["visit", "delegation", "exchange"]),
                                    {"pl": f"Wizyta {i}", "en": f"Visit {i}"}, HERE,
                                    start=PartialDate(year, month, day), end=PartialDate(year, month, day + rng.randint(0, 3)),
                                    location=host, visitors=visitors, hosts=(host,), sources=src()))
    return records


if __name__ == "__main__":
    from kgraph.build import build_curated_graph

    graph = build_curated_graph(synthetic_records(int(sys.argv[1])))
    print(len(graph))


# --- news-like text from the same entities, for the extraction benchmark ------------------
# Crude Polish inflection of the generated names: enough that the extractor meets
# genitives, instrumentals and feminine surnames, as it does in real news.
MONTHS_GEN = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia"]
ROLE_INS = {"prezydent": "prezydentem", "wiceprezydent": "wiceprezydentem", "burmistrz": "burmistrzem", "radny": "radnym",
            "sekretarz": "sekretarzem", "przewodniczacy": "przewodniczącym rady"}
FILLER = ["Rozmawiano o współpracy gospodarczej, wymianie młodzieży i wspólnych projektach kulturalnych.",
          "Goście zwiedzili stare miasto, ratusz i muzeum regionalne.",
          "Spotkanie zakończyło się podpisaniem listu intencyjnego w sprawie dalszej współpracy.",
          "W programie wizyty znalazły się także koncert i wizyta w szkole partnerskiej.",
          "Delegacja wzięła udział w uroczystej sesji rady miasta."]


def _city_name(place) -> str:
    return place.labels["pl"].rsplit(" ", 1)[0]


def _city_gen(name: str) -> str:
    for ending, form in (("ice", "ic"), ("owo", "owa"), ("no", "na"), ("sk", "ska"), ("ów", "owa")):
        if name.endswith(ending):
            return name[: -len(ending)] + form
    return name + "u" if name.endswith(("furt", "burg", "ton")) else name + "a"


def _person_forms(given: str, family: str) -> dict[str, str]:
    """nom, gen and ins of a name; given names ending in -a are women's."""
    if given.endswith("a"):
        fem = family[:-1] + "a" if family.endswith(("ski", "cki", "dzki")) else family
        adj = fem.endswith("a")
        return {"nom": f"{given} {fem}", "gen": f"{given[:-1]}y {fem[:-1] + 'iej' if adj else fem}",
                "ins": f"{given[:-1]}ą {fem[:-1] + 'ą' if adj else fem}", "verb": "a"}
    adj = family.endswith(("ski", "cki", "dzki"))
    gen_given = {"Paweł": "Pawła"}.get(given, given + "a")
    ins_given = {"Paweł": "Pawłem"}.get(given, given + "em")
    return {"nom": f"{given} {family}", "gen": f"{gen_given} {family + 'ego' if adj else family + 'a'}",
            "ins": f"{ins_given} {family + 'm' if adj else family + ('iem' if family.endswith(('k', 'g')) else 'em')}",
            "verb": ""}


def synthetic_news(records: Records, documents: int, *, seed: int = 42) -> list[tuple[str, str]]:
    """(file name, text) of `documents` news items about the visits of `records`:
    dated headlines, delegation sentences with inflected names and date ranges, posts, partnerships."""
    rng = random.Random(seed)
    places = {p.id: p for p in records.places}
    people = {p.id: p for p in records.people}
    visits = [e for e in records.events if e.start and e.location in places]
    news = []
    for number in range(documents):
        sentences = []
        for event in rng.sample(visits, min(len(visits), rng.randint(2, 4))):
            host, home = _city_name(places[event.location]), _city_name(places[event.visitors[0]])
            members = [people[v] for v in event.visitors[1:] if v in people]
            start, end = event.start, event.end or event.start
            when = (f"W dniach {start.day}–{end.day} {MONTHS_GEN[start.month - 1]} {start.year} r."
                    if end.day != start.day else f"{start.day} {MONTHS_GEN[start.month - 1]} {start.year} r.")
            if members:
                leader = members[0]
                forms = _person_forms(leader.given_name, leader.family_name.rsplit(" ", 1)[0])
                role = ROLE_INS[leader.posts[0].role] if leader.posts else "radnym"
                sentences.append(f"{when} delegacja z {_city_gen(home)} z {role} {forms['ins']} na czele "
                                 f"przebywała z wizytą w mieście {host}.")
                for other in members[1:3]:
                    o = _person_forms(other.given_name, other.family_name.rsplit(" ", 1)[0])
                    sentences.append(f"W składzie delegacji znalazł{o['verb'] or ''} się także {o['nom']}.")
            else:
                sentences.append(f"{when} goście z {_city_gen(home)} odwiedzili {host}.")
            sentences.append(rng.choice(FILLER))
        claim = rng.choice(records.partnerships)
        a, b = (_city_name(places[ref]) for ref in claim.between)
        sentences.append(f"Miasta {a} i {b} współpracują od {claim.since.year} roku.")
        title = f"Wizyta w mieście {host}"
        news.append((f"synthetic-{number:05d}.txt", title + "\n\n" + " ".join(sentences) + "\n"))
    return news
