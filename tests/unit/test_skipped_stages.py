"""A stage that does not apply to the app: shown as skipped with its reason, never failed."""

import pytest

from ci.concurrency import run_stages
from ci.report import StageSkipped, require_passed, summary_markdown


async def no_suite() -> str:
    raise StageSkipped("no Playwright config (playwright.config.ts) in web or at the root")


async def passes() -> str:
    return "ok"


@pytest.mark.asyncio
async def test_a_skipped_stage_passes_with_its_reason_in_the_table() -> None:
    results = await run_stages({"end-to-end": no_suite, "lint": passes})
    skipped = results[0]
    assert (skipped.passed, skipped.skipped) == (
        True,
        "no Playwright config (playwright.config.ts) in web or at the root",
    )
    table = require_passed("test", results)
    (row,) = [line for line in table.splitlines() if " SKIP " in line]
    assert row.split()[:2] == ["end-to-end", "SKIP"]
    reason = (
        "end-to-end skipped: no Playwright config (playwright.config.ts) in web or at the root."
    )
    assert table.endswith(reason)
    markdown = summary_markdown("test", results)
    assert "| end-to-end | ⏭️ SKIP |" in markdown
    assert markdown.endswith(f"- {reason}")


@pytest.mark.asyncio
async def test_markdown_puts_the_reasons_after_a_blank_line_and_nothing_without_them() -> None:
    skipped = summary_markdown("test", await run_stages({"e2e": no_suite, "lint": passes}))
    table, reasons = skipped.rsplit("\n\n", 1)
    assert table.splitlines()[-1].startswith("| lint |")
    assert reasons.startswith("- e2e skipped: no Playwright config")
    plain = summary_markdown("test", await run_stages({"lint": passes}))
    assert plain.split("\n")[-1].startswith("| lint |")
