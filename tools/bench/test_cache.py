"""Benchmark `test` on the reference app: cold, warm, and after touching one backend file.

For each run it prints the wall time and which stages ran again, read from the
engine's own record of every exec in the session's progress log (DONE: it ran;
CACHED: a cache hit), not guessed from timings. The cold run starts from an empty
engine cache (pruned first), so it removes everything the engine has cached.

Needs an engine: `tools/engine/up` then `. /run/pipeline-engine/env`, or a Dagger
CLI on a machine with Docker. Run from the repository root:

    .venv/bin/python tools/bench/test_cache.py
"""

import io
import os
import platform
import re
import shlex
import sys
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
        "e2e": frontend.E2E_COMMANDS["quick"],
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


async def run_test(name: str, touch: bool = False) -> Run:
    """Run `test` in a session of its own and collect what the engine reports.

    With `touch`, one backend file gets a new comment line first (a content change:
    Dagger keys its cache on content, not timestamps).
    """
    log = io.StringIO()
    async with dagger.connection(dagger.Config(log_output=log)):
        source = repository()
        if touch:
            original = await source.file(TOUCHED).contents()
            source = source.with_new_file(TOUCHED, f"{original}\n# touched {time.time_ns()}\n")
        started = time.monotonic()
        pipeline = await Pipeline.create(source)
        try:
            await pipeline.test()
        except Exception as exc:  # noqa: BLE001 - a red run is still measured
            print(f"  ({name}: test failed: {str(exc).splitlines()[0]})")
        seconds = time.monotonic() - started
    return Run(name, seconds, exec_statuses(log.getvalue()))


def repository() -> dagger.Directory:
    """The checkout, minus what the module's --source ignores."""
    return dag.host().directory(str(REPO), exclude=SOURCE_IGNORE)


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
    """Cold, warm, and touched runs, then the figures."""
    await prune()
    runs = [await run_test("cold (engine cache pruned)")]
    runs.append(await run_test("warm (nothing changed)"))
    runs.append(await run_test(f"after changing {TOUCHED}", touch=True))
    report(runs)


if __name__ == "__main__":
    anyio.run(main)
