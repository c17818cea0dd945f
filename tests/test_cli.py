"""The CLI: help that teaches, one-line errors, output formats."""

from __future__ import annotations

import json

import pytest

from support import DATA, FIXTURES, cuegraph_cmd


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    url = f"oxigraph:{tmp_path_factory.mktemp('cli') / 'store'}"
    res = cuegraph_cmd("--store", url, "build", str(DATA))
    assert res.returncode == 0, res.stderr
    assert "loaded:" in res.stdout and "triples" in res.stdout
    return url


def _commands():
    """Every command and subcommand of the CLI as (path, click command)."""
    import typer

    import cuegraph.cli  # noqa: F401  (registers the commands)
    from cuegraph.cli.common import app

    def walk(cmd, path):
        yield path, cmd
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


def test_help_lists_every_command():
    res = cuegraph_cmd("--help")
    assert res.returncode == 0
    listed = res.stdout.split("Commands:", 1)[1]
    for name in (
        "build",
        "import",
        "load",
        "query",
        "stats",
        "validate",
        "serve",
        "dump",
        "export",
        "harvest",
    ):
        assert f"\n  {name} " in listed
    sub = cuegraph_cmd("import", "cuesheet", "--help")
    assert "role=name" in sub.stdout and "--skip-bad-rows" in sub.stdout


def test_help_teaches_every_command_and_option():
    from typer.testing import CliRunner

    from cuegraph.cli.common import app

    commands = _commands()
    assert len(commands) >= 20  # root, 10 commands, import's 2, harvest's 7
    runner = CliRunner()
    for path, cmd in commands:
        name = " ".join(path) or "cuegraph"
        assert cmd.help and cmd.help.strip(), f"{name} has no help"
        for param in cmd.params:
            assert getattr(param, "help", None), f"{name}: {param.name} has no help"
        res = runner.invoke(app, [*path, "--help"])
        assert res.exit_code == 0, name
        first = cmd.help.strip().splitlines()[0]
        assert " ".join(first.split()[:4]) in " ".join(res.output.split()), name
        for sub in getattr(cmd, "commands", {}):
            assert f"  {sub} " in res.output, f"{name} --help does not list {sub}"


def test_bad_query_is_one_line_error(built):
    res = cuegraph_cmd("--store", built, "query", "SELECT ?x WHERE {")
    assert res.returncode == 1
    assert res.stderr.startswith("error: SPARQL syntax error")
    assert "Traceback" not in res.stderr


def test_bad_store_url_and_missing_store(tmp_path):
    res = cuegraph_cmd("--store", "ftp://x", "stats")
    assert res.returncode == 1 and "unknown store URL" in res.stderr
    res = cuegraph_cmd("--store", f"oxigraph:{tmp_path / 'nothing'}", "stats")
    assert res.returncode == 1 and "no store at" in res.stderr


def test_query_formats(built):
    q = "SELECT ?n WHERE { <https://cuegraph.org/id/person/yuki-kajiura> schema:name ?n }"
    as_json = json.loads(cuegraph_cmd("--store", built, "query", "-f", "json", q).stdout)
    assert as_json["results"]["bindings"][0]["n"]["value"] == "Yuki Kajiura"
    table = cuegraph_cmd("--store", built, "query", q).stdout
    assert "Yuki Kajiura" in table and "1 row(s)" in table
    ttl = cuegraph_cmd(
        "--store",
        built,
        "query",
        "-f",
        "turtle",
        "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a cg:Agent ; schema:name ?n }",
    )
    assert "Yuki Kajiura" in ttl.stdout


