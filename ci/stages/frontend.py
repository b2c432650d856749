"""Frontend stages: ESLint, the TypeScript check and Vitest with coverage.

The command lists here are the single definition of what each stage runs; the
host-native test tier imports them.
"""

import dagger
from dagger import dag

from ci.stages.common import each_command, http_get, with_health_check
from ci.versions import node_image

WORKDIR = "/app"
SERVER_PORT = 8080
NPM_CACHE = "/root/.npm"
REPORTS_DIR = "reports"

INSTALL_COMMAND = ["npm", "ci", "--no-audit", "--no-fund"]
LINT_COMMANDS = {
    "eslint": ["npm", "run", "lint"],
    "tsc": ["npm", "run", "typecheck"],
}
TEST_COMMAND = ["npm", "run", "test:coverage"]
BUILD_COMMAND = ["npm", "run", "build"]
E2E_COMMANDS = {
    "quick": ["npm", "run", "e2e:quick"],
    "full": ["npm", "run", "e2e"],
}


def node_base(version: str) -> dagger.Container:
    """A Node.js image with npm's download cache mounted and CI mode on."""
    return (
        dag.container()
        .from_(node_image(version))
        .with_env_variable("CI", "true")
        .with_env_variable("NPM_CONFIG_UPDATE_NOTIFIER", "false")
        .with_mounted_cache(NPM_CACHE, dag.cache_volume(f"npm-node{version}"))
    )


def with_frontend(container: dagger.Container, frontend: dagger.Directory) -> dagger.Container:
    """`npm ci` from package.json and the lock alone, then the source on top.

    Only the two manifest files are copied before the install, so editing source
    keeps the install layer cached.
    """
    return (
        container.with_workdir(WORKDIR)
        .with_file(f"{WORKDIR}/package.json", frontend.file("package.json"))
        .with_file(f"{WORKDIR}/package-lock.json", frontend.file("package-lock.json"))
        .with_exec(INSTALL_COMMAND)
        .with_directory(WORKDIR, frontend)
    )


def frontend_env(frontend: dagger.Directory, node_version: str) -> dagger.Container:
    """The frontend stages' container: Node.js, dependencies installed, source at /app."""
    return with_frontend(node_base(node_version), frontend)


def frontend_lint(frontend: dagger.Directory, node_version: str) -> dict[str, dagger.Container]:
    """One container per lint command, each ending in that command."""
    return each_command(frontend_env(frontend, node_version), LINT_COMMANDS)


def frontend_tests(
    frontend: dagger.Directory,
    node_version: str,
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container:
    """Vitest with coverage thresholds; JUnit and coverage land in reports/."""
    return (
        frontend_env(frontend, node_version)
        .with_exec(["mkdir", "-p", REPORTS_DIR])
        .with_exec(TEST_COMMAND, expect=expect)
    )


def frontend_build(frontend: dagger.Directory, node_version: str) -> dagger.Directory:
    """The production build (dist/)."""
    return (
        frontend_env(frontend, node_version).with_exec(BUILD_COMMAND).directory(f"{WORKDIR}/dist")
    )


def frontend_server(
    image: dagger.Container, backend: dagger.Service, backend_alias: str, backend_port: int
) -> dagger.Service:
    """The frontend `image` run with /api proxied to `backend` (bound as `backend_alias`).

    Ready when /api/health/ answers through the proxy, so the whole chain is up.
    """
    health = f"http://127.0.0.1:{SERVER_PORT}/api/health/"
    container = (
        image.with_env_variable("BACKEND_URL", f"http://{backend_alias}:{backend_port}")
        .with_service_binding(backend_alias, backend)
        .with_exposed_port(SERVER_PORT)
    )
    return with_health_check(container, http_get(health)).as_service(use_entrypoint=True)
