"""Benchmark the module as users run it: `dagger functions` and `dagger call test`.

Everything goes through the real `dagger` CLI (module mode, `--progress=plain`) in a
temporary copy of this checkout, a git work tree of its own so that the module's
DefaultPath("/") is the copy. The one change is an edit on disk, as a user makes it.
It prints, each row with its wall time:

1. module load: `dagger functions` on a cold engine (its cache emptied first with
   `dagger core engine local-cache prune`: this removes everything the engine has
   cached), then again, warm;
2. `dagger call test` cold (only the module is cached), warm with nothing changed, and
   after changing one backend file: execs run and cached and the stages that ran again,
   read from the engine's own record of every exec in the progress log (CACHED: a hit in
   the engine's cache; DONE or ERROR: evaluated), not guessed from timings;
3. where the warm `dagger call test` time goes: the log's top-level spans (`connect`,
   `load workspace: .`, the function call) with their durations.

Needs `dagger` on PATH and an engine: `tools/engine/up` then `. /run/pipeline-engine/env`,
or a Dagger CLI v0.21.8 with Docker. Run from the repository root:

    .venv/bin/python tools/bench/pipeline_cache.py
"""

import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from ci.profile import commands as profile_commands  # noqa: E402
from ci.stages import backend, database, pipeline_code  # noqa: E402

# The same copy of the checkout and escape-stripping the CLI tier uses (the log is coloured).
from tests.support.dagger_cli import checkout_copy, readable  # noqa: E402
from tools.app_profile import ROOT, profile_of_directory  # noqa: E402

TOUCHED = "app/backend/store/apps.py"
PRUNE = ["core", "engine", "local-cache", "prune"]
# `NN  : ┆ withExec <command>` when an exec span starts, and its status when it ends.
EXEC_START = re.compile(r"^(\d+)\s*:[\s┆]*withExec (.+)$")
EXEC_END = re.compile(r"^(\d+)\s*:[\s┆]*Container\.withExec (DONE|CACHED|ERROR)\b")
# A top-level span ending: no `┆` indent, a name (a log line starts with `[<time>] |`).
SPAN_END = re.compile(r"^(\d+)\s*: ([^\s┆\[].*?) (DONE|CACHED|ERROR) \[([0-9dhms.]+)\]")
DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?")
FUNCTION_CALL = re.compile(r"[A-Z]\w*\.\w+")  # the called function's span: Pipeline.test
ENGINE_VERSION = re.compile(r"server-version=(\S+)")
NO_CLI = (
    "No `dagger` CLI on PATH: run tools/engine/up and source /run/pipeline-engine/env, "
    "or install the Dagger CLI v0.21.8."
)


@dataclass(frozen=True)
class Exec:
    """One withExec span of a progress log: its command and final status."""

    command: str
    status: str  # DONE | CACHED | ERROR


@dataclass(frozen=True)
class Span:
    """One top-level span of a progress log: its name, final status and duration."""

    name: str
    status: str  # DONE | CACHED | ERROR
    seconds: float


@dataclass(frozen=True)
class Run:
    """One `dagger` command: its wall time, exit code and plain progress log (stderr)."""

    name: str
    seconds: float
    exit_code: int
    log: str


