"""Incremental builds end with exactly the quads of a full build, after any edits; a build that
is killed at any moment leaves the previous build live and the store usable."""
import copy
import dataclasses
import hashlib
import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kgraph.quads
from kgraph.build import build, build_records
from kgraph.incremental import RECORDS_KEPT, build_basis, kept_records, record_digests
from kgraph.records import Event, PartialDate, Person, Post, Records, Where, load_records
from kgraph.resources import default_data_dir
from kgraph.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.synthetic import synthetic_records  # noqa: E402

HERE = Where("<test>", 1)


def dump(store_dir) -> str:
    """Every quad of the live build, all graphs, as sorted N-Quads."""
    return "".join(sorted(f"{quad} .\n" for quad in open_store(store_dir)))


def fresh(records: Records) -> Records:
    return Records(data_dir=records.data_dir, places=list(records.places), organisations=list(records.organisations),
                   people=list(records.people), events=list(records.events), partnerships=list(records.partnerships),
                   documents=list(records.documents))


def extraction(records: Records) -> list[dict]:
    """An extraction record naming a curated person, a candidate and a curated town."""
    person, city = records.people[0], next(p for p in records.places if p.type == "city")
    sentence = f"{person.labels['pl']} i Anna Nowacka odwiedzili {city.labels['pl']}."
    return [{"doc": "news-1", "date": "2024-05-03", "entities": [
        {"name": person.labels["pl"], "type": "Person", "id": person.id},
        {"name": "Anna Nowacka", "type": "Person"},
        {"name": city.labels["pl"], "type": "City", "id": city.id}],
        "visits": [{"visitor": name, "place": city.labels["pl"], "start": "2024-05-02",
                    "evidence": {"sentence": sentence, "start": 0, "end": len(sentence), "confidence": 0.9, "rule": "test"}}
                   for name in (person.labels["pl"], "Anna Nowacka")]}]


# --- edits: each takes the records and a random source, and changes them in place, keeping references valid

def new_id(r, rng, prefix):
    taken = {record.id for record in fresh(r).all()}
    return next(f"{prefix}-{n}" for n in iter(lambda: rng.randrange(10**6), None) if f"{prefix}-{n}" not in taken)


def relabel(r, rng):
    group = rng.choice([r.places, r.organisations, r.people, r.events])
    i = rng.randrange(len(group))
    group[i] = dataclasses.replace(group[i], labels={"pl": f"Nowa nazwa {rng.randrange(999)}", "en": "New name"})


def move_event(r, rng):
    i = rng.randrange(len(r.events))
    day = PartialDate(rng.choice([2001, 2002]), rng.randint(1, 2), rng.randint(1, 28))
    r.events[i] = dataclasses.replace(r.events[i], start=day if rng.random() < 0.8 else None, end=None,
                                      not_after=None if rng.random() < 0.7 else day)


def revisit(r, rng):
    i = rng.randrange(len(r.events))
    people = rng.sample([p.id for p in r.people], 2)
    r.events[i] = dataclasses.replace(r.events[i], visitors=(rng.choice(r.organisations).id, *people))


def repost(r, rng):
    i = rng.randrange(len(r.people))
    of = rng.choice([*(o.id for o in r.organisations), *(p.id for p in r.places if p.type == "city")])
    r.people[i] = dataclasses.replace(r.people[i], posts=(Post("burmistrz", of, HERE, start=PartialDate(2000 + i)),))


def relocate(r, rng):
    i = rng.randrange(len(r.organisations))
    r.organisations[i] = dataclasses.replace(r.organisations[i], location=rng.choice([p.id for p in r.places if p.type == "city"]))


def recountry(r, rng):
    cities = [i for i, p in enumerate(r.places) if p.type == "city"]
    i = rng.choice(cities)
    r.places[i] = dataclasses.replace(r.places[i], country=rng.choice([p.id for p in r.places if p.type == "country"]))


