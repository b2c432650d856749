"""Results of stages run together: a summary line each, and what a failure shows."""

from dataclasses import dataclass

from ci.errors import PipelineError

TAIL_LINES = 60


@dataclass(frozen=True)
class StageResult:
    """What one stage did: its name, whether it passed, how long it took, its output."""

    name: str
    passed: bool
    seconds: float
    output: str


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


def command_error(stderr: str) -> str | None:
    """The message of a failed Django management command (its `CommandError: ...` line)."""
    prefix = "CommandError: "
    for line in reversed(stderr.splitlines()):
        if line.startswith(prefix):
            return line.removeprefix(prefix).strip()
    return None


def summary(results: list[StageResult]) -> str:
    """One line per stage: PASS/FAIL, name, seconds."""
    width = max((len(r.name) for r in results), default=0)
    return "\n".join(
        f"{'PASS' if r.passed else 'FAIL'}  {r.name.ljust(width)}  {r.seconds:6.1f}s"
        for r in results
    )


def require_passed(what: str, results: list[StageResult]) -> str:
    """Return the summary if every stage passed; otherwise raise it with each failure's output."""
    failed = [r for r in results if not r.passed]
    if not failed:
        return summary(results)
    names = ", ".join(r.name for r in failed)
    where = "" if names == what else f" in {names}"
    details = "\n\n".join(f"=== {r.name} ===\n{r.output}" for r in failed)
    raise PipelineError(
        f"{what} failed{where}; the failing output is below.\n\n{summary(results)}\n\n{details}"
    )
