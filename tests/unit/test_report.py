from dataclasses import dataclass

import pytest

from ci.errors import PipelineError
from ci.report import (
    StageResult,
    add_markdown,
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
        add_markdown("#### figures")
    require_passed("outside", results)
    add_markdown("#### outside")
    assert [table.splitlines()[0] for table in tables] == [
        "### test",
        "### release",
        "#### figures",
    ]


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
    assert message.endswith(
        "\n\n=== lint ===\nE501 line too long\n\n=== frontend-test ===\n1 test failed"
    )


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


@pytest.mark.parametrize(
    "text",
    ["\nafter a blank line", "ends in spaces   ", "sizes: 2 MiB, 3 MiB\nTOTAL 5 MiB, 1 MAX"],
)
def test_a_short_output_is_shown_as_it_is_but_for_its_last_newline(text: str) -> None:
    assert tail(text + "\n") == text


def test_an_output_of_exactly_the_kept_lines_is_not_cut() -> None:
    assert tail("one\ntwo\nthree", lines=3) == "one\ntwo\nthree"


def test_failure_text_shows_each_stream_that_said_something() -> None:
    both = FakeExecFailure(["npm", "test"], 2, "ran 3\n", "failed 1\n")
    assert failure_text(both) == (
        "`npm test` exited with code 2.\n--- stdout ---\nran 3\n--- stderr ---\nfailed 1"
    )
    quiet = FakeExecFailure(["npm", "test"], 2, "", "  \n")
    assert failure_text(quiet) == "`npm test` exited with code 2."


@dataclass
class FakeExecWithoutOutput(Exception):
    """An exec failure that carries no output streams at all."""

    command: list[str]
    exit_code: int


class FailureWithoutExitCode(Exception):
    """Names a command but no exit code: not an exec failure."""

    command = ("dagger", "call")
    exit_code = None


def test_failure_text_without_streams_or_exit_code() -> None:
    assert failure_text(FakeExecWithoutOutput(["true"], 1)) == "`true` exited with code 1."
    assert failure_text(FailureWithoutExitCode("the engine went away")) == "the engine went away"


def test_summary_is_the_same_whatever_terminal_the_environment_describes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = [
        StageResult("lint", True, 1.25, "", cached=True),
        StageResult("a-stage-with-a-long-name", False, 30, "", artifacts="a-long-artifacts-name"),
    ]
    plain = summary(results)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    assert summary(results) == plain
    assert "\x1b" not in plain
    assert len(plain.splitlines()) == 4


def test_markdown_of_a_plain_failure_fences_it_with_three_backticks() -> None:
    markdown = summary_markdown("test", [StageResult("lint", False, 1, "E501 line too long")])
    assert markdown.splitlines()[-6:] == [
        "",
        "#### lint",
        "",
        "```text",
        "E501 line too long",
        "```",
    ]
