"""The load test's plain parts: what runs, Locust's command, its CSV, the figures.

What runs is bounded against an environment; Locust's CSV statistics are read back into
figures held to their budgets (ci/budgets.py).

The scenario names its requests; the budgets read three of them (the reference app's
scenario, app/backend/tests/load/locustfile.py, uses these names) and the error rate of
every request. A figure whose request the run did not make is listed as not measured.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields

from ci.budgets import DEFAULT_THRESHOLD, Budget, Measured
from ci.errors import PipelineError

PRODUCT_LIST = "GET /api/products/"
PRODUCT_PAGE = "GET /api/products/[slug]/"
CHECKOUT_FLOW = "checkout flow"
# The scenario's tag of what places orders: left out against a deployed environment.
CHECKOUT_TAG = "checkout"
AGGREGATED = "Aggregated"
# Against an environment (real users on it), at most this many users for this long.
ENV_MAX_USERS = 20
ENV_MAX_SECONDS = 30


@dataclass(frozen=True)
class LoadRun:
    """What a load test runs: users, ramp (users started per second), seconds, where.

    `checkout`: whether the scenario's checkout runs (not against an environment);
    `capped`: what the bounds of an environment changed ("" nothing).
    """

    users: int
    spawn_rate: float
    seconds: int
    url: str
    checkout: bool = True
    capped: str = ""

    def described(self) -> str:
        """One line of what ran: users, ramp, seconds, URL, and what was capped."""
        line = (
            f"Load test: {self.users} users (ramp {self.spawn_rate:g}/s) for {self.seconds} s "
            f"against {self.url}."
        )
        if not self.checkout:
            line += f" No checkout (tag {CHECKOUT_TAG}): it would place real orders."
        return f"{line} {self.capped}" if self.capped else line


def planned(users: int, spawn_rate: float, seconds: int, url: str, environment: str) -> LoadRun:
    """The run asked for, checked; against `environment` ("" the stack) bounded.

    An environment gets at most ENV_MAX_USERS users for ENV_MAX_SECONDS seconds, and no
    checkout; the run says what was capped.
    """
    if users < 1 or seconds < 1 or spawn_rate <= 0:
        raise PipelineError(
            f"--users ({users}), --duration ({seconds}) and --spawn-rate ({spawn_rate:g}) "
            "must be positive: e.g. --users=100 --spawn-rate=10 --duration=60."
        )
    if not environment:
        return LoadRun(users, spawn_rate, seconds, url)
    capped = []
    if users > ENV_MAX_USERS:
        capped.append(f"{users} users capped to {ENV_MAX_USERS}")
    if seconds > ENV_MAX_SECONDS:
        capped.append(f"{seconds} s capped to {ENV_MAX_SECONDS} s")
    note = f"Bounded on {environment}: {', '.join(capped)}." if capped else ""
    return LoadRun(
        min(users, ENV_MAX_USERS),
        spawn_rate,
        min(seconds, ENV_MAX_SECONDS),
        url,
        checkout=False,
        capped=note,
    )


def locust_command(scenario: str, run: LoadRun, csv_prefix: str, html: str) -> list[str]:
    """Locust, headless, running `scenario` as `run` says; CSV and HTML reports written."""
    command = [
        "locust",
        f"--locustfile={scenario}",
        "--headless",
        f"--users={run.users}",
        f"--spawn-rate={run.spawn_rate:g}",
        f"--run-time={run.seconds}s",
        f"--host={run.url}",
        f"--csv={csv_prefix}",
        f"--html={html}",
        "--only-summary",
    ]
    return command if run.checkout else [*command, f"--exclude-tags={CHECKOUT_TAG}"]


@dataclass(frozen=True)
class RequestStats:
    """One row of Locust's `_stats.csv`: a request name's count, failures and p95 (ms)."""

    name: str
    requests: int
    failures: int
    p95_ms: float


def stats(text: str) -> dict[str, RequestStats]:
    """The rows of Locust's `_stats.csv` by request name (the total row as AGGREGATED)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    try:
        found = {
            row["Name"]: RequestStats(
                row["Name"],
                int(row["Request Count"]),
                int(row["Failure Count"]),
                _number(row["95%"]),
            )
            for row in rows
        }
    except (KeyError, ValueError, TypeError) as error:
        raise PipelineError(
            f"Locust's statistics could not be read ({error!r} in its _stats.csv): "
            "run a Locust 2.x the lock pins."
        ) from None
    if AGGREGATED not in found:
        raise PipelineError("Locust's _stats.csv has no Aggregated row: the run did not finish.")
    return found


