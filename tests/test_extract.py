"""Extraction: readers, Polish dates, canonical names, relations, scores on the seeds' gold."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgraph.cli import cli
from kgraph.text.dates import find_dates, parse_date_line
from kgraph.errors import ReadError
from kgraph.text.evaluate import load_jsonl, score
from kgraph.text.extract import Extractor, make_extractor
from kgraph.text.readers import CHUNK_CHARS, read_path, read_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [ROOT / "data/texts/miedzynarodowo-listing.txt", ROOT / "data/texts/interpelacja-chiny-usa.md"]
GOLD = ROOT / "tests/gold/seeds.jsonl"


@pytest.fixture(scope="module")
def extractor():
    return make_extractor()


def _one(extractor, text, name="t.txt"):
    return extractor.extract(next(read_text(text, name)))


# -- scores on the seeds (the figures issue 3 names)

@pytest.fixture(scope="module")
def seed_score(extractor):
    predicted = {r["doc"]: r for path in SEEDS for r in extractor.extract_all(read_path(path))}
    return score(load_jsonl(GOLD), predicted)


@pytest.mark.parametrize("row", ["entities", "visits", "roles"])
def test_seed_f1_at_least_095(seed_score, row):
    counts = getattr(seed_score, row)
    assert counts.f1 >= 0.95, (row, counts.row(), seed_score.misses)


def test_every_gold_document_gets_a_prediction(seed_score):
    assert seed_score.without_prediction == []


def test_confident_facts_are_right_nine_times_in_ten(seed_score):
    confident = [seed_score.by_band[band] for band in ("≥ 0.9", "0.8–0.9") if band in seed_score.by_band]
    right, wrong = sum(c.tp for c in confident), sum(c.fp for c in confident)
    assert right >= 10 and right / (right + wrong) >= 0.9, seed_score.as_dict()["by_confidence"]


def test_eval_by_rule_prints_precision_per_rule_and_band(runner):
    from kgraph.cli import cli

    result = runner.invoke(cli, ["eval", "--by-rule", "--gold", str(GOLD), *map(str, SEEDS)])
    assert result.exit_code == 0, result.output
    assert "precision by rule" in result.stdout and "precision by confidence" in result.stdout
    assert "visit:delegation " in result.stdout and "≥ 0.9" in result.stdout


# -- readers

def test_listing_gives_ten_items_with_dates_and_closed_cut_marks():
    items = list(read_path(SEEDS[0]))
    assert len(items) == 10
    assert items[1].date == "2025-11-12" and items[1].title == "Dni św. Marcina w partnerskim Martinie"
    assert "Mateusz Podsadny" in items[2].text and "Pod...sadny" not in items[2].text
    assert items[1].text.splitlines()[2].startswith("6–8 listopada 2025 roku")  # the glued date is split off


def test_letter_file_gives_reply_and_interpellation():
    reply, letter = read_path(SEEDS[1])
    assert (reply.date, reply.reference, reply.addressee) == ("2026-04-02", "KPM.003.0002.2026", "Maciej Antczak")
    assert letter.date == "2026-03-25" and letter.subject.startswith("Interpelacja ws. miast partnerskich")


def test_news_item_layout_and_brak_daty():
    item = next(read_text("Tytuł wiadomości\nbrak daty\nTreść.", "n.txt"))
    assert (item.kind, item.title, item.date) == ("news-item", "Tytuł wiadomości", None)


def test_html_keeps_article_text_and_drops_scripts(tmp_path, extractor):
    page = tmp_path / "p.html"
    page.write_text("<!doctype html><html><head><script>alert('Łowecz')</script></head><body><nav>Menu Erfurt</nav>"
                    "<article><h1>Wizyta</h1><p>Kalisz gościł Stratsimira Petkova, burmistrza Łowecza.</p></article>"
                    "</body></html>", encoding="utf-8")
    document = next(read_path(page))
    assert "alert" not in document.text and "Menu" not in document.text
    result = extractor.extract(document)
    assert {(v["visitor"], v["place"]) for v in result["visits"]} == {("Stratsimir Petkov", "Kalisz"), ("Łowecz", "Kalisz")}


@pytest.mark.parametrize("encoding", ["cp1250", "iso-8859-2"])
def test_polish_legacy_encodings_are_decoded(tmp_path, encoding):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Wizyta\n12 października 2024\nDelegacja gościła w Łoweczu, żółć ąę.".encode(encoding))
    assert "Łoweczu, żółć ąę" in next(read_path(path)).text


@pytest.mark.parametrize("content, message", [(b"", "empty file"), (b"\x00\x01\x02PNG", "binary file"),
                                              (b"   \n\n", "only whitespace")])
def test_unreadable_inputs_raise_read_error(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        list(read_path(path))


def test_a_directory_or_a_missing_path_is_named_with_the_remedy(tmp_path):
    with pytest.raises(ReadError, match=r"a directory; give the files in it"):
        list(read_path(tmp_path))
    with pytest.raises(ReadError, match=r"nothing\.txt: no such file"):
        list(read_path(tmp_path / "nothing.txt"))


def test_large_file_is_streamed_in_chunks_and_merged(tmp_path, extractor):
    path = tmp_path / "big.txt"
    paragraph = "Kalisz gościł Stratsimira Petkova, burmistrza Łowecza w Bułgarii. " * 40 + "\n\n"
    with path.open("w", encoding="utf-8") as handle:
        while handle.tell() < CHUNK_CHARS * 3:
            handle.write(paragraph)
    documents = list(read_path(path))
    assert len(documents) > 1 and all(len(d.text) <= CHUNK_CHARS * 2 for d in documents)
    [record] = list(extractor.extract_all(documents))
    assert record["doc"] == "big.txt"
    assert {e["name"] for e in record["entities"]} >= {"Kalisz", "Stratsimir Petkov", "Łowecz", "Bułgaria"}


def test_one_long_line_does_not_break_extraction(extractor):
    text = "Wizyta w Łoweczu. " * 25_000  # 450 KB on one line: more than the reader's chunk
    record = extractor.extract(next(read_text(text, "line.txt")))
    assert [e["name"] for e in record["entities"]] == ["Łowecz"]


# -- dates

@pytest.mark.parametrize("text, reference, expected", [
    ("02 grudnia 2025", None, ("2025-12-02", "2025-12-02")),
    ("6–8 listopada 2025 roku", None, ("2025-11-06", "2025-11-08")),
    ("26–29 września 2025", None, ("2025-09-26", "2025-09-29")),
    ("Od 4 do 6 listopada 2019 r.", None, ("2019-11-04", "2019-11-06")),
    ("8-10 listopada", "2024-11-13", ("2024-11-08", "2024-11-10")),
    ("10-11 października", "2024-10-11", ("2024-10-10", "2024-10-11")),
    ("w dniach 28 grudnia", "2025-01-05", ("2024-12-28", "2024-12-28")),
    ("12 maja b.r.", "2023-06-01", ("2023-05-12", "2023-05-12")),
    ("13.07.2019 16:08", None, ("2019-07-13", "2019-07-13")),
    ("od 05.10 do 11.10.2014", None, ("2014-10-05", "2014-10-11")),  # numeric, months on both days
    ("28.09-2.10.2022 r.", None, ("2022-09-28", "2022-10-02")),
    ("W dniach 15-19. czerwca 2012 r.", None, ("2012-06-15", "2012-06-19")),  # an ordinal dot
    ("26–29 września b.r.", "2020-05-01", ("2020-09-26", "2020-09-29")),  # "this year" is never the year before
])
def test_polish_dates(text, reference, expected):
    [found] = find_dates(text, reference=reference)
    assert (found.start, found.end) == expected


def test_impossible_dates_are_not_invented():
    assert find_dates("31 lutego 2025") == []
    assert parse_date_line("brak daty") is None


# -- canonical names and relations, on sentences written for these tests

@pytest.mark.parametrize("sentence, kind, name", [
    ("Spotkanie z prezydentem Krystianem Kinastowskim odbyło się wczoraj.", "Person", "Krystian Kinastowski"),
    ("Rozmawiano o przyszłości z Georgiem Ohlmannem z Erfurtu.", "Person", "Georg Ohlmann"),
    ("Gościem był burmistrz Tomasz Wierzbicki, który przyjechał z Bochni.", "City", "Bochnia"),
    ("Delegacja przebywała w Kamieńcu Podolskim przez trzy dni.", "City", "Kamieniec Podolski"),
    ("Uczniowie Szkoły Podstawowej nr 7 w Gnieźnie przyjechali.", "Organization", "Szkoła Podstawowa nr 7 w Gnieźnie"),
    ("Uczniowie przyjechali z Hiszpanii.", "Country", "Hiszpania"),
    ("W galerii stanęły rzeźby Pavla Hajduka, słowackiego artysty.", "Person", "Pavel Hajduk"),
    ("Goście przywieźli portret papieża Jana Pawła II.", "Person", "Jan Paweł II"),
])
def test_canonical_forms(extractor, sentence, kind, name):
    names = {(e["type"], e["name"]) for e in _one(extractor, sentence)["entities"]}
    assert (kind, name) in names, names


@pytest.mark.parametrize("sentence, patron", [
    ("Delegacja zwiedziła kościół św. Jana Nepomucena.", "Jan Nepomucen"),
    ("Przyjechali uczniowie Liceum im. Marii Konopnickiej.", "Maria Konopnicka"),
    ("Mszę odprawiono w kościele świętego Wojciecha Biskupa.", "Wojciech Biskup"),
])
def test_saints_and_patrons_are_not_people_present(extractor, sentence, patron):
    people = {e["name"] for e in _one(extractor, sentence)["entities"] if e["type"] == "Person"}
    assert patron not in people, people


def test_councillors_listed_after_radni_are_two_people_with_posts(extractor):
    result = _one(extractor, "W spotkaniu wzięli udział radni Anna Kowalczyk i Piotr Zieliński.")
    assert {(r["person"], r["role"], r["of"]) for r in result["roles"]} == {
        ("Anna Kowalczyk", "radny", "Kalisz"), ("Piotr Zieliński", "radny", "Kalisz")}


def test_hosted_mayor_gives_person_and_city_visits(extractor):
    result = _one(extractor, "Wizyta\n03 marca 2025\n1-2 marca Kalisz gościł Jana Nowaka, burmistrza Bochni.")
    assert {(v["visitor"], v["place"], v["start"], v["end"]) for v in result["visits"]} == {
        ("Jan Nowak", "Kalisz", "2025-03-01", "2025-03-02"), ("Bochnia", "Kalisz", "2025-03-01", "2025-03-02")}
    assert [(r["person"], r["role"], r["of"]) for r in result["roles"]] == [("Jan Nowak", "burmistrz", "Bochnia")]


def test_every_fact_keeps_its_provenance(extractor):
    document = next(read_path(SEEDS[0]))
    result = extractor.extract(list(read_path(SEEDS[0]))[1])
    visit = result["visits"][0]["evidence"]
    assert visit["extractor"].startswith("kgraph-extract/") and 0 < visit["confidence"] <= 1
    assert "delegacja Miasta Kalisza" in visit["sentence"]
    for entity in result["entities"]:
        assert entity.get("id") or entity.get("candidate")
        for start, end, surface in entity["mentions"]:
            assert end > start and surface
    assert document.id.endswith("#1")


def test_unknown_entities_get_candidate_ids(extractor):
    result = _one(extractor, "Kalisz gościł Jana Nowaka, burmistrza Bochni.")
    person = next(e for e in result["entities"] if e["name"] == "Jan Nowak")
    assert person["candidate"] == "person/jan-nowak" and "id" not in person


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=400))
def test_extraction_never_raises_on_arbitrary_text(extractor, text):
    record = extractor.extract(next(read_text(text or " ", "any.txt")))
    assert set(record) >= {"doc", "entities", "visits", "roles"}
    json.dumps(record)


# -- commands

def test_cli_extract_jsonl_and_eval(runner, tmp_path):
    out = tmp_path / "seeds.jsonl"
    result = runner.invoke(cli, ["extract", *map(str, SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 12 and records[1]["doc"] == "miedzynarodowo-listing.txt#2"
    result = runner.invoke(cli, ["eval", "--gold", str(GOLD), *map(str, SEEDS)])
    assert result.exit_code == 0 and "visits+dates" in result.output


def test_cli_extract_refuses_binary_without_traceback(runner, tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"\x00" * 10)
    result = runner.invoke(cli, ["extract", str(path)])
    assert result.exit_code == 1 and "binary file" in result.output and "Traceback" not in result.output


def test_visitor_list_with_unknown_first_name_and_adjective_title(extractor):
    text = ("Goście z Martina\n05 maja 2025\nDo Kalisza przyjechali: Jan Nowak - burmistrz Martina; "
            "Ołeh Petrenko - główny lekarz szpitala w Martinie.")
    result = _one(extractor, text)
    people = {e["name"] for e in result["entities"] if e["type"] == "Person"}
    assert {"Jan Nowak", "Ołeh Petrenko"} <= people
    assert {"Jan Nowak", "Ołeh Petrenko"} <= {v["visitor"] for v in result["visits"] if v["place"] == "Kalisz"}


@pytest.mark.parametrize("sentence, visit", [
    ("Delegacja Miasta Kalisza gości w Martinie.", ("Kalisz", "Martin")),  # a guest there, not a host
    ("Młodzież z Martina gości w Kaliszu.", ("Martin", "Kalisz")),
    ("Uczniowie ze słowackiego miasta Martin goszczą w Szkole Podstawowej nr 5.", ("Martin", "Kalisz")),
])
def test_intransitive_gosci_w_is_a_visit(extractor, sentence, visit):
    result = _one(extractor, f"Goście\n05 maja 2025\n{sentence}")
    assert visit in {(v["visitor"], v["place"]) for v in result["visits"]}
    assert (visit[1], visit[0]) not in {(v["visitor"], v["place"]) for v in result["visits"]}


# --- many files: both cores, the same order; a progress bar only on a terminal

def _news_folder(tmp_path, count=24) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    seeds = sorted((Path(__file__).resolve().parents[1] / "data" / "texts").glob("*"))
    for number in range(count):
        seed = seeds[number % len(seeds)]
        (folder / f"{number:03d}-{seed.name}").write_bytes(seed.read_bytes())
    return folder


def test_worker_processes_give_the_records_of_one_process_in_the_same_order(tmp_path, extractor):
    from kgraph.text.extract import extract_paths

    folder = _news_folder(tmp_path)
    one = list(extract_paths([folder], extractor, jobs=1))
    two = list(extract_paths([folder], extractor, jobs=2))
    assert len(one) >= 24 and one == two


def test_a_bad_file_in_a_worker_is_reported_by_name(tmp_path, extractor):
    from kgraph.text.extract import extract_paths

    folder = _news_folder(tmp_path, count=6)
    (folder / "003-broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 40)
    with pytest.raises(ReadError, match="003-broken.txt"):
        list(extract_paths([folder], extractor, jobs=2))


def test_a_progress_bar_shows_on_a_terminal_only(tmp_path):
    """`kgraph extract` on a terminal draws a bar on stderr; --quiet, or stderr in a file, draws none."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    folder = _news_folder(tmp_path, count=8)
    command = [sys.executable, "-m", "kgraph.cli", "extract", str(folder), "--out", str(tmp_path / "out.jsonl")]

    def stderr_on_terminal(*extra) -> str:
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new pty has 0 columns
        process = subprocess.run(command + list(extra), stderr=follower, stdout=subprocess.DEVNULL, timeout=300)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.returncode == 0
        return b"".join(chunks).decode("utf-8", "replace")

    drawn = stderr_on_terminal()
    assert "0/8" in drawn and "files/s" in drawn
    assert "files" not in stderr_on_terminal("--quiet")
    piped = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and "files" not in piped.stderr
