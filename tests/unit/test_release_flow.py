"""A release's steps in order: the performance gates between the tests and the scan."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from ci.errors import PipelineError
from ci.flows.deploy import Published
from ci.flows.release import ReleaseSteps, released

PUBLISHED = Published("reg/b@sha256:1", "reg/f@sha256:2", ["main"])


def steps(ran: list[str], performance: bool, failing: str = "") -> ReleaseSteps:
    """Steps that record their names in `ran`; the one named `failing` raises."""

    def step(name: str) -> Callable[..., Awaitable[Any]]:
        async def run(*_: object) -> Any:
            ran.append(name)
            if name == failing:
                raise PipelineError(f"{name} broke")
            return PUBLISHED if name == "publish" else name

        return run

    return ReleaseSteps(
        test=step("test"),
        scan=step("scan"),
        publish=step("publish"),
        sign=step("sign"),
        deploy=step("deploy"),
        performance=step("performance") if performance else None,
    )


@pytest.mark.asyncio
async def test_the_performance_gates_run_after_the_tests_and_before_anything_is_published() -> None:
    ran: list[str] = []
    await released(steps(ran, performance=True), "staging", None)
    assert ran == ["test", "performance", "scan", "publish", "sign", "deploy"]


@pytest.mark.asyncio
async def test_without_them_a_release_goes_from_the_tests_to_the_scan() -> None:
    ran: list[str] = []
    await released(steps(ran, performance=False), "staging", None)
    assert ran == ["test", "scan", "publish", "sign", "deploy"]


@pytest.mark.asyncio
async def test_a_failing_performance_gate_stops_the_release_before_the_scan() -> None:
    ran: list[str] = []
    told: list[str] = []

    async def notify(outcome: str) -> None:
        told.append(outcome)

    with pytest.raises(PipelineError, match="release failed in performance"):
        await released(steps(ran, True, failing="performance"), "staging", notify)
    assert ran == ["test", "performance"]
    assert told == ["failed at performance"]
