"""Read the summary table the composite functions print (ci/report.py)."""

import re

# The reference app's checks, in the order `test` runs them (each a @check function).
CHECKS = (
    "lint",
    "backend-test",
    "frontend-test",
    "migrations-check",
    "migrations-roundtrip",
    "end-to-end",
)
ROW = re.compile(
    r"^ ?(?P<stage>\S.*?)\s{2,}(?P<result>PASS|FAIL|SKIP)\s+"
    r"(?P<time>[0-9.]+)s\s+(?P<cached>yes|no)\b",
    re.MULTILINE,
)


def results(text: str) -> dict[str, str]:
    """Each stage's result (PASS, FAIL or SKIP) in the tables of `text`, by stage name."""
    return {row["stage"]: row["result"] for row in ROW.finditer(text)}


def cached(text: str) -> dict[str, bool]:
    """Whether each stage in the tables of `text` came from the engine's cache."""
    return {row["stage"]: row["cached"] == "yes" for row in ROW.finditer(text)}