def _number(text: str) -> float:
    """A percentile cell: Locust writes N/A for a request never made."""
    return 0.0 if text == "N/A" else float(text)


@dataclass(frozen=True)
class LoadBudgets:
    """The load test's limits: p95s in ms, the error rate in % of requests.

    The p95s of the product list, a product's page, and the whole checkout flow.
    """

    product_list_ms: float = 200
    product_page_ms: float = 200
    checkout_ms: float = 3000
    error_rate: float = 1

    @classmethod
    def of(cls, settings: Mapping[str, float]) -> "LoadBudgets":
        """The budgets `settings` (the load test's settled settings) hold, by field name."""
        return cls(**{f.name: settings[f.name] for f in fields(cls)})

    def budgets(self) -> dict[str, Budget]:
        """Each figure's budget by the request it reads; how far it moves run to run (noise)."""
        return {
            PRODUCT_LIST: Budget(f"p95 {PRODUCT_LIST}", self.product_list_ms, "ms", noise=50),
            PRODUCT_PAGE: Budget(f"p95 {PRODUCT_PAGE}", self.product_page_ms, "ms", noise=50),
            CHECKOUT_FLOW: Budget(f"p95 {CHECKOUT_FLOW}", self.checkout_ms, "ms", noise=300),
        }

    def error_budget(self) -> Budget:
        """The error rate's budget, in % of requests."""
        return Budget("error rate", self.error_rate, "%", noise=1)


# What a load test runs with when neither its flags nor pipeline.toml's [load-test] say:
# the targets of the plans this project started from.
DEFAULTS: dict[str, float] = {
    "users": 100,
    "spawn_rate": 10,
    "duration": 60,
    **asdict(LoadBudgets()),
    "regression_threshold": DEFAULT_THRESHOLD,
}
# The unit of each of those, as `plan` shows them ("" for a count or a share of main's).
UNITS = {
    "users": "",
    "spawn_rate": "users/s",
    "duration": "s",
    "product_list_ms": "ms",
    "product_page_ms": "ms",
    "checkout_ms": "ms",
    "error_rate": "%",
    "regression_threshold": "",
}


def figures(found: dict[str, RequestStats], limits: LoadBudgets) -> tuple[list[Measured], str]:
    """Each figure the run measured, with its budget, and a line naming those it did not.

    The error rate counts HTTP requests: the total less the checkout flows, which only
    time requests already counted. A run that made no request at all fails.
    """
    measured, missing = [], []
    for name, budget in limits.budgets().items():
        row = found.get(name)
        if row is None or row.requests == 0:
            missing.append(budget.name)
        else:
            measured.append(Measured(budget, row.p95_ms))
    total = found[AGGREGATED]
    flows = found.get(CHECKOUT_FLOW)
    requests = total.requests - (flows.requests if flows else 0)
    failures = total.failures - (flows.failures if flows else 0)
    if requests <= 0:
        raise PipelineError(
            "The load test made no request: check the URL and that the scenario has tasks."
        )
    measured.append(Measured(limits.error_budget(), 100 * failures / requests))
    note = f"Not measured (no such request in this run): {', '.join(missing)}." if missing else ""
    return measured, note
