"""What people see from the CLI: SERVICE refused in one line, tables that keep IRIs whole and
the query's column order, one `loaded:` line per command, a serve banner on single lines."""

from __future__ import annotations

import pytest

from support import DATA, cuegraph_cmd


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    url = f"oxigraph:{tmp_path_factory.mktemp('cli') / 'store'}"
    built = cuegraph_cmd("--store", url, "build", str(DATA))
    assert built.returncode == 0, built.stderr
    assert built.stdout.count("loaded:") == 1
    return url


def test_service_is_one_error_line(store):
    out = cuegraph_cmd(
        "--store", store, "query", "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    )
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "SERVICE" in lines[0]
    assert "Traceback" not in out.stderr


def test_table_keeps_iris_whole_and_select_star_order(store):
    out = cuegraph_cmd(
        "--store",
        store,
        "query",
        "-f",
        "table",
        "SELECT * WHERE { ?work schema:name ?title ; cg:nativeTitle ?native }"
        " ORDER BY ?work LIMIT 3",
        env={"COLUMNS": "60"},
    )
    assert out.returncode == 0, out.stderr
    assert "…" not in out.stdout
    header = next(line for line in out.stdout.splitlines() if "title" in line)
    assert header.index("work") < header.index("title") < header.index("native")
    # the IRI is folded onto several lines, every character kept
    cells = "".join(
        line.split("│")[1].strip() for line in out.stdout.splitlines() if line.startswith("│")
    )
    assert "https://cuegraph.org/id/work/aldnoah-zero" in cells


def test_serve_banner_prints_the_url_on_one_line(store):
    import subprocess
    import sys
    import time
    from pathlib import Path

    from support import free_port, wait_http

    port = free_port()
    exe = Path(sys.executable).with_name("cuegraph")
    proc = subprocess.Popen(
        [str(exe), "--store", store, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**__import__("os").environ, "COLUMNS": "40"},
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/health")
        time.sleep(0.5)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=15)[0]
    assert "loaded:" not in output  # `make run` already said it after the build
    line = next(x for x in output.splitlines() if x.startswith("open "))
    assert f"http://127.0.0.1:{port}/ " in line and f"http://127.0.0.1:{port}/docs" in line
