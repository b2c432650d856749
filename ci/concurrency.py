"""Run independent stages at the same time and keep every stage's result."""

import time
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import TypeVar

import anyio
import dagger
from dagger import telemetry
from opentelemetry.trace import StatusCode

from ci.publishing import is_content_race
from ci.report import StageResult, StageSkipped, failure_text

Stage = Callable[[], Awaitable[str]]
T = TypeVar("T")

# When each command a stage read the output of last really ran (see output_of).
_RAN_AT: ContextVar[list[float] | None] = ContextVar("ran_at", default=None)
# What the running stage noted for its summary row (see note).
_NOTES: ContextVar[list[str] | None] = ContextVar("notes", default=None)


def note(text: str) -> None:
    """Add `text` (e.g. `flaky: 1 (...)`) to the summary of the stage running now.

    Outside `run_stages`, and for an empty `text`, it does nothing.
    """
    notes = _NOTES.get()
    if notes is not None and text:
        notes.append(text)


async def output_of(container: dagger.Container) -> str:
    """The stdout of `container`'s last command, noting when that command really ran.

    A `date` run right after the command is cached together with it, so the time it
    prints is the time the command last ran: earlier than the stage's start means the
    engine served the command from its cache.
    """
    output = await container.stdout()
    marks = _RAN_AT.get()
    if marks is not None:
        marks.append(float(await container.with_exec(["date", "+%s.%N"]).stdout()))
    return output


async def run_stages(stages: Mapping[str, Stage]) -> list[StageResult]:
    """Run every stage concurrently; a failing stage becomes a failed result, not a crash.

    Results come back in the order the stages were given; a stage that raises
    StageSkipped is shown as skipped with its reason. A stage counts as cached when
    every command it read through `output_of` came from the engine's cache. Each stage is
    a span named after it, so the Dagger UI shows its commands under its name.
    """
    results: dict[str, StageResult] = {}
    tracer = telemetry.get_tracer()

    async def run_one(name: str, stage: Stage) -> None:
        outer, marks = _RAN_AT.get(), list[float]()
        _RAN_AT.set(marks)  # this task's own context: stages run side by side
        outer_notes, notes = _NOTES.get(), list[str]()
        _NOTES.set(notes)
        started, wall_start = time.monotonic(), time.time()
        # The span says only that the stage failed: its error (our sentence, not a Python
        # class) is the function's, and the output is in the summary.
        with tracer.start_as_current_span(
            name, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                output = await stage()
            except StageSkipped as skipped:
                results[name] = StageResult(name, True, 0.0, str(skipped), skipped=str(skipped))
            except Exception as exc:  # noqa: BLE001 - every failure is reported with the others
                span.set_status(StatusCode.ERROR, f"{name} failed")
                seconds = time.monotonic() - started
                text = failure_text(exc)
                results[name] = StageResult(name, False, seconds, text, notes="; ".join(notes))
            else:
                cached = bool(marks) and max(marks) < wall_start
                seconds = time.monotonic() - started
                results[name] = StageResult(
                    name, True, seconds, output, cached, notes="; ".join(notes)
                )
        if outer is not None:
            outer.extend(marks)
        if outer_notes is not None:  # a stage inside a stage: its notes are the outer's too
            outer_notes.extend(notes)

    async with anyio.create_task_group() as group:
        for name, stage in stages.items():
            group.start_soon(run_one, name, stage)
    return [results[name] for name in stages]


async def run_in_order(stages: Mapping[str, Stage]) -> list[StageResult]:
    """Run the stages one after the other, stopping after the first that fails."""
    results = []
    for name, stage in stages.items():
        (result,) = await run_stages({name: stage})
        results.append(result)
        if not result.passed:
            break
    return results


async def past_content_races(
    call: Callable[[], Awaitable[T]], tries: int = 3, pause: float = 1.0
) -> T:
    """`call()`, tried again (`tries` in all) while it meets the engine's content-store race.

    Two exports of the same layer at once (a push, an image tarball, in concurrent stages
    or test workers) can fail one of them with `ref ... locked ...: unavailable`
    (publishing.is_content_race); the blob is whole a moment later. Other errors raise.
    """
    for attempt in range(tries - 1):
        try:
            return await call()
        except dagger.QueryError as exc:
            if not is_content_race(str(exc)):
                raise
            await anyio.sleep(pause * (1 + attempt))
    return await call()
