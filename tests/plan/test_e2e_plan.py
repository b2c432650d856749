"""The e2e stack as a graph of services, read from the lazy plan (no engine)."""

import dagger

from ci.choices import Suite
from ci.stages import backend, e2e
from tests.support import plan
from tests.support.pipeline import make_pipeline


def runner() -> dagger.Container:
    return make_pipeline().end_to_end_env()


def test_runner_is_the_playwright_image_pointed_at_the_frontend() -> None:
    env = runner()
    assert plan.named(env, "from")[0].args["address"] == (
        "mcr.microsoft.com/playwright:v1.65.1-noble"
    )
    assert plan.env(env)["E2E_BASE_URL"] == "http://frontend:8080"
    assert plan.env(env)["CI"] == "true"
    install = plan.position(env, "withExec", args=["npm", "ci", "--no-audit", "--no-fund"])
    manifests, source = (
        i
        for i, c in enumerate(plan.calls(env))
        if c.name == "withDirectory" and c.args["path"] == "/app"
    )
    assert manifests < install < source


def test_services_chain_db_backend_frontend_each_with_a_health_check() -> None:
    env = runner()
    frontend_service = plan.bound(env, "frontend")
    backend_service = plan.bound(frontend_service, "backend")
    db_service = plan.bound(backend_service, "db")
    images = [plan.named(s, "from")[0].args["address"] for s in (frontend_service, db_service)]
    assert images == ["nginx:1.29-alpine-slim", "postgres:17"]
    for service in (frontend_service, backend_service, db_service):
        assert plan.named(service, "withDockerHealthcheck"), plan.render(service)


def test_frontend_proxies_api_to_the_backend_and_checks_health_through_it() -> None:
    frontend_service = plan.bound(runner(), "frontend")
    assert plan.env(frontend_service)["BACKEND_URL"] == "http://backend:8000"
    # the service's check (through the proxy) replaces the image's own (the root page)
    health = plan.named(frontend_service, "withDockerHealthcheck")[-1]
    assert health.args["args"][-1] == "http://127.0.0.1:8080/api/health/"
    template = plan.position(
        frontend_service, "withFile", path="/etc/nginx/templates/default.conf.template"
    )
    assert template > 0


def test_backend_migrates_loads_demo_data_then_serves_with_gunicorn() -> None:
    backend_service = plan.bound(plan.bound(runner(), "frontend"), "backend")
    (start,) = plan.named(backend_service, "asService")
    script = start.args["args"][-1]
    assert script.index("migrate") < script.index("load_demo_data") < script.index("gunicorn")
    assert "exec python -m gunicorn printshop.wsgi:application --bind=0.0.0.0:8000" in script
    assert plan.env(backend_service)["SECURE_SSL_REDIRECT"] == "false"
    assert plan.env(backend_service)["RELEASE"] == e2e.RELEASE
    # the runtime lock, as the image will have it: no dev tools in the served app
    assert plan.named(backend_service, "withFile")[0].args["path"] == "/app/requirements.lock"
    (health,) = plan.named(backend_service, "withDockerHealthcheck")
    assert backend.HEALTH_PATH in health.args["args"][-1]


def test_suites_run_their_scripts_and_reports_come_from_the_run() -> None:
    env = runner()
    pipeline = make_pipeline()
    assert plan.execs(e2e.e2e_run(env, pipeline._end_to_end_command(Suite.QUICK)))[-1] == [
        "npm",
        "run",
        "e2e:quick",
    ]
    full = e2e.e2e_run(env, pipeline._end_to_end_command(Suite.FULL))
    assert plan.execs(full)[-1] == ["npm", "run", "e2e"]
    reports = e2e.e2e_reports(full, "/app")
    exported = {c.args["path"] for c in plan.named(reports, "withDirectory")}
    assert exported == set(e2e.REPORT_DIRS)
    sources = [plan.calls(c.args["source"])[-1] for c in plan.named(reports, "withDirectory")]
    assert [s.args["path"] for s in sources] == [f"/app/{d}" for d in e2e.REPORT_DIRS]
