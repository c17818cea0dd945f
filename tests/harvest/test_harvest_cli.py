"""`cuegraph harvest ...` end to end: the real console script against local stand-ins."""

from __future__ import annotations

import pytest
from harvest_support import (
    KAJIURA_MBID,
    ROUTES,
    Faults,
    default_handlers,
    serve,
    start_server,
    wdqs_handler,
)

from cuegraph.errors import BadInput, UpstreamError
from cuegraph.harvest.sources import SOURCES, get_source
from cuegraph.queries import load_query
from cuegraph.store import open_store
from support import cuegraph_cmd

B = "https://cuegraph.org/id/"
#: the console script end to end, at the sources' real rate limits: tens of seconds a test
slow = pytest.mark.slow


@pytest.fixture
def env(tmp_path):
    server = start_server()
    wd = Faults(wdqs_handler(), when=lambda r: "LIMIT" in r.args.get("query", ""))
    serve(server, **{**default_handlers(), "wikidata": wd})
    store = tmp_path / "store"
    variables = {
        **{variable: server.url_for(prefix) for prefix, variable in ROUTES.values()},
        "CUEGRAPH_STORE": f"oxigraph:{store}",
        "CUEGRAPH_CACHE_DIR": str(tmp_path / "cache"),
    }
    yield variables, server, wd, f"oxigraph:{store}"
    server.clear()
    server.stop()


def _dump(store_url: str) -> bytes:
    with open_store(store_url, read_only=True) as store:
        return store.dump("nquads")


@slow
def test_wikidata_command_then_failure_keeps_the_graph(env):
    variables, server, wd, store_url = env
    r = cuegraph_cmd(
        "harvest",
        "wikidata",
        "--composer",
        "Yuki Kajiura",
        "--contact",
        "cli-test@cuegraph.invalid",
        env=variables,
    )
    assert r.returncode == 0, r.stderr
    assert "wikidata: 15 records" in r.stdout
    # the name search (wbsearchentities), the people among its hits, one page of credits
    assert f"{B}graph/wikidata/person-Q900001" in r.stdout and "3 requests" in r.stdout
    assert all("(cli-test@cuegraph.invalid)" in req.headers["User-Agent"] for req, _ in server.log)
    before = _dump(store_url)
    assert f"<{B}graph/wikidata/person-Q900001>".encode() in before

    wd.mode = "html"
    r = cuegraph_cmd("harvest", "wikidata", "--person", "Q900001", "--refresh", env=variables)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert lines[0].startswith("error: wikidata harvest failed, nothing was written")
    assert "HTML page" in lines[0]
    assert _dump(store_url) == before


@slow
def test_musicbrainz_command(env):
    variables, server, _wd, store_url = env
    r = cuegraph_cmd("harvest", "musicbrainz", "--artist", "Yuki Kajiura", env=variables)
    assert r.returncode == 0, r.stderr
    assert "musicbrainz: 23 records" in r.stdout and "5 requests" in r.stdout
    assert len(server.log) == 5  # search, lookup, one page of works, recordings, release groups
    with open_store(store_url, read_only=True) as store:
        rows = store.select(f"""SELECT ?song WHERE {{ ?song
            <https://schema.org/composer> <{B}person/musicbrainz/{KAJIURA_MBID}> }}""")
    assert len(rows) == 4  # ARIA, Credens justitiam, Magia, oblivious ("writer" is not one)
    # again from the cache: no request reaches the server
    r = cuegraph_cmd("harvest", "musicbrainz", "--artist", KAJIURA_MBID, env=variables)
    assert r.returncode == 0 and "0 requests" in r.stdout and len(server.log) == 5


@slow
def test_all_runs_every_source_then_resolves(env):
    variables, server, _wd, store_url = env
    r = cuegraph_cmd(
        "harvest", "all", "--composer", "Yuki Kajiura", "--max-anime", "1", env=variables
    )
    # the stand-in serves only Wikidata and MusicBrainz: the other sources fail with a 404
    assert r.returncode == 1
    assert "wikidata: 15 records" in r.stdout and "musicbrainz: 23 records" in r.stdout
    assert "identity: 3 clusters, 6 owl:sameAs triples" in r.stdout
    errors = r.stderr.strip().splitlines()
    assert {e.split(" harvest failed")[0] for e in errors} == {
        "error: anilist",
        "error: vgmdb",
        "error: animethemes",
    }
    assert "Traceback" not in r.stderr
    paths = [req.path for req, _ in server.log]
    assert "/vgmdb/artist/90010" in paths  # the VGMdb id came from Wikidata's P3435
    # MusicBrainz was asked by the MBID Wikidata gave (P434): no search
    assert not any(p == "/ws/2/artist" for p in paths)
    with open_store(store_url, read_only=True) as store:
        assert store.ask(f"""ASK {{ <{B}person/wikidata/Q900001>
            <http://www.w3.org/2002/07/owl#sameAs>
            <{B}person/musicbrainz/{KAJIURA_MBID}> }}""")


@slow
def test_each_graph_records_its_licence_and_dump_keeps_only_cc0(env):
    variables, _server, _wd, store_url = env
    for args in (
        ("musicbrainz", "--artist", "Yuki Kajiura"),
        ("vgmdb", "--album", "9400001"),
        ("anilist", "--staff", "Hiromi Mizutani"),
        ("animethemes", "--anime", "anohana"),
    ):
        r = cuegraph_cmd("harvest", *args, env=variables)
        assert r.returncode == 0, r.stderr
    graphs = {
        "musicbrainz": f"{B}graph/musicbrainz/artist-{KAJIURA_MBID}",
        "vgmdb": f"{B}graph/vgmdb/album-9400001",
        "anilist": f"{B}graph/anilist/staff-hiromi-mizutani",
        "animethemes": f"{B}graph/animethemes/anime-anohana",
    }
    with open_store(store_url, read_only=True) as store:
        licences = {r["graph"]: r["license"] for r in store.select(load_query("sources"))}
    assert licences == {
        graphs["musicbrainz"]: "http://creativecommons.org/publicdomain/zero/1.0/",
        graphs["vgmdb"]: "https://vgmdb.net/",
        graphs["anilist"]: "https://anilist.co/terms",
        graphs["animethemes"]: "https://animethemes.moe/terms-of-service",
    }
    everything = cuegraph_cmd("dump", env=variables)
    cc0 = cuegraph_cmd("dump", "--license", "cc0", env=variables)
    assert everything.returncode == cc0.returncode == 0
    assert all(f"<{g}>" in everything.stdout for g in graphs.values())
    prov = f"<{B}graph/provenance>"
    lines = cc0.stdout.splitlines()
    assert {line.rsplit(" ", 2)[-2] for line in lines} == {f"<{graphs['musicbrainz']}>", prov}
    assert f"{B}person/musicbrainz/{KAJIURA_MBID}" in cc0.stdout
    # the provenance comes along, but only about the graph kept
    about = {
        line.split(" ", 1)[0].strip("<>").split("#")[0]
        for line in lines
        if line.endswith(f"{prov} .")
    }
    assert about == {graphs["musicbrainz"]}
    assert (
        f"<{graphs['musicbrainz']}> <http://purl.org/dc/terms/license> "
        f"<http://creativecommons.org/publicdomain/zero/1.0/> {prov} ."
    ) in lines
    # another licence by its IRI; an unknown short name is an error, not an empty dump
    anilist = cuegraph_cmd("dump", "--license", "https://anilist.co/terms", env=variables)
    assert {line.rsplit(" ", 2)[-2] for line in anilist.stdout.splitlines()} == {
        f"<{graphs['anilist']}>",
        prov,
    }
    typo = cuegraph_cmd("dump", "--license", "cc-0", env=variables)
    assert typo.returncode == 1 and typo.stdout == ""
    assert typo.stderr.startswith("error: unknown licence 'cc-0'; choose from cc0,")


