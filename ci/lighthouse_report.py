"""Lighthouse's JSON reports read in plain Python: each figure's median over the runs.

One run of Lighthouse is noisy (the page's timing moves with the machine's load), so the
gate runs it a few times and holds the median of each figure to its budget
(ci.budgets). Scores are shown from 0 to 100, as Lighthouse's HTML report shows them
(its JSON holds 0 to 1); times in milliseconds; layout shift without a unit.
"""

import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ci.budgets import DEFAULT_THRESHOLD, Budget, Measured
from ci.errors import PipelineError

CATEGORIES = ("performance", "accessibility", "best-practices")
MOST_RUNS = 9


@dataclass(frozen=True)
class Figure:
    """A figure of Lighthouse's report: a category's score, or an audit's numericValue.

    `default` is its limit unless the `lighthouse` function's `option` sets another;
    `noise` is how far it moves between runs of the same page (ci.budgets.Budget).
    """

    name: str
    key: str  # the category's or the audit's id in the report
    default: float
    unit: str
    noise: float

    @property
    def is_score(self) -> bool:
        """Whether this figure is a category's score (higher is better), else an audit's."""
        return self.key in CATEGORIES

    @property
    def option(self) -> str:
        """The argument that sets its limit: `performance`, `first_contentful_paint`."""
        return self.name.removesuffix(" score").replace(" ", "_")


# The targets (performance over 80, First Contentful Paint under 2 s, Time to
# Interactive under 3 s) and Core Web Vitals' "good" (LCP 2.5 s, CLS 0.1; Total Blocking
# Time 200 ms, Lighthouse's stand-in for Interaction to Next Paint).
FIGURES = (
    Figure("performance score", "performance", 80, "", 5),
    Figure("accessibility score", "accessibility", 90, "", 1),
    Figure("best practices score", "best-practices", 90, "", 1),
    Figure("first contentful paint", "first-contentful-paint", 2000, "ms", 200),
    Figure("largest contentful paint", "largest-contentful-paint", 2500, "ms", 200),
    Figure("time to interactive", "interactive", 3000, "ms", 300),
    Figure("total blocking time", "total-blocking-time", 200, "ms", 50),
    Figure("cumulative layout shift", "cumulative-layout-shift", 0.1, "", 0.02),
)


@dataclass(frozen=True)
class Run:
    """One Lighthouse run: its version, the URL and device it measured, its figures by name."""

    version: str
    url: str
    form_factor: str  # mobile or desktop
    figures: dict[str, float]


# What Lighthouse runs with when neither its flags nor pipeline.toml's [lighthouse] say:
# each figure's limit, three runs, and the regression threshold.
DEFAULTS: dict[str, float] = {
    "runs": 3,
    **{f.option: f.default for f in FIGURES},
    "regression_threshold": DEFAULT_THRESHOLD,
}
# The unit of each of those, as `plan` shows them ("" for a score, a count or a share).
UNITS = {"runs": "", **{f.option: f.unit for f in FIGURES}, "regression_threshold": ""}


def budgets(limits: Mapping[str, float]) -> list[Budget]:
    """Each figure's Budget, its limit from `limits` (by the figure's option)."""
    return [Budget(f.name, limits[f.option], f.unit, f.is_score, f.noise) for f in FIGURES]


def read_run(report: str, name: str) -> Run:
    """The figures of one run's JSON report (`name` says which, in an error)."""
    try:
        document = json.loads(report)
        error = document.get("runtimeError")
        if error:
            raise PipelineError(
                f"Lighthouse could not measure {document['requestedUrl']} ({name}): "
                f"{error['message']}"
            )
        figures = {f.name: _value(document, f) for f in FIGURES}
        return Run(
            str(document["lighthouseVersion"]),
            str(document["finalDisplayedUrl"]),
            str(document["configSettings"]["formFactor"]),
            figures,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PipelineError(
            f"{name} is not a Lighthouse JSON report with the figures the gate reads ({exc!r})."
        ) from None


def _value(document: dict[str, object], figure: Figure) -> float:
    """The figure's value: a score times 100, or an audit's numericValue."""
    if figure.is_score:
        score = document["categories"][figure.key]["score"]  # type: ignore[index]
        return float(score) * 100
    return float(document["audits"][figure.key]["numericValue"])  # type: ignore[index]


def measured(runs: Sequence[Run], limits: Mapping[str, float]) -> list[Measured]:
    """Each figure's median over `runs`, with its budget."""
    return [
        Measured(budget, statistics.median(run.figures[budget.name] for run in runs))
        for budget in budgets(limits)
    ]


def what_ran(runs: Sequence[Run]) -> str:
    """The line saying what was measured: how many runs, of which URL, by which Lighthouse."""
    first = runs[0]
    median = "one run" if len(runs) == 1 else f"the median of {len(runs)} runs"
    return f"Lighthouse {first.version} ({first.form_factor}), {median} of {first.url}"


def checked_runs(runs: int) -> int:
    """`runs` when it is a number of runs the gate takes, else one sentence."""
    if not 1 <= runs <= MOST_RUNS:
        raise PipelineError(f"--runs must be from 1 to {MOST_RUNS} (got {runs}).")
    return runs
