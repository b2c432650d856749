"""Every `dagger` command the READMEs show, run exactly as written.

What a command needs is read from its text: each `env://NAME` gets a fresh database's
URL (with a canary password that must show nowhere), each `--db=DIR` a Trivy cache
directory made for the tests (its one advisory is for a package the app does not have, so
the gate passes; the engine tier fails it), `terminal` and `-i` run in a pseudo-terminal
where each shell that opens must compute a sum before it is left with `exit` (one shell
for `terminal`, none for a green `-i`), and what `-o` or `--path` names must exist
afterwards, not empty.
"""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from tests.support import summary
from tests.support.dagger_cli import PROMPT, DaggerCli, Shell
from tests.support.postgres import Server
from tests.support.readme import DocCommand, dagger_commands, expected_commands
from tests.support.trivy_db import trivy_cache

pytestmark = pytest.mark.cli

COMMANDS = dagger_commands()
MARKER = "-shell-answered"
SECRET_VARIABLE = re.compile(r"env://(\w+)")
TRIVY_CACHE = re.compile(r"--db=(\S+)")
# What -o or --path names; it may hold a command substitution: backups/$(date +%F).
EXPORT_PATH = re.compile(r"(?:-o|--output|--path)[= ]((?:\$\([^)]*\)|\S)+)")
# Commands whose defaults need an image no registry here serves and tools/engine cannot
# build: no Debian suite packages Python 3.12, and Python 3.14 only in the next one.
# They run as written all the same, and must fail in exactly these cells, each for want
# of its image, with every other cell passing.
WITHOUT_STAND_IN = {
    "dagger call test-matrix": {
        "backend python 3.12": "python:3.12-slim",
        "backend python 3.14": "python:3.14-slim",
    },
}


def test_the_commands_run_are_the_committed_list() -> None:
    # The unit tier checks the same without an engine; here it guards what this tier ran.
    assert [command.listed() for command in COMMANDS] == expected_commands()


# A command shown twice (`dagger call test`, in the tour and beside tools/engine/up) is the
# same call on the same checkout: it runs once, as it is first shown.
DISTINCT = [c for i, c in enumerate(COMMANDS) if c.text not in {d.text for d in COMMANDS[:i]}]


@pytest.mark.parametrize("command", DISTINCT, ids=str)
def test_readme_command_runs_as_written(
    command: DocCommand,
    dagger_cli: DaggerCli,
    checkout: Path,
    database_server: Server,
    canary: str,
) -> None:
    variables = {
        name: database_server.database(f"readme_{command.line}_{name.lower()}", password=canary)
        for name in SECRET_VARIABLE.findall(command.text)
    }
    for path in TRIVY_CACHE.findall(command.text):
        if not (checkout / path).exists():
            trivy_cache(checkout / path, "not-a-dependency-of-the-app", "CVE-2099-0002")
    if re.search(r"\s(-i|--interactive)\s|\sterminal$", command.text):
        shells: list[bool] = []
        interaction = dagger_cli.interact(command.text, checkout, shell_answers(shells), variables)
        code, output = interaction.exit_code, interaction.transcript
        # `terminal` opens one shell; `-i` opens one only where a command fails, and the
        # README's run green on this checkout (the debug tests open one on a broken copy).
        opened = [True] if command.text.endswith(" terminal") else []
        assert shells == opened, (
            f"`{command.text}`: shells {shells}, not {opened}:\n{output[-6000:]}"
        )
    else:
        done = dagger_cli.run(command.text, checkout, variables)
        code, output = done.returncode, done.stdout + done.stderr
    assert canary not in output, f"`{command.text}` showed a secret value"
    if command.text in WITHOUT_STAND_IN:
        _fails_only_for_want_of(WITHOUT_STAND_IN[command.text], code, output)
        return
    assert code == 0, f"`{command.text}` exited with {code}:\n{output[-6000:]}"
    for path in EXPORT_PATH.findall(command.text):
        exported = checkout / _expanded(path, checkout)
        assert exported.exists(), f"{exported} is missing"
        if exported.is_dir():
            assert any(exported.iterdir()), f"{exported} is empty"
        else:
            assert exported.stat().st_size, f"{exported} is empty"


def shell_answers(shells: list[bool]) -> Callable[[Shell], None]:
    """What to type in each shell that opens: a sum only a shell computes (the typed line
    holds `$((6 * 7))`, not its result), then `exit`; notes in `shells` whether it showed."""

    def in_shell(shell: Shell) -> None:
        shell.sendline(f"echo $((6 * 7)){MARKER}")
        answer = shell.expect([f"42{MARKER}", PROMPT, pexpect.EOF])
        shells.append(answer == 0)
        if answer == 2:  # no shell to leave
            return
        if answer == 0:
            shell.expect(PROMPT)
        shell.sendline("exit")

    return in_shell


def _fails_only_for_want_of(images: dict[str, str], code: int | None, output: str) -> None:
    """The run failed in exactly the cells of `images` (cell -> image), each one because
    its image could not be pulled, and every other cell passed."""
    results = summary.results(output)
    failed = {name for name, outcome in results.items() if outcome == "FAIL"}
    assert code != 0, f"it passed although {sorted(images)} have no image"
    assert failed == set(images), f"unexpected cells failed:\n{output[-6000:]}"
    assert "PASS" in results.values(), f"no cell passed:\n{output[-6000:]}"
    for image in images.values():
        assert f"{image}: not found" in output, f"{image} is not why it failed:\n{output[-6000:]}"


def _expanded(path: str, cwd: Path) -> str:
    """`path` as the shell expands it (it may hold `$(date +%F)`)."""
    done = subprocess.run(
        ["bash", "-c", f"printf %s {path}"], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout
