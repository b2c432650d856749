from dataclasses import dataclass

import pytest

from ci.errors import PipelineError
from ci.report import StageResult, command_error, failure_text, require_passed, summary, tail


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


def test_summary_lines_up_names() -> None:
    results = [StageResult("lint", True, 1.25, ""), StageResult("backend-test", False, 30, "")]
    assert summary(results).splitlines() == [
        "PASS  lint             1.2s",
        "FAIL  backend-test    30.0s",
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
    assert "PASS  backend-test" in message
    assert "=== lint ===\nE501 line too long" in message
    assert "=== frontend-test ===\n1 test failed" in message


def test_command_error_is_the_django_message_line() -> None:
    stderr = (
        "Traceback...\nCommandError: Cannot reach the database at db:5432 (database x): refused.\n"
    )
    assert command_error(stderr) == "Cannot reach the database at db:5432 (database x): refused."
    assert command_error("some other failure") is None
