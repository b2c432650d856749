"""Performance budgets: figures against their limits and against main's last figures."""

import pytest

from ci import budgets
from ci.budgets import Baseline, Budget, Measured, baseline_of, over_budget, regressions, table
from ci.errors import PipelineError

P95 = Budget("p95 GET /api/products/", 200, "ms")
SCORE = Budget("performance", 0.8, "", higher_is_better=True)


@pytest.mark.parametrize(
    ("budget", "value", "met"),
    [
        (P95, 199, True),
        (P95, 200, True),
        (P95, 201, False),
        (SCORE, 0.81, True),
        (SCORE, 0.8, True),
        (SCORE, 0.79, False),
    ],
)
def test_a_budget_is_met_up_to_its_limit_in_the_better_direction(
    budget: Budget, value: float, met: bool
) -> None:
    assert budget.met_by(value) is met
    assert Measured(budget, value).within_budget is met


@pytest.mark.parametrize(
    ("budget", "value", "shown"),
    [
        (P95, 212.4, "212 ms"),
        (P95, 10, "10 ms"),
        (P95, 10.4, "10 ms"),
        (P95, 9.5, "9.5 ms"),
        (P95, 2, "2 ms"),
        (SCORE, 0.95, "0.95"),
        (SCORE, 0.5, "0.5"),
        (SCORE, 0.125, "0.12"),
    ],
)
def test_figures_are_shown_with_their_unit(budget: Budget, value: float, shown: str) -> None:
    assert budget.shown(value) == shown


def test_each_figure_over_its_budget_is_one_sentence() -> None:
    figures = [Measured(P95, 412), Measured(SCORE, 0.42), Measured(P95, 100)]
    assert over_budget(figures) == [
        "p95 GET /api/products/ is 412 ms, over its budget of 200 ms.",
        "performance is 0.42, under its budget of 0.8.",
    ]


@pytest.mark.parametrize(
    ("budget", "value", "before", "worse"),
    [
        (P95, 150, 100, 0.5),
        (P95, 50, 100, -0.5),
        (SCORE, 0.5, 1.0, 0.5),
        (SCORE, 1.0, 0.5, -1.0),
        (P95, 0, 0, 0.0),
        (P95, 3, 0, float("inf")),
        (SCORE, -0.5, -1.0, -0.5),
    ],
)
def test_worse_by_is_the_share_in_the_bad_direction(
    budget: Budget, value: float, before: float, worse: float
) -> None:
    assert Measured(budget, value).worse_by(before) == worse


def test_a_figure_worse_than_mains_by_more_than_the_threshold_names_both_and_the_commit() -> None:
    baseline = Baseline("0123456789abcdef", {P95.name: 100, SCORE.name: 0.9})
    figures = [Measured(P95, 130), Measured(SCORE, 0.9)]
    assert regressions(figures, baseline, 0.2) == [
        "p95 GET /api/products/ is 130 ms, 30% worse than main's 100 ms "
        "(commit 0123456789ab); the threshold is 20%."
    ]


def test_a_figure_worse_by_exactly_the_threshold_or_unknown_to_main_passes() -> None:
    baseline = Baseline("c", {P95.name: 100})
    assert regressions([Measured(P95, 120), Measured(SCORE, 0.1)], baseline, 0.2) == []


def test_a_change_within_the_figures_noise_is_no_regression() -> None:
    blocking = Budget("total blocking time", 200, "ms", noise=50)
    baseline = Baseline("c", {blocking.name: 0})
    assert regressions([Measured(blocking, 50)], baseline, 0.2) == []
    assert regressions([Measured(blocking, 51)], baseline, 0.2) == [
        "total blocking time is 51 ms, worse than main's 0 ms (commit c); the threshold is 20%."
    ]


def test_noise_is_the_distance_between_the_figure_and_mains() -> None:
    blocking = Budget("total blocking time", 200, "ms", noise=50)
    baseline = Baseline("c", {blocking.name: 100})
    assert regressions([Measured(blocking, 130)], baseline, 0.2) == []


def test_every_figure_is_compared_past_those_that_did_not_regress() -> None:
    baseline = Baseline("c", {P95.name: 100, SCORE.name: 0.9})
    other = Budget("p95 GET /api/orders/", 200, "ms", noise=50)
    figures = [Measured(SCORE, 0.9), Measured(other, 10), Measured(P95, 130)]
    assert regressions(figures, baseline, 0.2) == [
        "p95 GET /api/products/ is 130 ms, 30% worse than main's 100 ms (commit c); "
        "the threshold is 20%."
    ]
    noisy = [Measured(Budget(P95.name, 200, "ms", noise=40), 130), Measured(SCORE, 0.5)]
    assert regressions(noisy, baseline, 0.2) == [
        "performance is 0.5, 44% worse than main's 0.9 (commit c); the threshold is 20%."
    ]


def test_without_a_baseline_nothing_regresses() -> None:
    assert regressions([Measured(P95, 10_000)], None, 0.0) == []


def test_a_baseline_round_trips_through_json_and_is_made_from_figures() -> None:
    made = baseline_of([Measured(P95, 120), Measured(SCORE, 0.9)], "abc")
    assert made == Baseline("abc", {P95.name: 120.0, SCORE.name: 0.9})
    assert Baseline.from_json(made.to_json()) == made
    assert made.to_json() == (
        '{"commit": "abc", "figures": {"p95 GET /api/products/": 120, "performance": 0.9}}'
    )
    backwards = Baseline("abc", {SCORE.name: 0.9, P95.name: 120})
    assert backwards.to_json() == made.to_json()  # keys sorted: the same figures, one text


def test_the_table_shows_each_figure_its_budget_mains_figure_and_the_result() -> None:
    baseline = Baseline("0123456789abcdef", {P95.name: 180})
    shown = table([Measured(P95, 212), Measured(SCORE, 0.9)], baseline)
    assert shown.splitlines() == [
        "| Figure | Measured | Budget | Main (0123456789ab) | Result |",
        "|---|---|---|---|---|",
        "| p95 GET /api/products/ | 212 ms | ≤ 200 ms | 180 ms | FAIL |",
        "| performance | 0.9 | ≥ 0.8 | - | pass |",
    ]


def test_the_table_says_when_there_is_no_baseline_yet() -> None:
    shown = table([Measured(P95, 150)], None)
    assert shown.splitlines() == [
        "| Figure | Measured | Budget | Main | Result |",
        "|---|---|---|---|---|",
        "| p95 GET /api/products/ | 150 ms | ≤ 200 ms | - | pass |",
        "",
        "No baseline of main on this engine yet: nothing compared.",
    ]


def test_a_baselines_json_has_its_figures_in_name_order_whatever_the_order_measured() -> None:
    made = baseline_of([Measured(SCORE, 0.9), Measured(P95, 120)], "abc")
    assert made.to_json() == (
        '{"commit": "abc", "figures": {"p95 GET /api/products/": 120, "performance": 0.9}}'
    )


@pytest.mark.parametrize(
    ("value", "shown"), [(10.5, "10 ms"), (-12.5, "-12 ms"), (-9.5, "-9.5 ms"), (0, "0 ms")]
)
def test_large_figures_are_shown_whole_and_small_ones_with_their_decimals(
    value: float, shown: str
) -> None:
    assert P95.shown(value) == shown


def test_every_figure_is_compared_after_one_that_did_not_regress() -> None:
    baseline = Baseline("c", {SCORE.name: 0.9, P95.name: 100})
    figures = [Measured(SCORE, 0.9), Measured(P95, 130)]
    assert [s.split(",")[0] for s in regressions(figures, baseline, 0.2)] == [
        "p95 GET /api/products/ is 130 ms"
    ]


def test_every_figure_is_compared_after_one_within_its_noise() -> None:
    blocking = Budget("total blocking time", 200, "ms", noise=50)
    baseline = Baseline("c", {blocking.name: 200, P95.name: 100})
    # 25 % worse but by 50 ms, within the noise: then the list's regression still counts.
    figures = [Measured(blocking, 250), Measured(P95, 130)]
    assert [s.split(",")[0] for s in regressions(figures, baseline, 0.2)] == [
        "p95 GET /api/products/ is 130 ms"
    ]


def test_the_regression_threshold_is_a_share_not_below_0() -> None:
    assert budgets.checked_threshold(0) == 0
    assert budgets.checked_threshold(0.2) == 0.2
    with pytest.raises(PipelineError) as caught:
        budgets.checked_threshold(-0.01)
    assert str(caught.value) == (
        "--regression-threshold is a share of main's figure, 0.2 for 20 %, and not below 0 "
        "(got -0.01)."
    )


def test_a_setting_given_wins_then_pipeline_tomls_then_its_default() -> None:
    given = {"users": 20.0, "spawn_rate": None, "duration": None}
    settings = {"spawn-rate": 2.0, "users": 5.0}
    defaults = {"users": 100.0, "spawn_rate": 10.0, "duration": 60.0}
    assert budgets.settled(given, settings, defaults) == {
        "users": 20.0,
        "spawn_rate": 2.0,
        "duration": 60.0,
    }
    # 0 is a setting (an error rate of 0 %), not a missing one.
    assert budgets.settled({"error_rate": 0.0}, {"error-rate": 5.0}, {"error_rate": 1.0}) == {
        "error_rate": 0.0
    }
    assert budgets.DEFAULT_THRESHOLD == 0.2
