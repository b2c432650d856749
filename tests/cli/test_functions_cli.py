"""`dagger functions` and `--help` show what the module registers: names, docs, arguments."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import pytest_asyncio

from tests.support.dagger_cli import DaggerCli, readable
from tests.support.registration import Registration, read, registered

pytestmark = pytest.mark.cli

# The engine adds `with` to the Query root of every module whose constructor takes
# arguments (it carries them); `dagger functions` lists it as unsupported. Anything
# else skipped would be a function of ours the CLI cannot call.
ENGINE_WITH_NOTE = "Skipped 1 function(s) with unsupported types: with"


@pytest_asyncio.fixture
async def registration() -> Registration:
    return read(await registered())


def cli_name(name: str) -> str:
    return name.replace("_", "-")


@pytest.mark.asyncio
async def test_functions_lists_every_function_with_its_doc(
    dagger_cli: DaggerCli, checkout: Path, registration: Registration
) -> None:
    done = dagger_cli.run("dagger functions", checkout)
    assert done.returncode == 0, done.stderr[-4000:]
    listing = readable(done.stdout)
    for fn in registration.functions.values():
        assert fn.description
        first_line = fn.description.splitlines()[0]
        assert f"{cli_name(fn.name)} " in listing, f"{fn.name} missing:\n{listing}"
        assert first_line[:40] in " ".join(listing.split()), f"doc of {fn.name} missing"
    skipped = [line for line in listing.splitlines() if line.startswith("Skipped")]
    assert skipped in ([], [ENGINE_WITH_NOTE]), skipped


@pytest.mark.asyncio
async def test_help_shows_each_argument_with_its_default(
    dagger_cli: DaggerCli, checkout: Path, registration: Registration
) -> None:
    functions = list(registration.functions.values())
    # One CLI per function, a few at a time: each mostly waits on its module load.
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = pool.map(
            lambda fn: dagger_cli.run(f"dagger call {cli_name(fn.name)} --help", checkout),
            functions,
        )
    for fn, done in zip(functions, runs, strict=True):
        assert done.returncode == 0, done.stderr[-4000:]
        shown = readable(done.stdout)
        for arg in fn.args.values():
            assert f"--{cli_name(arg.name)}" in shown, f"{fn.name} --help lacks {arg.name}"


def test_help_shows_enum_values_and_defaults(dagger_cli: DaggerCli, checkout: Path) -> None:
    migrate = readable(dagger_cli.run("dagger call migrate --help", checkout).stdout)
    assert "--env PRODUCTION,STAGING" in migrate
    assert "[required]" in migrate
    e2e = " ".join(
        readable(dagger_cli.run("dagger call end-to-end --help", checkout).stdout).split()
    )
    assert "--suite FULL,QUICK" in e2e
    assert "(default QUICK)" in e2e


def test_constructor_options_show_in_call_help(dagger_cli: DaggerCli, checkout: Path) -> None:
    shown = readable(dagger_cli.run("dagger call --help", checkout).stdout)
    for option in ("--python-version", "--node-version", "--postgres-version", "--source"):
        assert option in shown
