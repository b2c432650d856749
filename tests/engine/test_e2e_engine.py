"""A failing Playwright spec on the engine: the error names it, and its report is kept;
a spec passing only on a retry is named flaky in that report."""

import pytest

from ci.choices import Suite
from ci.errors import PipelineError
from ci.playwright_report import REPORT_PATH, flaky_specs
from tests.engine.conftest import pipeline, repository

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]

BROKEN_SPEC = """
import { expect, test } from "@playwright/test";

test("deliberately broken spec", { tag: "@quick" }, async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "No such heading" })).toBeVisible({
    timeout: 1000,
  });
});
"""
# Made flaky on purpose: fails on its first attempt only (no browser needed).
FLAKY_SPEC = """
import { expect, test } from "@playwright/test";

test("flaky on purpose", { tag: "@quick" }, async ({}, testInfo) => {
  expect(testInfo.retry, "the first attempt fails").toBeGreaterThan(0);
});
"""


async def test_failing_spec_fails_end_to_end_and_its_report_can_still_be_had(engine: None) -> None:
    source = (
        repository()
        .with_new_file("app/frontend/e2e/broken.spec.ts", BROKEN_SPEC)
        .with_new_file("app/frontend/e2e/flaky.spec.ts", FLAKY_SPEC)
    )
    broken = await pipeline(source)
    with pytest.raises(PipelineError) as caught:
        await broken.end_to_end(Suite.QUICK)
    assert "deliberately broken spec" in str(caught.value)

    reports = await broken.end_to_end_reports(Suite.QUICK)
    assert (await reports.file("exit-code").contents()).strip() == "1"
    assert "index.html" in await reports.directory("playwright-report").entries()
    junit = await reports.file("test-results/junit.xml").contents()
    assert "deliberately broken spec" in junit
    traces = await reports.glob("test-results/**/trace.zip")
    assert traces, "a retry of the failing spec should have recorded a trace"
    report = await reports.file(REPORT_PATH).contents()
    assert flaky_specs(report) == ["[chromium] flaky.spec.ts:4 > flaky on purpose"]


async def test_a_green_run_names_the_specs_that_passed_only_on_a_retry(engine: None) -> None:
    source = repository().with_new_file("app/frontend/e2e/flaky.spec.ts", FLAKY_SPEC)
    output = await (await pipeline(source)).end_to_end(Suite.QUICK)
    assert output.splitlines()[-1] == (
        "end-to-end quick: flaky: 1 ([chromium] flaky.spec.ts:4 > flaky on purpose)"
    )
