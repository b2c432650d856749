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
    frontend_dir: dagger.Directory,
    python_version: str,
    node_version: str,
    postgres_version: str,
    project: str,
) -> dagger.Service:
    """The frontend service, with the backend (Django project `project`) and its database."""
    server = backend.backend_server(backend_dir, python_version, postgres_version, RELEASE, project)
    image = images.frontend_image(frontend_dir, frontend.frontend_build(frontend_dir, node_version))
    return frontend.frontend_server(image, server, BACKEND_ALIAS, backend.SERVER_PORT)


def e2e_env(frontend_dir: dagger.Directory, stack: dagger.Service) -> dagger.Container:
    """The Playwright image with the specs, dependencies installed and the stack bound."""
    runner = (
        dag.container()
        .from_(playwright_image())
        .with_mounted_cache(frontend.NPM_CACHE, dag.cache_volume("npm-playwright"))
    )
    env = {"CI": "true", "E2E_BASE_URL": f"http://{FRONTEND_ALIAS}:{frontend.SERVER_PORT}"}
    return with_env(frontend.with_frontend(runner, frontend_dir), env).with_service_binding(
        FRONTEND_ALIAS, stack
    )


def e2e_run(
    runner: dagger.Container,
    suite: str,
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container:
    """The suite's specs run in `runner`; reports land in REPORT_DIRS."""
    return runner.with_exec(["mkdir", "-p", *REPORT_DIRS]).with_exec(
        frontend.E2E_COMMANDS[suite], expect=expect
    )


def e2e_reports(run: dagger.Container) -> dagger.Directory:
    """HTML report, JUnit results, traces, screenshots and videos of a run."""
    reports = dag.directory()
    for name in REPORT_DIRS:
        reports = reports.with_directory(name, run.directory(f"{frontend.WORKDIR}/{name}"))
    return reports
