"""PostgreSQL as a service container, ready when it accepts TCP connections."""

import dagger
from dagger import dag

from ci.stages.common import with_health_check
from ci.versions import postgres_image

USER = "printshop"
DATABASE = "printshop"
ALIAS = "db"
# Trust auth: the server asks for no password; settings that demand one get this.
PASSWORD = "printshop"  # noqa: S105

# pg_isready over TCP: during first-start initialisation the image's temporary
# server listens on the Unix socket only, so a TCP check cannot pass too early.
READY_COMMAND = ["pg_isready", "--host=127.0.0.1", f"--username={USER}", f"--dbname={DATABASE}"]


def postgres_service(version: str, owner: str) -> dagger.Service:
    """A throwaway PostgreSQL for `owner` alone, trust auth, ready by pg_isready (no sleeps).

    Dagger runs one service for identical definitions, so stages running at the same
    time would share a database; naming the owner gives each its own.
    """
    container = (
        dag.container()
        .from_(postgres_image(version))
        .with_env_variable("PIPELINE_DATABASE_OWNER", owner)
        .with_env_variable("POSTGRES_USER", USER)
        .with_env_variable("POSTGRES_DB", DATABASE)
        .with_env_variable("POSTGRES_HOST_AUTH_METHOD", "trust")
        .with_exposed_port(5432)
    )
    return with_health_check(container, READY_COMMAND).as_service(use_entrypoint=True)


def database_url(host: str = ALIAS, port: int = 5432) -> str:
    """The DATABASE_URL of the test database (trust auth: there is no password)."""
    return f"postgres://{USER}@{host}:{port}/{DATABASE}"
