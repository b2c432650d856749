"""Benchmark deploys on the deploy target: time to traffic, rollback time, disk after N deploys.

Through the real `dagger` CLI, as users type it, against tools/deploy-target (sshd,
Docker and Compose v2 on this machine). It publishes two releases of a copy of this
checkout to the engine's local registry, deploys the first, then DEPLOYS more deploys
taking turns between the two, then one `rollback`. A request loop on the published port
(loopback) sees which release answers: "to traffic" is the time from starting the
`dagger call` to the first answer of the new release. After each deploy it measures what
the deployment holds on the host (its directory and the images of its releases).

It adds its key to the deploy user's authorized_keys while it runs, as the CLI tier does,
and uses its own Compose projects and port: it may run beside the tests. Needs the engine
(`. /run/pipeline-engine/env`), the deploy target (`tools/deploy-target/up`) and
PostgreSQL's server binaries. From the repository root:

    .venv/bin/python tools/bench/deploy.py [DEPLOYS]   # default 20
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.cli.test_signing_cli import published  # noqa: E402
from tests.support import postgres  # noqa: E402
from tests.support.dagger_cli import DaggerCli, checkout_copy  # noqa: E402
from tests.support.deploy_target import (  # noqa: E402
    Site,
    authorized_key,
    environments,
    on_target,
    remove_deployment,
    target_facts,
)
from tests.support.traffic import RequestLoop  # noqa: E402

PROJECT, PORT, REPOSITORY = "bench-staging", 18090, "bench-deploy"
DEFAULT_DEPLOYS = 20


def timed_switch(cli: DaggerCli, command: str, checkout: Path, env: dict[str, str], to: str) -> str:
    """Run `dagger call COMMAND`; table cells: wall time, time to traffic on `to`, failures."""
    with RequestLoop(f"http://127.0.0.1:{PORT}/api/health/") as traffic:
        start = time.monotonic()
        done = cli.run(f"dagger call {command}", checkout, env)
        wall = time.monotonic() - start
        time.sleep(1)
    if done.returncode != 0:
        raise SystemExit(f"`dagger call {command.split()[0]}` failed: {done.stderr[-2000:]}")
    first = next((a.started - start for a in traffic.answers if a.release.endswith(to)), None)
    to_traffic = f"{first:.1f} s" if first is not None else "-"
    return f"{wall:.1f} s | {to_traffic} | {len(traffic.failed)}"


def disk_used() -> int:
    """Bytes the deployment holds on the host: its directory and the benchmark's images."""
    directory = f"/home/deploy/deployments/{PROJECT}"
    du = on_target("du", "-sb", directory)
    ids = on_target("docker", "image", "ls", "-q", "--filter", f"reference=*/{REPOSITORY}/*")
    sizes = on_target("docker", "image", "inspect", "--format", "{{.Size}}", *set(ids.split()))
    return int(du.split()[0]) + sum(map(int, sizes.split()))


def main() -> None:
    """Publish two releases, deploy them in turns, roll back once; print what it took."""
    deploys = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEPLOYS
    cli_bin = os.environ.get("_EXPERIMENTAL_DAGGER_CLI_BIN") or shutil.which("dagger")
    if not cli_bin:
        raise SystemExit("No `dagger` CLI: source /run/pipeline-engine/env first.")
    cli = DaggerCli(Path(cli_bin).parent)
    target = target_facts()
    work = Path(tempfile.mkdtemp(prefix="bench-deploy-"))
    # The tests' environments file with its own projects and ports, the default drain_seconds.
    sites = {"staging": Site(PROJECT, PORT), "production": Site("bench-production", PORT + 1)}
    options = {"health_timeout": "90", "keep_releases": "2", "smoke_p95_ms": "1000"}
    tables = environments(target, sites, options)
    checkout = checkout_copy(work / "checkout", {"deploy/environments.toml": tables})
    bindir = postgres.newest_bindir()
    if bindir is None:
        raise SystemExit("No PostgreSQL server binaries: run tools/dev/setup.")
    with (
        authorized_key(target, work) as key,
        postgres.throwaway_server(
            bindir, os.environ["PIPELINE_ENGINE_HOST_ADDRESS"], "scram-sha-256"
        ) as db,
    ):
        env = {
            "DATABASE_URL": db.database("bench", password=os.urandom(8).hex()),
            "SECRET_KEY": "bench-" + "k" * 50,
            "REGISTRY_PASSWORD": "bench",
        }
        images = {}
        for version in ("v1", "v2"):
            backend, frontend, _ = published(cli, checkout, REPOSITORY, env, version[1] * 40)
            images[version] = f"--backend-image={backend} --frontend-image={frontend}"
        common = f"--env=staging --ssh-key=file://{key}"
        deploy = f"deploy {common} --database-url=env://DATABASE_URL --secret-key=env://SECRET_KEY"
        deploy += " --deployed-by=bench --offline --insecure-registry"
        try:
            print(f"Deploys to {target.host}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}")
            print("\n| run | wall | to traffic | failed requests | disk after |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for run in range(deploys + 1):
                version = ("v1", "v2")[run % 2]
                cells = timed_switch(
                    cli, f"{deploy} {images[version]} --commit={version}", checkout, env, version
                )
                print(
                    f"| deploy {run} ({version}) | {cells} | {disk_used() / 1e6:.0f} MB |",
                    flush=True,
                )
            back = ("v2", "v1")[deploys % 2]
            cells = timed_switch(cli, f"rollback {common}", checkout, env, back)
            print(f"| rollback (to {back}) | {cells} | {disk_used() / 1e6:.0f} MB |")
        finally:
            remove_deployment(PROJECT)
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
