"""One Dagger version everywhere, and the module's pyproject as the Python runtime needs it."""

import json
import re
import subprocess
import tomllib
from typing import Any

from ci import versions
from tests.support.process import REPO

WORKFLOW = REPO / ".github" / "workflows" / "dagger.yml"


def engine_version() -> str:
    """The engine version dagger.json pins, without its leading v."""
    pinned: str = json.loads((REPO / "dagger.json").read_text())["engineVersion"]
    assert pinned.startswith("v"), f"engineVersion {pinned!r}: Dagger writes it as vX.Y.Z"
    return pinned.removeprefix("v")


def pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_the_host_sdk_lock_pins_the_engine_version() -> None:
    locked = re.findall(r"^dagger-io==(\S+)", (REPO / "requirements-dev.txt").read_text(), re.M)
    assert locked == [engine_version()]


def test_the_dev_group_pins_the_engine_version() -> None:
    dev = pyproject()["dependency-groups"]["dev"]
    assert f"dagger-io=={engine_version()}" in dev


def test_the_workflow_installs_the_engine_version() -> None:
    workflow = WORKFLOW.read_text()
    (declared,) = re.findall(r'^\s*DAGGER_VERSION:\s*"([^"]+)"', workflow, re.M)
    assert declared == engine_version()
    used = re.findall(r"^\s*version:\s*(.+?)\s*$", workflow, re.M)
    assert used, "the workflow names no Dagger version"
    assert set(used) == {"${{ env.DAGGER_VERSION }}"}


def test_module_pyproject_is_what_the_python_runtime_can_install() -> None:
    # The runtime installs its generated SDK (./sdk, version 0.0.0): no version pin here;
    # PyYAML reads Trivy's .trivyignore.yaml (ci/gate.py).
    config = pyproject()
    assert config["project"]["dependencies"] == ["dagger-io", "pyyaml==6.*"]
    assert config["tool"]["uv"]["sources"] == {"dagger-io": {"path": "sdk", "editable": True}}


def test_module_runtime_base_image_is_a_tag_of_the_default_python() -> None:
    base_image = pyproject()["tool"]["dagger"]["base-image"]
    assert base_image == versions.python_image(versions.DEFAULT_PYTHON)
    assert "@sha256:" not in base_image


def test_the_module_source_is_the_pipelines_code_alone() -> None:
    """Every tracked top-level path but the module's own is denied in dagger.json: editing
    the app, the tests or deploy/environments.toml (read from --source like the app) does
    not make the engine load the module again."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    top_level = {path.split("/")[0] for path in tracked}
    denied = {
        entry.removeprefix("!")
        for entry in json.loads((REPO / "dagger.json").read_text())["include"]
    }
    assert top_level - denied == {"ci", "dagger.json", "pyproject.toml"}