def duration_seconds(text: str) -> float:
    """A duration as the progress log prints it (0.0s, 5.4s, 1m32s, 2h3m4s, 1d2h3m4s)."""
    match = DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"not a progress-log duration: {text!r}")
    days, hours, minutes, seconds = (float(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def execs(log: str) -> list[Exec]:
    """Every withExec span of a plain progress log, with its last status, in log order.

    A span is drawn again at each context switch; its last status line is the final one.
    """
    commands: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for line in readable(log).splitlines():
        if start := EXEC_START.match(line):
            commands.setdefault(start[1], start[2].strip())
        elif end := EXEC_END.match(line):
            statuses[end[1]] = end[2]
    return [Exec(commands[span], status) for span, status in statuses.items() if span in commands]


def top_spans(log: str) -> list[Span]:
    """The top-level spans of a plain progress log, in the order they started.

    Each with its last status and duration: `connect`, `load workspace: .`, ...,
    `Pipeline.test`.
    """
    ended: dict[int, Span] = {}
    for line in readable(log).splitlines():
        if end := SPAN_END.match(line):
            ended[int(end[1])] = Span(end[2], end[3], duration_seconds(end[4]))
    return [ended[index] for index in sorted(ended)]


def function_call(log: str) -> Span | None:
    """The span of the function `dagger call` called, if the log has one."""
    return next((s for s in top_spans(log) if FUNCTION_CALL.fullmatch(s.name)), None)


def stage_commands() -> dict[str, str]:
    """The last command of every stage `test` runs, as the progress log prints it."""
    app = profile_of_directory(ROOT)
    back, front = app.backend, app.frontend
    commands = {
        "backend-test": profile_commands.backend_test(back),
        "frontend-test": profile_commands.frontend_test(front) or [],
        "migrations-check": backend.MIGRATIONS_CHECK_COMMAND,
        "migrations-roundtrip": database.roundtrip_commands(back.migration_apps.value)[1],
        "end-to-end": profile_commands.end_to_end(front, "quick") or [],
    }
    lints = {
        "backend": profile_commands.backend_lint(back),
        "frontend": profile_commands.frontend_checks(front),
        "pipeline": pipeline_code.LINT_COMMANDS,
    }
    for part, lint in lints.items():
        for name, command in lint.items():
            commands[f"lint {part} {name}"] = command
    return {stage: shlex.join(command) for stage, command in commands.items()}


def stages_ran_again(found: list[Exec], stages: dict[str, str]) -> str:
    """The stages whose command was evaluated (not a cache hit): `all`, `none` or names."""
    again = [
        stage
        for stage, command in stages.items()
        if any(e.command == command and e.status != "CACHED" for e in found)
    ]
    if len(again) == len(stages):
        return "all"
    return ", ".join(again) or "none"


def run_dagger(cli: str, checkout: Path, name: str, *args: str) -> Run:
    """`dagger --progress=plain <args>` in `checkout`, timed, its log captured."""
    print(f"running: dagger {' '.join(args)}  ({name})", flush=True)
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - the dagger CLI from PATH, fixed arguments
        [cli, "--progress=plain", *args],
        cwd=checkout,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    run = Run(name, time.monotonic() - started, done.returncode, done.stderr)
    if run.exit_code != 0:
        print(f"  ({name}: dagger exited {run.exit_code}: {last_line(run.log)})", flush=True)
    return run


def last_line(log: str) -> str:
    """The last non-empty line of `log`, readable."""
    lines = [line.strip() for line in readable(log).splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def touch(checkout: Path) -> None:
    """Change one backend file on disk, as an editor would (a comment line at the top)."""
    path = checkout / TOUCHED
    path.write_text(f"# benchmark edit {time.time_ns()}\n{path.read_text()}")


def prune(cli: str, checkout: Path) -> None:
    """Empty the engine's cache, so the next run is cold; stop if that fails."""
    run = run_dagger(cli, checkout, "empty the engine cache", *PRUNE)
    if run.exit_code != 0:
        sys.exit(
            f"`dagger {' '.join(PRUNE)}` failed, so no run would be cold: {last_line(run.log)}"
        )


def host_facts(cli: str, log: str) -> str:
    """Date, cores, memory, architecture, the CLI's version and the engine's (from a log)."""
    version = subprocess.run(  # noqa: S603 - the dagger CLI from PATH, fixed arguments
        [cli, "version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    engine = ENGINE_VERSION.search(readable(log))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"{platform.machine()}; CLI: {version or 'dagger version printed nothing'}; "
        f"engine: {engine[1] if engine else 'not in the log'}"
    )


def table_row(run: Run, stages: dict[str, str]) -> str:
    """A run as a Markdown table row: wall, module load, function call, execs, stages."""
    load = next((s for s in top_spans(run.log) if s.name.startswith("load workspace")), None)
    call = function_call(run.log)
    cells = [run.name, f"{run.seconds:.1f} s", f"{load.seconds:.1f} s" if load else "-"]
    if call is None:
        cells += ["-", "-", "-", "-"]
    else:
        found = execs(run.log)
        ran = sum(e.status != "CACHED" for e in found)
        cells += [
            f"{call.status} {call.seconds:.1f} s",
            str(ran),
            str(len(found) - ran),
            stages_ran_again(found, stages),
        ]
    return "| " + " | ".join(cells) + " |"


SPAN_NOTES = {
    "connect": "engine connection, session",
    "load workspace: .": "module load: upload, the Python runtime's registration call",
}


def breakdown(run: Run) -> list[str]:
    """Where a run's wall time goes: its top-level spans, then what lies outside them."""
    spans = top_spans(run.log)
    rows = ["| span | time | status |", "| --- | ---: | --- |"]
    for span in spans:
        note = SPAN_NOTES.get(span.name, "")
        if FUNCTION_CALL.fullmatch(span.name):
            note = "the function call"
        label = f"`{span.name}`" + (f" ({note})" if note else "")
        rows.append(f"| {label} | {span.seconds:.1f} s | {span.status} |")
    outside = run.seconds - sum(span.seconds for span in spans)
    rows.append(f"| outside these spans: CLI start and exit, telemetry flush | {outside:.1f} s | |")
    rows.append(f"| wall | {run.seconds:.1f} s | |")
    return rows


def report(cli: str, loads: list[Run], calls: list[Run]) -> None:
    """Host facts, one table row per run, and the warm `dagger call test` breakdown."""
    stages = stage_commands()
    print(f"\nFigures: {host_facts(cli, loads[0].log)}\n")
    print("| run | wall | load workspace | function call | execs run | cached | stages run again |")
    print("| --- | ---: | ---: | --- | ---: | ---: | --- |")
    for run in loads + calls:
        print(table_row(run, stages))
    warm = calls[1]
    print(f"\nWhere the warm time goes ({warm.name}):\n")
    print("\n".join(breakdown(warm)))


@contextmanager
def bench_checkout() -> Iterator[tuple[str, Path]]:
    """The `dagger` CLI on PATH and a temporary copy of this checkout; stops without a CLI."""
    cli = shutil.which("dagger")
    if cli is None:
        sys.exit(NO_CLI)
    with tempfile.TemporaryDirectory(prefix="bench-checkout-") as tmp:
        yield cli, checkout_copy(Path(tmp))


def main() -> None:
    """Module load cold and warm, then `test` cold, warm and after a one-file change."""
    with bench_checkout() as (cli, checkout):
        prune(cli, checkout)
        loads = [
            run_dagger(
                cli, checkout, "`dagger functions`, cold (engine cache pruned)", "functions"
            ),
            run_dagger(cli, checkout, "`dagger functions`, warm", "functions"),
        ]
        calls = [
            run_dagger(
                cli, checkout, "`dagger call test`, cold (only the module cached)", "call", "test"
            ),
            run_dagger(cli, checkout, "`dagger call test`, warm (nothing changed)", "call", "test"),
        ]
        touch(checkout)
        calls.append(
            run_dagger(
                cli, checkout, f"`dagger call test`, after changing `{TOUCHED}`", "call", "test"
            )
        )
    report(cli, loads, calls)


if __name__ == "__main__":
    main()