@slow
def test_bad_options_are_one_line(env):
    variables, _server, _wd, _store = env
    r = cuegraph_cmd("harvest", "wikidata", env=variables)
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "error: give exactly one of --composer or --person or --work or --all"
    )
    r = cuegraph_cmd("harvest", "wikidata", "--person", "Kajiura", env=variables)
    assert r.returncode == 1 and "not a Wikidata item id" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_source_or_entry_is_one_clear_error():
    with pytest.raises(BadInput) as err:
        get_source("nosuchsource")
    assert err.value.message == (
        "no harvest source named 'nosuchsource' (one of wikidata, "
        "musicbrainz, anilist, vgmdb, animethemes)"
    )
    with pytest.raises(
        BadInput,
        match=r"vgmdb has no harvest by 'label' \(one of album, "
        r"artist\)",
    ):
        SOURCES["vgmdb"].entry("label")


def test_every_registered_source_has_a_command_with_its_entries():
    """The CLI's harvest commands and the registry agree: one command per source, one
    option per entry, with the entry's help."""
    import typer.main

    from cuegraph.cli import app

    group = typer.main.get_command(app).commands["harvest"]
    assert set(SOURCES) <= set(group.commands)
    for name, source in SOURCES.items():
        command = group.commands[name]
        options = {
            p.name.rstrip("_"): p for p in command.params if p.name not in ("refresh", "contact")
        }
        assert set(options) == {e.option for e in source.entries}, name
        for entry in source.entries:
            assert options[entry.option].help == entry.help
            assert options[entry.option].required == (len(source.entries) == 1)
            if entry.example:  # the examples under --help are the registry's
                line = f"cuegraph harvest {name} --{entry.option} {entry.example}"
                assert any(row.strip() == line for row in command.epilog.splitlines()), line
        assert command.help == source.summary


def test_a_source_in_the_registry_is_a_command_without_touching_the_cli():
    """Adding a source is its module and its SOURCE: the command, its options, their types,
    the help and the examples are built from the registry entry alone."""
    import typer
    import typer.main
    from typer.testing import CliRunner

    from cuegraph.cli.harvest import _examples, _source_command
    from cuegraph.harvest.base import Entry, Source

    def never(*_a, **_k):
        raise AssertionError("not reached: the options are refused first")

    source = Source(
        name="madeup",
        title="Made Up",
        summary="Made Up: a source that exists only in this test.",
        license="cc0",
        default_url="http://127.0.0.1:9",
        min_interval=1.0,
        max_response_bytes=1 << 20,
        redirect_hosts=(),
        entries=(
            Entry("label-id", never, "A label id.", value=int, example="<id>"),
            Entry("everything", never, "Every release.", value=bool),
        ),
    )
    group = typer.Typer(rich_markup_mode=None)
    group.command("madeup", help=source.summary, epilog=_examples(source))(_source_command(source))
    group.command("other")(lambda: None)  # a group, as under `cuegraph harvest`
    command = typer.main.get_command(group).commands["madeup"]
    params = {p.name: p for p in command.params}
    assert set(params) == {"label_id", "everything", "refresh", "contact"}
    assert params["label_id"].opts == ["--label-id"] and params["label_id"].help == "A label id."
    assert params["everything"].is_flag and not params["label_id"].required
    runner = CliRunner()
    shown = runner.invoke(group, ["madeup", "--help"]).output
    assert "Made Up: a source that exists only in this test." in shown
    assert "cuegraph harvest madeup --label-id <id>" in shown
    assert "cuegraph harvest madeup --everything" in shown
    refused = runner.invoke(group, ["madeup", "--label-id", "x"])
    assert refused.exit_code == 2 and "Invalid value for '--label-id'" in refused.output
    neither = runner.invoke(group, ["madeup"])
    assert neither.exit_code == 1
    assert isinstance(neither.exception, BadInput)
    assert neither.exception.message == "give exactly one of --label-id or --everything"


