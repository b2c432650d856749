from dataclasses import dataclass

import pytest

from ci.errors import PipelineError
from ci.report import (
    StageResult,
    collected_markdown,
    command_error,
    failure_text,
    require_passed,
    summary,
    summary_markdown,
    tail,
)


@dataclass
class FakeExecFailure(Exception):
    """Has the attributes dagger.ExecError carries."""

    command: list[str]
    exit_code: int
    stdout: str
    stderr: str


def test_tail_keeps_the_end_and_says_what_was_cut() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    out = tail(text, lines=3)
    assert out.splitlines() == ["[... 97 earlier lines]", "line 97", "line 98", "line 99"]
    assert tail("short\n") == "short"


def test_failure_text_of_an_exec_names_command_code_and_output() -> None:
    exc = FakeExecFailure(["pytest", "-q"], 1, "1 failed, 3 passed", "warning")
    text = failure_text(exc)
    assert text.startswith("`pytest -q` exited with code 1.")
    assert "1 failed, 3 passed" in text
    assert "--- stderr ---\nwarning" in text


def test_failure_text_of_other_errors_is_their_message() -> None:
    assert failure_text(ValueError("bad input")) == "bad input"
    assert failure_text(RuntimeError()) == "RuntimeError"


def test_summary_is_a_table_with_failures_first() -> None:
    results = [
        StageResult("lint", True, 1.25, "", cached=True),
        StageResult("backend-test", False, 30, "", artifacts="backend-reports"),
    ]
    assert summary(results).splitlines() == [
        " Stage          Result    Time   Cached   Artifacts",
        " " + "─" * 56,
        " backend-test   FAIL     30.0s   no       backend-reports",
        " lint           PASS      1.2s   yes",
    ]


def test_markdown_summary_has_the_table_and_each_failures_tail() -> None:
    output = "\n".join(f"line {i}" for i in range(100)) + "\n```injected fence```"
    results = [
        StageResult("lint", True, 1.25, "", cached=True),
        StageResult("backend-test", False, 30, output, artifacts="backend-reports"),
    ]
    markdown = summary_markdown("test", results)
    assert markdown.splitlines()[:6] == [
        "### test",
        "",
        "| Stage | Result | Time | Cached | Artifacts |",
        "|---|---|---|---|---|",
        "| backend-test | ❌ FAIL | 30.0s | no | `backend-reports` |",
        "| lint | ✅ PASS | 1.2s | yes |  |",
    ]
    assert "#### backend-test\n\n``````text\n[... 41 earlier lines]" in markdown
    assert markdown.endswith("```injected fence```\n``````")


def test_markdown_is_collected_inside_the_block_only() -> None:
    results = [StageResult("a", True, 0, "out")]
    with collected_markdown() as tables:
        require_passed("test", results)
        with pytest.raises(PipelineError):
            require_passed("release", [StageResult("deploy", False, 1, "refused")])
    require_passed("outside", results)
    assert [table.splitlines()[0] for table in tables] == ["### test", "### release"]


def test_require_passed_returns_summary_when_all_pass() -> None:
    results = [StageResult("a", True, 0, "out")]
    assert require_passed("test", results) == summary(results)


def test_a_single_failing_stage_is_not_named_twice() -> None:
    with pytest.raises(PipelineError) as caught:
        require_passed("e2e", [StageResult("e2e", False, 1, "1 failed")])
    assert str(caught.value).startswith("e2e failed; the failing output is below.")


def test_require_passed_raises_with_every_failure_and_the_summary() -> None:
    results = [
        StageResult("lint", False, 1, "E501 line too long"),
        StageResult("backend-test", True, 2, "ok"),
        StageResult("frontend-test", False, 3, "1 test failed"),
    ]
    with pytest.raises(PipelineError) as caught:
        require_passed("test", results)
    message = str(caught.value)
    assert message.splitlines()[0] == (
        "test failed in lint, frontend-test; the failing output is below."
    )
    assert " backend-test    PASS " in message
    assert "=== lint ===\nE501 line too long" in message
    assert "=== frontend-test ===\n1 test failed" in message


def test_command_error_is_the_django_message_line() -> None:
    stderr = (
        "Traceback...\nCommandError: Cannot reach the database at db:5432 (database x): refused.\n"
    )
    assert command_error(stderr) == "Cannot reach the database at db:5432 (database x): refused."
    assert command_error("some other failure") is None


def test_command_error_is_also_a_setting_django_could_not_use() -> None:
    stderr = (
        "Traceback (most recent call last):\n  ...\n"
        "django.core.exceptions.ImproperlyConfigured: DATABASE_URL could not be parsed.\n"
    )
    assert command_error(stderr) == "DATABASE_URL could not be parsed."
