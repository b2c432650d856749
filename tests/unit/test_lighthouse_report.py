"""Lighthouse's JSON reports read into figures, their medians held to budgets.

The report is a real run of Lighthouse 12.2.3 on the reference app's frontend, trimmed to
the parts the gate reads (tests/unit/data/lighthouse-run.json).
"""

import json
from pathlib import Path
from typing import Any

import pytest

from ci import lighthouse_report
from ci.budgets import Budget, Measured, over_budget
from ci.errors import PipelineError
from ci.lighthouse_report import (
    FIGURES,
    Run,
    budgets,
    checked_runs,
    measured,
    read_run,
    what_ran,
)

REPORT = (Path(__file__).parent / "data" / "lighthouse-run.json").read_text()
DEFAULTS = {f.option: f.default for f in FIGURES}
RECORDED = {
    "performance score": 100.0,
    "accessibility score": 100.0,
    "best practices score": 100.0,
    "first contentful paint": 473.2903,
    "largest contentful paint": 531.43545,
    "time to interactive": 531.43545,
    "total blocking time": 0.0,
    "cumulative layout shift": 0.001713947990543735,
}


def report(**changes: Any) -> str:
    """The recorded report with top-level keys replaced."""
    return json.dumps(json.loads(REPORT) | changes)


def run(**figures: float) -> Run:
    return Run("12.2.3", "http://localhost:8080/", "desktop", RECORDED | figures)


def test_a_run_is_read_as_scores_from_0_to_100_and_audits_numeric_values() -> None:
    read = read_run(REPORT, "run-1.report.json")
    assert read == Run("12.2.3", "http://localhost:8080/", "desktop", RECORDED)


def test_a_score_is_read_times_100_and_an_audit_as_it_is() -> None:
    document = json.loads(REPORT)
    document["categories"]["accessibility"]["score"] = 0.5
    document["audits"]["interactive"]["numericValue"] = 0.5
    document["configSettings"]["formFactor"] = "mobile"
    read = read_run(json.dumps(document), "run-1.report.json")
    assert read.figures["accessibility score"] == 50
    assert read.figures["time to interactive"] == 0.5
    assert read.form_factor == "mobile"


def test_a_run_that_could_not_load_the_page_is_one_sentence() -> None:
    error = {"code": "ERRORED_DOCUMENT_REQUEST", "message": "Lighthouse was unable to load"}
    with pytest.raises(PipelineError) as caught:
        read_run(report(runtimeError=error), "run-2.report.json")
    assert str(caught.value) == (
        "Lighthouse could not measure http://localhost:8080/ (run-2.report.json): "
        "Lighthouse was unable to load"
    )


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        "[]",
        report(categories={}),
        report(audits={"interactive": {}}),
        report(categories={"performance": {"score": None}}),
        report(runtimeError={"code": "NO_FCP"}),
    ],
)
def test_a_report_without_the_figures_is_one_sentence_naming_it(broken: str) -> None:
    with pytest.raises(PipelineError) as caught:
        read_run(broken, "run-3.report.json")
    message = str(caught.value)
    assert message.startswith(
        "run-3.report.json is not a Lighthouse JSON report with the figures the gate reads ("
    )
    assert message.endswith(").")
    assert "\n" not in message


def test_a_report_without_its_version_or_url_is_one_sentence() -> None:
    for key in ("lighthouseVersion", "finalDisplayedUrl", "configSettings"):
        document = json.loads(REPORT)
        del document[key]
        with pytest.raises(PipelineError, match=f"run-1.report.json is not .*'{key}'"):
            read_run(json.dumps(document), "run-1.report.json")


def test_each_figure_has_its_budget_from_the_options() -> None:
    assert budgets(DEFAULTS) == [
        Budget("performance score", 80, "", True, 5),
        Budget("accessibility score", 90, "", True, 1),
        Budget("best practices score", 90, "", True, 1),
        Budget("first contentful paint", 2000, "ms", False, 200),
        Budget("largest contentful paint", 2500, "ms", False, 200),
        Budget("time to interactive", 3000, "ms", False, 300),
        Budget("total blocking time", 200, "ms", False, 50),
        Budget("cumulative layout shift", 0.1, "", False, 0.02),
    ]
    assert [f.option for f in FIGURES] == [
        "performance",
        "accessibility",
        "best_practices",
        "first_contentful_paint",
        "largest_contentful_paint",
        "time_to_interactive",
        "total_blocking_time",
        "cumulative_layout_shift",
    ]
    assert budgets(DEFAULTS | {"total_blocking_time": 100})[6].limit == 100


def test_each_figure_is_the_median_of_the_runs() -> None:
    runs = [
        run(**{"total blocking time": 900.0}),
        run(**{"total blocking time": 10.0}),
        run(**{"total blocking time": 30.0}),
    ]
    figures = measured(runs, DEFAULTS)
    assert [m.budget for m in figures] == budgets(DEFAULTS)
    assert {m.budget.name: m.value for m in figures} == RECORDED | {"total blocking time": 30.0}
    two = measured(runs[:2], DEFAULTS)
    assert two[6] == Measured(budgets(DEFAULTS)[6], 455.0)


def test_a_slow_page_names_each_figure_over_its_budget() -> None:
    slow = run(
        **{
            "performance score": 41.0,
            "first contentful paint": 2500.0,
            "total blocking time": 1950.0,
        }
    )
    assert over_budget(measured([slow], DEFAULTS)) == [
        "performance score is 41, under its budget of 80.",
        "first contentful paint is 2500 ms, over its budget of 2000 ms.",
        "total blocking time is 1950 ms, over its budget of 200 ms.",
    ]


def test_what_ran_says_how_many_runs_of_which_url_by_which_lighthouse() -> None:
    assert what_ran([run()]) == "Lighthouse 12.2.3 (desktop), one run of http://localhost:8080/"
    assert what_ran([run(), run(), run()]) == (
        "Lighthouse 12.2.3 (desktop), the median of 3 runs of http://localhost:8080/"
    )


@pytest.mark.parametrize(("runs", "taken"), [(0, False), (1, True), (9, True), (10, False)])
def test_runs_are_from_1_to_9(runs: int, taken: bool) -> None:
    if taken:
        assert checked_runs(runs) == runs
    else:
        with pytest.raises(PipelineError, match=rf"^--runs must be from 1 to 9 \(got {runs}\)\.$"):
            checked_runs(runs)


def test_the_defaults_are_each_figures_limit_three_runs_and_a_20_percent_threshold() -> None:
    assert lighthouse_report.DEFAULTS == {
        "runs": 3,
        "performance": 80,
        "accessibility": 90,
        "best_practices": 90,
        "first_contentful_paint": 2000,
        "largest_contentful_paint": 2500,
        "time_to_interactive": 3000,
        "total_blocking_time": 200,
        "cumulative_layout_shift": 0.1,
        "regression_threshold": 0.2,
    }