@slow
def test_a_refusal_by_the_source_keeps_its_class_and_status(env, minter):
    """A bad id or an unknown name is the user's error (4xx), not an upstream failure; the
    CLI prints the source's own line."""
    from harvest_support import FakeTime, harvest_settings

    from cuegraph.errors import NotFound
    from cuegraph.ingest.harvests import run_harvest

    variables, _server, _wd, _store = env
    settings = harvest_settings(
        wikidata_url=variables["CUEGRAPH_WIKIDATA_URL"], vgmdb_url=variables["CUEGRAPH_VGMDB_URL"]
    )
    store = open_store("memory:")
    with pytest.raises(BadInput) as err:
        run_harvest(store, minter, "wikidata", "person", "Kajiura", settings=settings)
    assert err.value.status == 400 and not isinstance(err.value, UpstreamError)
    assert err.value.message.startswith("not a Wikidata item id: 'KAJIURA'")
    with pytest.raises(NotFound) as missing:  # the stand-in answers 404 for this artist
        run_harvest(
            store,
            minter,
            "vgmdb",
            "artist",
            9499999,
            settings=settings,
            limiter=FakeTime().limiter(),
        )
    assert missing.value.status == 404 and missing.value.message == "vgmdb: no artist 9499999"
    assert store.triple_count() == 0
    r = cuegraph_cmd("harvest", "vgmdb", "--artist", "9499999", env=variables)
    assert r.returncode == 1 and r.stderr.strip() == "error: vgmdb: no artist 9499999"


def test_progress_bar_counts_requests_planned_and_waits():
    import io

    from rich.console import Console
    from rich.progress import Progress, TextColumn

    from cuegraph.cli.harvest import _Bar
    from cuegraph.harvest.http import RateLimiter

    out = io.StringIO()
    limiter = RateLimiter()
    progress = Progress(
        TextColumn(
            "{task.description} {task.completed}/{task.total} waited {task.fields[waited]:.1f}s"
        ),
        console=Console(file=out, force_terminal=True, width=120),
    )
    with progress:
        bar = _Bar(progress, limiter)
        hooks = bar.hooks()
        hooks.on_start("musicbrainz")
        hooks.on_plan(2)
        limiter.waited = 1.5
        for path in ("artist/x", "work", "recording"):  # one more than planned
            hooks.on_request(f"http://127.0.0.1/ws/2/{path}?fmt=json")
        task = progress.tasks[0]
        # a request counts as done once the next one starts (or the run ends well)
        assert (task.completed, task.total) == (2, 3)
        assert task.fields["waited"] == 1.5
        assert task.description == "musicbrainz: /ws/2/recording"
        hooks.on_done("musicbrainz")
        assert (task.completed, task.total) == (3, 3)
        progress.refresh()
    assert "3/3" in out.getvalue() and "waited 1.5s" in out.getvalue()


def test_progress_bar_never_counts_failed_attempts():
    """Retries of one URL are not progress, and a run that fails (no on_done) leaves its last
    attempt uncounted: the bar never shows a failed request as done."""
    from rich.progress import Progress

    from cuegraph.cli.harvest import _Bar
    from cuegraph.harvest.http import RateLimiter

    progress = Progress(disable=True)
    bar = _Bar(progress, RateLimiter())
    hooks = bar.hooks()
    hooks.on_start("wikidata")
    hooks.on_plan(1)
    for _ in range(3):  # the first try and two retries, all failing
        hooks.on_request("https://query.wikidata.org/sparql?query=x")
    task = progress.tasks[0]
    assert task.completed == 0 and task.total == 1
    assert task.description.startswith("wikidata: retrying")
