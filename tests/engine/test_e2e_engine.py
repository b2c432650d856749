"""A failing Playwright spec on the engine: the error names it, and its report is kept."""

import pytest

from ci.choices import Suite
from ci.errors import PipelineError
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


async def test_failing_spec_fails_end_to_end_and_its_report_can_still_be_had(engine: None) -> None:
    source = repository().with_new_file("app/frontend/e2e/broken.spec.ts", BROKEN_SPEC)
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
