"""migrate on the engine against a PostgreSQL service: the backup and the migration
themselves, and an unreachable host (the CLI tier runs the plan and the README commands)."""

from collections.abc import AsyncIterator
from pathlib import Path

import dagger
import pytest
import pytest_asyncio
from dagger import dag

from ci.choices import Environment
from ci.errors import PipelineError
from ci.stages.postgres import DATABASE, USER, postgres_service
from tests.engine.conftest import pipeline

pytestmark = [pytest.mark.engine, pytest.mark.asyncio]


@pytest_asyncio.fixture
async def database_url(engine: None) -> AsyncIterator[dagger.Secret]:
    """A running PostgreSQL service, its URL given to migrate as a secret."""
    service = await postgres_service("17", "engine-tier migrate").start()
    host = await service.hostname()
    yield dag.set_secret("database-url", f"postgres://{USER}@{host}:5432/{DATABASE}")
    await service.stop()


async def test_production_is_backed_up_then_migrated(
    database_url: dagger.Secret, tmp_path: Path
) -> None:
    p = await pipeline()
    result = await p.migrate(
        Environment.PRODUCTION, database_url, staging_secrets=None, production_secrets=None
    )
    assert sorted(await result.entries()) == ["backup.dump", "migrate.txt", "plan.txt"]
    assert "Applying store.0001_initial... OK" in await result.file("migrate.txt").contents()
    await result.file("backup.dump").export(str(tmp_path / "backup.dump"))
    assert (tmp_path / "backup.dump").read_bytes()[:5] == b"PGDMP"

    after = await p.migrate(
        Environment.STAGING,
        database_url,
        dry_run=True,
        staging_secrets=None,
        production_secrets=None,
    )
    assert "No planned migration operations." in await after.file("plan.txt").contents()


async def test_unreachable_database_is_one_sentence_naming_the_host(engine: None) -> None:
    url = dag.set_secret("database-url", "postgres://app@db.invalid:5432/shop")
    with pytest.raises(PipelineError) as caught:
        await (await pipeline()).migrate(
            Environment.STAGING, url, staging_secrets=None, production_secrets=None
        )
    message = str(caught.value)
    assert message.startswith("Cannot reach the database at db.invalid:5432 (database shop)")
    assert "\n" not in message