def test_query_from_rq_file(built, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK { ?w a cg:Work }")
    assert cuegraph_cmd("--store", built, "query", str(f)).stdout.strip() == "yes"
    missing = cuegraph_cmd("--store", built, "query", str(tmp_path / "nope.rq"))
    assert missing.returncode == 1 and "no such query file" in missing.stderr


def test_stats_and_validate(built):
    stats = json.loads(cuegraph_cmd("--store", built, "stats", "--json").stdout)
    assert stats["counts"]["people"] >= 20 and stats["counts"]["cues"] > 0
    assert any(s["source"] == "cuesheet" for s in stats["sources"])
    res = cuegraph_cmd("--store", built, "validate")
    assert res.returncode == 0 and "conforms" in res.stdout


def test_import_bad_cuesheet_reports_lines_and_keeps_store(built):
    before = cuegraph_cmd("--store", built, "dump", "-f", "nquads").stdout
    res = cuegraph_cmd(
        "--store", built, "import", "cuesheet", str(FIXTURES / "cuesheets" / "bad.csv")
    )
    assert res.returncode == 1
    assert len(res.stderr.strip().splitlines()) == 1
    assert "line 3" in res.stderr and "nothing imported" in res.stderr
    assert cuegraph_cmd("--store", built, "dump", "-f", "nquads").stdout == before


def test_load_and_dump_by_license(built, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text('<urn:x:a> <urn:x:p> "v" .\n')
    res = cuegraph_cmd("--store", built, "load", str(ttl), "--graph", "urn:x:g")
    assert res.returncode == 0, res.stderr
    q = cuegraph_cmd(
        "--store", built, "query", "-f", "csv", "SELECT ?o WHERE { GRAPH <urn:x:g> { ?s ?p ?o } }"
    )
    assert q.stdout.splitlines()[1:] == ["v"]
    cc0 = cuegraph_cmd("--store", built, "dump", "--license", "cc0").stdout
    assert "urn:x:g" not in cc0 and "yuki-kajiura" in cc0
    bad = cuegraph_cmd("--store", built, "load", str(tmp_path / "missing.ttl"))
    assert bad.returncode == 1 and "no such file" in bad.stderr


def test_read_only_commands_work_while_a_writer_holds_the_store(built, tmp_path):
    from cuegraph.store import open_store

    expected = cuegraph_cmd("--store", built, "dump", "-f", "nquads").stdout
    writer = open_store(built)  # what `cuegraph serve` does: the store open read-write
    try:
        stats = cuegraph_cmd("--store", built, "stats", "--json")
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["counts"]["triples"] == writer.triple_count() > 0
        dumped = cuegraph_cmd("--store", built, "dump", "-f", "nquads")
        assert dumped.returncode == 0 and dumped.stdout == expected
        valid = cuegraph_cmd("--store", built, "validate")
        assert valid.returncode == 0 and "conforms" in valid.stdout
        query = cuegraph_cmd("--store", built, "query", "ASK { ?w a cg:Work }")
        assert query.returncode == 0 and query.stdout.strip() == "yes"
        exported = cuegraph_cmd(
            "--store", built, "export", "--composer", "yuki-kajiura", "--format", "nodelink"
        )
        assert exported.returncode == 0, exported.stderr
        # a writing command says plainly why it cannot, in one line
        sheet = FIXTURES / "cuesheets" / "good.csv"
        refused = cuegraph_cmd("--store", built, "import", "cuesheet", str(sheet))
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
        assert "in use by another process" in refused.stderr
    finally:
        writer.close()
    assert cuegraph_cmd("--store", built, "dump", "-f", "nquads").stdout == expected


def test_validate_reports_a_broken_graph_one_line_per_violation(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        """
        @prefix cg: <https://cuegraph.org/ns#> . @prefix schema: <https://schema.org/> .
        <urn:x:credit> a cg:Credit ; cg:role cg:ScoreComposer ; cg:credits <urn:x:work> ;
            <http://www.w3.org/ns/prov#wasDerivedFrom> <https://example.org/src> .
        <urn:x:work> a cg:Work ;
            <http://www.w3.org/ns/prov#wasDerivedFrom> <https://example.org/src> .
        """,
        encoding="utf-8",
    )
    assert cuegraph_cmd("--store", url, "load", str(broken)).returncode == 0
    res = cuegraph_cmd("--store", url, "validate")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    # the IRIs exactly as they are (no ":x:" emoji), one line each, with the path at fault
    assert (
        "violation: urn:x:credit: a credit names exactly one known agent "
        "[https://cuegraph.org/ns#agent]"
    ) in lines
    assert (
        "violation: urn:x:work: a work needs a title (schema:name) [https://schema.org/name]"
    ) in lines
    assert lines[-1] == f"error: {len(lines) - 1} SHACL violation(s)"