def rival_claim(r, rng):
    """A second claim of the same pair and kind: which one is kgo:preferred may change."""
    claim = rng.choice(r.partnerships)
    r.partnerships.append(dataclasses.replace(claim, id=new_id(r, rng, "claim"), since=PartialDate(rng.randint(1950, 2020)),
                                              sources=claim.sources + (f"https://example.org/claim/{rng.randrange(3)}",)))


def cite(r, rng):
    group = rng.choice([r.places, r.people, r.events, r.partnerships])
    i = rng.randrange(len(group))
    sources = (f"https://example.org/page/{rng.randrange(4)}",) if rng.random() < 0.5 else group[i].sources[:1]
    group[i] = dataclasses.replace(group[i], sources=sources)


def add_event(r, rng):
    city, home = rng.sample([p.id for p in r.places if p.type == "city"], 2)
    r.events.append(Event(new_id(r, rng, "new-visit"), "visit", {"pl": "Wizyta", "en": "Visit"}, HERE,
                          start=PartialDate(2001, 1, rng.randint(1, 28)), location=city,
                          visitors=(home, rng.choice(r.people).id), sources=("https://example.org/new",)))


def add_person(r, rng):
    r.people.append(Person(new_id(r, rng, "new-person"), {"pl": "Jan Nowy", "en": "Jan Nowy"}, HERE,
                           posts=(Post("radny", rng.choice(r.places).id, HERE),), sources=("https://example.org/new",)))


def delete_event(r, rng):
    r.events.pop(rng.randrange(len(r.events)))


def delete_person(r, rng):
    gone = r.people.pop(rng.randrange(1, len(r.people))).id
    r.events[:] = [dataclasses.replace(e, visitors=tuple(v for v in e.visitors if v != gone)) for e in r.events]


def rename(r, rng):
    """A new id for a person or a city, and every reference to it."""
    group = rng.choice([r.people, [p for p in r.places if p.type == "city"]])
    old = rng.choice(group).id
    new = new_id(r, rng, "renamed")
    swap = lambda ref: new if ref == old else ref  # noqa: E731
    r.people[:] = [dataclasses.replace(p, id=swap(p.id), posts=tuple(dataclasses.replace(q, of=swap(q.of)) for q in p.posts))
                   for p in r.people]
    r.places[:] = [dataclasses.replace(p, id=swap(p.id)) for p in r.places]
    r.organisations[:] = [dataclasses.replace(o, location=swap(o.location)) for o in r.organisations]
    r.events[:] = [dataclasses.replace(e, location=swap(e.location), visitors=tuple(map(swap, e.visitors)),
                                       hosts=tuple(map(swap, e.hosts))) for e in r.events]
    r.partnerships[:] = [dataclasses.replace(c, between=tuple(map(swap, c.between))) for c in r.partnerships]


EDITS = [relabel, move_event, revisit, repost, relocate, recountry, rival_claim, cite, add_event, add_person,
         delete_event, delete_person, rename]


def base_records() -> Records:
    records = synthetic_records(4000, seed=3)
    # crowd two months, so that edits move them across BUCKET_MAX (one bucket <-> a bucket a day)
    records.events[:] = [dataclasses.replace(e, start=PartialDate(2001, 1 + i % 2, 1 + i % 28), end=None)
                         if i % 3 == 0 else e for i, e in enumerate(records.events)]
    return records


@pytest.fixture
def small_buckets(monkeypatch):
    monkeypatch.setattr(kgraph.quads, "BUCKET_MAX", 12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 2**32)), min_size=1, max_size=4),
       with_extraction=st.booleans())
