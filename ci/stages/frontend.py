"""Frontend stages: ESLint, the TypeScript check and Vitest with coverage.

The command lists here are the single definition of what each stage runs; the
host-native test tier imports them.
"""

import dagger
from dagger import dag

from ci.versions import node_image

WORKDIR = "/app"
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


def frontend_env(frontend: dagger.Directory, node_version: str) -> dagger.Container:
    """`npm ci` from package.json and the lock alone, then the source on top.

    Only the two manifest files are copied before the install, so editing source
    keeps the install layer cached.
    """
    return (
        node_base(node_version)
        .with_workdir(WORKDIR)
        .with_file(f"{WORKDIR}/package.json", frontend.file("package.json"))
        .with_file(f"{WORKDIR}/package-lock.json", frontend.file("package-lock.json"))
        .with_exec(INSTALL_COMMAND)
        .with_directory(WORKDIR, frontend)
    )


def frontend_lint(frontend: dagger.Directory, node_version: str) -> dict[str, dagger.Container]:
    """One container per lint command, each ending in that command."""
    base = frontend_env(frontend, node_version)
    return {name: base.with_exec(command) for name, command in LINT_COMMANDS.items()}


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
