"""What the frontend stages will do, read from their lazy plans (no engine)."""

from dataclasses import replace
from typing import Any

import pytest
from dagger import dag

from ci.profile import Found
from ci.stages import frontend
from tests.support import plan
from tests.support.profiles import REFERENCE_PROFILE

SOURCE = dag.host().directory(".")
APP = frontend.FrontendApp(SOURCE, REFERENCE_PROFILE.frontend)
NPM_CI = ["npm", "ci", "--no-audit", "--no-fund"]


def shaped(**changes: Any) -> frontend.FrontendApp:
    """The reference frontend with some of its profile changed (another repository's shape)."""
    return frontend.FrontendApp(SOURCE, replace(REFERENCE_PROFILE.frontend, **changes))


def test_npm_ci_runs_on_the_manifests_before_the_source() -> None:
    container = frontend.frontend_tests(APP, "24")
    assert container is not None
    manifests = plan.named(container, "withDirectory")[0]
    (kept,) = plan.named(manifests.args["source"], "filter")
    assert {"package.json", "package-lock.json", ".npmrc"} <= set(kept.args["include"])
    install = plan.position(container, "withExec", args=NPM_CI)
    source = plan.position(
        container, "withDirectory", path="/app", source=SOURCE.directory("app/frontend")
    )
    assert plan.position(container, "withDirectory") < install < source


def test_no_browser_is_downloaded_by_the_install() -> None:
    env = plan.env(frontend.frontend_env(APP, "24"))
    assert env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] == "1"
    assert env["CYPRESS_INSTALL_BINARY"] == "0"


def test_tests_run_the_coverage_script_in_the_node_image() -> None:
    container = frontend.frontend_tests(APP, "22")
    assert container is not None
    assert plan.execs(container)[-1] == ["npm", "run", "test:coverage"]
    assert plan.named(container, "from")[0].args["address"] == "node:22-slim"
    assert plan.env(container)["CI"] == "true"


def test_no_test_script_is_no_test_stage() -> None:
    assert frontend.frontend_tests(shaped(scripts=Found({"build": "build"})), "24") is None


@pytest.mark.parametrize(
    ("manager", "install"),
    [
        (
            "pnpm",
            [
                ["npm", "install", "--global", "--no-audit", "--no-fund", "pnpm@10.34.8"],
                ["pnpm", "install", "--frozen-lockfile"],
            ],
        ),
        (
            "yarn",
            [
                ["npm", "install", "--global", "--no-audit", "--no-fund", "yarn@1.22.22"],
                ["yarn", "install", "--frozen-lockfile", "--non-interactive"],
            ],
        ),
    ],
)
def test_pnpm_and_yarn_install_frozen_and_run_scripts(
    manager: str, install: list[list[str]]
) -> None:
    container = frontend.frontend_tests(shaped(package_manager=Found(manager)), "24")
    assert container is not None
    assert plan.execs(container)[: len(install)] == install
    assert plan.execs(container)[-1] == [manager, "run", "test:coverage"]


def test_install_flags_of_the_repository_reach_the_install() -> None:
    env = frontend.frontend_env(shaped(install_flags=Found(("--legacy-peer-deps",))), "24")
    assert [*NPM_CI, "--legacy-peer-deps"] in plan.execs(env)


def test_a_workspace_installs_at_its_root_and_works_in_the_frontend() -> None:
    app = shaped(lock_dir=Found("app"))
    env = frontend.frontend_env(app, "24")
    assert app.workdir == "/app/frontend"
    assert plan.named(env, "withWorkdir")[-1].args["path"] == "/app/frontend"
    assert not plan.named(plan.named(env, "withDirectory")[0].args["source"], "filter")


def test_the_build_is_read_from_the_output_the_profile_names() -> None:
    build = frontend.frontend_build(shaped(build_output=Found("out")), "24")
    assert plan.calls(build)[-1].args["path"] == "/app/out"


def test_npm_cache_is_a_cache_volume() -> None:
    (mount,) = plan.named(frontend.frontend_env(APP, "24"), "withMountedCache")
    assert mount.args["path"] == "/root/.npm"
    assert plan.calls(mount.args["cache"])[0].args == {"key": "npm-node24"}


def test_env_is_the_test_stage_minus_its_command() -> None:
    env = frontend.frontend_env(APP, "24")
    tests = frontend.frontend_tests(APP, "24")
    assert tests is not None
    assert plan.calls(tests)[: len(plan.calls(env))] == plan.calls(env)


def test_lint_runs_the_tools_the_reference_frontend_promises() -> None:
    stages = frontend.frontend_lint(APP, "24")
    assert {name: plan.execs(c)[-1] for name, c in stages.items()} == {
        "eslint": ["npm", "run", "lint"],
        "tsc": ["npm", "run", "typecheck"],
    }


def test_without_scripts_the_configured_tools_run() -> None:
    app = shaped(scripts=Found({}), linter=Found("biome"))
    stages = frontend.frontend_lint(app, "24")
    assert {name: plan.execs(c)[-1] for name, c in stages.items()} == {
        "biome": ["npx", "--no-install", "biome", "check", "."],
        "tsc": ["npx", "--no-install", "tsc", "--noEmit"],
    }
