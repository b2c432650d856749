"""Results of stages run together: a summary table, and what a failure shows."""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table

from ci.errors import PipelineError

TAIL_LINES = 60


@dataclass(frozen=True)
class StageResult:
    """What one stage did: whether it passed, how long it took, its output.

    `cached` is true when every command of the stage came from the engine's cache;
    `artifacts` names where its reports are, e.g. the function that exports them;
    `skipped` says why the stage did not run (the app has no such suite): not a failure;
    `notes` is what a green result would otherwise hide, e.g. `flaky: 1 (spec)`.
    """

    name: str
    passed: bool
    seconds: float
    output: str
    cached: bool = False
    artifacts: str = ""
    skipped: str = ""
    notes: str = ""


class StageSkipped(Exception):
    """Raised by a stage that does not apply to the app, with the reason (shown, not failed)."""


def tail(text: str, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of `text`, saying how many were left out."""
    all_lines = text.rstrip("\n").splitlines()
    if len(all_lines) <= lines:
        return "\n".join(all_lines)
    kept = all_lines[-lines:]
    return "\n".join([f"[... {len(all_lines) - lines} earlier lines]", *kept])


def failure_text(exc: BaseException) -> str:
    """Describe a stage's failure: the command, its exit code and the end of its output.

    Exec failures (dagger.ExecError) carry `command`, `exit_code`, `stdout` and
    `stderr`; anything else is described by its message.
    """
    command = getattr(exc, "command", None)
    exit_code = getattr(exc, "exit_code", None)
    if command is None or exit_code is None:
        return str(exc) or type(exc).__name__
    parts = [f"`{' '.join(command)}` exited with code {exit_code}."]
    for stream in ("stdout", "stderr"):
        text = getattr(exc, stream, "") or ""
        if text.strip():
            parts.append(f"--- {stream} ---\n{tail(text)}")
    return "\n".join(parts)


# How the errors a user can cause end a Django command's output: a management command's
# own error, and settings it could not use (a DATABASE_URL that is no URL, no SECRET_KEY).
USER_ERRORS = ("CommandError: ", "django.core.exceptions.ImproperlyConfigured: ")


def command_error(stderr: str) -> str | None:
    """The message of a failed Django command caused by its input (see USER_ERRORS)."""
    for line in reversed(stderr.splitlines()):
        for prefix in USER_ERRORS:
            if line.startswith(prefix):
                return line.removeprefix(prefix).strip()
    return None


COLUMNS = ("Stage", "Result", "Time", "Cached", "Artifacts")


def _rows(results: list[StageResult]) -> list[tuple[str, str, str, str, str]]:
    """The table's rows, failing stages first, each in the order it was run."""
    ordered = sorted(results, key=lambda r: r.passed)
    return [
        (
            r.name,
            "SKIP" if r.skipped else "PASS" if r.passed else "FAIL",
            f"{r.seconds:.1f}s",
            "yes" if r.cached else "no",
            r.artifacts,
        )
        for r in ordered
    ]


def summary(results: list[StageResult]) -> str:
    """The results as a plain-text table (rich): stage, result, time, cached, artifacts."""
    table = Table(*COLUMNS, box=box.SIMPLE_HEAD, pad_edge=False)
    table.columns[2].justify = "right"
    for row in _rows(results):
        table.add_row(*row)
    out = io.StringIO()
    Console(file=out, width=160, color_system=None, force_terminal=False).print(table)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    return "\n".join([*(line for line in lines if line), *_notes(results)])


def _notes(results: list[StageResult]) -> list[str]:
    """What the table's rows cannot say, below it: why a stage was skipped, its notes."""
    skipped = [f"{r.name} skipped: {r.skipped}." for r in results if r.skipped]
    return [*skipped, *(f"{r.name}: {r.notes}" for r in results if r.notes)]


def summary_markdown(title: str, results: list[StageResult]) -> str:
    """The results as Markdown for GitHub's job summary: the table, then each failure's tail."""
    lines = [f"### {title}", "", f"| {' | '.join(COLUMNS)} |", f"|{'---|' * len(COLUMNS)}"]
    for name, result, seconds, cached, artifacts in _rows(results):
        mark = {"PASS": "✅", "SKIP": "⏭️"}.get(result, "❌")
        code = f"`{artifacts}`" if artifacts else ""
        lines.append(f"| {name} | {mark} {result} | {seconds} | {cached} | {code} |")
    notes = _notes(results)
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    for failed in (r for r in results if not r.passed):
        output = tail(failed.output)
        fence = "`" * (max((len(run) for run in re.findall("`+", output)), default=0) + 3)
        lines += ["", f"#### {failed.name}", "", f"{fence}text", output, fence]
    return "\n".join(lines)


# Markdown tables of the composite functions run while a caller collects them.
_MARKDOWN: ContextVar[list[str] | None] = ContextVar("markdown", default=None)


@contextmanager
def collected_markdown() -> Iterator[list[str]]:
    """Collect the Markdown summary of every `require_passed` run inside the block."""
    tables: list[str] = []
    token = _MARKDOWN.set(tables)
    try:
        yield tables
    finally:
        _MARKDOWN.reset(token)


def add_markdown(markdown: str) -> None:
    """Add `markdown` (e.g. a passing gate's figures) to the summary being collected, if any."""
    tables = _MARKDOWN.get()
    if tables is not None:
        tables.append(markdown)


def require_passed(what: str, results: list[StageResult]) -> str:
    """Return the summary if every stage passed; otherwise raise it with each failure's output."""
    add_markdown(summary_markdown(what, results))
    failed = [r for r in results if not r.passed]
    if not failed:
        return summary(results)
    names = ", ".join(r.name for r in failed)
    where = "" if names == what else f" in {names}"
    details = "\n\n".join(f"=== {r.name} ===\n{r.output}" for r in failed)
    raise PipelineError(
        f"{what} failed{where}; the failing output is below.\n\n{summary(results)}\n\n{details}"
    )
