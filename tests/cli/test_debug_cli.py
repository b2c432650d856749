"""Debugging a stage through the CLI: its container by chaining, a shell where it failed."""

import uuid
from pathlib import Path

import pytest

from tests.cli.conftest import BROKEN_TEST, BROKEN_TEST_PATH
from tests.cli.test_signing_cli import key_pairs
from tests.support.dagger_cli import PROMPT, DaggerCli, Shell, checkout_copy, readable

pytestmark = pytest.mark.cli


def test_backend_env_runs_pytest_as_the_stage_does(dagger_cli: DaggerCli, checkout: Path) -> None:
    done = dagger_cli.run("dagger call backend-env with-exec --args=pytest,-q stdout", checkout)
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    assert " passed" in done.stdout


@pytest.fixture
def broken_alone(tmp_path: Path) -> Path:
    """A broken copy whose failing test no other test runs: its file ends in a comment of
    its own. The engine shares an exec that another session is running at the same moment
    (here: `dagger call test` on the other broken copy, in another worker), and then `-i`
    opens no shell, as the README says."""
    test = f"{BROKEN_TEST}# {uuid.uuid4().hex}\n"
    return checkout_copy(tmp_path / "broken", {BROKEN_TEST_PATH: test})


def test_interactive_opens_a_shell_in_the_failed_container(
    dagger_cli: DaggerCli, broken_alone: Path
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

    interaction = dagger_cli.interact("dagger call -i backend-test", broken_alone, look_around)
    assert found == [True], interaction.transcript[-6000:]
    assert interaction.exit_code not in (0, None), interaction.transcript[-6000:]


def test_sbom_env_has_syft_in_a_shell_and_every_input(
    dagger_cli: DaggerCli, checkout: Path
) -> None:
    script = "syft version | grep -q '^Version:' && ls /in /in/app/backend"
    done = dagger_cli.run(
        f"dagger call sbom-env --platform=linux/amd64 with-exec --args=sh,-c,{script!r} stdout",
        checkout,
    )
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    for name in ("backend-linux-amd64.tar", "frontend-linux-amd64.tar", "requirements.txt"):
        assert name in done.stdout


def test_migrate_env_is_the_backend_on_the_given_database(
    dagger_cli: DaggerCli, checkout: Path, database_url: str, canary: str
) -> None:
    done = dagger_cli.run(
        "dagger call migrate-env --database-url=env://SHOP_DATABASE_URL "
        "with-exec --args=python,manage.py,showmigrations,store stdout",
        checkout,
        {"SHOP_DATABASE_URL": database_url},
    )
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    assert "[ ] 0001_initial" in done.stdout
    assert canary not in done.stdout + done.stderr


def test_sign_env_has_cosign_logged_in_with_the_key(
    dagger_cli: DaggerCli, checkout: Path, tmp_path: Path, canary: str
) -> None:
    password = f"key-{canary}"
    key_pairs(tmp_path, password)
    # The password's length, not its value (which must show nowhere); `test -n $X`
    # unquoted would be true for an empty X.
    script = (
        "cosign version >/dev/null && ls /run/cosign && "
        f"test ${{#COSIGN_PASSWORD}} -eq {len(password)}"
    )
    done = dagger_cli.run(
        "dagger call sign-env --registry=registry.example.com/shop --username=ci "
        f"--password=env://REGISTRY_PASSWORD --key=file://{tmp_path}/ours/cosign.key "
        f"--key-password=env://COSIGN_PASSWORD with-exec --args=sh,-c,{script!r} stdout",
        checkout,
        {"REGISTRY_PASSWORD": f"registry-{canary}", "COSIGN_PASSWORD": password},
    )
    assert done.returncode == 0, readable(done.stderr)[-6000:]
    assert "cosign.key" in done.stdout
    assert canary not in done.stdout + done.stderr
