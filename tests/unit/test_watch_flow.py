"""A scheduled run's checks: each watched environment's, by the kind of watch."""

import pytest

from ci.choices import Environment
from ci.errors import PipelineError
from ci.events import HEALTH_CRON, SECURITY_CRON, decide
from ci.flows.watch import EnvCheck, WatchChecks, stages, watched


def checks(ran: list[str], failing: str = "") -> WatchChecks:
    """Checks that record `kind env` in `ran`; the one named `failing` fails."""

    def check(kind: str) -> EnvCheck:
        async def run(env: Environment) -> str:
            name = f"{kind} {env.value}"
            ran.append(name)
            if name == failing:
                raise PipelineError(f"{name} broke")
            return f"{name} passed"

        return run

    return WatchChecks(smoke=check("smoke"), load=check("load"), vulnerabilities=check("gate"))


def test_the_health_watch_smoke_and_load_tests_each_environment() -> None:
    decision = decide("schedule", "refs/heads/main", schedule=HEALTH_CRON)
    assert set(stages(decision, checks([]))) == {
        "smoke staging",
        "load staging",
        "smoke production",
        "load production",
    }


def test_the_security_watch_gates_what_each_environment_runs() -> None:
    decision = decide("schedule", "refs/heads/main", schedule=SECURITY_CRON)
    assert set(stages(decision, checks([]))) == {
        "vulnerabilities staging",
        "vulnerabilities production",
    }


@pytest.mark.asyncio
async def test_each_stage_checks_its_own_environment() -> None:
    ran: list[str] = []
    await watched(decide("schedule", "refs/heads/main", schedule=SECURITY_CRON), checks(ran))
    assert sorted(ran) == ["gate production", "gate staging"]


@pytest.mark.asyncio
async def test_a_failing_check_fails_the_run_after_every_check_ran() -> None:
    ran: list[str] = []
    decision = decide("schedule", "refs/heads/main", schedule=HEALTH_CRON)
    with pytest.raises(PipelineError, match="load production"):
        await watched(decision, checks(ran, failing="load production"))
    assert len(ran) == 4
