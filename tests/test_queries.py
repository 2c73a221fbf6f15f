"""Saved queries answer the seeds' questions; every saved query is run with its bindings."""
import pytest

from kgraph.errors import ParameterError, QueryError, QueryNotFound
from kgraph.query import list_queries, load_query, run_query


def rows(store, name, **params):
    return run_query(store, name, params).records()


def visits(store, **params):
    return [(r["start"], r["end"], r["visitorName"], r["destinationName"]) for r in rows(store, "who-visited-where", **params)]


def test_martin_visit_november_2025(store):
    assert visits(store, place="Martin", **{"from": "2025-11-01", "to": "2025-11-30"}) == [
        ("2025-11-06", "2025-11-08", "Kalisz", "Martin"),
        ("2025-11-06", "2025-11-08", "Krystian Kinastowski", "Martin"),
        ("2025-11-06", "2025-11-08", "Marcin Cieloszyk", "Martin"),
    ]


def test_lowecz_delegation_september_2025_matched_without_diacritics(store):
    got = visits(store, place="lowecz", **{"from": "2025-09", "to": "2025-09"})
    assert got == [
        ("2025-09-26", "2025-09-29", "Andrzej Plichta", "Łowecz"),
        ("2025-09-26", "2025-09-29", "Kalisz", "Łowecz"),
        ("2025-09-26", "2025-09-29", "Mateusz Podsadny", "Łowecz"),
        ("2025-09-26", "2025-09-29", "Małgorzata Mosińska-Busz", "Łowecz"),
        ("2025-09-26", "2025-09-29", "Sławomir Lasiecki", "Łowecz"),
    ]
    councillors = [v for v in got if v[2] != "Kalisz"]
    assert len(councillors) == 4


def test_visits_by_person_alias_and_country(store):
    assert visits(store, person="Kinastowski") == [("2025-11-06", "2025-11-08", "Krystian Kinastowski", "Martin")]
    assert visits(store, person="Lovech") == [  # an alias of Łowecz
        (None, None, "Łowecz", "Kalisz"),
        ("2024-10-10", "2024-10-11", "Łowecz", "Kalisz"),
    ]
    assert {v[3] for v in visits(store, country="Słowacja")} == {"Martin"}


def test_who_from_a_city_visited_kalisz(store):
    # "Who from Łowecz has visited Kalisz?": the city, and its mayor (a post of Łowecz)
    got = {(r["visitorName"], r["start"], r["notAfter"]) for r in rows(store, "who-visited-where", origin="Łowecz", place="Kalisz")}
    assert got == {("Łowecz", None, "2025-06-09"), ("Łowecz", "2024-10-10", None), ("Stratsimir Petkov", "2024-10-10", None)}
    assert rows(store, "who-visited-where", origin="Martin", place="Kalisz") == []


def test_newest_first(store):
    dates = [r["start"] or r["notAfter"] for r in rows(store, "who-visited-where")]
    assert dates == sorted(dates, reverse=True) and len(dates) == 21


CHINA = {
    ("Bielsko-Biała", "Shijiazhuang", "miasto partnerskie", None),
    ("Bydgoszcz", "Ningbo", "miasto partnerskie", "2005"),
    ("Olsztyn", "Szantung", "list intencyjny", "2015"),
    ("Olsztyn", "Weifang", "miasto partnerskie", None),
    ("Ostrów Wielkopolski", "Dystrykt Qingbaijiang", "list intencyjny", "2017"),
    ("Ostrów Wielkopolski", "Dystrykt Qingbaijiang", "memorandum o współpracy", None),
}


@pytest.mark.parametrize("country", ["Chiny", "chiny", "ChRL", "Chińska Republika Ludowa"])
def test_polish_cities_with_partners_in_china(store, country):
    got = {(r["cityName"], r["partnerName"], r["kindName"], r["since"]) for r in rows(store, "cities-with-partners-in", country=country)}
    assert got == CHINA


def test_polish_cities_with_partners_in_usa(store):
    got = {(r["cityName"], r["partnerName"]) for r in rows(store, "cities-with-partners-in", country="USA", lang="en")}
    assert got == {("Bielsko-Biała", "Grand Rapids"), ("Bochnia", "Roselle (Illinois)"), ("Nowy Sącz", "Tinley Park (Illinois)"),
                   ("Nowy Sącz", "Columbia County"), ("Olsztyn", "Richmond (Virginia)"),
                   ("Kalisz", "Gilbert (Arizona)")}  # named among partner and friendly cities (2023)
    # the interpellation names six cities; all six have partners in China or the USA
    usa = {r["cityName"] for r in rows(store, "cities-with-partners-in", country="USA")}
    assert {"Bielsko-Biała", "Bydgoszcz", "Ostrów Wielkopolski"} <= {c for c, *_ in CHINA}
    assert {"Bochnia", "Nowy Sącz", "Olsztyn"} <= usa


