"""The pipeline on another repository: the reference app laid out as the team's own app
is, `backend/` and `frontend/` at the top, each with its own Dockerfile, its Django project
named `shop`, and no pipeline code. It is called with `-m` pointing at this module and no
layout option, as README "Use it in your repository" shows: the profile finds the rest."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_gates_cli import GATES
from tests.support import summary
from tests.support.dagger_cli import DaggerCli, readable

pytestmark = pytest.mark.cli

# What the team's repository has of its own; the pipeline builds images without them.
DOCKERFILE = "# The team's own image build; the pipeline builds with the Dagger API instead.\n"
LAYOUT = "--source=."
# The reference project's module paths, renamed: printshop.settings -> shop.settings.
PROJECT_MODULE = re.compile(r"\bprintshop\.(env|settings|urls|wsgi)\b")


@pytest.fixture(scope="module")
def team_repository(tmp_path_factory: pytest.TempPathFactory, checkout: Path) -> Path:
    """The reference app in another layout: backend/ and frontend/ at the top."""
    repository = tmp_path_factory.mktemp("team-repository")
    for part in ("backend", "frontend"):
        shutil.copytree(checkout / "app" / part, repository / part)
        (repository / part / "Dockerfile").write_text(DOCKERFILE)
    backend = repository / "backend"
    (backend / "printshop").rename(backend / "shop")
    for path in [*backend.rglob("*.py"), backend / "pyproject.toml"]:
        text = PROJECT_MODULE.sub(r"shop.\1", path.read_text())
        if path.name == "pyproject.toml":
            text = text.replace('"printshop"', '"shop"').replace("printshop/", "shop/")
        path.write_text(text)
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    return repository


def passing(dagger_cli: DaggerCli, checkout: Path, team_repository: Path, call: str) -> str:
    """The output of `call` run on the team's repository."""
    done = dagger_cli.run(f"dagger -m {checkout} call {LAYOUT} {call}", team_repository)
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    return done.stdout


def test_test_passes_on_the_team_layout(
    dagger_cli: DaggerCli, checkout: Path, team_repository: Path
) -> None:
    table = passing(dagger_cli, checkout, team_repository, "test")
    assert summary.results(table) == dict.fromkeys((*GATES, "end-to-end"), "PASS")


def test_lint_leaves_out_the_pipeline_code_the_team_does_not_have(
    dagger_cli: DaggerCli, checkout: Path, team_repository: Path
) -> None:
    stages = summary.results(passing(dagger_cli, checkout, team_repository, "lint"))
    assert "backend ruff" in stages
    assert "frontend eslint" in stages
    assert not [name for name in stages if name.startswith("pipeline")]


def test_the_plan_names_what_it_found_and_where(
    dagger_cli: DaggerCli, checkout: Path, team_repository: Path
) -> None:
    profile = json.loads(passing(dagger_cli, checkout, team_repository, "plan --format=json"))
    backend = profile["profile"]["backend"]
    assert backend["dir"] == {"value": "backend", "source": "backend/manage.py"}
    assert backend["application"]["value"] == "shop.wsgi:application"
    assert profile["profile"]["frontend"]["dir"]["value"] == "frontend"


def test_a_layout_option_pointing_at_nothing_is_one_sentence(
    dagger_cli: DaggerCli, checkout: Path, team_repository: Path
) -> None:
    done = dagger_cli.run(
        f"dagger -m {checkout} call --source=. --backend-dir=api test", team_repository
    )
    error = readable(done.stderr)
    assert done.returncode != 0
    assert "Error: api/manage.py does not exist: set [backend] dir in pipeline.toml" in error
    assert "Traceback" not in error
