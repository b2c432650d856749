"""End-to-end stage: Playwright against the whole app running as Dagger services.

    postgres (db) -> the backend's server (backend:8000) -> nginx (frontend:8080)
    -> Playwright runner

The backend is served the way its profile says (ci.stages.backend.backend_server), never
from a Dockerfile's image: `build` makes and checks those. The frontend is the recipe's
image (nginx as a non-root user) when the frontend has the recipe's nginx files, else
the production build under the pipeline's own nginx config (E2E_NGINX_CONF).

Each service is ready by its health check, so the runner starts only when the
frontend answers the backend's health path through its proxy.
"""

import dagger
from dagger import dag

from ci.layout import PIPELINE_SCRIPTS
from ci.stages import backend, frontend, images
from ci.stages.common import with_env
from ci.versions import nginx_image, playwright_image

BACKEND_ALIAS = "backend"
FRONTEND_ALIAS = "frontend"
RELEASE = "e2e"
# What Playwright writes, relative to the frontend directory (see playwright.config.ts).
REPORT_DIRS = ["playwright-report", "test-results"]
# nginx's configuration where the frontend has none the recipe can use.
E2E_NGINX_CONF = PIPELINE_SCRIPTS / "e2e-nginx.conf"


def app_stack(
    backend_app: backend.BackendApp,
    app: frontend.FrontendApp,
    python_version: str,
    node_version: str,
    postgres_version: str,
    release: str = RELEASE,
) -> dagger.Service:
    """The frontend service, with the backend and its database (and Redis) behind it.

    `release` names the stack (the backend's release, its database's owner), so the
    stacks of two stages running at once (end-to-end, the load test) are two.
    """
    server = backend.backend_server(backend_app, python_version, postgres_version, release)
    build = frontend.frontend_build(app, node_version)
    health = backend_app.profile.health_path.value
    return frontend.frontend_server(
        served_frontend(app, build), server, BACKEND_ALIAS, backend.SERVER_PORT, health
    )


def served_frontend(app: frontend.FrontendApp, build: dagger.Directory) -> dagger.Container:
    """The recipe's frontend image where its nginx files are, else `build` under nginx.

    The pipeline's own configuration then proxies /api/ and /admin/ to the backend.
    """
    if not app.profile.image.value.reason:
        return images.frontend_image(app.directory, build)
    return (
        dag.container()
        .from_(nginx_image())
        .with_new_file("/etc/nginx/nginx.conf", E2E_NGINX_CONF.read_text())
        .without_directory(images.HTML_DIR)
        .with_directory(images.HTML_DIR, build)
        .with_user(images.FRONTEND_USER)
    )


def e2e_env(app: frontend.FrontendApp, stack: dagger.Service) -> dagger.Container:
    """The Playwright image with the specs, dependencies installed and the stack bound."""
    runner = (
        dag.container()
        .from_(playwright_image())
        .with_mounted_cache(frontend.NPM_CACHE, dag.cache_volume("npm-playwright"))
    )
    env = {"CI": "true", "E2E_BASE_URL": f"http://{FRONTEND_ALIAS}:{frontend.SERVER_PORT}"}
    return with_env(frontend.with_frontend(runner, app), env).with_service_binding(
        FRONTEND_ALIAS, stack
    )


def e2e_run(
    runner: dagger.Container,
    command: list[str],
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container:
    """The suite's `command` run in `runner`; reports land in REPORT_DIRS."""
    return runner.with_exec(["mkdir", "-p", *REPORT_DIRS]).with_exec(command, expect=expect)


def e2e_reports(run: dagger.Container, workdir: str) -> dagger.Directory:
    """HTML report, JUnit results, traces, screenshots and videos of a run in `workdir`."""
    reports = dag.directory()
    for name in REPORT_DIRS:
        reports = reports.with_directory(name, run.directory(f"{workdir}/{name}"))
    return reports