def test_partnership_with_preston_since_1989(store):
    got = [(r["since"], r["preferred"], r["sourceCount"]) for r in rows(store, "partners", city="Kalisz", partner="Preston")]
    assert got == [(None, None, "1"), ("1989", "true", "4")]


def test_contradicting_claims_are_both_kept_and_one_is_preferred(store):
    hautmont = [(r["since"], r["preferred"]) for r in rows(store, "partners", city="Kalisz", partner="Hautmont")]
    assert hautmont == [(None, None), ("1958", "true"), ("1959", None)]
    erfurt = [(r["kindName"], r["since"], r["preferred"]) for r in rows(store, "partners", city="Kalisz", partner="Erfurt")]
    assert ("miasto partnerskie", "1982", None) in erfurt and ("miasto partnerskie", "1984", "true") in erfurt
    kamieniec = {r["since"] for r in rows(store, "partners", city="Kalisz", partner="Kamieniec Podolski", kind="partner")}
    assert {"1989", "1994"} <= kamieniec


def test_friendly_and_letter_of_intent(store):
    friendly = {r["partnerName"] for r in rows(store, "partners", city="Kalisz", kind="friendly")}
    assert friendly == {"Łowecz", "Southampton", "Szentendre", "Mińsk"}
    loi = {(r["partnerName"], r["since"]) for r in rows(store, "partners", city="Kalisz", kind="letter-of-intent")}
    assert loi == {("Łowecz", "2017"), ("Rejon solecznicki", "2022")}


def test_vice_presidents_on_a_date(store):
    got = {r["personName"] for r in rows(store, "posts", role="wiceprezydent", of="Kalisz", date="2025-10-01")}
    # Kulawinek's and Rogoziński's terms have no known end, so they cannot be ruled out
    assert got == {"Mateusz Podsadny", "Grzegorz Kulawinek", "Tomasz Rogoziński"}
    before = {r["personName"] for r in rows(store, "posts", role="wiceprezydent", of="Kalisz", date="2017-06-01")}
    assert before == {"Karolina Pawliczak", "Artur Kijewski"}


def test_posts_of_a_city_include_its_council(store):
    got = {(r["personName"], r["roleName"], r["bodyName"]) for r in rows(store, "posts", person="Lasiecki")}
    assert got == {("Sławomir Lasiecki", "przewodniczący", "Rada Miasta Kalisza"),
                   ("Sławomir Lasiecki", "radny", "Rada Miasta Kalisza")}
    council = {r["personName"] for r in rows(store, "posts", role="radny", of="Kalisz")}
    assert {"Małgorzata Mosińska-Busz", "Andrzej Plichta", "Maciej Antczak"} <= council


@pytest.fixture(scope="module")
def rdflib_dataset():
    from kgraph.build import build_dataset
    from kgraph.records import load_records
    from kgraph.resources import packaged_data_dir
    dataset = build_dataset(load_records(packaged_data_dir()))
    dataset.default_union = True  # the default graph is every graph, as in kgraph's queries
    return dataset


@pytest.mark.parametrize("params", [
    {}, {"role": "wiceprezydent"}, {"person": "Lasiecki"}, {"of": "Kalisz"}, {"of": "Kalisz", "role": "radny"},
    {"date": "2017-06-01"}, {"role": "wiceprezydent", "of": "Kalisz", "date": "2025-10-01"}, {"person": "Pawliczak", "role": "wiceprezydent"},
])
def test_posts_filters_give_what_rdflib_gives_for_the_same_text(store, rdflib_dataset, params):
    """posts.rq is shaped for oxigraph's join order (#if and #if ! lines, a property path for a
    city's bodies); rdflib, another engine, must find the same posts in the same text."""
    from kgraph.query import bind_params, conditional_text
    from kgraph.results import to_rdflib
    query = load_query("posts")
    substitutions = bind_params(query, params)
    text = conditional_text(query.text, substitutions)
    expected = sorted((str(r.personName), str(r.roleName), str(r.bodyName), str(r.periodStart)) for r in
                      rdflib_dataset.query(text, initBindings={v.value: to_rdflib(t) for v, t in substitutions.items()}))
    got = sorted((r["personName"], r["roleName"], r["bodyName"], str(r["periodStart"])) for r in rows(store, "posts", **params))
    assert got == expected and got, params
    assert ("BIND(?role AS ?roleIri)" in text) == ("role" in params) != ("?post org:role ?roleIri ." in text)


def test_timeline(store):
    got = rows(store, "timeline", **{"from": "2024-10-01", "to": "2024-10-31"})
    assert [(r["date"], r["typeName"], r["placeName"]) for r in got] == [
        ("2024-10-10", "wizyta", "Kalisz"),
        ("2024-10-23", "wymiana", "Kalisz"),
        ("2024-10-29", "sesja rady", "Kalisz"),
    ]