def test_incremental_builds_equal_full_builds(tmp_path_factory, small_buckets, steps, with_extraction):
    records = base_records()
    live, full = tmp_path_factory.mktemp("live"), tmp_path_factory.mktemp("full")
    build_records(records, live, shacl=False, extractions=extraction(records) if with_extraction else None)
    for number, (edit, seed) in enumerate(steps):
        # the same Records object, edited in place as a notebook or the review server would: the live
        # builds digest only the records made since (kgraph.incremental.record_digests), the full ones all
        edit(records, random.Random(seed))
        records.__dict__.pop("_by_id", None)  # its index of records by id: made anew when next asked for
        extractions = extraction(records) if with_extraction else None
        manifest = build_records(records, live, shacl=False, extractions=extractions)
        expected = build_records(fresh(copy.deepcopy(records)), full / str(number), shacl=False, extractions=extractions)
        assert manifest.mode in ("incremental", "unchanged"), (edit.__name__, manifest.reason)
        assert dump(live) == dump(full / str(number)), edit.__name__
        assert (manifest.graphs, manifest.months, manifest.records) == (expected.graphs, expected.months, expected.records)


def test_digests_kept_between_builds_are_the_digests_of_the_records_now():
    """A Records object keeps its records' digests; after edits (new record objects, a new preferred claim)
    they are what digesting the records afresh gives. A copy does not take them along."""
    records = base_records()
    preferred = kgraph.quads.preferred_claims(records.partnerships)
    record_digests(records, preferred)
    for edit, seed in [(relabel, 1), (rival_claim, 2), (rename, 3), (delete_event, 4), (add_person, 5)]:
        edit(records, random.Random(seed))
        preferred = kgraph.quads.preferred_claims(records.partnerships)
        kept = record_digests(records, preferred)
        copied = copy.deepcopy(records)
        assert "_digest_memo" not in copied.__dict__
        assert kept == record_digests(copied, preferred) == record_digests(fresh(records), preferred), edit.__name__


def test_records_cannot_change_in_place():
    """What keeps those digests right: an edit makes a new record."""
    person = base_records().people[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        person.labels = {"pl": "Jan", "en": "Jan"}
    with pytest.raises(TypeError, match="read-only"):
        person.labels["pl"] = "Jan"
    renamed = dataclasses.replace(person, labels={"pl": "Jan", "en": "Jan"})
    assert renamed.labels == {"pl": "Jan", "en": "Jan"} and type(renamed.labels) is type(person.labels)
    assert copy.deepcopy(renamed) == renamed


def test_the_build_says_what_it_did(tmp_path):
    """A first build is full, a second unchanged, an edited delegation (its end day) incremental, equal to a full build."""
    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    store = tmp_path / "store"
    first = build(data, store)
    assert (first.mode, first.reason) == ("full", "no earlier build")
    assert build(data, store).mode == "unchanged"
    events = data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("  end: 2025-11-08\n", "  end: 2025-11-09\n", 1),
                      encoding="utf-8")
    second = build(data, store)
    assert (second.mode, second.changed) == ("incremental", 1)
    assert "2025-11-09" in dump(store)
    incremental = dump(store)
    assert build(data, store, full=True).reason == "--full"
    assert dump(store) == incremental


def test_another_bucket_size_is_a_full_build(tmp_path, monkeypatch):
    records = base_records()
    build_records(records, tmp_path, shacl=False)
    monkeypatch.setattr(kgraph.quads, "BUCKET_MAX", 3)
    manifest = build_records(records, tmp_path, shacl=False)
    assert manifest.mode == "full" and "settings" in manifest.reason


_DIGESTER = textwrap.dedent("""
    import sys, threading
    sys.path.insert(0, {root!r})
    import kgraph.incremental as incremental, kgraph.quads
    from benchmarks.synthetic import synthetic_records
    records = synthetic_records(20000, seed=5)
    preferred = kgraph.quads.preferred_claims(records.partnerships)
    one = incremental.record_digests(records, preferred, jobs=1)
    records.__dict__.pop("_digest_memo")  # else nothing is left to digest
    incremental.PARALLEL_DIGESTS_ABOVE = 10
    assert threading.active_count() == 1  # else the digests would not be forked out
    two = incremental.record_digests(records, preferred, jobs=2)
    lines = one.units.decode().splitlines()
    assert two == one and len(lines) == sum(1 for _ in records.all())
    assert lines[0].startswith(records.places[0].id + chr(9) + "place ")
    print("same")
""")


