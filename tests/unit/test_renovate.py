"""Renovate's config (.github/renovate.json) finds every pin it is meant to move.

Renovate itself cannot run here (it needs the forge and the registries' APIs); these tests
read its config as Renovate does: file patterns (`/regex/`) over the repository's files,
custom managers' regular expressions (JavaScript's named groups) over those files.
"""

import fnmatch
import json
import re
import subprocess
from typing import Any

from ci import versions
from tests.support.process import REPO
from tests.unit.test_dagger_version import engine_version

CONFIG: dict[str, Any] = json.loads((REPO / ".github" / "renovate.json").read_text())


def tracked() -> list[str]:
    """The repository's files, as Renovate sees them (tracked, less its ignorePaths)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, text=True
    ).stdout.split("\0")
    ignored = CONFIG["ignorePaths"]
    return [p for p in listed if p and not any(fnmatch.fnmatch(p, g) for g in ignored)]


def matched(patterns: list[str]) -> list[str]:
    """The files `patterns` (Renovate's `/regex/` form only) select."""
    assert all(p.startswith("/") and p.endswith("/") for p in patterns), patterns
    regexes = [re.compile(p[1:-1]) for p in patterns]
    return [path for path in tracked() if any(r.search(path) for r in regexes)]


def python_regex(javascript: str) -> re.Pattern[str]:
    return re.compile(javascript.replace("(?<", "(?P<"))


def pins(depname: str) -> dict[str, list[str]]:
    """Each file's current values of the custom manager for `depname`."""
    (manager,) = [m for m in CONFIG["customManagers"] if m["depNameTemplate"] == depname]
    found = {}
    for path in matched(manager["managerFilePatterns"]):
        text = (REPO / path).read_text()
        regexes = [python_regex(s) for s in manager["matchStrings"]]
        found[path] = [m["currentValue"] for r in regexes for m in r.finditer(text)]
    return found


def test_every_place_the_dagger_version_is_pinned_moves_together() -> None:
    assert pins("dagger/dagger") == {
        ".github/workflows/dagger.yml": [engine_version()],
        "dagger.json": [engine_version()],
        "tools/engine/versions": [engine_version()],
    }
    (rule,) = [r for r in CONFIG["packageRules"] if r["groupName"] == "Dagger"]
    # the host's SDK (pyproject's dev group, requirements-dev.txt) is PyPI's dagger-io
    assert set(rule["matchPackageNames"]) == {"dagger/dagger", "dagger-io"}


def test_each_supply_chain_tool_moves_in_the_pipeline_and_in_its_stand_in() -> None:
    for depname, version in [
        ("aquasecurity/trivy", versions.TRIVY),
        ("anchore/syft", versions.SYFT),
        ("sigstore/cosign", versions.COSIGN),
    ]:
        assert pins(depname) == {"ci/versions.py": [version], "tools/engine/versions": [version]}


def test_the_playwright_image_moves_with_the_apps_playwright() -> None:
    assert pins("@playwright/test") == {"ci/versions.py": [versions.PLAYWRIGHT]}
    manifest = json.loads((REPO / "app" / "frontend" / "package.json").read_text())
    assert manifest["devDependencies"]["@playwright/test"] == versions.PLAYWRIGHT


def test_every_hashed_requirements_file_is_compiled_again_not_edited() -> None:
    hashed = [p for p in tracked() if p.endswith(".txt") and "--hash=" in (REPO / p).read_text()]
    assert hashed, "no hash-pinned requirements file found"
    assert matched(CONFIG["pip-compile"]["managerFilePatterns"]) == hashed
    for path in hashed:
        # Renovate's pip-compile manager runs again the command the file's header names.
        assert "uv pip compile" in (REPO / path).read_text().splitlines()[1], path
    assert CONFIG["pip_requirements"] == {"enabled": False}


def test_updates_come_once_a_week_grouped() -> None:
    (schedule,) = CONFIG["schedule"]
    *_time, day, month, weekday = schedule.split()
    assert (day, month) == ("*", "*")
    assert re.fullmatch(r"[0-6]", weekday), "one day of the week"
    everything = CONFIG["packageRules"][0]
    assert everything["matchPackageNames"] == ["*"]
    assert everything["groupName"]
    # locks refreshed with nothing pinned changed: once a month, on the 1st
    assert CONFIG["lockFileMaintenance"] == {"enabled": True, "schedule": ["* 0-5 1 * *"]}


def test_actions_are_pinned_by_commit_with_their_version_beside() -> None:
    assert "helpers:pinGitHubActionDigests" in CONFIG["extends"]
