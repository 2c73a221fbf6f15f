"""Faults and hostile input that must fail cleanly (one place for them; see README "Reliability")."""
import contextlib
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


@contextlib.contextmanager
def _tmpfs(path: Path, size: str):
    """A small tmpfs mounted at `path` for the test (root only; skipped elsewhere)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    path.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


def test_a_full_disk_is_named_as_such(tmp_path, data_dir):
    with _tmpfs(tmp_path / "disk", "600k") as disk:
        result = _kgraph("build", "--data", str(data_dir), "--store", str(disk / "s"), cwd=tmp_path)
        assert result.returncode == 1 and "the disk under the store is full" in result.stderr
        assert "Traceback" not in result.stderr and "kgraph bug" not in result.stderr


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


def _http_server(handler_body):
    """A one-off HTTP server on a free loopback port, answering each request with `handler_body(conn)`."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handler_body, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_an_endpoint_that_trickles_is_cut_off_at_the_timeout(runner):
    import time

    def trickle(conn):
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n")
        try:
            for _ in range(60):
                conn.sendall(b" ")
                time.sleep(0.5)
        except OSError:
            pass
        conn.close()

    listener, url = _http_server(trickle)
    started = time.monotonic()
    result = runner.invoke(cli, ["query", "who-visited-where", "--endpoint", f"{url}/query", "--timeout", "2"])
    listener.close()
    assert result.exit_code == 1 and "did not answer" in result.output and "Traceback" not in result.output
    assert time.monotonic() - started < 8


def test_a_truncated_answer_is_a_clear_error(runner):
    def truncated(conn):
        conn.recv(65536)
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://a'
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)
        conn.close()

    listener, url = _http_server(truncated)
    result = runner.invoke(cli, ["query", "SELECT ?s WHERE { ?s ?p ?o }", "--endpoint", f"{url}/query"])
    listener.close()
    assert result.exit_code == 1 and "could not be read" in result.output and "Traceback" not in result.output


def test_push_to_a_servers_root_names_the_graph_store(runner, store_dir):
    result = runner.invoke(cli, ["push", "--endpoint", "http://127.0.0.1:9", "--store", str(store_dir)])
    assert result.exit_code == 1 and "not its Graph Store" in result.output and "/store" in result.output


def test_serve_on_a_busy_port_says_so(tmp_path, store_dir):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = _kgraph("serve", "--port", str(port), "--store", str(store_dir), cwd=tmp_path)
    assert result.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "SPARQL endpoint" not in result.stdout


def test_local_queries_do_not_call_other_endpoints(store):
    from kgraph.errors import QueryError

    with pytest.raises(QueryError, match="SERVICE"):
        run_query(store, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/internal?secret=1> { ?s ?p ?o } }")


def test_a_directory_instead_of_a_records_file(data_dir):
    (data_dir / "places.yaml").unlink()
    (data_dir / "places.yaml").mkdir()
    with pytest.raises(RecordError, match="places.yaml: cannot read the records file"):
        load_records(data_dir)


def test_a_read_only_store_is_queried_and_served_and_not_rebuilt(tmp_path, data_dir):
    with _tmpfs(tmp_path / "ro", "50m") as disk:
        build(data_dir, disk / "s")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        query = _kgraph("query", "partners", "-p", "city=Kalisz", "--store", str(disk / "s"), "--data", str(data_dir),
                        cwd=tmp_path)
        assert query.returncode == 0 and "Łowecz" in query.stdout
        rebuild = _kgraph("build", "--store", str(disk / "s"), cwd=tmp_path)
        assert rebuild.returncode == 1 and "Read-only file system" in rebuild.stderr and "Traceback" not in rebuild.stderr
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        serve = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "serve", "--store", str(disk / "s"), "--data",
                                  str(data_dir), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert serve.stdout.readline().startswith("SPARQL endpoint:")
        finally:
            serve.terminate()
            assert serve.wait(15) == 0 and "Traceback" not in serve.stderr.read()
