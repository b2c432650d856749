"""The public functions compose the stage builders as documented (no engine)."""

import functools

import pytest
from dagger import dag

from ci.choices import Suite
from ci.errors import PipelineError
from ci.pipeline import Pipeline
from ci.stages import backend, database, frontend, pipeline_code, sbom
from tests.support import plan
from tests.support.pipeline import make_pipeline
from tests.support.profiles import REFERENCE_PROFILE
from tests.support.registration import read, registered
from tests.support.summary import CHECKS


@pytest.mark.asyncio
async def test_test_runs_exactly_the_pull_request_checks() -> None:
    registration = read(await registered())
    checks = {n.replace("_", "-") for n, f in registration.functions.items() if f.check}
    gates = make_pipeline()._gates()
    assert set(gates) == checks
    assert checks == set(CHECKS)


def test_test_passes_its_end_to_end_suite_on() -> None:  # the reference app has a suite
    pipeline = make_pipeline()
    for suite in Suite:
        gate = pipeline._gates(suite)["end-to-end"]
        assert isinstance(gate, functools.partial)
        assert gate.func == pipeline.end_to_end
        assert gate.args == (suite,)


def test_lint_covers_backend_frontend_and_pipeline_commands() -> None:
    stages = make_pipeline()._lint_containers()
    assert {name: plan.execs(c)[-1][:3] for name, c in stages.items()} == {
        "backend ruff": ["ruff", "check", "."],
        "backend ruff-format": ["ruff", "format", "--check"],
        "backend mypy": ["mypy", "."],
        "backend bandit": ["bandit", "-q", "-c"],
        "frontend eslint": ["npm", "run", "lint"],
        "frontend tsc": ["npm", "run", "typecheck"],
        "pipeline ruff": ["ruff", "check", "ci"],
        "pipeline ruff-format": ["ruff", "format", "--check"],
        "pipeline mypy": ["mypy", "ci", "tests"],
    }


def test_env_functions_match_their_stages() -> None:
    p = make_pipeline(python_version="3.12", node_version="22", postgres_version="16")
    backend_app = backend.BackendApp(p.source, REFERENCE_PROFILE.backend)
    frontend_app = frontend.FrontendApp(p.source, REFERENCE_PROFILE.frontend)
    assert plan.calls(p.backend_env()) == plan.calls(backend.backend_env(backend_app, "3.12", "16"))
    assert plan.calls(p.frontend_env()) == plan.calls(frontend.frontend_env(frontend_app, "22"))
    service = plan.named(p.backend_env(), "withServiceBinding")[0].args["service"]
    assert plan.named(service, "from")[0].args["address"] == "postgres:16"


def test_sbom_env_is_syft_in_a_shell_with_the_images_and_lock_files() -> None:
    env = make_pipeline().sbom_env(["linux/amd64"])
    (tool,) = plan.named(env, "withFile")
    assert tool.args["path"] == "/usr/local/bin/syft"
    assert plan.named(tool.args["source"], "file")[0].args["path"] == sbom.SYFT_BINARY
    mounted = {c.args["path"] for c in plan.named(env, "withMountedFile")}
    assert mounted == {f"{sbom.INPUT_DIR}/{n}-linux-amd64.tar" for n in ("backend", "frontend")}
    assert plan.named(env, "withMountedDirectory")[0].args["path"] == sbom.INPUT_DIR


def test_migrate_env_holds_the_database_url_only_as_a_secret(canary: str) -> None:
    url = dag.set_secret("database-url", f"postgres://shop:{canary}@db/shop")
    env = make_pipeline().migrate_env(url)
    assert not [v for v in plan.values(env) if canary in str(v)]
    assert {c.args["name"] for c in plan.named(env, "withSecretVariable")} == {
        "DATABASE_URL",
        "SECRET_KEY",
    }
    assert plan.execs(env)[-1] == database.CHECK_COMMAND


def test_pipeline_lint_sees_only_its_own_code() -> None:
    p = make_pipeline()
    container = pipeline_code.pipeline_code_lint(p.source, "3.13")["mypy"]
    source = plan.named(container, "withDirectory")[0].args["source"]
    (selection,) = plan.named(source, "filter")
    assert selection.args["include"] == ["ci", "tests", "tools", "pyproject.toml"]


@pytest.mark.asyncio
async def test_bad_version_fails_before_any_container_runs() -> None:
    with pytest.raises(PipelineError, match=r"Unsupported Python version '2\.7'"):
        # create() validates versions before it touches the source (no engine needed).
        await Pipeline.create(dag.host().directory("."), python_version="2.7")


@pytest.mark.asyncio
async def test_ci_names_the_secrets_a_release_needs_before_anything_runs() -> None:
    with pytest.raises(PipelineError) as caught:
        await make_pipeline().ci(
            "push",
            "refs/heads/main",
            "a" * 40,
            registry="ghcr.io/a/b",
            staging_secrets=None,
            production_secrets=None,
        )
    assert str(caught.value) == (
        "push to main: release to staging needs --username, --password, --ssh-key, "
        "--database-url, --secret-key, --key or --identity-token: pass them from the job's "
        "secrets."
    )
