"""PNG and SVG images, drawn by Graphviz (Debian's ``graphviz`` package) from the DOT export.

Small graphs use the layered ``dot`` layout; larger ones the force-directed ``sfdp``. Every
image has a legend (node colours by type; edge labels are roles). Graphs above ``max_nodes``
nodes are sampled first, and the image's title says so.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING, Any

from cuegraph.errors import NotAcceptable, QueryTimeout
from cuegraph.export.views import sample
from cuegraph.export.writers import write_dot

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["render_image", "DOT_LAYOUT_LIMIT", "IMAGE_TIMEOUT"]

#: up to this many nodes the image uses ``dot``; above, ``sfdp``
DOT_LAYOUT_LIMIT = 150
#: seconds Graphviz may take
IMAGE_TIMEOUT = 120.0


def render_image(
    g: nx.Graph,
    fmt: str,
    *,
    max_nodes: int = 2000,
    title: str | None = None,
    seeds: list[str] | None = None,
    timeout: float = IMAGE_TIMEOUT,
    **_: Any,
) -> bytes:
    """Render ``g`` as ``svg`` or ``png``.

    Raises:
        NotAcceptable: Graphviz is not installed.
        QueryTimeout: Graphviz took longer than ``timeout`` seconds.
    """
    shown = sample(g, max_nodes, seeds or [])
    total = shown.graph.get("sampled_from", g.graph.get("sampled_from", len(g)))
    if total > len(shown):
        title = f"{title or 'cuegraph'} (showing {len(shown)} of {total} nodes)"
    engine = "dot" if len(shown) <= DOT_LAYOUT_LIMIT else "sfdp"
    exe = shutil.which(engine)
    if exe is None:
        raise NotAcceptable(
            f"{fmt} export needs Graphviz's `{engine}` "
            "(Debian: apt-get install graphviz); other formats work without it"
        )
    source = write_dot(shown, title=title)
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=source, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise QueryTimeout(
            f"Graphviz took over {timeout:.0f} s to draw {len(shown)} nodes; "
            "lower --max-nodes or export GraphML/GEXF"
        ) from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NotAcceptable(
            f"Graphviz failed to draw the {fmt}: {message[0] if message else 'no output'}"
        )
    return done.stdout
