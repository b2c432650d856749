"""What `ci` runs for each event: the scheduled checks, the checks, or a release."""

from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

import pytest
from dagger import dag

from ci.choices import Environment, Suite
from ci.errors import PipelineError
from ci.events import HEALTH_CRON, Decision, decide
from ci.flows.event_run import EventRuns, run, summarised
from ci.flows.release import ReleaseRequest
from ci.stages import summaries

SECRET = dag.set_secret("token", "value")  # lazy: nothing reaches an engine
COMPLETE = ReleaseRequest(
    git_ref="refs/heads/main",
    revision="a" * 40,
    registry="ghcr.io/acme/shop",
    username="ci",
    password=SECRET,
    ssh_key=SECRET,
    database_url=SECRET,
    secret_key=SECRET,
    key=SECRET,
)


def runs(ran: list[object]) -> EventRuns:
    """Runs that record what they were called with in `ran`."""

    async def record(what: object) -> str:
        ran.append(what)
        return "ran"

    return EventRuns(watch=record, checks=record, release=record)


async def ran_for(decision: Decision, request: ReleaseRequest = COMPLETE) -> list[object]:
    ran: list[object] = []
    outcome: Awaitable[str] = run(decision, runs(ran), request)
    assert await outcome == "ran"
    return ran


@pytest.mark.asyncio
async def test_a_pull_request_runs_the_quick_checks() -> None:
    assert await ran_for(decide("pull_request", "refs/pull/42/merge")) == [Suite.QUICK]


@pytest.mark.asyncio
async def test_a_scheduled_run_watches_and_releases_nothing() -> None:
    decision = decide("schedule", "refs/heads/main", schedule=HEALTH_CRON)
    assert await ran_for(decision) == [decision]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("ref", "env"),
    [("refs/heads/main", Environment.STAGING), ("refs/tags/v1.2.3", Environment.PRODUCTION)],
)
async def test_a_release_goes_to_the_decided_environment_with_the_full_suite(
    ref: str, env: Environment
) -> None:
    (released,) = await ran_for(decide("push", ref))
    assert isinstance(released, ReleaseRequest)
    assert (released.env, released.suite) == (env, Suite.FULL)
    assert released.registry == COMPLETE.registry


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ({"registry": ""}, "--registry"),
        ({"ssh_key": None}, "--ssh-key"),
        ({"key": None}, "--key or --identity-token"),
    ],
)
def test_a_release_without_an_argument_it_needs_names_it_and_runs_nothing(
    missing: dict[str, Any], named: str
) -> None:
    ran: list[object] = []
    request = replace(COMPLETE, **missing)
    with pytest.raises(PipelineError) as caught:
        run(decide("push", "refs/heads/main"), runs(ran), request)
    assert str(caught.value) == (
        f"push to main: release to staging needs {named}: pass them from the job's secrets."
    )
    assert ran == []


@pytest.mark.asyncio
async def test_keyless_signing_stands_in_for_a_key() -> None:
    request = replace(COMPLETE, key=None, identity_token=SECRET)
    assert len(await ran_for(decide("push", "refs/heads/main"), request)) == 1


@pytest.mark.asyncio
async def test_the_summary_and_the_handed_over_reports_are_kept_also_after_a_red_run() -> None:
    kept: list[tuple[str, summaries.Reports]] = []
    load_run = dag.container()  # lazy: nothing reaches an engine

    async def keep(markdown: str, reports: summaries.Reports) -> None:
        kept.append((markdown, dict(reports)))

    async def red_run() -> str:
        summaries.hand_over("load-test", load_run, "/reports")
        raise PipelineError("load-test failed")

    decision = decide("pull_request", "refs/pull/42/merge")
    with pytest.raises(PipelineError, match="load-test failed"):
        await summarised(decision, red_run(), keep)
    assert kept == [(f"## {decision.why}\n\n\n", {"load-test": (load_run, "/reports")})]


def test_reports_handed_over_outside_a_ci_run_are_not_collected() -> None:
    summaries.hand_over("load-test", dag.container(), "/reports")  # no collection: ignored
    with summaries.collected_reports() as reports:
        pass
    assert reports == {}
