"""The publishing town: inferred from the text, fixed with --home, defaulted by data/settings.yaml."""
import json

import pytest

from kgraph.cli import cli
from kgraph.errors import ParameterError
from kgraph.text.extract import make_extractor
from kgraph.text.readers import read_text

# Written for these tests: each names its own town through its offices, and a guest town.
TEXTS = [
    ("Wizyta partnerów\n12 maja 2024\nBurmistrz Miasta Trzebnicy przyjął w ratuszu delegację z Kitzingen.", "Trzebnica"),
    ("Goście z Węgier\n3 czerwca 2023\nDo Śmigla przyjechali goście z Balatonfűzfő. Urząd Miasta Śmigla przygotował program.",
     "Śmigiel"),
    ("Forum miast\n2022-06-27\nW Ciechanowie spotkali się przedstawiciele miast partnerskich z Francji (Meudon).", "Ciechanów"),
]


@pytest.fixture(scope="module")
def extractor():
    return make_extractor()


@pytest.mark.parametrize("text, home", TEXTS)
def test_the_town_a_text_speaks_for(extractor, text, home):
    assert extractor.extract(next(read_text(text, "t.txt")))["home"] == home


def test_a_text_naming_no_polish_town_falls_back_to_the_settings(extractor):
    result = extractor.extract(next(read_text("Koncert\n1 maja 2024\nChór z Martina zaśpiewał w katedrze.", "t.txt")))
    assert result["home"] == "Kalisz"  # data/settings.yaml


def test_home_option_fixes_the_town_and_offices_follow_it(tmp_path, runner):
    path = tmp_path / "a.txt"
    path.write_text("Sesja\n1 maja 2024\nPrezydent Jan Kowalski przyjął gości z Martina w ratuszu.", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path), "--home", "Racibórz"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["home"] == "Racibórz"
    assert {"person": "Jan Kowalski", "of": "Racibórz"} in [{k: r[k] for k in ("person", "of")} for r in record["roles"]]


def test_an_unknown_home_is_one_line_with_the_closest_names(tmp_path, runner):
    path = tmp_path / "a.txt"
    path.write_text("Tekst\n1 maja 2024\nNic.", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path), "--home", "Kalisx"])
    assert result.exit_code == 2
    assert "--home 'Kalisx': no Polish town of this name; did you mean: Kalisz?" in result.stderr
    assert "Traceback" not in result.output


def test_home_must_be_a_polish_town():
    with pytest.raises(ParameterError):
        make_extractor(home="Neapol")


def test_a_broken_settings_file_is_named(tmp_path, data_dir, runner):
    (data_dir / "settings.yaml").write_text("home: [unclosed\n", encoding="utf-8")
    path = tmp_path / "a.txt"
    path.write_text("Tekst\n1 maja 2024\nNic.", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path), "--data", str(data_dir)])
    assert result.exit_code == 1
    assert "settings.yaml: cannot read the settings" in result.stderr


@pytest.mark.parametrize("text", [
    "Die Delegation aus Kalisz besuchte am Montag die Partnerstadt Hamm. Der Bürgermeister begrüßte die Gäste.",
    "Делегація з Калиша відвідала місто-побратим Хмельницький. Міський голова привітав гостей.",
])
def test_a_text_in_another_language_is_reported_not_failed(tmp_path, runner, text):
    path = tmp_path / "news.txt"
    path.write_text(f"Nachricht\n1 maja 2024\n{text}", encoding="utf-8")
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["language"]["polish"] is False
    assert "news.txt: not Polish" in result.stderr


def test_polish_news_is_polish(extractor):
    record = extractor.extract(next(read_text(TEXTS[0][0], "t.txt")))
    assert record["language"]["polish"] is True and record["language"]["known_words"] > 0.8


def test_a_foreign_name_no_dictionary_knows_is_not_the_publishing_town(extractor):
    text = "Naszą gminę odwiedziła delegacja z miasta partnerskiego Swietłyj w Rosji."
    assert extractor.extract(next(read_text(f"Goście\n1 maja 2024\n{text}", "t.txt")))["home"] == "Kalisz"
