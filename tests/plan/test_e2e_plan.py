"""The e2e stack as a graph of services, read from the lazy plan (no engine)."""

import json
from dataclasses import replace
from typing import Any

import dagger

from ci.choices import Suite
from ci.profile import Found, commands
from ci.profile.model import ImageSource
from ci.stages import backend, e2e, images
from tests.support import plan
from tests.support.pipeline import make_pipeline
from tests.support.profiles import REFERENCE_PROFILE

PROFILE = REFERENCE_PROFILE.backend


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
    # installed as backend-test installs it (the same layer), its server added if missing
    assert plan.named(backend_service, "withFile")[0].args["path"] == "/app/requirements-dev.txt"
    server = plan.position(backend_service, "withExec", args=commands.server_install(PROFILE))
    assert server < plan.position(backend_service, "withDirectory", path="/app")
    (health,) = plan.named(backend_service, "withDockerHealthcheck")
    assert backend.HEALTH_PATH in health.args["args"][-1]
    env = plan.env(backend_service)
    assert env["DJANGO_SETTINGS_MODULE"] == PROFILE.production_settings.value
    assert env["DB_HOST"] == env["POSTGRES_HOST"] == "db"
    assert [c.args["alias"] for c in plan.named(backend_service, "withServiceBinding")] == ["db"]


def stack_of(back: dict[str, Any] | None = None, front: dict[str, Any] | None = None) -> object:
    """The frontend service of a stack whose backend and frontend profiles carry changes."""
    back, front = back or {}, front or {}
    profile = replace(
        REFERENCE_PROFILE,
        backend=replace(PROFILE, **back),
        frontend=replace(REFERENCE_PROFILE.frontend, **front),
    )
    pipeline = make_pipeline(profile_json=json.dumps(profile.as_dict()))
    return plan.bound(pipeline.end_to_end_env(), "frontend")


def test_without_a_health_path_the_stack_waits_for_the_port_and_the_root_page() -> None:
    frontend_service = stack_of({"health_path": Found("", "pipeline.toml")})
    backend_service = plan.bound(frontend_service, "backend")
    (health,) = plan.named(backend_service, "withDockerHealthcheck")
    assert health.args["args"] == commands.readiness_command("")
    assert plan.named(frontend_service, "withDockerHealthcheck")[-1].args["args"][-1] == (
        "http://127.0.0.1:8080/"
    )


def test_no_demo_data_command_starts_the_server_after_migrating() -> None:
    backend_service = plan.bound(stack_of({"demo_data": Found(())}), "backend")
    (start,) = plan.named(backend_service, "asService")
    assert "load_demo_data" not in start.args["args"][-1]
    assert start.args["args"][-1].startswith("python manage.py migrate --noinput && exec ")


def test_a_redis_service_is_bound_to_the_served_backend_when_the_app_uses_one() -> None:
    backend_service = plan.bound(stack_of({"services": Found(("redis",))}), "backend")
    assert plan.bound(backend_service, "redis")
    assert plan.env(backend_service)["REDIS_URL"] == "redis://redis:6379/0"


def test_a_frontend_without_the_recipes_nginx_files_gets_the_pipelines_config() -> None:
    missing = ImageSource("none", reason="nginx/default.conf.template is missing")
    frontend_service = stack_of(front={"image": Found(missing, "frontend/nginx/nginx.conf")})
    conf = plan.named(frontend_service, "withNewFile")[0].args
    assert conf["path"] == "/etc/nginx/nginx.conf"
    assert conf["contents"] == e2e.E2E_NGINX_CONF.read_text()
    assert "proxy_pass http://backend:8000;" in conf["contents"]
    assert "location ~ ^/(api|admin)/" in conf["contents"]
    assert not plan.named(frontend_service, "withFile")  # no template of the repository's
    assert plan.named(frontend_service, "withUser")[0].args["name"] == images.FRONTEND_USER


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
