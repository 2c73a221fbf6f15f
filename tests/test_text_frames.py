"""Visit frames and title phrases, one construction per row; every sentence is written for these tests."""
import pytest

from kgraph.text.extract import make_extractor
from kgraph.text.readers import read_text


@pytest.fixture(scope="module")
def extractor():
    return make_extractor(home="Kalisz")


def extract(extractor, sentence):
    return extractor.extract(next(read_text(f"Wiadomość\n5 maja 2024\n{sentence}", "t.txt")))


VISITS = [
    # a relative clause: only its antecedent travelled
    ("Burmistrz Jan Nowak zaprosił gości z Trzebnicy. Przyjechał też Piotr Lis, który w czerwcu odwiedził Opole.",
     {("Piotr Lis", "Opole")}, {("Jan Nowak", "Opole")}),
    # the subject after an arrival verb, the place before it
    ("W Lesznie przebywała delegacja z Kitzingen.", {("Kitzingen", "Leszno")}, set()),
    ("Do Gniezna przyjechał burmistrz Tomasz Wolf.", {("Tomasz Wolf", "Gniezno")}, set()),
    # a delegation named by its town's adjective is the publishing town's
    ("Kaliska delegacja przebywała w Martinie.", {("Kalisz", "Martin")}, set()),
]


@pytest.mark.parametrize("sentence, present, absent", VISITS)
def test_visit_frames(extractor, sentence, present, absent):
    found = {(v["visitor"], v["place"]) for v in extract(extractor, sentence)["visits"]}
    assert present <= found
    assert not (absent & found)


ROLES = [
    ("Spotkanie otworzył Prezydent Miasta Rzeszowa Pan Tadeusz Lis.", ("Tadeusz Lis", "prezydent", "Rzeszów")),
    ("W składzie: Burmistrz Śmigla - Anna Kowal, radna Ewa Sowa.", ("Anna Kowal", "burmistrz", "Śmigiel")),
    ("Gości powitał Zastępca Burmistrza Gminy Trzebnica Marek Kos.", ("Marek Kos", "zastępca burmistrza", "Trzebnica")),
    ("Przemawiał Prezydent Jan Wrona.", ("Jan Wrona", "prezydent", "Kalisz")),  # a bare office is the home town's
]


@pytest.mark.parametrize("sentence, role", ROLES)
def test_title_phrases(extractor, sentence, role):
    assert role in {(r["person"], r["role"], r["of"]) for r in extract(extractor, sentence)["roles"]}
