"""The load test's plain parts: the run and its bounds, Locust's command, its CSV, figures."""

from pathlib import Path

import pytest

from ci.budgets import Measured
from ci.errors import PipelineError
from ci.load import (
    AGGREGATED,
    CHECKOUT_FLOW,
    DEFAULTS,
    PRODUCT_LIST,
    PRODUCT_PAGE,
    LoadBudgets,
    LoadRun,
    RequestStats,
    figures,
    locust_command,
    planned,
    stats,
)

# Written by Locust 2.47.0 (`--csv`) running the reference app's scenario on a stub server.
LOCUST_CSV = (Path(__file__).parent / "data" / "locust_stats.csv").read_text()
HEADER = LOCUST_CSV.splitlines()[0]
URL = "http://frontend:8080"


def row(name: str, requests: int, failures: int, p95: str, kind: str = "GET") -> str:
    cells = [kind, name, str(requests), str(failures), *["1"] * 7, *["1"] * 5, p95, *["1"] * 5]
    return ",".join(cells)


def csv_of(*rows: str) -> str:
    return "\n".join([HEADER, *rows])


def test_the_stack_runs_as_asked() -> None:
    assert planned(100, 10, 60, URL, "") == LoadRun(100, 10, 60, URL)


def test_an_environment_is_bounded_says_what_was_capped_and_places_no_orders() -> None:
    run = planned(100, 10, 60, "https://x", "staging")
    assert run == LoadRun(
        20,
        10,
        30,
        "https://x",
        checkout=False,
        capped="Bounded on staging: 100 users capped to 20, 60 s capped to 30 s.",
    )


@pytest.mark.parametrize(
    ("users", "seconds", "kept", "capped"),
    [
        (20, 30, (20, 30), ""),
        (21, 30, (20, 30), "Bounded on production: 21 users capped to 20."),
        (5, 31, (5, 30), "Bounded on production: 31 s capped to 30 s."),
    ],
)
def test_an_environments_bounds_are_at_most_20_users_for_30_seconds(
    users: int, seconds: int, kept: tuple[int, int], capped: str
) -> None:
    run = planned(users, 2.5, seconds, "https://x", "production")
    assert (run.users, run.seconds, run.spawn_rate, run.capped) == (*kept, 2.5, capped)
    assert run.checkout is False


@pytest.mark.parametrize(("users", "rate", "seconds"), [(0, 1, 1), (1, 0, 1), (1, 1, 0)])
def test_users_ramp_and_duration_must_be_positive(users: int, rate: float, seconds: int) -> None:
    with pytest.raises(PipelineError) as caught:
        planned(users, rate, seconds, URL, "")
    assert str(caught.value) == (
        f"--users ({users}), --duration ({seconds}) and --spawn-rate ({rate:g}) must be "
        "positive: e.g. --users=100 --spawn-rate=10 --duration=60."
    )


def test_the_line_of_what_ran_names_users_ramp_duration_url_and_bounds() -> None:
    assert LoadRun(20, 2.5, 10, URL).described() == (
        "Load test: 20 users (ramp 2.5/s) for 10 s against http://frontend:8080."
    )
    assert planned(50, 10, 60, "https://x", "staging").described() == (
        "Load test: 20 users (ramp 10/s) for 30 s against https://x. No checkout (tag "
        "checkout): it would place real orders. Bounded on staging: 50 users capped to 20, "
        "60 s capped to 30 s."
    )


def test_locust_runs_headless_writing_csv_and_html_and_leaves_checkout_out_when_bounded() -> None:
    command = locust_command("/s/locustfile.py", LoadRun(20, 2.5, 10, URL), "/r/l", "/r/l.html")
    assert command == [
        "locust",
        "--locustfile=/s/locustfile.py",
        "--headless",
        "--users=20",
        "--spawn-rate=2.5",
        "--run-time=10s",
        f"--host={URL}",
        "--csv=/r/l",
        "--html=/r/l.html",
        "--only-summary",
    ]
    bounded = planned(50, 10, 60, "https://x", "staging")
    assert locust_command("f", bounded, "c", "h")[-1] == "--exclude-tags=checkout"


def test_locusts_csv_is_read_by_request_name() -> None:
    found = stats(LOCUST_CSV)
    assert found[PRODUCT_LIST] == RequestStats(PRODUCT_LIST, 11, 0, 53.0)
    assert found[PRODUCT_PAGE] == RequestStats(PRODUCT_PAGE, 11, 5, 9.0)
    assert found[CHECKOUT_FLOW] == RequestStats(CHECKOUT_FLOW, 1, 0, 12.0)
    assert found[AGGREGATED] == RequestStats(AGGREGATED, 24, 5, 17.0)


def test_a_percentile_of_a_request_never_made_reads_as_zero() -> None:
    found = stats(csv_of(row("x", 0, 0, "N/A"), row(AGGREGATED, 0, 0, "N/A", kind="")))
    assert found["x"].p95_ms == 0.0


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "Type,Name\nGET,x",
            "Locust's statistics could not be read (KeyError('Request Count') in its "
            "_stats.csv): run a Locust 2.x the lock pins.",
        ),
        (
            csv_of(row("x", 1, 0, "fast")),
            "Locust's statistics could not be read (ValueError(\"could not convert string to "
            "float: 'fast'\") in its _stats.csv): run a Locust 2.x the lock pins.",
        ),
        (
            csv_of(row("x", 1, 0, "5")),
            "Locust's _stats.csv has no Aggregated row: the run did not finish.",
        ),
    ],
)
def test_a_csv_that_cannot_be_read_is_one_sentence(text: str, sentence: str) -> None:
    with pytest.raises(PipelineError) as caught:
        stats(text)
    assert str(caught.value) == sentence


