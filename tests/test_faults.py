"""Faults and hostile input that must fail cleanly (one place for them; see README "Reliability")."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kgraph.build import build
from kgraph.cli import cli
from kgraph.errors import ParameterError, RecordError
from kgraph.query import run_query
from kgraph.records import load_records
from kgraph.store import current_build_path, open_store

REPO = Path(__file__).resolve().parent.parent


def _kgraph(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "kgraph.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_records_edited_between_commands_are_read_without_data_option(tmp_path, data_dir):
    # a user's project: ./data and ./.kgraph, no --data anywhere
    project = data_dir.parent
    assert _kgraph("build", cwd=project).returncode == 0
    before = _kgraph("query", "posts", "-p", "person=Marcin Cieloszyk", "--format", "csv", cwd=project)
    assert "Marcin Cieloszyk" in before.stdout
    people = data_dir / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Marcin Cieloszyk", "name: Marcin Cieloszyk-Nowak"),
                      encoding="utf-8")
    after = _kgraph("query", "posts", "-p", "person=Marcin Cieloszyk-Nowak", "--format", "csv", cwd=project)
    assert "Marcin Cieloszyk-Nowak" in after.stdout and "built" in after.stderr


def test_yaml_aliases_are_refused_in_bounded_time(data_dir):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{k}: &{k} [{','.join([f'*{chr(ord(k) - 1)}'] * 9)}]\n" for k in "bcdefgh")
    places = data_dir / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8") + "- id: bomb\n  note:\n    " + bomb.replace("\n", "\n    "),
                      encoding="utf-8")
    with pytest.raises(RecordError, match=r"places\.yaml:\d+: YAML anchors and aliases .* not allowed"):
        load_records(data_dir)


def test_deep_nesting_is_a_record_error(data_dir):
    places = data_dir / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8") + "- id: deep\n  note: " + "[" * 20000 + "]" * 20000 + "\n",
                      encoding="utf-8")
    with pytest.raises(RecordError, match=r"places\.yaml:\d+: "):
        load_records(data_dir)


def test_a_rebuild_of_the_same_content_keeps_the_live_build(tmp_path, data_dir):
    store = tmp_path / "s"
    build(data_dir, store)
    live = current_build_path(store)
    inode = live.stat().st_ino
    build(data_dir, store)  # the same quads: the live copy stays, never deleted and recreated
    assert current_build_path(store) == live and live.stat().st_ino == inode
    assert len(run_query(open_store(store), "who-visited-where").rows) > 0


def test_concurrent_builds_all_succeed_and_leave_a_readable_store(tmp_path, data_dir):
    store = tmp_path / "s"
    runs = [subprocess.Popen([sys.executable, "-m", "kgraph.cli", "build", "--data", str(data_dir), "--store", str(store)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    assert [run.wait(300) for run in runs] == [0, 0, 0]
    assert len(run_query(open_store(store), "who-visited-where").rows) > 0
    assert not [p for p in store.iterdir() if p.name.startswith("staging-")]


def test_a_full_disk_is_named_as_such(tmp_path, data_dir):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a small tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        result = _kgraph("build", "--data", str(data_dir), "--store", str(disk / "s"), cwd=tmp_path)
        assert result.returncode == 1 and "the disk under the store is full" in result.stderr
        assert "Traceback" not in result.stderr and "kgraph bug" not in result.stderr
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_name_that_folds_to_nothing_is_an_error(store):
    with pytest.raises(ParameterError, match="holds no letter or digit"):
        run_query(store, "posts", {"person": '"'})


def test_unknown_names_and_query_names_get_suggestions(runner, store_dir):
    result = runner.invoke(cli, ["query", "who-visited-where", "-p", "place=Lowec", "--store", str(store_dir)])
    assert result.exit_code == 0 and "(0 rows)" in result.stdout
    assert "--param place='Lowec': no person, place, organisation or event has this name; did you mean: Łowecz" in result.stderr
    typo = runner.invoke(cli, ["query", "who-visted-where", "--store", str(store_dir)])
    assert typo.exit_code == 2 and "did you mean who-visited-where?" in typo.output


def test_trig_export_is_the_same_whatever_the_hash_seed(tmp_path, store_dir):
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"{seed}.trig"
        assert _kgraph("export", "--format", "trig", "--store", str(store_dir), "--out", str(out), cwd=tmp_path,
                       env={"PYTHONHASHSEED": seed}).returncode == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    from rdflib import Dataset

    assert len(Dataset().parse(data=outputs[0].decode("utf-8"), format="trig")) > 1000


def test_random_bytes_are_binary_not_cp1250(tmp_path, runner):
    noise = tmp_path / "noise.txt"
    noise.write_bytes(bytes(b % 255 + 1 for b in os.urandom(200_000)))  # no NUL byte
    result = runner.invoke(cli, ["extract", str(noise)])
    assert result.exit_code == 1 and "binary file" in result.output


@pytest.mark.parametrize("after", [0.3, 0.9, 1.5])
def test_kill_9_during_a_build_leaves_the_previous_store(tmp_path, data_dir, after):
    import signal
    import time

    store = tmp_path / "s"
    build(data_dir, store)
    rows = run_query(open_store(store), "who-visited-where").rows
    events = data_dir / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace("Delegacja Kalisza w Martinie", "Delegacja do Martina"),
                      encoding="utf-8")
    run = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "build", "--data", str(data_dir), "--store", str(store)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(after)
    run.send_signal(signal.SIGKILL)  # a power cut, at some moment of the build
    run.wait()
    assert len(run_query(open_store(store), "who-visited-where").rows) == len(rows)  # the old store, or the new one whole
    build(data_dir, store)
    assert not [p for p in store.iterdir() if p.name.startswith("staging-")]
    assert len([p for p in store.iterdir() if p.name.startswith("build-")]) == 1
