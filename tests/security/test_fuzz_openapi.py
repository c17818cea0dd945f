"""Schemathesis over cuegraph's OpenAPI: generated requests to every operation, no 500.

Bounded: a few examples per operation, no Hypothesis deadline, the whole run well under a
minute on the seed data (in-process app, memory store).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # fuzzes every OpenAPI operation (about a minute)

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from cuegraph.api import create_app  # noqa: E402
from cuegraph.config import Settings  # noqa: E402
from support import make_store  # noqa: E402

APP = create_app(make_store("memory:"), Settings(store="memory:", update_token="fuzz-token"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def _sparql_text(ctx, value) -> bytes:
    return str(value).encode("utf-8", "replace")


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_500(case):
    case.call_and_validate(checks=[not_a_server_error])
