"""The benchmark reads the CLI's plain progress log; check it reads it right.

The lines are built as `dagger --progress=plain` v0.21.8 prints them, colours included:
a span number, then one faint `┆ ` per level of nesting, then the span, and when it ends
its status and duration.
"""

import pytest

from tools.bench.images import sizes
from tools.bench.pipeline_cache import (
    Exec,
    Run,
    Span,
    duration_seconds,
    execs,
    function_call,
    stage_commands,
    stages_ran_again,
    top_spans,
)


def line(span: int, body: str, depth: int = 1) -> str:
    """One line of the plain progress log, coloured as the CLI prints it."""
    return f"\x1b[95m{span:<4}: \x1b[0m\x1b[90;2m{'┆ ' * depth}\x1b[0m{body}\n"


def started(command: str) -> str:
    return f"\x1b[34mwithExec\x1b[0m {command}"


def ended(status: str, duration: str = "1.4s") -> str:
    colour = {"DONE": 32, "CACHED": 34, "ERROR": 31}[status]
    return (
        f"Container.\x1b[1mwithExec\x1b[0m\x1b[{colour}m {status}\x1b[0m"
        f"\x1b[90m [{duration}]\x1b[0m"
    )


def logged(text: str, duration: str = "3.4s") -> str:
    return f"\x1b[90m[{duration}] \x1b[0m\x1b[90m|\x1b[0m {text}"


EXEC_LOG = "".join(
    [
        line(30, started("npm ci --no-audit --no-fund")),
        line(30, ended("CACHED")),
        line(33, started("npm run test:coverage")),
        line(33, ended("DONE", "0.0s")),
        line(33, logged("> vitest run --coverage")),
        line(33, ended("DONE", "14.1s")),  # drawn again after a context switch
        line(41, started("ruff check .")),
        line(41, ended("ERROR")),
        # The same command in two containers: two execs, each with its own status.
        line(50, started("python manage.py migrate --noinput"), depth=2),
        line(50, ended("CACHED"), depth=2),
        line(52, started("python manage.py migrate --noinput"), depth=2),
        line(52, ended("DONE", "1m5s"), depth=2),
    ]
)


def test_each_exec_gets_its_last_status() -> None:
    assert execs(EXEC_LOG) == [
        Exec("npm ci --no-audit --no-fund", "CACHED"),
        Exec("npm run test:coverage", "DONE"),
        Exec("ruff check .", "ERROR"),
        Exec("python manage.py migrate --noinput", "CACHED"),
        Exec("python manage.py migrate --noinput", "DONE"),
    ]


def test_an_exec_that_has_not_ended_is_not_counted() -> None:
    assert execs(line(7, started("mypy ."))) == []


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0.0s", 0.0),
        ("5.4s", 5.4),
        ("59.9s", 59.9),
        ("1m32s", 92.0),
        ("2m35s", 155.0),
        ("1h0m7s", 3607.0),
        ("1d2h3m4s", 93784.0),
    ],
)
def test_durations_are_read_in_every_form_the_log_prints(text: str, seconds: float) -> None:
    assert duration_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5.4", "1.5m", "2m35", "s"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="not a progress-log duration"):
        duration_seconds(text)


def span_end(name: str, status: str, duration: str) -> str:
    colour = {"DONE": 32, "CACHED": 34, "ERROR": 31}[status]
    return f"{name}\x1b[{colour}m {status}\x1b[0m\x1b[90m [{duration}]\x1b[0m"


