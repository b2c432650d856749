"""The plan users read first, whole: the reference app's and each app variant's.

`plan` is what a team reads before trusting the pipeline with its repository: every value
detected, the file that decided it, and each stage's commands or why it is skipped. These
tests hold the whole text against the committed plans in `data/plans/`, so a change to
detection or to what a stage runs shows as a diff of what users read. When the change is
meant, write the plans anew and read the diff before committing it:

    UPDATE_PLANS=1 .venv/bin/pytest tests/unit/test_plan_snapshots.py
"""

import os
from pathlib import Path

import pytest

from ci.profile import plan_view
from tests.support.profiles import REFERENCE_PROFILE
from tests.variants.catalogue import VARIANTS
from tools.app_profile import profile_of_directory

PLANS = Path(__file__).parent / "data" / "plans"


def held(name: str, text: str) -> None:
    """`text` equals the committed plan `name` (or becomes it, with UPDATE_PLANS=1)."""
    committed = PLANS / f"{name}.txt"
    if os.environ.get("UPDATE_PLANS") == "1":
        committed.write_text(text)
    assert committed.exists(), f"no committed plan {committed.name}: run with UPDATE_PLANS=1"
    assert text == committed.read_text(), f"the plan of {name} changed (see the module doc)"


def test_the_reference_apps_plan_is_the_committed_one() -> None:
    held("reference", plan_view.as_text(REFERENCE_PROFILE))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_variants_plan_is_the_committed_one(name: str, tmp_path: Path) -> None:
    VARIANTS[name].build(tmp_path, False)
    held(name, plan_view.as_text(profile_of_directory(tmp_path)))
