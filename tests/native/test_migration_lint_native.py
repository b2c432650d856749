"""Production's migration check (ci/scripts/migration_lint.py) on the reference app's
backend and on a copy with a breaking migration, with the backend's own Django, the
linter from the module's lock and a real PostgreSQL."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ci import migration_report
from ci.errors import PipelineError
from ci.layout import PIPELINE_SCRIPTS
from ci.migration_report import LintReport, verdict
from ci.stages import migration_lint
from tests.native.conftest import BACKEND
from tests.support.breaking_migration import ADDED, DROPPED, FILES
from tests.support.process import environment

pytestmark = pytest.mark.native
SCRIPT = str(PIPELINE_SCRIPTS / "migration_lint.py")


def checked(backend: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        migration_lint.command(SCRIPT),
        cwd=backend,
        env=env | extra,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture
def release_env(backend_bin: Path, fresh_database: str, tmp_path: Path) -> dict[str, str]:
    """The release's settings (as the stage sets them) on a scratch database, the linter
    installed from the module's lock beside the backend's own Django."""
    linter = tmp_path / "linter"
    pip = [str(backend_bin / "pip"), "install", "--quiet", "--require-hashes", "--no-deps"]
    subprocess.run(
        [*pip, "-r", str(migration_lint.LOCK), f"--target={linter}"], check=True, timeout=300
    )
    return environment(
        [backend_bin],
        **migration_lint.RELEASE_ENV,
        DATABASE_URL=fresh_database,
        SECRET_KEY="native-" + "k" * 50,
        PYTHONPATH=str(linter),
    )


def test_a_dropped_column_is_the_one_breaking_migration(
    release_env: dict[str, str], tmp_path: Path
) -> None:
    listed = migration_report.listed(checked(BACKEND, release_env).stdout)
    assert listed == ["store.0001_initial"]  # the project's apps only: no auth, no admin

    changed = tmp_path / "backend"
    shutil.copytree(BACKEND, changed, ignore=shutil.ignore_patterns(".venv", "__pycache__"))
    for name, content in FILES.items():
        (changed / os.path.relpath(name, "app/backend")).write_text(content)
    known = tmp_path / "known.txt"
    known.write_text("".join(f"{name}\n" for name in listed))
    output = checked(changed, release_env, MIGRATION_LINT_KNOWN=str(known)).stdout
    report = LintReport.of(output)

    assert report.new == [f"store.{ADDED}", f"store.{DROPPED}"]
    assert report.breaking == [f"store.{DROPPED}"]
    assert "DROPPING columns (table: store_product, column: legacy_code)" in report.report
    with pytest.raises(PipelineError) as refused:
        verdict("production", "R1", report, "")
    assert "production refuses migrations that would break the release it runs (R1)" in str(
        refused.value
    )


def test_a_new_apps_first_migration_is_backward_compatible(
    release_env: dict[str, str], tmp_path: Path
) -> None:
    """Against a release with no migrations, the reference app's own initial one passes:
    creating tables breaks nothing that runs."""
    known = tmp_path / "known.txt"
    known.write_text("")
    output = checked(BACKEND, release_env, MIGRATION_LINT_KNOWN=str(known)).stdout
    report = LintReport.of(output)
    assert (report.new, report.breaking) == (["store.0001_initial"], [])
    assert "backward compatible" in verdict("production", "R1", report, "").line
