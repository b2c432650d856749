"""What the frontend stages will do, read from their lazy plans (no engine)."""

from dagger import dag

from ci.stages import frontend
from tests.support import plan

FRONTEND = dag.host().directory("app/frontend")


def test_npm_ci_runs_on_the_manifests_before_the_source() -> None:
    container = frontend.frontend_tests(FRONTEND, "24")
    package = plan.position(container, "withFile", path="/app/package.json")
    lock = plan.position(container, "withFile", path="/app/package-lock.json")
    install = plan.position(container, "withExec", args=frontend.INSTALL_COMMAND)
    source = plan.position(container, "withDirectory", path="/app")
    assert package < install
    assert lock < install
    assert install < source


def test_tests_run_vitest_with_coverage_in_the_node_image() -> None:
    container = frontend.frontend_tests(FRONTEND, "22")
    assert plan.execs(container)[-1] == frontend.TEST_COMMAND
    assert plan.named(container, "from")[0].args["address"] == "node:22-slim"
    assert plan.env(container)["CI"] == "true"


def test_npm_cache_is_a_cache_volume() -> None:
    (mount,) = plan.named(frontend.frontend_env(FRONTEND, "24"), "withMountedCache")
    assert mount.args["path"] == "/root/.npm"
    assert plan.calls(mount.args["cache"])[0].args == {"key": "npm-node24"}


def test_env_is_the_test_stage_minus_its_command() -> None:
    env = frontend.frontend_env(FRONTEND, "24")
    tests = frontend.frontend_tests(FRONTEND, "24")
    assert plan.calls(tests)[: len(plan.calls(env))] == plan.calls(env)


def test_lint_runs_eslint_and_tsc() -> None:
    stages = frontend.frontend_lint(FRONTEND, "24")
    assert {name: plan.execs(c)[-1] for name, c in stages.items()} == frontend.LINT_COMMANDS
