"""Bench of the demo generator: the build at scale 1 (what tests and `make run` pay) and the
generation step alone. Run: ``PYTHONPATH=. .venv/bin/python -m tools.bench_demo``."""

from __future__ import annotations

import pathlib
import statistics
import tempfile
import time

from jinguo.store import sources

RUNS = 3


def _median_seconds(fn) -> float:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def measure(workdir: pathlib.Path) -> list[tuple[str, str, str]]:
    from jinguo import demo
    from jinguo.store import build

    src = sources.read_sources()
    gen = _median_seconds(lambda: demo.generate(src.regions, src.indicators, src.facts, scale=1.0,
                                                named_studios=src.named_studios, drivers=src.drivers))
    full = _median_seconds(lambda: build.build(workdir / "bench_demo.duckdb", scale=1.0))
    return [
        (f"demo.generate, scale 1 (median of {RUNS})", f"{gen:.1f} s", "< 15 s"),
        (f"build at scale 1, generate + write (median of {RUNS})", f"{full:.1f} s", "< 15 s"),
    ]


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as d:
        rows = measure(pathlib.Path(d))
    print("| what | result | target |\n|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