def test_mentions(store):
    got = {(r["date"], r["how"], r["documentName"]) for r in rows(store, "mentions", entity="Maciej Antczak")}
    assert ("2026-03-25", "source", "Interpelacja ws. miast partnerskich w Chinach i USA") in got
    assert ("2026-04-02", "source", "Odpowiedź na interpelację ws. miast partnerskich w Chinach i USA") in got
    mentioned = {r["documentName"] for r in rows(store, "mentions", entity="Bydgoszcz") if r["how"] == "mentions"}
    assert mentioned == {"Interpelacja ws. miast partnerskich w Chinach i USA"}


def test_wikidata_p190(store):
    result = run_query(store, "wikidata-p190")
    pairs = {(t.subject.value.rsplit("/", 1)[-1], t.object.value.rsplit("/", 1)[-1]) for t in result.triples
             if t.predicate.value.endswith("P190")}
    assert ("kalisz", "preston") in pairs and ("preston", "kalisz") in pairs
    assert ("kalisz", "southampton") not in pairs  # friendly only: not P190


def test_every_saved_query_has_a_header_and_order_by():
    names = {q.name for q in list_queries()}
    assert names >= {"who-visited-where", "partners", "cities-with-partners-in", "posts", "timeline", "mentions"}
    for saved in list_queries():
        assert saved.summary and saved.returns, saved.name
        if "SELECT" in saved.text:
            assert "ORDER BY" in saved.text, saved.name


HOSTILE = ['" } ; DROP ALL ; { "', "Kalisz' || true || '", "?visitor } UNION { ?s ?p ?o",
           "}} SELECT * WHERE {?s ?p ?o} #", "\\\" ) FILTER(true) #", "<http://evil>", "Łowecz\" . ?x ?y ?z . \""]


@pytest.mark.parametrize("value", HOSTILE)
def test_parameter_values_are_data_not_query_text(store, value):
    for param in ("person", "place", "country", "origin"):
        assert rows(store, "who-visited-where", **{param: value}) == []
    assert rows(store, "partners", city=value) == []
    assert rows(store, "mentions", entity=value) == []


def test_adhoc_query_binds_parameters(store):
    text = 'PREFIX kgo: <https://w3id.org/kgraph/ontology#> SELECT ?e ?key WHERE { ?e kgo:searchKey ?key }'
    assert [r["e"] for r in run_query(store, text, {"key": "lowecz"}).records()] == ["https://w3id.org/kgraph/id/place/lowecz"]
    assert run_query(store, text, {"key": '" } ?s ?p ?o {"'}).records() == []


def test_errors(store):
    with pytest.raises(QueryNotFound, match="no saved query named 'who-went'; saved queries: cities-with-partners-in"):
        run_query(store, "who-went")
    with pytest.raises(ParameterError, match="has no parameter 'city'; its parameters: person, place"):
        run_query(store, "who-visited-where", {"city": "Kalisz"})
    with pytest.raises(ParameterError, match="needs --param city"):
        run_query(store, "partners")
    with pytest.raises(ParameterError, match="not a date"):
        run_query(store, "who-visited-where", {"from": "wczoraj"})
    with pytest.raises(ParameterError, match="unknown role"):
        run_query(store, "posts", {"role": "prezes"})
    with pytest.raises(QueryError, match="malformed SPARQL"):
        run_query(store, "SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(ParameterError, match="no variable \\?nope"):
        run_query(store, "SELECT ?s WHERE { ?s ?p ?o }", {"nope": "x"})


def test_load_query_rejects_paths():
    with pytest.raises(QueryNotFound):
        load_query("../build")


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    from benchmarks.synthetic import synthetic_records
    from kgraph.build import build_records
    from kgraph.store import open_store
    store_dir = tmp_path_factory.mktemp("synthetic") / ".kgraph"
    build_records(synthetic_records(30_000, seed=11), store_dir, shacl=False)
    return open_store(store_dir)


@pytest.mark.parametrize("day", ["1950-01-01", "2003-12-31", "2004-01-01", "2020-06-15", "2100-01-01"])
@pytest.mark.parametrize("role", ["wiceprezydent", "radny", "burmistrz"])
def test_posts_on_a_day_from_the_post_index_are_the_posts_held_that_day(synthetic_store, role, day):
    """With a role and a day, posts reads the post index (its year's entry and the open one); the standard
    form, which tests the bounds of every post of the role, finds the same posts."""
    from kgraph.query import bind_params, conditional_text, run_sparql
    query, params = load_query("posts"), {"role": role, "date": day}
    substitutions = bind_params(query, params)
    plain = run_sparql(synthetic_store, conditional_text(query.text, substitutions), substitutions)
    indexed = run_query(synthetic_store, query, params)
    assert "kgi:heldIn" not in conditional_text(query.text, substitutions)
    posts = lambda result: sorted(r["post"] for r in result.records())  # noqa: E731
    assert posts(indexed) == posts(plain)
    if role != "burmistrz" and day[:4] not in ("1950", "2100"):  # days the synthetic terms cover
        assert len(posts(plain)) > 10
