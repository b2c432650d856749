"""Frontend stages: the frontend's own lint, type check, unit tests and build.

Each runs what the profile found (ci.profile.commands, the one definition of the
commands, which the host-native test tier imports too), with the repository's own
package manager and frozen lock.
"""

from dataclasses import dataclass

import dagger
from dagger import dag

from ci.errors import PipelineError
from ci.profile import FrontendProfile, commands
from ci.profile.js_app import LOCK_FILES
from ci.stages.common import each_command, http_get, with_env, with_health_check
from ci.versions import node_image

WORKDIR = "/app"
SERVER_PORT = 8080
NPM_CACHE = "/root/.npm"

# npm packages that fetch a browser when installed: the stages run without the download
# (the Playwright image brings its browsers; Cypress is not run, see `plan`).
NO_BROWSER_DOWNLOADS = {"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1", "CYPRESS_INSTALL_BINARY": "0"}
# Beside the manifest and the lock: the package managers' own settings, read by the install.
INSTALL_SETTINGS = (".npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yaml")


@dataclass(frozen=True)
class FrontendApp:
    """The repository and what its profile says of the frontend: what the stages build from."""

    source: dagger.Directory
    profile: FrontendProfile

    @property
    def directory(self) -> dagger.Directory:
        """The frontend's own directory (its package.json's)."""
        return self.source.directory(self.profile.dir.value or ".")

    @property
    def workdir(self) -> str:
        """Where the frontend is in its container: WORKDIR is the lock's directory."""
        lock_dir, own = self.profile.lock_dir.value, self.profile.dir.value
        below = own[len(lock_dir) :].strip("/") if own.startswith(lock_dir) else ""
        return f"{WORKDIR}/{below}" if below else WORKDIR


def node_base(version: str) -> dagger.Container:
    """A Node.js image with npm's download cache mounted and CI mode on."""
    return (
        dag.container()
        .from_(node_image(version))
        .with_env_variable("CI", "true")
        .with_env_variable("NPM_CONFIG_UPDATE_NOTIFIER", "false")
        .with_mounted_cache(NPM_CACHE, dag.cache_volume(f"npm-node{version}"))
    )


def with_frontend(container: dagger.Container, app: FrontendApp) -> dagger.Container:
    """The frontend's lock installed with its own package manager, then the source on top.

    Only the manifest, the lock and the manager's settings are copied before the install,
    so editing source keeps the install layer cached. A workspace (the lock above the
    frontend) is copied whole first: its members' manifests are part of the install.
    """
    profile = app.profile
    lock_dir = app.source.directory(profile.lock_dir.value or ".")
    container = with_env(container.with_workdir(WORKDIR), NO_BROWSER_DOWNLOADS)
    if profile.lock_dir.value == profile.dir.value:
        manifests = lock_dir.filter(include=["package.json", *LOCK_FILES, *INSTALL_SETTINGS])
    else:
        manifests = lock_dir
    container = container.with_directory(WORKDIR, manifests)
    for command in commands.js_install(profile):
        container = container.with_exec(command)
    return container.with_directory(WORKDIR, lock_dir).with_workdir(app.workdir)


def frontend_env(app: FrontendApp, node_version: str) -> dagger.Container:
    """The frontend stages' container: Node.js, dependencies installed, source in place."""
    return with_frontend(node_base(node_version), app)


def frontend_lint(app: FrontendApp, node_version: str) -> dict[str, dagger.Container]:
    """One container per lint and type check the frontend has, each ending in that command."""
    return each_command(frontend_env(app, node_version), commands.frontend_checks(app.profile))


def frontend_tests(
    app: FrontendApp,
    node_version: str,
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container | None:
    """The frontend's unit tests, or None when it has none.

    Their reports go where its config says (commands.frontend_reports_dir).
    """
    command = commands.frontend_test(app.profile)
    if command is None:
        return None
    return (
        frontend_env(app, node_version)
        .with_exec(["mkdir", "-p", commands.frontend_reports_dir(app.profile)])
        .with_exec(command, expect=expect)
    )


def frontend_build(app: FrontendApp, node_version: str) -> dagger.Directory:
    """The production build (the directory its build script writes)."""
    command = commands.frontend_build(app.profile)
    if command is None:
        raise PipelineError(
            f"{app.profile.dir.value or '.'}/package.json has no build script: add one, or "
            "set [frontend.scripts] build in pipeline.toml."
        )
    built = frontend_env(app, node_version).with_exec(command)
    return built.directory(f"{app.workdir}/{app.profile.build_output.value}")


def frontend_server(
    image: dagger.Container,
    backend: dagger.Service,
    backend_alias: str,
    backend_port: int,
    health_path: str = "",
) -> dagger.Service:
    """The frontend `image` run with /api proxied to `backend` (bound as `backend_alias`).

    Ready when the backend's `health_path` answers through the proxy, so the whole chain
    is up (when the backend has none: when the frontend's root page answers).
    """
    health = f"http://127.0.0.1:{SERVER_PORT}{health_path or '/'}"
    container = (
        image.with_env_variable("BACKEND_URL", f"http://{backend_alias}:{backend_port}")
        .with_service_binding(backend_alias, backend)
        .with_exposed_port(SERVER_PORT)
    )
    return with_health_check(container, http_get(health)).as_service(use_entrypoint=True)
