"""POST /identify: what is playing? Match an uploaded clip against the recording index.

The upload is a ``multipart/form-data`` body with one file field ``clip``. Limits, checked
before anything is decoded: the body may hold at most ``CUEGRAPH_IDENTIFY_MAX_BYTES``
(default 5 MB; 413 past it, whatever Content-Length claims — the body is read only up to
the limit), and the clip may last 3 to ``CUEGRAPH_IDENTIFY_MAX_SECONDS`` (default 30) seconds
(400). An empty file or one FFmpeg cannot decode as audio is 415. The clip is written to a
private temporary folder for the decoder and deleted before the answer is sent: nothing is
stored.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.errors import BadInput, CuegraphError, PayloadTooLarge

router = APIRouter(tags=["identify"])

FIELD = "clip"


class UnsupportedMedia(CuegraphError):
    status = 415


async def _read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise PayloadTooLarge(
            f"the upload is {int(declared)} bytes; at most {cap} bytes", {"max_bytes": cap}
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise PayloadTooLarge(f"the upload is larger than {cap} bytes", {"max_bytes": cap})
        chunks.append(chunk)
    return b"".join(chunks)


def _reference(request: Request, index_dir: Path):
    """The index as a matrix, cached until index.json changes."""
    from cuegraph.audio.service import load_reference

    stamp = (
        (index_dir / "index.json").stat().st_mtime_ns
        if (index_dir / "index.json").exists()
        else None
    )
    cached = getattr(request.app.state, "identify_reference", None)
    if cached and cached[0] == (str(index_dir), stamp):
        return cached[1]
    ref = load_reference(index_dir)
    request.app.state.identify_reference = ((str(index_dir), stamp), ref)
    return ref


@router.post(
    "/identify",
    summary="Identify a clip: the recording, its credits, its uses",
    operation_id="identify_clip",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": [FIELD],
                        "properties": {
                            FIELD: {
                                "type": "string",
                                "format": "binary",
                                "description": "3-30 s of audio, any format",
                            }
                        },
                    }
                }
            },
        }
    },
)
async def identify(request: Request, store: StoreDep, settings: SettingsDep) -> dict:
    """Match a short clip (3–30 s, recorded off a speaker is fine) against the indexed
    recordings (`cuegraph tracks index`). The answer lists the matching recording(s) with
    score and confidence, their credits from the graph grouped by role, and where the graph
    knows each is used (work, episode, time). `status` is `match` or `no_match`."""
    from cuegraph.api.data.identify import identify_file
    from cuegraph.audio.index import default_index_dir

    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        raise UnsupportedMedia(
            f"send the clip as multipart/form-data with a file field '{FIELD}'",
            {"content_type": ctype or None},
        )
    cap = settings.identify_max_bytes
    max_seconds = settings.identify_max_seconds
    body = await _read_capped(request, cap)
    request._body = body  # the form parser reads the capped body, not the socket
    try:
        form = await request.form(max_files=1, max_fields=4)
    except Exception as e:  # noqa: BLE001 - any multipart parse failure is the client's
        raise BadInput(f"malformed multipart body: {e}") from None
    upload = form.get(FIELD)
    if upload is None or isinstance(upload, str):
        raise BadInput(f"missing the file field '{FIELD}'", {"fields": list(form.keys())})
    data = await upload.read()
    await form.close()
    if not data:
        raise UnsupportedMedia("the uploaded clip is empty", {"bytes": 0})
    index_dir = default_index_dir(settings)
    with tempfile.TemporaryDirectory(prefix="cuegraph-identify-") as tmp:
        path = Path(tmp) / "clip"
        path.write_bytes(data)
        ref = _reference(request, index_dir)
        return await run_in_threadpool(
            identify_file, store, settings.base_iri, index_dir, path, max_seconds, ref
        )
