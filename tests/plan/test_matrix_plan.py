"""The test matrix: one cell per version, each the ordinary test stage (no engine)."""

import pytest

from ci.errors import PipelineError
from tests.support import plan
from tests.support.pipeline import make_pipeline


def test_one_cell_per_version_running_the_stage_command() -> None:
    cells = make_pipeline()._matrix_containers(["3.11", "3.13"], ["22", "24"])
    images = {name: plan.named(c, "from")[0].args["address"] for name, c in cells.items()}
    assert images == {
        "backend python 3.11": "python:3.11-slim",
        "backend python 3.13": "python:3.13-slim",
        "frontend node 22": "node:22-slim",
        "frontend node 24": "node:24-slim",
    }
    for name, cell in cells.items():
        command = "pytest" if name.startswith("backend") else "npm"
        assert plan.execs(cell)[-1][0] == command


def test_an_unsupported_version_fails_before_anything_runs() -> None:
    with pytest.raises(PipelineError, match=r"Unsupported Python version '3\.9'"):
        make_pipeline()._matrix_containers(["3.13", "3.9"], [])
