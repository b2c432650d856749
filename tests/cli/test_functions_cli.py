"""`dagger functions` and `--help` show what the module registers: names, docs, arguments."""

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
HELP_END = "for more details.\n"


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


def help_by_function(text: str) -> dict[str, str]:
    """The shell's `.help` texts by function: each ends `... for more details.` and
    names its function first in its USAGE."""
    blocks = readable(text).split(HELP_END)[:-1]
    return {block.split("USAGE", 1)[1].split()[0]: block for block in blocks}


@pytest.mark.asyncio
async def test_help_shows_each_argument_of_every_function(
    dagger_cli: DaggerCli, checkout: Path, registration: Registration
) -> None:
    # `dagger call FN --help` and the shell's `.help FN` render the same type definitions
    # with the same flag names; one shell session reads them all with one module load
    # (each `dagger` command pays one, 4-5 s here). `dagger call FN --help` itself:
    # the two tests below.
    functions = list(registration.functions.values())
    script = "; ".join(f".help {cli_name(fn.name)}" for fn in functions)
    done = dagger_cli.run(f"dagger -c '{script}'", checkout)
    assert done.returncode == 0, done.stderr[-4000:]
    shown = help_by_function(done.stdout)
    for fn in functions:
        name = cli_name(fn.name)
        assert name in shown, f"no help for {name}:\n{readable(done.stdout)[-4000:]}"
        for arg in fn.args.values():
            # Required arguments are positional in the shell, listed on their own; the
            # rest are flags.
            flag = arg.optional or arg.default is not None or arg.default_path is not None
            expected = f"--{cli_name(arg.name)} " if flag else f"\n  {cli_name(arg.name)} "
            section = "OPTIONAL ARGUMENTS" if flag else "REQUIRED ARGUMENTS"
            assert expected in shown[name].partition(section)[2], f"{name} lacks {arg.name}"


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