PIPELINE_TEST = "\x1b[35mPipeline\x1b[0m.\x1b[1mtest\x1b[0m"
# What `dagger functions` logs; `dagger call` goes on with the call.
MODULE_LOAD = "".join(
    [
        line(1, "connect", depth=0),
        line(1, logged("cloud \x1b[2murl=\x1b[0mhttps://dagger.cloud/traces/setup", "0.0s"), 0),
        line(2, "starting engine"),
        line(2, span_end("starting engine", "DONE", "0.0s")),
        line(3, logged("INF connected name=vm server-version=v0.21.8 DONE [9.9s]", "0.0s")),
        line(1, span_end("connect", "DONE", "0.1s"), depth=0),
        "\n",
        line(5, "load workspace: .", depth=0),
        line(6, "loading type definitions"),
        line(6, span_end("loading type definitions", "DONE", "5.4s")),
        line(5, span_end("load workspace: .", "DONE", "5.4s"), depth=0),
        "\n",
    ]
)
CALL_LOG = MODULE_LOAD + "".join(
    [
        line(7, span_end("parsing command line arguments", "DONE", "0.0s"), depth=0),
        line(8, f"{PIPELINE_TEST}(\x1b[36mendToEndSuite: \x1b[0m\x1b[33mQUICK\x1b[0m)", 0),
        line(9, started("ruff check .")),
        line(9, ended("DONE", "1m2s")),
        line(8, logged("a log line of the call: step DONE [3.0s]", "1m0s"), depth=0),
        line(8, span_end(PIPELINE_TEST, "DONE", "2m30s"), depth=0),
        line(8, span_end(PIPELINE_TEST, "DONE", "2m35s"), depth=0),  # drawn again
    ]
)


def test_top_level_spans_are_read_with_their_last_duration_in_order() -> None:
    assert top_spans(CALL_LOG) == [
        Span("connect", "DONE", 0.1),
        Span("load workspace: .", "DONE", 5.4),
        Span("parsing command line arguments", "DONE", 0.0),
        Span("Pipeline.test", "DONE", 155.0),
    ]


def test_the_function_call_span_is_found() -> None:
    assert function_call(CALL_LOG) == Span("Pipeline.test", "DONE", 155.0)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            # the span name without colour
            "\x1b[95m8   : \x1b[0m\x1b[90;2m\x1b[0m"
            "Pipeline.test\x1b[32m DONE\x1b[0m\x1b[90m [2m35s]\x1b[0m",
            Span("Pipeline.test", "DONE", 155.0),
        ),
        (
            f"\x1b[95m8   : \x1b[0m\x1b[90;2m\x1b[0m{span_end(PIPELINE_TEST, 'CACHED', '0.0s')}",
            Span("Pipeline.test", "CACHED", 0.0),
        ),
        (
            f"\x1b[95m8   : \x1b[0m\x1b[90;2m\x1b[0m{span_end(PIPELINE_TEST, 'ERROR', '28.9s')}",
            Span("Pipeline.test", "ERROR", 28.9),
        ),
    ],
)
def test_a_function_call_is_read_as_the_cli_prints_it(text: str, span: Span) -> None:
    assert function_call(text) == span


def test_a_log_without_a_function_call_has_none() -> None:
    assert [span.name for span in top_spans(MODULE_LOAD)] == ["connect", "load workspace: ."]
    assert function_call(MODULE_LOAD) is None


def test_every_stage_is_identified_by_a_command_of_its_own() -> None:
    commands = stage_commands()
    assert len(set(commands.values())) == len(commands)
    assert commands["frontend-test"] == "npm run test:coverage"
    assert commands["lint backend ruff"] == "ruff check ."


def test_stages_that_ran_again_are_those_with_an_exec_not_cached() -> None:
    stages = {"lint": "ruff check .", "test": "pytest", "e2e": "npm run e2e:quick"}
    found = [Exec("ruff check .", "CACHED"), Exec("pytest", "ERROR"), Exec("pytest", "CACHED")]
    assert stages_ran_again(found, stages) == "test"
    assert stages_ran_again([Exec("ruff check .", "CACHED")], stages) == "none"
    assert stages_ran_again([], stages) == "none"
    everything = [Exec(command, "DONE") for command in stages.values()]
    assert stages_ran_again(everything, stages) == "all"


def test_image_sizes_are_read_from_the_lines_build_prints() -> None:
    printed = "\x1b[90m[35.4s] \x1b[0m\x1b[90m|\x1b[0m "
    log = "".join(
        line(8, printed + text, depth=0)
        for text in [
            "image     platform       size (gzip)",
            "backend   linux/amd64       110.5 MB",
            "frontend  linux/arm64        52.3 MB",
            "backend   linux/amd64       110.5 MB",
        ]
    )
    run = Run("build", 1.0, 0, log)
    assert sizes(run) == [
        "backend   linux/amd64       110.5 MB",
        "frontend  linux/arm64        52.3 MB",
    ]