def test_records_digested_by_two_processes_as_by_one():
    """Large record sets are digested by a process a core; the units file and the digests are the same.
    In a process of its own: this one may run threads (servers of other tests), and then nothing is forked."""
    done = subprocess.run([sys.executable, "-c", _DIGESTER.format(root=str(Path(__file__).resolve().parent.parent))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr


_BUILDER = textwrap.dedent("""
    import dataclasses, sys
    sys.path.insert(0, {root!r})
    from benchmarks.synthetic import synthetic_records
    from kgraph.build import build_records
    from kgraph.records import PartialDate
    records = synthetic_records(20000, seed=3)
    first = records.events[0]
    other = dataclasses.replace(first, start=PartialDate(1999, 1, 1), end=None)
    print("ready", flush=True)
    for number in range(10**6):
        records.events[0] = other if number % 2 else first
        records.__dict__.pop("_by_id", None)
        build_records(records, {store!r}, shacl=False, full=number % 5 == 4)
""")


def test_a_killed_build_leaves_the_previous_build(tmp_path):
    """kill -9 at random moments of builds that switch one event between two dates: the store always
    holds one of the two graphs, whole, and the next build cleans up and goes on."""
    root = str(Path(__file__).resolve().parents[1])
    store = tmp_path / "store"
    records = synthetic_records(20000, seed=3)
    build_records(records, tmp_path / "first", shacl=False)
    records.events[0] = dataclasses.replace(records.events[0], start=PartialDate(1999, 1, 1), end=None)
    records.__dict__.pop("_by_id", None)
    build_records(records, tmp_path / "other", shacl=False)
    graphs = {dump(tmp_path / "first"), dump(tmp_path / "other")}
    rng = random.Random(1)
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-c", _BUILDER.format(root=root, store=str(store))],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.2, 2.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if (store / "CURRENT").exists():
            assert dump(store) in graphs
    manifest = build_records(records, store, shacl=False)
    assert dump(store) == dump(tmp_path / "other")
    leftovers = [p.name for p in store.iterdir() if p.is_dir() and p.name != manifest.build]
    assert leftovers == []


def test_shapes_are_checked_on_what_an_incremental_build_rewrites(tmp_path):
    """SHACL runs on the changed records (with the classes of what they name): a city left without its
    country is refused before anything is written; a valid change passes and is built incrementally."""
    from kgraph.errors import ValidationFailed
    from kgraph.records import load_records

    records = load_records(default_data_dir())
    build_records(records, tmp_path)
    live = dump(tmp_path)
    lowecz = next(i for i, p in enumerate(records.places) if p.id == "lowecz")
    broken = fresh(records)
    broken.places[lowecz] = dataclasses.replace(records.places[lowecz], country=None)
    with pytest.raises(ValidationFailed, match="1 SHACL"):
        build_records(fresh(broken), tmp_path)
    assert dump(tmp_path) == live
    fine = fresh(records)
    fine.places[lowecz] = dataclasses.replace(records.places[lowecz], labels={"pl": "Łowecz", "en": "Lovech"})
    assert build_records(fresh(fine), tmp_path).mode == "incremental"


def test_a_build_parses_only_the_records_whose_text_changed(tmp_path, monkeypatch):
    """`kgraph build` reads the files anew in a new process; the records of the last build, kept in the store,
    give back every record whose text is unchanged. The result is a full build's."""
    import kgraph.records
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    build(data, store)
    assert (store / RECORDS_KEPT).is_file()
    (store / f".{RECORDS_KEPT}.killed").write_bytes(b"the temporary file of a write that was killed")
    parsed = []
    real = kgraph.records._read_yaml_list
    monkeypatch.setattr(kgraph.records, "_read_yaml_list", lambda p, text=None: parsed.append(text) or real(p, text))
    events = data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("  end: 2025-11-08\n", "  end: 2025-11-09\n", 1),
                      encoding="utf-8")
    manifest = build(data, store)
    assert (manifest.mode, manifest.changed) == ("incremental", 1)
    assert len(parsed) == 1 and "2025-11-09" in parsed[0]
    assert not (store / f".{RECORDS_KEPT}.killed").exists()
    incremental = dump(store)
    build(data, store, full=True)
    assert dump(store) == incremental


def test_records_moved_by_lines_added_above_keep_their_digests(tmp_path, monkeypatch):
    """Lines added near the top of a file move every record below them: each is taken back at its new
    lines with the digest it had (a digest leaves out where a record is written), so nothing is digested
    but what changed."""
    import kgraph.incremental
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    build(data, store)
    digested = []
    real = kgraph.incremental._digest_lines
    monkeypatch.setattr(kgraph.incremental, "_digest_lines", lambda todo, preferred: digested.extend(todo) or real(todo, preferred))
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8")
    first_item = text.index("\n- ") + 1
    events.write_text(text[:first_item] + "\n\n" + text[first_item:].replace("  end: 2025-11-08\n", "  end: 2025-11-09\n", 1),
                      encoding="utf-8")
    manifest = build(data, store)
    assert (manifest.mode, manifest.changed) == ("incremental", 1)
    assert [record.end.lexical for record in digested] == ["2025-11-09"]
    taken_back, read_anew = load_records(data, reuse=kept_records(store, build_basis())), load_records(data)
    assert [(e, e.where) for e in taken_back.events] == [(e, e.where) for e in read_anew.events]  # at their lines now
    incremental = dump(store)
    build(data, store, full=True)
    assert dump(store) == incremental


@pytest.mark.parametrize("damage", ["truncated", "flipped", "another basis", "foreign class"])
def test_kept_records_are_only_a_cache(tmp_path, damage):
    """A kept file that is damaged, from another build basis, or that would make anything but records
    (a pickle can run code) is left unread, and the build reads the files."""
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    build(data, store)
    kept = store / RECORDS_KEPT
    magic, basis, frame, payload = kept.read_bytes().split(b"\n", 3)
    if damage == "truncated":
        kept.write_bytes(kept.read_bytes()[:-100])
    elif damage == "flipped":
        kept.write_bytes(b"\n".join((magic, basis, frame, payload[:50] + bytes([payload[50] ^ 1]) + payload[51:])))
    elif damage == "another basis":
        kept.write_bytes(b"\n".join((magic, b"0" * len(basis), frame, payload)))
    else:
        class Payload:
            def __reduce__(self):
                return os.system, (f"touch {tmp_path / 'ran'}",)
        evil = pickle.dumps(Payload())
        frame = f"frame {len(evil)} {hashlib.blake2b(evil, digest_size=16).hexdigest()}".encode()
        kept.write_bytes(b"\n".join((magic, basis, frame, evil)))
    assert kept_records(store, basis.decode()) is None
    assert not (tmp_path / "ran").exists()
    events = data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("  end: 2025-11-08\n", "  end: 2025-11-09\n", 1),
                      encoding="utf-8")
    assert build(data, store).mode == "incremental"
    incremental = dump(store)
    build(data, store, full=True)
    assert dump(store) == incremental
    assert kept_records(store, basis.decode()) is not None  # written anew


