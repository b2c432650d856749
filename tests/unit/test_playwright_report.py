"""Playwright's JSON report read for flaky specs, and the summary line that names them."""

import json

import pytest

from ci.errors import PipelineError
from ci.playwright_report import flaky_note, flaky_specs
from ci.report import StageResult, summary, summary_markdown


def spec(title: str, line: int, *statuses: str) -> dict[str, object]:
    """A spec as the JSON reporter writes it: one test per project, with its status."""
    tests = [
        {"projectName": project, "status": status, "results": []}
        for project, status in zip(("chromium", "firefox"), statuses, strict=False)
    ]
    return {"title": title, "file": "cart.spec.ts", "line": line, "tests": tests}


REPORT = json.dumps(
    {
        "suites": [
            {
                "title": "cart.spec.ts",
                "file": "cart.spec.ts",
                "specs": [spec("adds an item", 3, "expected", "flaky")],
                "suites": [
                    {
                        "title": "checkout",
                        "file": "cart.spec.ts",
                        "specs": [
                            spec("pays", 9, "flaky"),
                            spec("refuses an empty cart", 14, "unexpected"),
                            spec("ships abroad", 20, "skipped"),
                        ],
                        "suites": [],
                    }
                ],
            }
        ],
        "stats": {"expected": 1, "unexpected": 1, "flaky": 2, "skipped": 1},
    }
)


def test_flaky_specs_are_named_with_project_file_line_and_describe_blocks() -> None:
    assert flaky_specs(REPORT) == [
        "[firefox] cart.spec.ts:3 > adds an item",
        "[chromium] cart.spec.ts:9 > checkout > pays",
    ]
    assert flaky_note(REPORT) == (
        "flaky: 2 ([firefox] cart.spec.ts:3 > adds an item; "
        "[chromium] cart.spec.ts:9 > checkout > pays)"
    )


def test_a_run_with_no_retried_spec_has_no_note() -> None:
    steady = REPORT.replace('"flaky"', '"expected"')
    assert flaky_specs(steady) == []
    assert flaky_note(steady) == ""


@pytest.mark.parametrize("text", ["", "{}", '{"suites": [{"specs": [{}]}]}', "[1]"])
def test_a_malformed_report_is_one_sentence(text: str) -> None:
    with pytest.raises(PipelineError, match="not the JSON reporter's output") as caught:
        flaky_specs(text)
    assert "\n" not in str(caught.value)
    assert str(caught.value).endswith('): check the "json" reporter in playwright.config.')


def test_the_summary_shows_a_green_stage_s_notes_below_its_table() -> None:
    results = [
        StageResult("lint", True, 2.0, "ok"),
        StageResult("end-to-end", True, 30.0, "4 passed", notes=flaky_note(REPORT)),
    ]
    lines = summary(results).splitlines()
    assert lines[-1] == f"end-to-end: {flaky_note(REPORT)}"
    assert [line for line in lines if "flaky" in line] == [lines[-1]]
    markdown = summary_markdown("test", results).splitlines()
    assert markdown[-2:] == ["", f"- end-to-end: {flaky_note(REPORT)}"]
    assert "flaky" not in summary([StageResult("end-to-end", True, 30.0, "4 passed")])


def test_a_suite_may_leave_out_specs_or_inner_suites() -> None:
    # The reporter leaves out an empty list: a file whose specs are all in describe blocks
    # has no "specs", and the innermost describe block has no "suites".
    inner = {"title": "checkout", "file": "cart.spec.ts", "specs": [spec("pays", 9, "flaky")]}
    report = {"suites": [{"title": "cart.spec.ts", "file": "cart.spec.ts", "suites": [inner]}]}
    assert flaky_specs(json.dumps(report)) == ["[chromium] cart.spec.ts:9 > checkout > pays"]
