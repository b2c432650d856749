"""The load test as the engine would run it, read from the lazy plan (no engine)."""

import json
from dataclasses import replace

import pytest

from ci import load
from ci.choices import LoadTarget
from ci.errors import PipelineError
from ci.profile import Found
from ci.stages import e2e, locust
from tests.support import plan
from tests.support.pipeline import make_pipeline
from tests.support.profiles import REFERENCE_PROFILE

SCENARIO = "app/backend/tests/load/locustfile.py"


def run_of(users: int, spawn_rate: float, duration: int) -> dict[str, float]:
    """A load test's chosen settings, as `budgets.settled` gives them."""
    return {"users": users, "spawn_rate": spawn_rate, "duration": duration}


def test_the_reference_apps_scenario_is_found_where_it_is() -> None:
    assert REFERENCE_PROFILE.backend.load_scenario.value == SCENARIO


@pytest.mark.asyncio
async def test_locust_runs_headless_with_the_users_ramp_duration_and_reports_asked() -> None:
    planned, run = await make_pipeline()._load_run(LoadTarget.STACK, run_of(20, 5, 10))
    assert planned == load.LoadRun(20, 5, 10, "http://frontend:8080")
    assert plan.execs(run)[-1] == [
        "locust",
        "--locustfile=/load/scenario/locustfile.py",
        "--headless",
        "--users=20",
        "--spawn-rate=5",
        "--run-time=10s",
        "--host=http://frontend:8080",
        "--csv=/load/reports/locust",
        "--html=/load/reports/locust.html",
        "--only-summary",
    ]
    # Locust's exit code (1 on any failed request) does not decide: the budgets do.
    assert str(plan.named(run, "withExec")[-1].args["expect"]) == "ANY"
    # Run afresh every call: measured figures are never a cached result.
    assert "LOAD_RUN" in plan.env(run)


@pytest.mark.asyncio
async def test_locust_installs_from_the_modules_hash_pinned_lock_before_the_scenario() -> None:
    _, run = await make_pipeline()._load_run(LoadTarget.STACK, run_of(1, 1, 1))
    install = plan.position(
        run, "withExec", args=["pip", "install", "--require-hashes", "-r", "requirements.lock"]
    )
    scenario = plan.position(run, "withDirectory", path=locust.SCENARIO_DIR)
    assert install < scenario
    lock = locust.LOCK.read_text()
    assert "locust==2.47." in lock
    assert "--hash=sha256:" in lock
    assert "--index-url" not in lock
    assert "://" not in lock


@pytest.mark.asyncio
async def test_the_stack_is_end_to_ends_own_kind_reached_through_the_frontends_nginx() -> None:
    _, run = await make_pipeline()._load_run(LoadTarget.STACK, run_of(1, 1, 1))
    frontend = plan.bound(run, e2e.FRONTEND_ALIAS)
    assert plan.named(frontend, "from")[0].args["address"] == "nginx:1.29-alpine-slim"
    backend = plan.bound(frontend, e2e.BACKEND_ALIAS)
    script = plan.named(backend, "asService")[0].args["args"][-1]
    assert "load_demo_data" in script
    assert "gunicorn" in script
    # A stack and a database of its own: end-to-end may run beside it.
    assert plan.env(backend)["RELEASE"] == locust.STACK != e2e.RELEASE
    database = plan.bound(backend, "db")
    assert plan.env(database)["PIPELINE_DATABASE_OWNER"] == locust.STACK


def test_against_an_environment_the_run_is_capped_and_places_no_orders() -> None:
    url = "https://staging.printshop.example.com"
    planned = load.planned(100, 10, 60, url, "staging")
    run = locust.locust_run(make_pipeline()._load_runner(), SCENARIO, planned)
    command = plan.execs(run)[-1]
    assert "--users=20" in command
    assert "--run-time=30s" in command
    assert f"--host={url}" in command
    assert command[-1] == "--exclude-tags=checkout"
    # No stack bound: the environment is reached at its public URL.
    assert not plan.named(run, "withServiceBinding")
    assert planned.described().endswith(
        "Bounded on staging: 100 users capped to 20, 60 s capped to 30 s."
    )


@pytest.mark.asyncio
async def test_an_app_without_a_scenario_skips_the_load_test_saying_why() -> None:
    backend = replace(REFERENCE_PROFILE.backend, load_scenario=Found("", "no locustfile.py"))
    profile = replace(REFERENCE_PROFILE, backend=backend)
    pipeline = make_pipeline(profile_json=json.dumps(profile.as_dict()))
    assert await pipeline.load_test() == (
        "load-test: skipped, no Locust scenario (no locustfile.py); add one, or set "
        "[backend] load-scenario in pipeline.toml."
    )
    with pytest.raises(PipelineError) as caught:
        await pipeline.load_test_reports()
    assert str(caught.value).startswith("No load test to report on: no Locust scenario")
