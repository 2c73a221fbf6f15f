"""Curated records: every kind of bad input names the file and line and says how to fix it."""
import random
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- reading again after an edit: items parsed alone, records whose text is unchanged taken back

PLACES = """\
# places: a comment before the first item
- id: polska
  type: country
  labels: {pl: Polska, en: Poland}
  sources: [https://example.org/pl]
-
  id: kalisz
  type: city
  country: polska
  labels: {pl: Kalisz,
    en: Kalisz}
  note: |
    a note whose lines
    - look like items
  sources: [https://example.org/kalisz]
# a comment between items
- id: martin
  type: city
  country: polska
  labels: {pl: Martin, en: Martin}
  note: "a quoted note that runs on
- to a line that starts like an item"
  sources: [https://example.org/martin]
"""


def _read_whole(monkeypatch, data_dir):
    """The records as read with every file parsed in one piece."""
    import kgraph.records
    with monkeypatch.context() as patched:
        patched.setattr(kgraph.records, "_top_level_items", lambda text: None)
        return load_records(data_dir)


@pytest.mark.parametrize("text", [PLACES, PLACES.replace("\n", "\r\n"), "---\n" + PLACES, "\ufeff" + PLACES])
def test_items_read_alone_give_what_the_whole_file_gives(tmp_path, monkeypatch, text):
    """Same records, same lines, whatever the shape of the file (a value running on to a line that starts
    with '- ', a document marker, a byte order mark, Windows line ends)."""
    (tmp_path / "places.yaml").write_bytes(text.encode("utf-8"))
    records = load_records(tmp_path)
    assert [p.id for p in records.places] == ["polska", "kalisz", "martin"]
    assert records.entity("martin").note == "a quoted note that runs on - to a line that starts like an item"
    assert list(records.all()) == list(_read_whole(monkeypatch, tmp_path).all())  # where (file, line) included


def test_packaged_records_read_in_items_as_whole(data_dir, monkeypatch):
    assert list(load_records(data_dir).all()) == list(_read_whole(monkeypatch, data_dir).all())


# the quoted note indented: each item parses alone
PLACES_IN_ITEMS = PLACES.replace("\n- to a line", "\n    - to a line")


def test_a_reread_parses_only_what_changed(tmp_path, monkeypatch):
    import kgraph.records
    path = tmp_path / "places.yaml"
    path.write_text(PLACES_IN_ITEMS, encoding="utf-8")
    first = load_records(tmp_path)
    parsed = []
    real = kgraph.records._read_yaml_list
    monkeypatch.setattr(kgraph.records, "_read_yaml_list", lambda p, text=None: parsed.append(text) or real(p, text))
    # a label changed in the second item, and two lines more in it: the third moves down
    path.write_text(PLACES_IN_ITEMS.replace("en: Kalisz}", "en: Kalisz,\n    de: Kalisch}\n  aliases: [Calisia]"),
                    encoding="utf-8")
    second = load_records(tmp_path, reuse=first)
    assert len(parsed) == 1 and "Kalisch" in parsed[0]
    polska, kalisz, martin = second.places
    assert polska is first.places[0]
    assert kalisz.labels["de"] == "Kalisch" and kalisz.aliases == ("Calisia",)
    assert martin.where.line == first.places[2].where.line + 2 and martin.note == first.places[2].note
    monkeypatch.setattr(kgraph.records, "_read_yaml_list", real)
    assert list(second.all()) == list(_read_whole(monkeypatch, tmp_path).all())


def test_an_error_in_a_reread_names_its_line(tmp_path):
    path = tmp_path / "places.yaml"
    path.write_text(PLACES_IN_ITEMS, encoding="utf-8")
    first = load_records(tmp_path)
    path.write_text(PLACES_IN_ITEMS.replace("  labels: {pl: Martin, en: Martin}", "  labels: {pl: Martin, en: Martin}\n  lat: 95"),
                    encoding="utf-8")
    with pytest.raises(RecordError, match="'lat' must be a number from -90") as info:
        load_records(tmp_path, reuse=first)
    assert info.value.line == PLACES.count("\n", 0, PLACES.index("  labels: {pl: Martin")) + 2


