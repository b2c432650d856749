"""Benchmark `test` on the reference app: cold, warm, and after touching one backend file.

It works on a temporary copy of the files git tracks, and the change is an edit on
disk, as a user makes it. For each run it prints the wall time and which stages ran
again, read from the engine's own record of every exec in the session's progress log
(CACHED: a hit in the engine's cache; DONE: evaluated again), not guessed from
timings. The cold run starts from an empty engine cache (pruned first), so it removes
everything the engine has cached.

Needs an engine: `tools/engine/up` then `. /run/pipeline-engine/env`, or a Dagger
CLI on a machine with Docker. Run from the repository root:

    .venv/bin/python tools/bench/pipeline_cache.py
"""

import io
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anyio
import dagger
from dagger import dag

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from ci.layout import SOURCE_IGNORE  # noqa: E402
from ci.pipeline import Pipeline  # noqa: E402
from ci.stages import backend, database, frontend, pipeline_code  # noqa: E402

TOUCHED = "app/backend/store/apps.py"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXEC_START = re.compile(r"^(\d+)\s*:[\s┆]*withExec (.+)$")
EXEC_END = re.compile(r"^(\d+)\s*:[\s┆]*Container\.withExec (DONE|CACHED|ERROR)\b")


def stage_commands() -> dict[str, str]:
    """The last command of every stage `test` runs, as the progress log prints it."""
    commands = {
        "backend-test": backend.TEST_COMMAND,
        "frontend-test": frontend.TEST_COMMAND,
        "migrations-check": backend.MIGRATIONS_CHECK_COMMAND,
        "migrations-roundtrip": database.ROUNDTRIP_COMMANDS[1],
        "end-to-end": frontend.E2E_COMMANDS["quick"],
    }
    for part, lint in (("backend", backend), ("frontend", frontend), ("pipeline", pipeline_code)):
        for name, command in lint.LINT_COMMANDS.items():
            commands[f"lint {part} {name}"] = command
    return {stage: shlex.join(command) for stage, command in commands.items()}


@dataclass
class Run:
    """One benchmark run: its wall time and the final status of every exec."""

    name: str
    seconds: float
    execs: dict[str, str]  # command -> DONE | CACHED | ERROR


def exec_statuses(log: str) -> dict[str, str]:
    """Command -> last status of each withExec span in a plain progress log."""
    commands: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for line in ANSI.sub("", log).splitlines():
        if start := EXEC_START.match(line):
            commands[start[1]] = start[2].strip()
        elif end := EXEC_END.match(line):
            statuses[end[1]] = end[2]
    return {commands[span]: status for span, status in statuses.items() if span in commands}


async def run_test(name: str, checkout: Path) -> Run:
    """Run `test` on `checkout` in a session of its own; collect what the engine reports."""
    log = io.StringIO()
    async with dagger.connection(dagger.Config(log_output=log)):
        source = dag.host().directory(str(checkout), exclude=SOURCE_IGNORE)
        started = time.monotonic()
        pipeline = await Pipeline.create(source)
        try:
            await pipeline.test()
        except Exception as exc:  # noqa: BLE001 - a red run is still measured
            print(f"  ({name}: test failed: {str(exc).splitlines()[0]})")
        seconds = time.monotonic() - started
    return Run(name, seconds, exec_statuses(log.getvalue()))


def copy_checkout(target: Path) -> Path:
    """The files git tracks here, copied to `target`: a checkout the benchmark may edit."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as a user runs it
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    return target


def touch(checkout: Path) -> None:
    """Change one backend file on disk, as an editor would (a comment line at the top)."""
    path = checkout / TOUCHED
    path.write_text(f"# benchmark edit {time.time_ns()}\n{path.read_text()}")


async def prune() -> None:
    """Empty the engine's cache, so the next run is cold."""
    async with dagger.connection():
        await dag.engine().local_cache().prune()


def report(runs: list[Run]) -> None:
    """Print one line per run: wall time, execs run and cached, stages that ran."""
    stages = stage_commands()
    print(
        f"\n`dagger call test` figures, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.machine()}, {os.cpu_count()} cores"
    )
    print(f"{'run':<44} {'wall':>8} {'ran':>5} {'cached':>7}  stages that ran again")
    for run in runs:
        ran = [c for c, s in run.execs.items() if s == "DONE"]
        cached = [c for c, s in run.execs.items() if s == "CACHED"]
        again = [stage for stage, command in stages.items() if run.execs.get(command) == "DONE"]
        names = ", ".join(again) if len(again) < len(stages) else "all"
        print(
            f"{run.name:<44} {run.seconds:7.1f}s {len(ran):>5} {len(cached):>7}  {names or 'none'}"
        )


async def main() -> None:
    """Cold, warm, and one-file-changed runs on a copy of this checkout, then the figures."""
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        checkout = copy_checkout(Path(tmp))
        await prune()
        runs = [await run_test("cold (engine cache pruned)", checkout)]
        runs.append(await run_test("warm (nothing changed)", checkout))
        touch(checkout)
        runs.append(await run_test(f"after changing {TOUCHED}", checkout))
    report(runs)


if __name__ == "__main__":
    anyio.run(main)
