"""End-to-end stage: Playwright against the whole app running as Dagger services.

    postgres (db) -> gunicorn backend (backend:8000) -> frontend image (frontend:8080)
    -> Playwright runner

The frontend is the release image `build` makes (nginx as a non-root user).

Each service is ready by its health check, so the runner starts only when the
frontend answers /api/health/ through its proxy.
"""

import dagger
from dagger import dag

from ci.stages import backend, frontend, images
from ci.stages.common import with_env
from ci.versions import playwright_image

BACKEND_ALIAS = "backend"
FRONTEND_ALIAS = "frontend"
RELEASE = "e2e"
# What Playwright writes, relative to the frontend directory (see playwright.config.ts).
REPORT_DIRS = ["playwright-report", "test-results"]


def app_stack(
    backend_dir: dagger.Directory,
    app: frontend.FrontendApp,
    python_version: str,
    node_version: str,
    postgres_version: str,
    served: tuple[str, str],
) -> dagger.Service:
    """The frontend service, with the backend and its database.

    `served` is the backend's application (module:callable) and its server (gunicorn, ...).
    """
    server = backend.backend_server(backend_dir, python_version, postgres_version, RELEASE, *served)
    image = images.frontend_image(app.directory, frontend.frontend_build(app, node_version))
    return frontend.frontend_server(image, server, BACKEND_ALIAS, backend.SERVER_PORT)


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
