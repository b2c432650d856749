"""The benchmark reads cache hits from the engine's progress log; check it reads them right."""

from tools.bench.pipeline_cache import exec_statuses, stage_commands


def line(span: int, body: str) -> str:
    """One line of the plain progress log, coloured as the session prints it."""
    return f"\x1b[95m{span:<4}: \x1b[0m\x1b[90;2m┆ \x1b[0m{body}\n"


def started(command: str) -> str:
    return f"\x1b[34mwithExec\x1b[0m {command}"


def ended(status: str) -> str:
    return f"Container.\x1b[1mwithExec\x1b[0m\x1b[32m {status}\x1b[0m\x1b[90m [1.4s]\x1b[0m"


LOG = "".join(
    [
        line(30, started("npm ci --no-audit --no-fund")),
        line(30, ended("CACHED")),
        line(33, started("npm run test:coverage")),
        line(33, ended("DONE")),
        line(33, "\x1b[90m[3.4s] \x1b[0m\x1b[90m|\x1b[0m > vitest run --coverage"),
        line(33, ended("DONE")),
        line(41, started("ruff check .")),
        line(41, ended("ERROR")),
    ]
)


def test_each_exec_gets_its_last_status() -> None:
    assert exec_statuses(LOG) == {
        "npm ci --no-audit --no-fund": "CACHED",
        "npm run test:coverage": "DONE",
        "ruff check .": "ERROR",
    }


def test_every_stage_is_identified_by_a_command_of_its_own() -> None:
    commands = stage_commands()
    assert len(set(commands.values())) == len(commands)
    assert commands["frontend-test"] == "npm run test:coverage"
    assert commands["lint backend ruff"] == "ruff check ."
