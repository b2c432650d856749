"""Benchmark `dagger call build`: image sizes, amd64 and arm64 build times, a warm no-op.

Through the real `dagger` CLI in a temporary copy of this checkout, as
pipeline_cache.py does. It prints, each row with its wall time and the function call's:

1. `build --platform=linux/amd64` on an emptied engine cache, then
   `build --platform=linux/arm64` on an emptied cache again, so both pay for the
   shared work (static files, frontend build) and the ratio compares like with like;
2. `build` (both platforms) twice: the first rebuilds amd64 (pruned before the arm64
   run), the second is warm with nothing changed: the no-op;
3. the size table the last `build` that built printed (gzip-compressed size per image
   and platform; a cached call prints none).

Needs `dagger` on PATH and an engine (see pipeline_cache.py). From the repository root:

    .venv/bin/python tools/bench/images.py
"""

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.support.dagger_cli import readable  # noqa: E402
from tools.bench.pipeline_cache import (  # noqa: E402
    Run,
    bench_checkout,
    function_call,
    host_facts,
    prune,
    run_dagger,
)

SIZE_ROW = re.compile(r"\|\s+((?:backend|frontend)\s+linux/\w+\s+[0-9.]+ MB)")


def sizes(run: Run) -> list[str]:
    """The size rows `build` printed in a run's log, once each."""
    return list(dict.fromkeys(SIZE_ROW.findall(readable(run.log))))


def row(run: Run) -> str:
    """A run as a Markdown table row: wall time and the function call's time."""
    call = function_call(run.log)
    timed = f"{call.status} {call.seconds:.1f} s" if call else "-"
    return f"| {run.name} | {run.seconds:.1f} s | {timed} |"


def main() -> None:
    """Cold amd64, cold arm64, warm no-op; then the figures."""
    with bench_checkout() as (cli, checkout):
        runs = []
        for platform in ("linux/amd64", "linux/arm64"):
            prune(cli, checkout)
            name = f"`build --platform={platform}`, cold (engine cache pruned)"
            runs.append(run_dagger(cli, checkout, name, "call", "build", f"--platform={platform}"))
        # The arm64 run left amd64 uncached: a first `build` of both fills the cache.
        refill = "`build`, both platforms (amd64 pruned by then)"
        runs.append(run_dagger(cli, checkout, refill, "call", "build"))
        runs.append(run_dagger(cli, checkout, "`build`, warm (nothing changed)", "call", "build"))
    print(f"\nFigures: {host_facts(cli, runs[0].log)}\n")
    print("| run | wall | function call |")
    print("| --- | ---: | --- |")
    for run in runs:
        print(row(run))
    amd64, arm64 = runs[0].seconds, runs[1].seconds
    print(f"\narm64 / amd64 cold build time: {arm64 / amd64:.2f}\n")
    print("Image sizes (gzip):\n")
    # A cached call prints nothing: the sizes come from the last run that built.
    printed = next((rows for rows in map(sizes, reversed(runs)) if rows), [])
    print("\n".join(f"    {line}" for line in printed))


if __name__ == "__main__":
    main()