def test_a_build_appends_what_it_changed_to_the_kept_records(tmp_path):
    """A build that changed one record appends a frame with it; a frame cut short (a build killed while
    appending) leaves what came before, and the next build writes the file anew."""
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    build(data, store)
    kept = store / RECORDS_KEPT
    whole = kept.read_bytes()
    events = data / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("  end: 2025-11-08\n", "  end: 2025-11-09\n", 1), encoding="utf-8")
    build(data, store)
    appended = kept.read_bytes()
    assert appended.startswith(whole) and frame_sizes(appended) == [frame_sizes(whole)[0], len(appended) - len(whole)]
    assert len(appended) - len(whole) < len(whole) / 10
    basis = whole.split(b"\n")[1].decode()
    again = kept_records(store, basis)
    records = load_records(data)
    assert sorted(again.all(), key=lambda r: r.id) == sorted(records.all(), key=lambda r: r.id)
    # cut short: the first frame holds, and is what the next build reads (the edit is parsed again)
    kept.write_bytes(appended[:-10])
    assert sorted(r.id for r in kept_records(store, basis).all()) == sorted(r.id for r in records.all())
    # (a build of the files built before reads neither the records nor this file: the next edit's build does)
    events.write_text(text.replace("  end: 2025-11-08\n", "  end: 2025-11-10\n", 1), encoding="utf-8")
    assert build(data, store).mode == "incremental"
    assert len(frame_sizes(kept.read_bytes())) == 1 and kept_records(store, basis) is not None


