"""Settings, read once at the edge and passed down.

:func:`from_environment` is the one place that reads the ``CUEGRAPH_*`` environment
variables; the CLI calls it once per invocation and hands the result to everything it runs
(``create_app`` included, which takes its settings as an argument). ``Settings(...)``
itself reads nothing but its arguments: code and tests that build one get the defaults and
what they pass, whatever the environment holds.

The harvest sources' base URLs (``CUEGRAPH_<SOURCE>_URL``) and request guards are fields
here too; the harvest layer gets them from the settings it is handed, never from the
environment."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = ["Settings", "from_environment", "DEFAULT_STORE", "DEFAULT_BASE_IRI"]

DEFAULT_STORE = "oxigraph:.cuegraph/store"
DEFAULT_BASE_IRI = "https://cuegraph.org/id/"


class Settings(BaseSettings):
    """cuegraph settings; every field can be set with a ``CUEGRAPH_`` environment variable,
    read by :func:`from_environment` (``Settings(...)`` reads only its arguments)."""

    model_config = SettingsConfigDict(env_prefix="CUEGRAPH_", env_ignore_empty=True, extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The arguments only; for :class:`_Environment`, the environment too."""
        return (init_settings, env_settings) if settings_cls is _Environment else (init_settings,)

    store: str = Field(
        DEFAULT_STORE,
        description="Store URL: oxigraph:PATH (embedded, on disk), memory: (in memory), "
        "or the http(s) URL of a remote SPARQL 1.1 query endpoint.",
    )
    update_url: str | None = Field(
        None,
        description="SPARQL Update endpoint of a remote store, when it differs from the query "
        "endpoint (default: .../query becomes .../update, anything else is used as is).",
    )
    remote_timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds cuegraph waits for each request to a remote store "
        "(loading millions of triples into Virtuoso takes single requests of minutes).",
    )
    remote_count_ttl: float = Field(
        300.0,
        gt=0,
        description="Seconds `cuegraph serve` keeps a remote store's /health and /stats "
        "figures (counting every triple on the server takes seconds to minutes) before "
        "counting again for writes made by others; its own writes recount at once.",
    )
    base_iri: str = Field(DEFAULT_BASE_IRI, description="Base IRI for the IRIs cuegraph mints.")
    host: str = Field("127.0.0.1", description="Address `cuegraph serve` listens on.")
    port: int = Field(8000, description="Port `cuegraph serve` listens on.")
    query_timeout: float = Field(10.0, description="Seconds a SPARQL query may run before 503.")
    query_workers: int | None = Field(
        None,
        ge=1,
        description="Query worker processes for cheap queries (default: the "
        "number of cores); long queries get extra ones.",
    )
    query_memory: int = Field(
        1 << 30,
        ge=0,
        description="Most memory one query may use, in bytes (suffixes K, M, G "
        "accepted; 0: no cap). A query past it is stopped with 503.",
    )
    query_long_after: float = Field(
        0.25,
        gt=0,
        description="Seconds after which a running query counts as long (its "
        "worker is reniced and replaced for cheap queries).",
    )
    query_max_long: int | None = Field(
        None,
        ge=1,
        description="Most long queries at a time (default: query_workers, at "
        "least 4); one more gets 503 at once.",
    )

    @field_validator("query_memory", mode="before")
    @classmethod
    def _size(cls, value: object) -> object:
        if isinstance(value, str) and value.strip()[-1:].upper() in ("K", "M", "G"):
            unit = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[value.strip()[-1].upper()]
            return int(float(value.strip()[:-1]) * unit)
        return value

    max_rows: int = Field(10000, description="Most result rows a SPARQL SELECT returns.")
    max_query_bytes: int = Field(
        1_000_000, description="Largest SPARQL request body accepted (larger: 413)."
    )
    update_token: str | None = Field(
        None, description="Bearer token enabling /sparql/update (updates are off without one)."
    )
    update_allow_drop_all: bool = Field(
        False,
        description="Allow CLEAR/DROP ALL and NAMED through /sparql/update (refused by "
        "default: they empty the store; take a `cuegraph backup` first).",
    )
    update_origins: str = Field(
        "",
        description="Comma-separated browser origins allowed to call /sparql/update "
        "cross-site (CORS); none by default. /sparql and the API stay open to every origin.",
    )
    body_timeout: float = Field(
        30.0, description="Seconds a client may take to send a request body (then 408)."
    )
    header_timeout: float = Field(
        10.0,
        description="Seconds a client may take to send a request's headers (then the "
        "connection is closed).",
    )
    public_url: str | None = Field(
        None,
        description="The service's public base URL (https://host[:port]), used for the "
        "query BASE and the Service Description instead of the request's Host header "
        "(default: http://<host>:<port> of `cuegraph serve`).",
    )
    fingerprints: str | None = Field(
        None,
        description="The recording index folder (default: fingerprints/ beside an embedded "
        "store's folder, else .cuegraph/fingerprints).",
    )
    identify_max_bytes: int = Field(
        5_000_000, gt=0, description="Largest POST /identify upload, in bytes (larger: 413)."
    )
    identify_max_seconds: float = Field(
        30.0, gt=0, description="Longest clip POST /identify accepts, in seconds (longer: 400)."
    )
    user_agent_contact: str = Field(
        "https://github.com/cuegraph/cuegraph",
        description="Contact (URL or e-mail) sent in the harvesters' User-Agent header.",
    )
    cache_dir: str | None = Field(
        ".cuegraph/cache",
        description="Directory of the harvesters' on-disk HTTP cache (None, in code: no cache).",
    )
    harvest_deadline: float | None = Field(
        None,
        gt=0,
        description="Seconds one harvest request may take in all (redirects, "
        "headers, body); default 120.",
    )
    harvest_max_bytes: int | None = Field(
        None,
        gt=0,
        description="Largest response a harvester accepts, in bytes after "
        "decompression (default: each source's own cap).",
    )
    wikidata_url: str | None = Field(
        None,
        description="Wikidata Query Service endpoint (default https://query.wikidata.org/sparql).",
    )
    wikidata_api_url: str | None = Field(
        None,
        description="Wikibase API for name search (default: Wikidata's for the public "
        "endpoint, else /w/api.php on the endpoint's host).",
    )
    musicbrainz_url: str | None = Field(
        None, description="MusicBrainz WS/2 base URL (default https://musicbrainz.org/ws/2)."
    )
    anilist_url: str | None = Field(
        None, description="AniList GraphQL endpoint (default https://graphql.anilist.co)."
    )
    animethemes_url: str | None = Field(
        None, description="AnimeThemes API base URL (default https://api.animethemes.moe)."
    )
    vgmdb_url: str | None = Field(
        None, description="vgmdb.info base URL (default https://vgmdb.info)."
    )


class _Environment(Settings):
    """:class:`Settings` plus the ``CUEGRAPH_*`` environment (arguments win); only
    :func:`from_environment` builds one."""


def from_environment(**overrides: Any) -> Settings:
    """The settings from the ``CUEGRAPH_*`` environment variables, ``overrides`` winning:
    the one place cuegraph reads its environment (the CLI calls it once per invocation).

    Raises:
        pydantic.ValidationError: a variable holds a bad value (``loc`` names the field).
    """
    read = _Environment(**overrides)
    return Settings(**read.model_dump(exclude_unset=True))
