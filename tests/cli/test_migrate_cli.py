"""migrate through the CLI: the plan printed, the URL's secret nowhere, bad input refused."""

import subprocess
from pathlib import Path

import pytest

from tests.support.dagger_cli import DaggerCli, readable

pytestmark = pytest.mark.cli


def migrate(
    dagger_cli: DaggerCli, checkout: Path, environment: str, database_url: str
) -> subprocess.CompletedProcess[str]:
    """`migrate --dry-run` on `environment`, the URL given as env://SHOP_DATABASE_URL."""
    return dagger_cli.run(
        f"dagger call migrate --env {environment} --database-url env://SHOP_DATABASE_URL --dry-run",
        checkout,
        {"SHOP_DATABASE_URL": database_url},
    )


def test_dry_run_prints_the_plan_and_never_the_url(
    dagger_cli: DaggerCli, checkout: Path, database_url: str, canary: str
) -> None:
    done = migrate(dagger_cli, checkout, "staging", database_url)
    output = done.stdout + done.stderr
    assert done.returncode == 0, readable(output)[-6000:]
    assert "store.0001_initial" in output
    assert canary not in output


def test_an_unknown_environment_is_refused_with_the_list(
    dagger_cli: DaggerCli, checkout: Path, database_url: str, canary: str
) -> None:
    done = migrate(dagger_cli, checkout, "prod", database_url)
    error = readable(done.stderr)
    assert done.returncode != 0
    assert 'invalid argument "prod" for "--env" flag' in error
    assert "PRODUCTION,STAGING" in error
    assert canary not in done.stdout + done.stderr


@pytest.mark.parametrize("not_a_url", ["http://{canary}@db/shop", "{canary}"])
def test_a_database_url_that_is_no_database_url_is_one_sentence(
    dagger_cli: DaggerCli, checkout: Path, canary: str, not_a_url: str
) -> None:
    done = migrate(dagger_cli, checkout, "staging", not_a_url.format(canary=canary))
    output = readable(done.stderr)
    assert done.returncode != 0
    # The progress log above shows the failed command's own output; the error is the end.
    error = output[output.index("\nError: ") :]
    assert error.startswith("\nError: DATABASE_URL could not be parsed"), output[-3000:]
    assert "Traceback" not in error
    assert canary not in done.stdout + done.stderr