def test_a_process_that_builds_again_keeps_its_records_in_memory(tmp_path, monkeypatch):
    """build(stay_loaded=True) (the review page's rebuild) takes the records of its last build back from memory,
    not from records.kept, and gives the quads of a full build; once another process has written the file,
    it reads the file again."""
    import kgraph.incremental
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    build(data, store, stay_loaded=True)
    read = []
    real = kgraph.incremental._read_kept
    monkeypatch.setattr(kgraph.incremental, "_read_kept", lambda *args: read.append(args) or real(*args))
    events = data / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("  end: 2025-11-08\n", "  end: 2025-11-09\n", 1),
                      encoding="utf-8")
    manifest = build(data, store, stay_loaded=True)
    assert (manifest.mode, manifest.changed, read) == ("incremental", 1, [])
    events.write_text(events.read_text(encoding="utf-8").replace("  end: 2025-11-09\n", "  end: 2025-11-10\n", 1),
                      encoding="utf-8")
    assert build(data, store, stay_loaded=True).changed == 1 and read == []
    # lines added above every event: the records moved stay in the file at their old lines (a small frame)...
    kept = store / RECORDS_KEPT
    size = kept.stat().st_size
    text = events.read_text(encoding="utf-8")
    first_item = text.index("\n- ") + 1
    events.write_text(text[:first_item] + "\n\n" + text[first_item:].replace("  end: 2025-11-10\n", "  end: 2025-11-09\n", 1),
                      encoding="utf-8")
    assert build(data, store, stay_loaded=True).changed == 1 and read == []
    assert 0 < kept.stat().st_size - size < size / 10
    # ...and a process that reads them from the file takes them back at their lines now
    check = ("import sys; from kgraph.incremental import build_basis, kept_records; from kgraph.records import load_records\n"
             "data, store = sys.argv[1:]\n"
             "taken_back, read_anew = load_records(data, reuse=kept_records(store, build_basis())), load_records(data)\n"
             "assert [(r, r.where) for r in taken_back.all()] == [(r, r.where) for r in read_anew.all()]\n"
             "assert len(taken_back.__dict__['_moved_records']) == len(read_anew.events) - 1\n")
    subprocess.run([sys.executable, "-c", check, str(data), str(store)], check=True)
    incremental = dump(store)
    # another process builds the store (records.kept written anew), then the records change once more
    subprocess.run([sys.executable, "-m", "kgraph.cli", "build", "--data", str(data), "--store", str(store), "--full",
                    "--quiet"], check=True, capture_output=True)
    assert dump(store) == incremental
    events.write_text(events.read_text(encoding="utf-8").replace("  end: 2025-11-09\n", "  end: 2025-11-11\n", 1),
                      encoding="utf-8")
    manifest = build(data, store, stay_loaded=True)
    assert (manifest.mode, manifest.changed, len(read)) == ("incremental", 1, 1)
    incremental = dump(store)
    build(data, store, full=True)
    assert dump(store) == incremental