def test_a_reread_checks_references_again(tmp_path):
    """A record taken back unparsed may name one that is gone."""
    path = tmp_path / "places.yaml"
    path.write_text(PLACES_IN_ITEMS, encoding="utf-8")
    first = load_records(tmp_path)
    path.write_text(PLACES_IN_ITEMS.replace("- id: polska", "- id: polen"), encoding="utf-8")
    with pytest.raises(RecordError, match="'country' names 'polska', which has no record"):
        load_records(tmp_path, reuse=first)
    # the same ids: the record parsed anew is checked
    path.write_text(PLACES_IN_ITEMS.replace("  country: polska\n  labels: {pl: Martin", "  country: kalisz\n  labels: {pl: Martin"),
                    encoding="utf-8")
    with pytest.raises(RecordError, match="martin: 'country' names 'kalisz', a city; expected a country"):
        load_records(tmp_path, reuse=first)
    # a record added: the others stand, the new one is checked
    path.write_text(PLACES_IN_ITEMS + "- id: opole\n  type: city\n  country: polen\n  labels: {pl: Opole, en: Opole}\n"
                                      "  sources: [https://example.org/opole]\n", encoding="utf-8")
    with pytest.raises(RecordError, match="opole: 'country' names 'polen', which has no record"):
        load_records(tmp_path, reuse=first)


# --- reading again in the same process: only the stretch of a file that differs from the text read before

def _read_or_error(data_dir, **reuse):
    try:
        return load_records(data_dir, **reuse)
    except RecordError as e:
        return str(e)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_reading_again_in_a_process_gives_what_a_first_read_gives(tmp_path_factory, edit_record_lines, data):
    """Random edits of the lines of the record files, each read again from the last good read, as kgraph
    review's rebuild does: the same records, where (file, line) included, or the same error, as reading the
    files anew; and the maps a read keeps (ids, kinds, references, items) are those of a read anew."""
    from kgraph.records import _named_ids, _names, count_references
    from kgraph.resources import packaged_data_dir
    data_dir = tmp_path_factory.mktemp("data")
    for path in packaged_data_dir().glob("*.yaml"):
        shutil.copy(path, data_dir)
    shutil.copytree(packaged_data_dir() / "texts", data_dir / "texts")
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    last = load_records(data_dir)
    count_references(last)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data_dir / data.draw(st.sampled_from(["places.yaml", "people.yaml", "events.yaml", "documents.yaml"]))
        path.write_text(edit_record_lines(path.read_text(encoding="utf-8"), data, rng), encoding="utf-8")
        anew, again = _read_or_error(data_dir), _read_or_error(data_dir, reuse=last)
        if isinstance(anew, str):
            assert again == anew
            continue
        assert list(again.all()) == list(anew.all())
        assert again._index() == anew._index() and _names(again) == _names(anew)
        assert again._parsed == anew._parsed
        assert "_named" not in again.__dict__ or +again._named == _named_ids(anew.all())
        last = again


def test_where_two_texts_differ_from_either_end(monkeypatch):
    import kgraph.records
    from kgraph.records import _same_length
    monkeypatch.setattr(kgraph.records, "_BLOCK", 7)  # texts longer than a block, and blocks cut short
    rng = random.Random(1)
    for _ in range(2000):
        a, b = ("".join(rng.choice("ab") for _ in range(rng.randint(0, 40))) for _ in range(2))
        limit = rng.randint(0, min(len(a), len(b)))
        assert _same_length(a, b, limit) == next((i for i in range(limit) if a[i] != b[i]), limit)
        assert _same_length(a, b, limit, from_end=True) == next((i for i in range(limit) if a[-1 - i] != b[-1 - i]), limit)
