"""Benchmarks (``make bench``): the embedded store vs ``oxigraph serve`` vs Virtuoso.

Not tests: no thresholds. Everything is measured side by side in one run, on the same
machine, and reported as medians with ratios to the embedded store.
"""

__all__: list[str] = []
