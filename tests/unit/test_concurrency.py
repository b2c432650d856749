from collections.abc import Awaitable, Callable
from types import SimpleNamespace

import anyio
import dagger
import pytest
from dagger._exceptions import QueryErrorValue

from ci.concurrency import note, past_content_races, run_stages


@pytest.mark.asyncio
async def test_stages_run_at_the_same_time() -> None:
    started: list[str] = []
    both_started = anyio.Event()

    async def stage(name: str) -> str:
        started.append(name)
        if len(started) == 2:
            both_started.set()
        with anyio.fail_after(5):
            await both_started.wait()  # deadlocks unless the other stage runs concurrently
        return f"{name} ok"

    results = await run_stages({"a": lambda: stage("a"), "b": lambda: stage("b")})
    outcomes = [(r.name, r.passed, r.output) for r in results]
    assert outcomes == [("a", True, "a ok"), ("b", True, "b ok")]


@pytest.mark.asyncio
async def test_a_failure_is_a_result_and_does_not_cancel_the_others() -> None:
    async def failing() -> str:
        raise RuntimeError("boom")

    async def slow() -> str:
        await anyio.sleep(0.05)
        return "finished"

    results = await run_stages({"fails": failing, "slow": slow})
    assert [(r.name, r.passed, r.output) for r in results] == [
        ("fails", False, "boom"),
        ("slow", True, "finished"),
    ]
    assert all(r.seconds >= 0 for r in results)


@pytest.mark.asyncio
async def test_a_stage_s_notes_reach_its_result_and_the_stage_around_it() -> None:
    async def retried() -> str:
        note("flaky: 1 (spec)")
        return "4 passed"

    async def failing() -> str:
        note("flaky: 1 (other)")
        raise RuntimeError("boom")

    async def around() -> str:
        (inner,) = await run_stages({"inner": retried})
        note("")  # nothing to say: no note
        return inner.output

    note("outside any stage: kept nowhere")
    results = await run_stages({"e2e": retried, "red": failing, "plain": lambda: plain()})
    assert [(r.name, r.notes) for r in results] == [
        ("e2e", "flaky: 1 (spec)"),
        ("red", "flaky: 1 (other)"),
        ("plain", ""),
    ]
    (outer,) = await run_stages({"test": around})
    assert outer.notes == "flaky: 1 (spec)"


async def plain() -> str:
    return "ok"


RACE = "failed to open writer: ref dagger/1/x locked for 26ms (since ...): unavailable"


def query_error(message: str) -> dagger.QueryError:
    """A QueryError as the SDK raises it for an engine error with `message`."""
    return dagger.QueryError([QueryErrorValue(message)], SimpleNamespace(document=""))  # type: ignore[arg-type]


def flaky(*failures: str) -> tuple[list[int], Callable[[], Awaitable[str]]]:
    """A call failing with each of `failures` in turn, then answering "done"; its calls."""
    calls: list[int] = []

    async def call() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise query_error(failures[len(calls) - 1])
        return "done"

    return calls, call


@pytest.mark.asyncio
async def test_an_export_that_met_the_content_store_race_is_tried_again() -> None:
    calls, call = flaky(RACE, RACE)
    assert await past_content_races(call, pause=0) == "done"
    assert len(calls) == 3


@pytest.mark.asyncio
async def test_the_race_every_time_raises_after_the_last_try() -> None:
    calls, call = flaky(RACE, RACE, RACE)
    with pytest.raises(dagger.QueryError, match="locked"):
        await past_content_races(call, pause=0)
    assert len(calls) == 3


@pytest.mark.asyncio
async def test_any_other_engine_error_raises_at_once() -> None:
    calls, call = flaky("unauthorized: authentication required")
    with pytest.raises(dagger.QueryError, match="unauthorized"):
        await past_content_races(call, pause=0)
    assert len(calls) == 1
