"""The command line: exit codes, streams, and bad input handled without tracebacks."""
import json

import pytest

from kgraph.cli import cli

COMMANDS = ["build", "query", "validate", "export"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_every_command_is_documented_in_the_readme():
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for command in cli.commands:
        assert f"kgraph {command}" in readme, command


def test_build_then_query(runner, tmp_path, data_dir):
    store = str(tmp_path / "s")
    built = runner.invoke(cli, ["build", "--data", str(data_dir), "--store", store])
    assert built.exit_code == 0, built.output
    assert built.stdout == "" and "built" in built.stderr
    result = runner.invoke(cli, ["query", "who-visited-where", "--store", store, "-p", "place=Martin",
                                 "-p", "from=2025-11-01", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("start,end,notAfter,visitorName,destinationName")
    assert [line.split(",")[3] for line in lines[1:]] == ["Kalisz", "Krystian Kinastowski", "Marcin Cieloszyk"]


def test_query_builds_missing_store(runner, tmp_path):
    result = runner.invoke(cli, ["query", "partners", "-p", "city=Kalisz", "-p", "partner=Martin", "--format", "json",
                                 "--store", str(tmp_path / "new")])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["head"]["vars"][0] == "partnerName"
    assert {b["since"]["value"] for b in doc["results"]["bindings"] if "since" in b} == {"1997"}


def test_query_from_stdin_file_and_text(runner, tmp_path, store_dir):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kgraph/ontology#Person> }"
    for args, stdin in ((["-"], text), ([text], None)):
        result = runner.invoke(cli, ["query", *args, "--store", str(store_dir), "--format", "tsv"], input=stdin)
        assert result.exit_code == 0 and result.stdout.splitlines()[1].startswith('"51"'), result.output
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["query", "--file", str(path), "--store", str(store_dir), "--format", "csv"])
    assert result.stdout.splitlines() == ["n", "51"]


def test_construct_as_turtle(runner, store_dir):
    result = runner.invoke(cli, ["query", "wikidata-p190", "--store", str(store_dir), "--format", "turtle"])
    assert result.exit_code == 0 and "wdt:P190" in result.stdout
    bad = runner.invoke(cli, ["query", "wikidata-p190", "--store", str(store_dir), "--format", "csv"])
    assert bad.exit_code == 2 and "use --format turtle" in bad.stderr


@pytest.mark.parametrize("args, code, message", [
    (["query", "who-went"], 2, "no saved query named 'who-went'"),
    (["query", "partners", "-p", "town=Kalisz"], 2, "has no parameter 'town'"),
    (["query", "partners", "-p", "city"], 2, "'city' is not NAME=VALUE"),
    (["query", "who-visited-where", "-p", "from=2025-02-30"], 2, "--param from='2025-02-30'"),
    (["query", "SELECT ?s WHERE { ?s ?p"], 1, "malformed SPARQL"),
    (["query"], 2, "give a saved query name"),
    (["export", "--format", "rdfxml"], 2, "Invalid value for '--format'"),
])
def test_bad_invocations(runner, store_dir, args, code, message):
    result = runner.invoke(cli, [*args, "--store", str(store_dir)])
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_bad_records_exit_1_one_line_and_keep_previous_store(runner, tmp_path, data_dir):
    store = str(tmp_path / "s")
    assert runner.invoke(cli, ["build", "--data", str(data_dir), "--store", store]).exit_code == 0
    (data_dir / "people.yaml").write_text("- id: x\n  name: [unclosed\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", "--data", str(data_dir), "--store", store])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "people.yaml:2: invalid YAML" in result.stderr
    assert "Traceback" not in result.output
    query = runner.invoke(cli, ["query", "partners", "-p", "city=Kalisz", "--store", store])
    assert query.exit_code == 0 and "Preston" in query.stdout


def test_query_with_changed_data_rebuilds(runner, tmp_path, data_dir):
    store = str(tmp_path / "s")
    runner.invoke(cli, ["build", "--data", str(data_dir), "--store", store])
    path = data_dir / "places.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pl: Łowecz", "pl: Łowecz Bułgarski"), encoding="utf-8")
    result = runner.invoke(cli, ["query", "who-visited-where", "-p", "place=Łowecz Bułgarski", "--data", str(data_dir),
                                 "--store", store, "--format", "csv"])
    assert result.exit_code == 0 and "built" in result.stderr and "Łowecz Bułgarski" in result.stdout


def test_validate(runner, data_dir):
    ok = runner.invoke(cli, ["validate", "--data", str(data_dir)])
    assert ok.exit_code == 0 and "Conforms: True" in ok.stdout
    path = data_dir / "places.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lat: 51.7575", "lat: 151.7575"), encoding="utf-8")
    bad = runner.invoke(cli, ["validate", "--data", str(data_dir)])
    assert bad.exit_code == 1 and "'lat' must be a number from -90 to 90" in bad.stderr


def test_export_to_file_is_atomic_and_deterministic(runner, tmp_path, store_dir):
    out = tmp_path / "graph.ttl"
    for _ in range(2):
        result = runner.invoke(cli, ["export", "--format", "turtle", "--out", str(out), "--store", str(store_dir)])
        assert result.exit_code == 0
    first = out.read_bytes()
    stdout = runner.invoke(cli, ["export", "--store", str(store_dir)]).stdout_bytes
    assert first == stdout and b"@prefix kgo:" in first
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
    blocked = runner.invoke(cli, ["export", "--out", str(tmp_path / "no" / "dir.ttl"), "--store", str(store_dir)])
    assert blocked.exit_code == 1 and "cannot write" in blocked.stderr and "Traceback" not in blocked.output
