"""The module's package builds as the Python runtime builds it, with its entry point."""

import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.process import REPO, environment, run

pytestmark = pytest.mark.native


def test_wheel_holds_the_ci_package_and_the_main_object_entry_point(tmp_path: Path) -> None:
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), "."]
    run(pip_wheel, cwd=REPO, env=environment())
    (wheel,) = tmp_path.glob("pipeline-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        declared = archive.read(entry_points).decode()
    assert "[dagger.mod]\nmain_object = ci.pipeline:Pipeline" in declared
    sources = {str(p.relative_to(REPO)) for p in (REPO / "ci").rglob("*.py")}
    assert sources <= names
    assert not any(n.startswith(("tests/", "app/", "tools/")) for n in names)
