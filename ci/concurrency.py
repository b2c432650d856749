"""Run independent stages at the same time and keep every stage's result."""

import time
from collections.abc import Awaitable, Callable, Mapping

import anyio

from ci.report import StageResult, failure_text

Stage = Callable[[], Awaitable[str]]


async def run_stages(stages: Mapping[str, Stage]) -> list[StageResult]:
    """Run every stage concurrently; a failing stage becomes a failed result, not a crash.

    Results come back in the order the stages were given.
    """
    results: dict[str, StageResult] = {}

    async def run_one(name: str, stage: Stage) -> None:
        started = time.monotonic()
        try:
            output = await stage()
        except Exception as exc:  # noqa: BLE001 - every failure is reported with the others
            results[name] = StageResult(name, False, time.monotonic() - started, failure_text(exc))
        else:
            results[name] = StageResult(name, True, time.monotonic() - started, output)

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
