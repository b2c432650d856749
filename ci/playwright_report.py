"""Playwright's JSON report, read in plain Python: which specs passed only on a retry.

In CI Playwright retries a failed spec twice, so a spec that fails and then passes
leaves the run green. Its report still says so (a test's status `flaky`); `flaky_note`
turns that into the line a summary shows: `flaky: 1 ([chromium] cart.spec.ts:4 > adds)`.
"""

import json
from collections.abc import Iterator
from typing import Any

from ci.errors import PipelineError

# Where the reference app's Playwright config writes the report, relative to its directory.
REPORT_PATH = "test-results/results.json"


def flaky_specs(report: str) -> list[str]:
    """The specs of `report` (Playwright's JSON reporter output) that passed on a retry.

    Each as `[project] file:line > describe > title`, in the report's order.
    """
    try:
        document = json.loads(report)
        found = [
            f"[{test['projectName']}] {spec['file']}:{spec['line']} > {' > '.join(titles)}"
            for spec, titles in _specs(document["suites"], [])
            for test in spec["tests"]
            if test["status"] == "flaky"
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise PipelineError(
            f"The Playwright report is not the JSON reporter's output ({exc!r}): "
            'check the "json" reporter in playwright.config.'
        ) from None
    return found


def flaky_note(report: str) -> str:
    """`flaky: N (spec; spec)`, or nothing when no spec needed a retry."""
    specs = flaky_specs(report)
    return f"flaky: {len(specs)} ({'; '.join(specs)})" if specs else ""


def _specs(suites: list[Any], titles: list[str]) -> Iterator[tuple[Any, list[str]]]:
    """Every spec under `suites`, with the titles of the describe blocks around it."""
    for suite in suites:
        # A file's own suite is titled after the file, which the spec names already.
        inner = titles if suite["title"] == suite.get("file") else [*titles, suite["title"]]
        for spec in suite.get("specs", []):
            yield spec, [*inner, spec["title"]]
        yield from _specs(suite.get("suites", []), inner)
