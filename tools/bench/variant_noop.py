"""Benchmark a warm no-op `dagger call test`: on the reference app, and on an app variant.

Issue 25 asks that the pipeline be no slower on a variant (another repository's shape,
tests/variants) than on the reference app once nothing has changed. Both run through the
real `dagger` CLI (module mode, `--progress=plain`): the reference as `dagger call test` in
a temporary copy of this checkout, the variant as `dagger -m <that copy> call --source=.
test` in the variant's directory, as another team runs it. The variant is made with real
locks, as the CLI tier makes it (tests/variants/catalogue.py).

Each command runs once to fill the cache (its time is printed, but it is not the figure),
then ROUNDS times warm, the two taking turns, so that load from elsewhere on the machine
weighs on both alike. For each warm run it prints the wall time, the module load (`load
workspace`), the function call's span (the constructor reading the repository into its
profile, then `test`) and the execs run and cached; then each side's median and fastest.

It does not empty the engine's cache. Needs `dagger` on PATH and an engine
(`tools/engine/up`, `. /run/pipeline-engine/env`), and npm and network access for the
variant's locks. Run from the repository root:

    .venv/bin/python tools/bench/variant_noop.py [variant]
"""

import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.variants.catalogue import VARIANTS, make  # noqa: E402
from tools.bench.pipeline_cache import (  # noqa: E402
    Run,
    bench_checkout,
    execs,
    function_call,
    host_facts,
    run_dagger,
    top_spans,
)

# workspace-out: its backend is the reference one, so every gate of `test` passes on it
# (a red stage runs again on every call, and the no-op would not be one).
DEFAULT_VARIANT = "workspace-out"
ROUNDS = 5


def row(run: Run) -> str:
    """A warm run as a Markdown table row: wall, module load, function call, execs."""
    load = next((s for s in top_spans(run.log) if s.name.startswith("load workspace")), None)
    call = function_call(run.log)
    found = execs(run.log)
    ran = sum(e.status != "CACHED" for e in found)
    cells = [
        run.name,
        f"{run.seconds:.1f} s",
        f"{load.seconds:.1f} s" if load else "-",
        f"{call.status} {call.seconds:.1f} s" if call else "-",
        str(ran),
        str(len(found) - ran),
        "yes" if run.exit_code == 0 else f"no (exit {run.exit_code})",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    """Warm no-op `test` on the reference app and on a variant, taking turns."""
    name = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_VARIANT
    if name not in VARIANTS:
        sys.exit(f"No variant {name!r}: use one of {', '.join(VARIANTS)}.")
    with bench_checkout() as (cli, checkout), tempfile.TemporaryDirectory() as tmp:
        variant = make(name, Path(tmp) / name, locked=True)
        sides = {
            "reference app": (checkout, ["call", "test"]),
            f"variant {name}": (variant, ["-m", str(checkout), "call", "--source=.", "test"]),
        }
        for label, (cwd, args) in sides.items():
            first = run_dagger(cli, cwd, f"{label}, filling the cache", *args)
            print(f"  {first.name}: {first.seconds:.1f} s", flush=True)
        runs: dict[str, list[Run]] = {label: [] for label in sides}
        for n in range(1, ROUNDS + 1):
            for label, (cwd, args) in sides.items():
                runs[label].append(run_dagger(cli, cwd, f"{label}, warm {n}", *args))
    print(f"\nFigures: {host_facts(cli, runs['reference app'][0].log)}\n")
    print("| run | wall | load workspace | function call | execs run | cached | passed |")
    print("| --- | ---: | ---: | --- | ---: | ---: | --- |")
    for label in sides:
        for run in runs[label]:
            print(row(run))
    print()
    for label, measured in runs.items():
        walls = [run.seconds for run in measured]
        print(
            f"Warm no-op `test`, {label}: median {statistics.median(walls):.1f} s, "
            f"fastest {min(walls):.1f} s"
        )


if __name__ == "__main__":
    main()
