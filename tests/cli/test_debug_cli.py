"""Debugging a stage through the CLI: its container by chaining, a shell where it failed."""

from pathlib import Path

import pytest

from tests.cli.conftest import BROKEN_TEST_PATH
from tests.support.dagger_cli import PROMPT, DaggerCli, Shell, readable

pytestmark = pytest.mark.cli


def test_backend_env_runs_pytest_as_the_stage_does(dagger_cli: DaggerCli, checkout: Path) -> None:
    done = dagger_cli.run("dagger call backend-env with-exec --args=pytest,-q stdout", checkout)
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    assert " passed" in done.stdout


def test_interactive_opens_a_shell_in_the_failed_container(
    dagger_cli: DaggerCli, broken_checkout: Path
) -> None:
    test_file = Path(BROKEN_TEST_PATH).name
    found: list[bool] = []

    def look_around(shell: Shell) -> None:
        # The marker is computed by the shell, so the echo of the command cannot match it.
        shell.sendline(f"test -f tests/{test_file} && echo FOUND-$((40 + 2))")
        found.append(shell.expect(["FOUND-42", PROMPT]) == 0)
        if found[-1]:
            shell.expect(PROMPT)
        shell.sendline("exit")

    interaction = dagger_cli.interact("dagger call -i backend-test", broken_checkout, look_around)
    assert found == [True], interaction.transcript[-6000:]
    assert interaction.exit_code not in (0, None), interaction.transcript[-6000:]