def test_each_budgeted_request_and_the_error_rate_of_http_requests_are_figures() -> None:
    measured, note = figures(stats(LOCUST_CSV), LoadBudgets())
    shown = [(m.budget.name, m.value, m.budget.limit, m.budget.unit) for m in measured]
    assert shown == [
        (f"p95 {PRODUCT_LIST}", 53.0, 200, "ms"),
        (f"p95 {PRODUCT_PAGE}", 9.0, 200, "ms"),
        (f"p95 {CHECKOUT_FLOW}", 12.0, 3000, "ms"),
        # 5 failed of 23 HTTP requests: the flow's one event times requests counted already
        ("error rate", pytest.approx(100 * 5 / 23), 1, "%"),
    ]
    assert note == ""


def test_budgets_set_the_limits_and_each_figure_has_its_noise() -> None:
    limits = LoadBudgets(product_list_ms=150, product_page_ms=250, checkout_ms=2000, error_rate=0)
    measured, _ = figures(stats(LOCUST_CSV), limits)
    assert [(m.budget.limit, m.budget.noise) for m in measured] == [
        (150, 50),
        (250, 50),
        (2000, 300),
        (0, 1),
    ]
    assert [m.budget.higher_is_better for m in measured] == [False] * 4


def test_a_budgeted_request_the_run_did_not_make_is_named_as_not_measured() -> None:
    text = csv_of(
        row(PRODUCT_LIST, 10, 0, "40"),
        row(PRODUCT_PAGE, 0, 0, "N/A"),
        row(AGGREGATED, 10, 1, "40", kind=""),
    )
    measured, note = figures(stats(text), LoadBudgets())
    assert [m.budget.name for m in measured] == [f"p95 {PRODUCT_LIST}", "error rate"]
    assert measured[-1] == Measured(LoadBudgets().error_budget(), 10.0)
    assert note == (
        "Not measured (no such request in this run): p95 GET /api/products/[slug]/, "
        "p95 checkout flow."
    )


@pytest.mark.parametrize("flows", [0, 3])
def test_a_run_that_made_no_http_request_fails(flows: int) -> None:
    text = csv_of(
        row(CHECKOUT_FLOW, flows, flows, "1", kind="FLOW"), row(AGGREGATED, flows, flows, "1")
    )
    with pytest.raises(PipelineError) as caught:
        figures(stats(text), LoadBudgets())
    assert str(caught.value) == (
        "The load test made no request: check the URL and that the scenario has tasks."
    )


def test_the_least_run_is_one_user_for_one_second_at_any_positive_ramp() -> None:
    assert planned(1, 0.1, 1, URL, "") == LoadRun(1, 0.1, 1, URL)
    assert planned(1, 0.1, 1, "https://x", "staging").capped == ""


def test_one_http_request_is_enough_for_an_error_rate() -> None:
    text = csv_of(row(PRODUCT_LIST, 1, 1, "40"), row(AGGREGATED, 1, 1, "40", kind=""))
    measured, _ = figures(stats(text), LoadBudgets())
    assert measured == [
        Measured(LoadBudgets().budgets()[PRODUCT_LIST], 40.0),
        Measured(LoadBudgets().error_budget(), 100.0),
    ]


def test_a_checkout_flows_own_failures_are_not_counted_as_request_errors() -> None:
    text = csv_of(
        row(PRODUCT_LIST, 8, 1, "40"),
        row(CHECKOUT_FLOW, 2, 1, "900", kind="FLOW"),
        row(AGGREGATED, 10, 2, "40", kind=""),
    )
    measured, note = figures(stats(text), LoadBudgets())
    assert [(m.budget.name, m.value) for m in measured] == [
        (f"p95 {PRODUCT_LIST}", 40.0),
        (f"p95 {CHECKOUT_FLOW}", 900.0),
        ("error rate", 12.5),
    ]
    assert note == "Not measured (no such request in this run): p95 GET /api/products/[slug]/."


def test_the_defaults_are_the_targets_of_the_plans() -> None:
    # 100 concurrent users, a product listing under 200 ms, checkout under 3 s.
    assert DEFAULTS == {
        "users": 100,
        "spawn_rate": 10,
        "duration": 60,
        "product_list_ms": 200,
        "product_page_ms": 200,
        "checkout_ms": 3000,
        "error_rate": 1,
        "regression_threshold": 0.2,
    }


def test_the_budgets_are_read_from_the_settled_settings_by_name() -> None:
    settled = DEFAULTS | {"product_page_ms": 450, "checkout_ms": 5000, "error_rate": 0.5}
    assert LoadBudgets.of(settled) == LoadBudgets(
        product_list_ms=200, product_page_ms=450, checkout_ms=5000, error_rate=0.5
    )
    assert LoadBudgets.of(DEFAULTS) == LoadBudgets()
