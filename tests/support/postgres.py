"""A throwaway PostgreSQL server for tests: a cluster in a temporary directory."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.process import REPO, run


def newest_bindir() -> Path | None:
    """The newest installed major version's bin directory (Debian's layout)."""
    initdbs = Path("/usr/lib/postgresql").glob("*/bin/initdb")
    newest = max(initdbs, key=lambda p: float(p.parts[-3]), default=None)
    return newest.parent if newest else None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    """A running cluster: the superuser connects over its Unix socket, clients over TCP."""

    bindir: Path
    socket_dir: Path
    host: str
    port: int

    def sql(self, statement: str, database: str = "postgres") -> None:
        """Run `statement` in `database` as the superuser."""
        psql = [str(self.bindir / "psql"), "-h", str(self.socket_dir), "-p", str(self.port)]
        login = ["-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1"]
        run([*psql, *login, "-c", statement], REPO, os.environ)

    def database(self, name: str, password: str | None = None) -> str:
        """A new database owned by a new role `name`; its URL (with the password, if any)."""
        login = f"LOGIN CREATEDB PASSWORD '{password}'" if password else "LOGIN CREATEDB"
        self.sql(f'CREATE ROLE "{name}" {login}')
        self.sql(f'CREATE DATABASE "{name}" OWNER "{name}"')
        user = f"{name}:{password}" if password else name
        return f"postgres://{user}@{self.host}:{self.port}/{name}"


@contextmanager
def throwaway_server(bindir: Path, host: str, host_auth: str = "trust") -> Iterator[Server]:
    """A new cluster listening on `host`, TCP clients authenticated by `host_auth`."""
    root = Path(tempfile.mkdtemp(prefix="printshop-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port(host)
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres"]
    auth = ["--auth-local=trust", f"--auth-host={host_auth}"]
    run([*as_postgres, *initdb, *auth], cwd=REPO, env=os.environ)
    with (data / "pg_hba.conf").open("a") as hba:  # initdb admits loopback clients only
        hba.write(f"host all all all {host_auth}\n")
    options = f"-p {port} -k {root} -c listen_addresses={host} -c fsync=off"
    pg_ctl = [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data)]
    run([*pg_ctl, "-l", str(root / "log"), "-o", options, "-w", "start"], REPO, os.environ)
    try:
        yield Server(bindir, root, host, port)
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
