import pytest

from ci.choices import Environment, Suite
from ci.errors import PipelineError
from ci.events import HEALTH_CRON, SECURITY_CRON, Decision, Watch, decide, missing_arguments


def test_a_pull_request_runs_the_quick_checks_only() -> None:
    decision = decide("pull_request", "refs/pull/42/merge")
    assert (decision.suite, decision.release_to) == (Suite.QUICK, None)


def test_a_push_to_main_releases_to_staging_after_the_full_checks() -> None:
    decision = decide("push", "refs/heads/main")
    assert (decision.suite, decision.release_to) == (Suite.FULL, Environment.STAGING)


def test_a_version_tag_releases_to_production() -> None:
    decision = decide("push", "refs/tags/v1.2.3")
    assert (decision.suite, decision.release_to) == (Suite.FULL, Environment.PRODUCTION)


def test_another_branch_runs_the_checks() -> None:
    decision = decide("push", "refs/heads/feature/cart")
    assert (decision.suite, decision.release_to) == (Suite.QUICK, None)
    assert decision.why == "push to feature/cart: checks"


def test_other_tags_are_refused() -> None:
    with pytest.raises(PipelineError, match=r"tags must look like v1\.2\.3"):
        decide("push", "refs/tags/nightly")


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_a_manual_run_releases_to_the_chosen_environment(environment: str) -> None:
    decision = decide("workflow_dispatch", "refs/heads/main", environment)
    assert decision.release_to == Environment(environment)


@pytest.mark.parametrize("environment", ["", "prod"])
def test_a_manual_run_needs_a_known_environment(environment: str) -> None:
    with pytest.raises(PipelineError, match="A manual run needs --environment"):
        decide("workflow_dispatch", "refs/heads/main", environment)


def test_an_unknown_event_is_one_sentence() -> None:
    with pytest.raises(PipelineError) as caught:
        decide("release", "refs/heads/main")
    assert str(caught.value) == (
        "ci does not handle the event 'release': use one of pull_request, push, "
        "workflow_dispatch, schedule."
    )


def test_the_health_schedule_watches_both_environments_smoke_and_load() -> None:
    decision = decide("schedule", "refs/heads/main", schedule=HEALTH_CRON)
    assert decision == Decision(
        Suite.QUICK,
        None,
        "schedule: smoke test and a bounded load test of staging and production",
        Watch.HEALTH,
        (Environment.STAGING, Environment.PRODUCTION),
    )


def test_the_security_schedule_gates_the_images_both_environments_run() -> None:
    decision = decide("schedule", "refs/heads/main", "staging", SECURITY_CRON)
    assert decision.watch == Watch.SECURITY
    assert decision.watched == (Environment.STAGING, Environment.PRODUCTION)
    assert decision.release_to is None
    assert decision.why == (
        "schedule: the vulnerability gate on the images it runs of staging and production"
    )


@pytest.mark.parametrize("cron", ["", "0 0 * * *", HEALTH_CRON + " "])
def test_a_schedule_the_pipeline_does_not_know_is_one_sentence(cron: str) -> None:
    with pytest.raises(PipelineError) as caught:
        decide("schedule", "refs/heads/main", schedule=cron)
    assert str(caught.value) == (
        f"ci has no scheduled check for the cron {cron!r}: pass "
        "--schedule=${{ github.event.schedule }}, one of '17 */4 * * *' or '43 5 * * 1' "
        "(ci/events.py)."
    )


def test_a_scheduled_run_without_its_cron_says_to_pass_it() -> None:
    with pytest.raises(PipelineError, match=r"for the cron '': pass --schedule="):
        decide("schedule", "refs/heads/main")


def test_only_scheduled_runs_watch() -> None:
    for event, ref, environment in (
        ("pull_request", "refs/pull/1/merge", ""),
        ("push", "refs/heads/main", ""),
        ("workflow_dispatch", "refs/heads/main", "production"),
    ):
        decision = decide(event, ref, environment, HEALTH_CRON)
        assert (decision.watch, decision.watched) == (None, ())


@pytest.mark.parametrize(
    ("event", "ref", "why"),
    [
        ("pull_request", "refs/pull/42/merge", "pull request: the checks"),
        ("push", "refs/heads/main", "push to main: release to staging"),
        ("push", "refs/tags/v1.2.3", "refs/tags/v1.2.3: release to production"),
    ],
)
def test_each_decision_says_why_in_the_words_of_the_event(event: str, ref: str, why: str) -> None:
    assert decide(event, ref).why == why


def test_a_manual_run_runs_the_full_checks_before_its_release() -> None:
    decision = decide("workflow_dispatch", "refs/heads/feature/cart", "staging")
    assert decision == Decision(Suite.FULL, Environment.STAGING, "manual run: release to staging")


def test_a_manual_run_without_an_environment_lists_the_choices() -> None:
    with pytest.raises(PipelineError) as caught:
        decide("workflow_dispatch", "refs/heads/main")
    message = str(caught.value)
    assert message == "A manual run needs --environment, one of staging, production (got '')."
    choices = message.split("one of ")[1].split(" (")[0].split(", ")
    for choice in choices:
        assert decide("workflow_dispatch", "refs/heads/main", choice).release_to == Environment(
            choice
        )


def test_a_release_without_its_arguments_names_only_those_missing() -> None:
    decision = decide("push", "refs/heads/main")
    given: dict[str, object] = {"--registry": "ghcr.io/a/b", "--username": "", "--ssh-key": None}
    error = missing_arguments(decision, given)
    assert str(error) == (
        "push to main: release to staging needs --username, --ssh-key: pass them from the "
        "job's secrets."
    )
