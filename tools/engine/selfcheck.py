"""Check a running tools/engine engine end to end, in Dagger client mode.

Run through ./selfcheck (which makes a venv with dagger-io and loads the client env),
or with the env of /run/pipeline-engine/env and dagger-io installed. Each check prints
PASS or FAIL with its output; the exit code is the number of failures.
"""

import asyncio
import sys
import time

import dagger
from dagger import dag

PSYCOPG_PROBE = """
import psycopg
with psycopg.connect("host=db user=postgres dbname=postgres") as conn:
    print(conn.execute("select version()").fetchone()[0])
"""


def bust(ctr: dagger.Container) -> dagger.Container:
    """Make the next exec run again (network checks must not come from the cache)."""
    return ctr.with_env_variable("SELFCHECK_AT", str(time.time_ns()))


async def python_version() -> str:
    """The python stand-in runs Python."""
    return await (
        dag.container()
        .from_("python:3.13-slim")
        .with_exec(["python", "-c", "import sys; print(sys.version)"])
        .stdout()
    )


async def node_versions() -> str:
    """The node stand-in has node, npm and npx."""
    return await (
        dag.container()
        .from_("node:24-slim")
        .with_exec(["sh", "-c", "node --version && npm --version && npx --version"])
        .stdout()
    )


async def npm_install() -> str:
    """Packages install from the npm registry in a container (the proxy CA is trusted)."""
    return await (
        bust(dag.container().from_("node:24-slim"))
        .with_workdir("/app")
        .with_exec(["npm", "init", "-y"])
        .with_exec(["npm", "install", "--no-audit", "--no-fund", "is-number@7"])
        .with_exec(["node", "-e", "console.log('is-number(5):', require('is-number')(5))"])
        .stdout()
    )


async def postgres_service() -> str:
    """PostgreSQL as a service, reached from a container that pip-installs psycopg."""
    db = (
        dag.container()
        .from_("postgres:17")
        .with_env_variable("POSTGRES_HOST_AUTH_METHOD", "trust")
        .with_exposed_port(5432)
        .as_service()
    )
    return await (
        bust(dag.container().from_("python:3.13-slim"))
        .with_service_binding("db", db)
        .with_exec(["pip", "install", "--no-cache-dir", "-q", "psycopg[binary]"])
        .with_exec(["python", "-c", PSYCOPG_PROBE])
        .stdout()
    )


async def postgres_tools() -> str:
    """The postgres stand-in has pg_isready, psql and pg_dump."""
    return await (
        dag.container()
        .from_("postgres:17")
        .with_exec(["sh", "-c", "pg_isready --version && psql --version && pg_dump --version"])
        .stdout()
    )


async def postgres_password() -> str:
    """The stand-in honours POSTGRES_USER/PASSWORD/DB with password auth over TCP."""
    password = dag.set_secret("selfcheck-pg-password", "s3lfcheck")
    db = (
        dag.container()
        .from_("postgres:17")
        .with_env_variable("POSTGRES_USER", "app")
        .with_secret_variable("POSTGRES_PASSWORD", password)
        .with_env_variable("POSTGRES_DB", "appdb")
        .with_exposed_port(5432)
        .as_service()
    )
    return await (
        bust(dag.container().from_("postgres:17"))
        .with_service_binding("db", db)
        .with_secret_variable("PGPASSWORD", password)
        .with_exec(["pg_isready", "-h", "db", "-U", "app"])
        .with_exec(
            [
                "psql",
                "-h",
                "db",
                "-U",
                "app",
                "-d",
                "appdb",
                "-Atc",
                "select current_user || '@' || current_database()",
            ]
        )
        .stdout()
    )


async def all_capabilities() -> str:
    """Insecure root capabilities work (runc-wrapper drops the ones this VM lacks)."""
    return await (
        bust(dag.container().from_("python:3.13-slim"))
        .with_exec(["sh", "-c", "grep CapEff /proc/self/status"], insecure_root_capabilities=True)
        .stdout()
    )


CHECKS = [
    python_version,
    node_versions,
    npm_install,
    postgres_service,
    postgres_tools,
    postgres_password,
    all_capabilities,
]


async def main() -> int:
    """Run every check concurrently; the exit code is the number of failures."""
    failures = 0
    async with dagger.connection(dagger.Config(log_output=None)):
        results = await asyncio.gather(*(c() for c in CHECKS), return_exceptions=True)
    for check, result in zip(CHECKS, results, strict=True):
        if isinstance(result, BaseException):
            failures += 1
            detail = getattr(result, "stderr", "") or ""
            print(f"FAIL {check.__name__}: {result}\n{detail.strip()[-2000:]}")
        else:
            print(f"PASS {check.__name__}: {result.strip()}")
    print(f"{len(CHECKS) - failures} passed, {failures} failed")
    return failures


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
