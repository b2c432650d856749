"""Production's deploys and the scheduled checks through the CLI, on the deploy target.

Beside test_deploy_cli.py (staging's scenarios), with environments of its own on the same
target (tests/support/deploy_target.py): production takes only signed images that pass
the vulnerability gate, backs the database up first, and moves a release from before the
proxy behind it, refuses a migration that would break the release it runs unless given a
reason; the workflow's scheduled runs check what both environments run. Three releases are
published: v1 (signed by the test), v2 (never signed) and v3 (signed; v1 with a migration
that drops a column, tests/support/breaking_migration.py). Every secret holds one canary,
and no output of any command may show it.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from ci.events import HEALTH_CRON, SECURITY_CRON
from tests.support import deploy_target, postgres, summary
from tests.support.breaking_migration import ADDED, DROPPED
from tests.support.breaking_migration import FILES as BREAKING_MIGRATION
from tests.support.dagger_cli import DaggerCli, readable
from tests.support.deploy_target import (
    Deployment,
    Releases,
    Site,
    events,
    history_lines,
    legacy_release,
    on_target,
    running_images,
    target_facts,
)
from tests.support.trivy_db import trivy_cache

pytestmark = [pytest.mark.cli, pytest.mark.usefixtures("sharing_the_target")]
SITES = {"staging": Site("cli-watched", 18083), "production": Site("cli-production", 18081)}
PRODUCTION = SITES["production"].directory


@pytest.fixture(scope="module")
def deployment(
    dagger_cli: DaggerCli,
    database_server: postgres.Server,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    """A checkout aimed at the target, a deploy key it accepts, v1, v2 and v3 published."""
    releases = Releases(
        SITES,
        deploy_target.environments(target_facts(), SITES, deploy_target.OPTIONS),
        {"v1": {}, "v2": {}, "v3": BREAKING_MIGRATION},
        "cli-deploy-production",
    )
    yield from deploy_target.deployment(
        dagger_cli, database_server, tmp_path_factory.mktemp("deploy-production"), releases
    )


def test_production_refuses_an_unsigned_image_before_touching_the_host(
    deployment: Deployment,
) -> None:
    refused = deployment.deploy("production", "v2")  # v2 is never signed
    assert refused.returncode != 0
    assert "production takes only signed images" in refused.stderr
    assert not PRODUCTION.exists()


def test_production_takes_signed_images_through_the_gate_and_backs_up_first(
    deployment: Deployment, tmp_path: Path
) -> None:
    key = deployment.key.parent / "ours" / "cosign.key"
    signed = deployment.call(
        "sign "
        + " ".join(f"--digest={ref}" for v in ("v1", "v3") for ref in deployment.images[v])
        + f" --username=ci --password=env://REGISTRY_PASSWORD --key=file://{key} "
        "--key-password=env://COSIGN_PASSWORD --platform=linux/amd64 --offline --insecure-registry"
    )
    assert signed.returncode == 0, readable(signed.stderr)[-4000:]

    vulnerable = trivy_cache(tmp_path / "vulnerable", "django", "CVE-2099-0005")
    refused = deployment.deploy("production", "v1", f"--db={vulnerable}")
    assert refused.returncode != 0
    assert "production takes only images that pass the vulnerability gate" in refused.stderr
    assert "CVE-2099-0005" in refused.stderr
    assert not PRODUCTION.exists()

    # The host runs a release as deploys before the proxy left it (the frontend publishing
    # the port itself): one deploy moves it behind the proxy, for a moment of downtime.
    legacy = legacy_release(deployment, "production", "v2")
    clean = trivy_cache(tmp_path / "clean", "not-a-dependency-of-the-app", "CVE-2099-0006")
    with deploy_target.loop(SITES["production"].port) as traffic:
        done = deployment.deploy("production", "v1", f"--db={clean}")
    assert done.returncode == 0, readable(done.stderr)[-4000:]
    (backup,) = (PRODUCTION / "backups").glob("*-v1.dump")
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert running_images(SITES["production"].project) == set(deployment.images["v1"])
    assert not on_target(
        "docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={PRODUCTION.name}"
    )
    assert events(history_lines(PRODUCTION), "stopped")[-1]["release"] == legacy
    assert [release[-2:] for release in traffic.releases] == ["v2", "v1"]
    downtime = len(traffic.failed) * traffic.interval
    assert downtime < 3, f"{len(traffic.failed)} requests failed while the proxy took the port"


def test_production_refuses_a_migration_that_breaks_the_running_release(
    deployment: Deployment, tmp_path: Path
) -> None:
    """v3 (signed above) drops a column while v1 runs: refused before the host is touched,
    naming the migration; given a reason it deploys, and the history keeps the reason."""
    running = (PRODUCTION / "current").resolve().name  # v1, from the test above
    releases = sorted(path.name for path in (PRODUCTION / "releases").iterdir())
    clean = trivy_cache(tmp_path / "clean", "not-a-dependency-of-the-app", "CVE-2099-0008")
    refused = deployment.deploy("production", "v3", f"--db={clean}")
    assert refused.returncode != 0
    error = readable(refused.stderr)
    assert (
        f"production refuses migrations that would break the release it runs ({running}) "
        f"while they apply: store.{DROPPED}; nothing was touched."
    ) in error, error[-4000:]
    assert f"(store, {ADDED})... OK" in error
    assert "DROPPING columns (table: store_product, column: legacy_code)" in error
    assert (PRODUCTION / "current").resolve().name == running
    assert sorted(path.name for path in (PRODUCTION / "releases").iterdir()) == releases

    reason = "legacy_code was never read by any release"
    done = deployment.deploy(
        "production", "v3", f"--db={clean} --allow-breaking-migrations='{reason}'"
    )
    assert done.returncode == 0, readable(done.stderr)[-4000:]
    assert f"Deploying despite backward-incompatible migrations (store.{DROPPED}): {reason}" in (
        done.stdout
    )
    assert running_images(SITES["production"].project) == set(deployment.images["v3"])
    listed = deployment.call(f"releases --env=production --ssh-key=file://{deployment.key}")
    assert listed.returncode == 0, readable(listed.stderr)[-4000:]
    current = (PRODUCTION / "current").resolve().name
    assert f"{current} was deployed despite breaking migrations store.{DROPPED}: {reason}" in (
        listed.stdout
    )


def test_scheduled_runs_check_what_both_environments_run(
    deployment: Deployment, tmp_path: Path
) -> None:
    """`ci --event=schedule` as the workflow's two crons call it, nothing built: every four
    hours the smoke and bounded load tests of both environments pass, their Locust reports
    kept for `ci-reports`; weekly, an advisory
    published since for the django their running images hold fails the run, naming each
    environment, the release it runs and the advisory."""
    staging = deployment.deploy("staging", "v2")  # production runs v3 (the test above)
    assert staging.returncode == 0, readable(staging.stderr)[-4000:]
    bundles = {}
    for env in ("staging", "production"):
        bundles[env] = tmp_path / f"{env}.env"
        bundles[env].write_text(
            f'SSH_KEY="{deployment.key.read_text().strip()}"\n'
            f"REGISTRY_PASSWORD={deployment.secrets['REGISTRY_PASSWORD']}\n"
        )
    common = (
        f"ci --event=schedule --git-ref=refs/heads/main --revision={'5' * 40} "
        f"--staging-secrets=file://{bundles['staging']} "
        f"--production-secrets=file://{bundles['production']}"
    )
    health = deployment.call(f"{common} --schedule='{HEALTH_CRON}'")
    assert health.returncode == 0, readable(health.stderr)[-4000:]
    assert summary.results(health.stdout) == {
        "smoke staging": "PASS",
        "load staging": "PASS",
        "smoke production": "PASS",
        "load production": "PASS",
    }, health.stdout
    assert "schedule: smoke test and a bounded load test of staging and production" in (
        health.stdout
    )
    reports = tmp_path / "reports"
    exported = deployment.call(
        f"-o {reports} ci-reports --event=schedule --git-ref=refs/heads/main "
        f"--revision={'5' * 40} --schedule='{HEALTH_CRON}'"
    )
    assert exported.returncode == 0, readable(exported.stderr)[-4000:]
    assert (reports / "summary.md").read_text().startswith("## schedule: smoke test")
    for env in ("staging", "production"):  # Locust's, as the run above measured them
        load_reports = reports / f"load-test-{env}"
        assert (load_reports / "exit-code").read_text() == "0\n"
        assert "GET /api/products/" in (load_reports / "locust_stats.csv").read_text()
        assert (load_reports / "locust.html").stat().st_size > 0

    advisory = trivy_cache(tmp_path / "db", "django", "CVE-2099-0007")
    weekly = deployment.call(f"{common} --schedule='{SECURITY_CRON}' --db={advisory}")
    assert weekly.returncode != 0
    error = readable(weekly.stderr)
    for env, site in SITES.items():
        current = (site.directory / "current").resolve().name
        assert f"{env} runs {current}, whose images now fail the vulnerability gate" in error
    assert error.count("CVE-2099-0007") >= 2, error
