"""Bad input a user can type: one sentence each, before any container runs (no engine).

What needs the engine to be found wrong (a source without the app, an environments file,
a database URL that is no URL) is in the engine and CLI tiers.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from dagger import dag

from ci.errors import PipelineError
from ci.pipeline import Pipeline
from tests.support.pipeline import make_pipeline

CANARY = "canary-password-for-bad-input"  # must show in no message

Call = Callable[[Pipeline], Awaitable[Any]]


def _secret() -> Any:
    return dag.set_secret("bad-input-password", CANARY)


CASES: dict[str, tuple[Call, str]] = {
    "build: an unknown platform": (
        lambda p: p.build(platform=["linux/s390x"]),
        "linux/s390x",
    ),
    "build: an empty platform list item": (
        lambda p: p.build(platform=[""]),
        "platform",
    ),
    "publish: a registry with capitals": (
        lambda p: p.publish("GHCR.io/Acme", "ci", _secret(), "refs/heads/main", "a" * 40),
        "lower case",
    ),
    "publish: a ref that names no tag": (
        lambda p: p.publish("ghcr.io/acme/shop", "ci", _secret(), "refs/heads/", "a" * 40),
        "--git-ref",
    ),
    "scan: an unknown severity": (
        lambda p: p.scan(severity=["SEVERE"]),
        "SEVERE",
    ),
    "smoke: a URL without a scheme": (
        lambda p: p.smoke(url="localhost:8080"),
        "--url 'localhost:8080' must be an http(s) URL with a host.",
    ),
    "smoke: a URL of another scheme": (
        lambda p: p.smoke(url="ftp://shop.example.com"),
        "must be an http(s) URL",
    ),
    "verify: neither a key nor a keyless identity": (
        lambda p: p.verify(f"ghcr.io/acme/shop@sha256:{'a' * 64}"),
        "--key",
    ),
    "ci: an event it does not handle": (
        lambda p: p.ci(
            "issue_comment",
            "refs/heads/main",
            "a" * 40,
            staging_secrets=None,
            production_secrets=None,
        ),
        "issue_comment",
    ),
    "ci: a manual run without an environment": (
        lambda p: p.ci(
            "workflow_dispatch",
            "refs/heads/main",
            "a" * 40,
            staging_secrets=None,
            production_secrets=None,
        ),
        "--environment",
    ),
    "ci: a schedule it has no check for": (
        lambda p: p.ci(
            "schedule",
            "refs/heads/main",
            "a" * 40,
            schedule="0 0 * * *",
            staging_secrets=None,
            production_secrets=None,
        ),
        "no scheduled check for the cron '0 0 * * *'",
    ),
    "lighthouse: no run": (
        lambda p: p.lighthouse(runs=0),
        "--runs must be from 1 to 9 (got 0).",
    ),
    "lighthouse: more runs than the gate takes": (
        lambda p: p.lighthouse_reports(runs=10),
        "--runs must be from 1 to 9 (got 10).",
    ),
    "lighthouse: a negative regression threshold": (
        lambda p: p.lighthouse(regression_threshold=-0.1),
        "--regression-threshold is a share of main's figure, 0.2 for 20 %, and not below 0 "
        "(got -0.1).",
    ),
    "load-test: a negative regression threshold": (
        lambda p: p.load_test(regression_threshold=-0.5),
        "--regression-threshold is a share of main's figure, 0.2 for 20 %, and not below 0 "
        "(got -0.5).",
    ),
    "test-matrix: an unsupported Python": (
        lambda p: p.test_matrix(python_versions=["2.7"]),
        "2.7",
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
async def test_bad_input_is_one_sentence_before_anything_runs(case: str) -> None:
    call, expected = CASES[case]
    with pytest.raises(PipelineError) as caught:
        await call(make_pipeline())
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message, message
    assert "Traceback" not in message
    assert CANARY not in message
