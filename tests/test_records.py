"""Curated records: every kind of bad input names the file and line and says how to fix it."""
import pytest

from kgraph.errors import RecordError
from kgraph.records import PartialDate, load_records


def test_packaged_records_load(data_dir):
    records = load_records(data_dir)
    assert records.entity("lowecz").labels == {"pl": "Łowecz", "en": "Lovech", "bg": "Ловеч"}
    assert {p.id for p in records.people} >= {"krystian-kinastowski", "marcin-cieloszyk", "stratsimir-petkov"}
    martin = records.entity("2025-11-delegacja-kalisza-do-martina")
    assert (martin.start, martin.end) == (PartialDate(2025, 11, 6), PartialDate(2025, 11, 8))
    # every fact has a source (documents are sources themselves)
    for record in records.all():
        assert record.sources or record in records.documents, record.id


# (file, text to replace, replacement, message fragment, line of the error or None)
BAD_INPUTS = {
    "malformed-yaml": ("places.yaml", "- id: kalisz\n", "- id: [kalisz\n", "invalid YAML", None),
    "missing-required-field": ("partnerships.yaml", "  kind: partner\n  since: 1958\n", "  since: 1958\n",
                               "missing required field 'kind'", None),
    "unknown-reference": ("events.yaml", "visitors: [kalisz, krystian-kinastowski, marcin-cieloszyk]",
                          "visitors: [kalisz, krystian-kinastowski, jan-kowalski]", "'jan-kowalski', which has no record", None),
    "bad-date": ("events.yaml", "start: 2025-11-06", "start: 2025-13-06", "bad date '2025-13-06'", None),
    "bad-date-shape": ("events.yaml", "start: 2025-11-06", "start: 6 listopada 2025", "write YYYY, YYYY-MM or YYYY-MM-DD", None),
    "end-before-start": ("events.yaml", "end: 2025-11-08", "end: 2025-11-01", "ends (2025-11-01) before it starts", None),
    "duplicate-id": ("organisations.yaml", "- id: kaliska-rada-kobiet\n", "- id: chor-kopernik\n", "duplicate id 'chor-kopernik'", None),
    "unknown-role": ("people.yaml", "  - role: sekretarz\n", "  - role: prezes\n", "unknown role 'prezes'; known values:", None),
    "unknown-field": ("places.yaml", "  country: polska\n  lat: 51.7575", "  country: polska\n  souces: []\n  lat: 51.7575",
                      "unknown field 'souces'", None),
    "unknown-kind": ("partnerships.yaml", "kind: friendly", "kind: twin", "unknown kind 'twin'", None),
    "no-sources": ("organisations.yaml", "  location: kalisz\n  sources: [news-2025-07-11-rada-kobiet-w-erfurcie]",
                   "  location: kalisz", "every fact needs a source", None),
    "bad-id": ("organisations.yaml", "- id: kaliska-rada-kobiet", "- id: Kaliska Rada", "must be lower-case ASCII", None),
    "reference-of-wrong-kind": ("places.yaml", "  country: polska\n  lat: 51.7575", "  country: bydgoszcz\n  lat: 51.7575",
                                "expected a country", None),
    "one-place-partnership": ("partnerships.yaml", "between: [kalisz, preston]", "between: [kalisz, kalisz]",
                              "two different places", None),
    "bad-url-source": ("places.yaml", "- https://en.wikipedia.org/wiki/Kalisz", "- https://en.wikipedia.org/wiki/Kalisz city",
                       "is not a valid URL", None),
    "missing-text-file": ("documents.yaml", "text_file: texts/miedzynarodowo-listing.txt", "text_file: texts/nope.txt",
                          "is not a file under", None),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_names_file_line_and_remedy(data_dir, case):
    filename, old, new, message, _ = BAD_INPUTS[case]
    path = data_dir / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test case {case} no longer matches {filename}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    expected_line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(RecordError) as info:
        load_records(data_dir)
    error = info.value
    assert message in str(error)
    assert error.path.endswith(filename)
    assert error.line is not None
    # the line named is the record that is wrong, or a line inside it
    assert abs(error.line - expected_line) <= 12, (error.line, expected_line)
    assert "\n" not in str(error)


def test_not_utf8(data_dir):
    (data_dir / "people.yaml").write_bytes("- id: zdzislaw\n  name: Zdzisław\n".encode("cp1250"))
    with pytest.raises(RecordError, match="not UTF-8 text.*save the file as UTF-8"):
        load_records(data_dir)


def test_empty_directory(tmp_path):
    with pytest.raises(RecordError, match="no record files found"):
        load_records(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(RecordError, match="data directory not found"):
        load_records(tmp_path / "nope")


def test_empty_or_comment_only_files_hold_no_records(tmp_path):
    (tmp_path / "places.yaml").write_text(
        "- id: polska\n  type: country\n  labels: {pl: Polska, en: Poland}\n  sources: [https://example.org/pl]\n",
        encoding="utf-8")
    (tmp_path / "events.yaml").write_text("# nothing yet\n", encoding="utf-8")
    (tmp_path / "people.yaml").write_text("", encoding="utf-8")
    records = load_records(tmp_path)
    assert [p.id for p in records.places] == ["polska"] and records.events == [] and records.people == []


@pytest.mark.parametrize("text, first, last, precision", [
    ("2018", "2018-01-01", "2018-12-31", "year"),
    ("2024-02", "2024-02-01", "2024-02-29", "month"),
    ("2025-11-06", "2025-11-06", "2025-11-06", "day"),
])
def test_partial_dates(text, first, last, precision):
    parts = [int(p) for p in text.split("-")]
    value = PartialDate(*parts)
    assert value.lexical == text and value.precision == precision
    assert (value.first_day().isoformat(), value.last_day().isoformat()) == (first, last)


def test_yaml_scalars_stay_text(data_dir):
    """YAML would read `no` as False and 2018 as an int; kgraph reads text."""
    path = data_dir / "organisations.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: [RMK, Rada Miasta]", "aliases: [RMK, no, 2018]"),
                    encoding="utf-8")
    assert load_records(data_dir).entity("rada-miasta-kalisza").aliases == ("RMK", "no", "2018")
