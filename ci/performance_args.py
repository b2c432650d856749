"""The performance gates' options, shared by `load-test`, `lighthouse` and their reports.

Each setting left out comes from the repository's pipeline.toml ([load-test],
[lighthouse]), else its default (ci/load.py, ci/lighthouse_report.py): what `ci` and
`release` run the gates with, and what a call without the flag gets.
"""

from collections.abc import Mapping
from typing import Annotated

from dagger import Doc

from ci import lighthouse_report, load
from ci.choices import LoadTarget
from ci.load import ENV_MAX_SECONDS, ENV_MAX_USERS
from ci.profile.config_file import CONFIG_FILE


def _setting(text: str, table: str, key: str, defaults: Mapping[str, float]) -> Doc:
    """`text`, then where its default comes from: pipeline.toml's [table] key, else `defaults`."""
    default = defaults[key.replace("-", "_")]
    return Doc(f"{text} (default: {CONFIG_FILE} [{table}] {key}, else {default:g})")


def _load(text: str, key: str) -> Doc:
    return _setting(text, "load-test", key, load.DEFAULTS)


def _lighthouse(text: str, key: str) -> Doc:
    return _setting(text, "lighthouse", key, lighthouse_report.DEFAULTS)


LoadEnvArg = Annotated[
    LoadTarget,
    Doc(
        "stack (the app as services), or staging or production: its URL "
        f"(deploy/environments.toml), at most {ENV_MAX_USERS} users for {ENV_MAX_SECONDS} s, "
        "no checkout"
    ),
]
UsersArg = Annotated[int | None, _load("Concurrent users at the peak", "users")]
SpawnRateArg = Annotated[float | None, _load("The ramp: users started per second", "spawn-rate")]
DurationArg = Annotated[
    int | None, _load("How long the load runs, in seconds (the ramp included)", "duration")
]
ProductListArg = Annotated[
    float | None, _load("Budget: p95 of GET /api/products/, in ms", "product-list-ms")
]
ProductPageArg = Annotated[
    float | None,
    _load("Budget: p95 of a product's page (GET /api/products/<slug>/), in ms", "product-page-ms"),
]
CheckoutArg = Annotated[
    float | None,
    _load("Budget: p95 of the whole checkout flow (list, product, order), in ms", "checkout-ms"),
]
ErrorRateArg = Annotated[float | None, _load("Budget: failed requests, in % of all", "error-rate")]
_THRESHOLD = "Fail when a figure is worse than main's by more than this share"
LoadThresholdArg = Annotated[float | None, _load(_THRESHOLD, "regression-threshold")]

RunsArg = Annotated[int | None, _lighthouse("Lighthouse runs; each figure is their median", "runs")]
PerformanceArg = Annotated[
    float | None, _lighthouse("Least performance score, 0 to 100", "performance")
]
AccessibilityArg = Annotated[
    float | None, _lighthouse("Least accessibility score, 0 to 100", "accessibility")
]
BestPracticesArg = Annotated[
    float | None, _lighthouse("Least best-practices score, 0 to 100", "best-practices")
]
FirstPaintArg = Annotated[
    float | None, _lighthouse("Most First Contentful Paint, ms", "first-contentful-paint")
]
LargestPaintArg = Annotated[
    float | None, _lighthouse("Most Largest Contentful Paint, ms", "largest-contentful-paint")
]
InteractiveArg = Annotated[
    float | None, _lighthouse("Most Time to Interactive, ms", "time-to-interactive")
]
BlockingArg = Annotated[
    float | None, _lighthouse("Most Total Blocking Time, ms", "total-blocking-time")
]
LayoutShiftArg = Annotated[
    float | None, _lighthouse("Most Cumulative Layout Shift", "cumulative-layout-shift")
]
LighthouseThresholdArg = Annotated[float | None, _lighthouse(_THRESHOLD, "regression-threshold")]
