"""/sparql predeclares cuegraph's prefixes; an unknown prefix is a one-line error with the
user's own line numbers; cuegraph's counts see each triple once."""

from __future__ import annotations


def test_cuegraph_prefixes_need_no_declaration(client):
    resp = client.get(
        "/sparql",
        params={"query": "ASK { ?c a cg:Credit ; cg:role ?r . ?w a schema:CreativeWork }"},
    )
    assert resp.status_code == 200, resp.text
    declared = client.get(
        "/sparql",
        params={
            "query": "PREFIX cg: <https://cuegraph.org/ns#> SELECT (COUNT(*) AS ?n) "
            "{ ?c a cg:Credit }"
        },
    )
    undeclared = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?c a cg:Credit }"}
    )
    assert declared.json() == undeclared.json()


def test_an_unknown_prefix_is_one_line_on_the_users_line(client):
    resp = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s a foo:Bar\n}"})
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert "unknown prefix foo:" in error and "\n" not in error
    assert " 2:" in error  # the line of foo: in the text the user sent


CREDIT_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://cuegraph.org/ns#Credit>"


def _credits_in_dump(store) -> int:
    """Credit nodes counted from the N-Quads dump, each subject once (no SPARQL involved)."""
    return len(
        {
            line.split(b" ", 1)[0]
            for line in store.dump("nquads").splitlines()
            if CREDIT_TYPE in line
        }
    )


def test_the_seed_credits_are_counted_once(seed_store):
    rows = seed_store.select(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a <https://cuegraph.org/ns#Credit> }"
    )
    assert rows[0]["n"] == _credits_in_dump(seed_store) > 50


def test_cli_query_errors_point_at_the_users_own_lines(tmp_path):
    from support import DATA, cuegraph_cmd

    url = f"oxigraph:{tmp_path / 'store'}"
    assert cuegraph_cmd("--store", url, "build", str(DATA)).returncode == 0
    res = cuegraph_cmd("--store", url, "query", "SELECT * WHERE {\n  ?s a foo:Bar }")
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "error: SPARQL syntax error at 2:15: unknown prefix foo: (declare it with PREFIX)"
    )
    bad = cuegraph_cmd("--store", url, "query", "SELECT * WHERE {\n  ?s ?p }")
    assert "at 2:" in bad.stderr  # not 15: (13 prefix lines are no longer prepended)
    ok = cuegraph_cmd(
        "--store", url, "query", "-f", "csv", "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a cg:Credit }"
    )
    dump = cuegraph_cmd("--store", url, "dump", "-f", "nquads")
    credits = {
        line.split(" ", 1)[0] for line in dump.stdout.splitlines() if CREDIT_TYPE.decode() in line
    }
    assert ok.stdout.splitlines()[1] == str(len(credits))