def frame_sizes(kept: bytes) -> list[int]:
    """The bytes of each frame of a records.kept file (header line and pickle)."""
    _, _, rest = kept.split(b"\n", 2)
    sizes = []
    while rest:
        header, _ = rest.split(b"\n", 1)
        size = len(header) + 1 + int(header.split()[1])
        sizes.append(size)
        rest = rest[size:]
    return sizes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_builds_in_one_process_after_text_edits_equal_full_builds(tmp_path_factory, edit_record_lines, monkeypatch, data):
    """Random edits of the record files, each built by build(stay_loaded=True) from the records of the last build
    in memory (only what changed split, digested, planned and kept): the quads of a full build, the live units
    the plan reads are those of units.tsv, and records.kept gives another process the records as read anew."""
    import kgraph.incremental
    from kgraph.errors import RecordError
    from kgraph.incremental import UNITS_FILE, _units_dict
    from kgraph.store import live_build
    root = tmp_path_factory.mktemp("edits")
    data_dir, store = root / "data", root / "store"
    shutil.copytree(default_data_dir(), data_dir)
    build(data_dir, store, shacl=False, stay_loaded=True)
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    plans, real_plan = [], kgraph.incremental.plan_build
    monkeypatch.setattr(kgraph.build, "plan_build", lambda *args: plans.append(real_plan(*args)) or plans[-1])
    for step in range(data.draw(st.integers(1, 4))):
        path = data_dir / data.draw(st.sampled_from(["places.yaml", "people.yaml", "events.yaml", "documents.yaml"]))
        good = path.read_text(encoding="utf-8")
        path.write_text(edit_record_lines(good, data, rng), encoding="utf-8")
        units_before = (live_build(store) / UNITS_FILE).read_text(encoding="utf-8")
        try:
            manifest = build(data_dir, store, shacl=False, stay_loaded=True)
        except RecordError:
            path.write_text(good, encoding="utf-8")  # as a person would, before the next edit
            continue
        if manifest.mode == "incremental":
            live_units = plans[-1].live_units
            assert {rid: live_units[rid] for rid in _units_dict(units_before)} == _units_dict(units_before)
            assert all(rid not in live_units for rid in plans[-1].changed - _units_dict(units_before).keys())
        in_memory = dict(kgraph.incremental._last_kept)  # one store's: a build of another store forgets them
        (_, _, records), = in_memory.values()
        assert records._kept.entries.keys() == records._parsed.keys()
        incremental = dump(store)
        build(data_dir, root / f"full-{step}", shacl=False, full=True)
        assert incremental == dump(root / f"full-{step}")
        kgraph.incremental._last_kept.clear()  # as another process: from the file
        taken_back = load_records(data_dir, reuse=kept_records(store, build_basis()))
        assert [(r, r.where) for r in taken_back.all()] == [(r, r.where) for r in load_records(data_dir).all()]
        kgraph.incremental._last_kept.update(in_memory)


def test_a_build_of_the_files_built_before_reads_no_record(tmp_path, monkeypatch):
    """The live build was made from these very files (the data's fingerprint), on this basis: `kgraph build` says
    nothing changed without reading the records; any other file content, another data directory or --full reads."""
    import kgraph.build
    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    first = build(data, store, shacl=False)
    reads = []
    real = kgraph.build.load_records
    monkeypatch.setattr(kgraph.build, "load_records", lambda *args, **kwargs: reads.append(args) or real(*args, **kwargs))
    again = build(data, store, shacl=False)
    assert (again.mode, again.build, again.records, reads) == ("unchanged", first.build, first.records, [])
    assert kgraph.build.read_manifest(store).mode == "unchanged"
    (data / "texts" / "a-new-text.txt").write_text("Burmistrz odwiedził Kalisz.", encoding="utf-8")  # not a record, but data
    assert build(data, store, shacl=False).mode == "unchanged" and len(reads) == 1
    shutil.copytree(data, tmp_path / "elsewhere")
    assert build(tmp_path / "elsewhere", store, shacl=False).mode == "unchanged" and len(reads) == 2
    assert build(data, store, shacl=False, full=True).mode == "full" and len(reads) == 3
