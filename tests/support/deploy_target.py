"""The deploy target as the deploy tests use it: its facts, what runs on it, and a checkout
with published releases to deploy there.

The target is tools/deploy-target: sshd and a Docker engine with Compose v2 on this
machine, reached by the engine's containers at its host address. Each deploy test file
has its own environments (Compose projects and ports) and its own deploy key, so that the
files run side by side; a test that stops the target's Docker holds `stopping_docker`,
which waits for the other files' tests (each holds `sharing_the_target`).
"""

import fcntl
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ci import environments as environments_module
from ci import rollout
from tests.cli.test_signing_cli import key_pairs, published
from tests.support import postgres
from tests.support.dagger_cli import DaggerCli, checkout_copy
from tests.support.prerequisites import require
from tests.support.traffic import RequestLoop

TARGET_ENV = Path("/run/pipeline-target/env")
TARGET_FIX = "run tools/deploy-target/up (after tools/engine/up)"
DEPLOYMENTS = Path("/home/deploy/deployments")
# Held shared by each test that uses the target, exclusively by one that stops its Docker.
TARGET_LOCK = Path(tempfile.gettempdir()) / "printshop-deploy-target.lock"


@dataclass(frozen=True)
class Target:
    """The deploy target's facts (tools/deploy-target/up writes them)."""

    host: str
    port: str
    user: str
    host_key: str
    authorized_keys: Path


def target_facts() -> Target:
    """Read $TARGET_RUN_DIR/env."""
    require(TARGET_ENV.exists(), "no deploy target", TARGET_FIX)
    values = dict(
        line.removeprefix("export ").split("=", 1) for line in TARGET_ENV.read_text().splitlines()
    )
    return Target(
        values["TARGET_HOST"],
        values["TARGET_SSH_PORT"],
        values["TARGET_USER"],
        values["TARGET_HOST_KEY"].strip('"'),
        Path(values["TARGET_AUTHORIZED_KEYS"]),
    )


@dataclass(frozen=True)
class Site:
    """One environment of a test file on the target: its Compose project and public port."""

    project: str
    port: int

    @property
    def directory(self) -> Path:
        """The deployment's directory on the target."""
        return DEPLOYMENTS / self.project


# What each deploy file's environments take besides the target's facts: time for the
# containers to turn healthy on a busy machine, two releases kept, a short drain and a
# latency budget for the shared test machine; a file adds its own keys.
OPTIONS = {
    "health_timeout": "90",
    "keep_releases": "2",
    "drain_seconds": "2",
    "smoke_p95_ms": "1000",
}


def environments(
    target: Target, sites: Mapping[str, Site], options: Mapping[str, str], services: str = ""
) -> str:
    """An environments file with staging and production (`sites`) on the target, production
    signed and scanned; `options` are lines of every table, `services` staging's last."""
    tables = []
    for name, site in sites.items():
        signed = "true" if name == "production" else "false"
        lines = {
            "host": f'"{target.host}"',
            "port": target.port,
            "user": f'"{target.user}"',
            "host_key": f'"{target.host_key}"',
            "project": f'"{site.project}"',
            "url": f'"http://{target.host}:{site.port}"',
            "http_port": str(site.port),
            "require_signature": signed,
            "signing_key": '"deploy/cosign.pub"',
            "require_scan": signed,
            "backup_before_migrate": signed,
            "refuse_breaking_migrations": signed,
            **options,
        }
        table = f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in lines.items())
        tables.append(table + (services if name == "staging" else ""))
    return "\n".join(tables)


def on_target(*command: str) -> str:
    """Run `command` on the target as its deploy user (directly, not over SSH)."""
    done = subprocess.run(
        ["runuser", "-u", "deploy", "--", *command], capture_output=True, text=True, check=True
    )
    return done.stdout


def release_containers(project: str) -> dict[str, tuple[str, str, str]]:
    """The running containers of the environment `project`'s releases (not its proxy):
    id -> (image reference, release project, service)."""
    ids = on_target("docker", "ps", "-q", "--filter", f"name={project}-").split()
    if not ids:
        return {}
    labels = '{{index .Config.Labels "com.docker.compose.project"}}'
    service = '{{index .Config.Labels "com.docker.compose.service"}}'
    lines = on_target(
        "docker",
        "inspect",
        "--format",
        f"{{{{.Id}}}} {{{{.Config.Image}}}} {labels} {service}",
        *ids,
    ).splitlines()
    found = {line.split()[0]: tuple(line.split()[1:4]) for line in lines}
    return {
        cid: (image, owner, name)
        for cid, (image, owner, name) in found.items()
        if owner.startswith(f"{project}-")
        and owner not in (f"{project}-proxy", f"{project}-accessories")
    }


def running_images(project: str) -> set[str]:
    """The image references the environment's running release containers were started from
    (a drained release is stopped, so after a switch only one release's are here)."""
    return {image for image, _, _ in release_containers(project).values()}


def healthy_release(project: str, within: float) -> dict[str, tuple[str, str, str]]:
    """The environment's running release containers once Docker reports each of them
    healthy (one without a health check, a worker: running), or those running when
    `within` seconds have passed."""
    deadline = time.monotonic() + within
    status = "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}"
    while True:
        containers = release_containers(project)
        states = set()
        if containers:
            states = set(on_target("docker", "inspect", "--format", status, *containers).split())
        settled = "healthy" in states and states <= {"healthy", "running"}
        if settled or time.monotonic() > deadline:
            return containers
        time.sleep(1)


def loop(port: int) -> RequestLoop:
    """20 requests a second on an environment's published port, each given 2 s."""
    return RequestLoop(f"http://127.0.0.1:{port}/api/health/")


def served_without_a_failure(traffic: RequestLoop, *releases: str) -> None:
    """Every request got a 200, and `releases` answered them in that order."""
    assert len(traffic.answers) > 20, f"too few requests to tell: {traffic.answers}"
    assert not traffic.failed, (
        f"{len(traffic.failed)} of {len(traffic.answers)} failed: {traffic.failed[:5]}"
    )
    assert [release[-2:] for release in traffic.releases] == list(releases), traffic.releases


def events(lines: list[str], event: str) -> list[dict[str, str]]:
    """The history entries among `lines` that record `event`."""
    entries = [json.loads(line) for line in lines]
    return [entry for entry in entries if entry["event"] == event]


def history_lines(releases: Path) -> list[str]:
    """The host's history of a deployment (history.jsonl), none before its first deploy."""
    history = releases / "history.jsonl"
    return history.read_text().splitlines() if history.exists() else []


@contextmanager
def authorized_key(target: Target, work: Path) -> Iterator[Path]:
    """A new key pair in `work` whose public half the deploy user's authorized_keys holds
    while the context lasts, beside other files' keys; the private key's path."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / "key")], check=True
    )
    public = (work / "key.pub").read_text()
    keys_lock = TARGET_LOCK.with_suffix(".keys")
    with _locked(keys_lock, fcntl.LOCK_EX), target.authorized_keys.open("a") as keys:
        keys.write(public)
    subprocess.run(["chown", "deploy:deploy", str(target.authorized_keys)], check=True)
    try:
        yield work / "key"
    finally:
        with _locked(keys_lock, fcntl.LOCK_EX):
            kept = target.authorized_keys.read_text().replace(public, "")
            target.authorized_keys.write_text(kept)


@contextmanager
def _locked(path: Path, mode: int) -> Iterator[None]:
    """`path` flock-ed in `mode` while the context lasts."""
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        yield


@contextmanager
def sharing_the_target() -> Iterator[None]:
    """While no test stops the target's Docker (tests/cli/conftest.py: a fixture)."""
    with _locked(TARGET_LOCK, fcntl.LOCK_SH):
        yield


@contextmanager
def stopping_docker() -> Iterator[None]:
    """While no other file's test uses the target; its containers settled at the end (none
    still starting), so that the next test finds them as before."""
    with _locked(TARGET_LOCK, fcntl.LOCK_EX):
        yield
        deadline = time.monotonic() + 120
        while on_target("docker", "ps", "-q", "--filter", "health=starting"):
            assert time.monotonic() < deadline, "containers still starting after 120 s"
            time.sleep(1)


@dataclass(frozen=True)
class Deployment:
    """Everything a deploy command needs: a checkout, its secrets, published images.

    Every secret value holds `canary`: a part of a secret (a password inside a URL) is
    as much a leak as the whole, so outputs are searched for the canary."""

    cli: DaggerCli
    checkout: Path
    secrets: dict[str, str]
    canary: str
    key: Path
    images: dict[str, tuple[str, str]]
    sites: dict[str, Site]

    def variables(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The secrets as environment variables, `extra` ones (each with the canary) added."""
        variables = self.secrets | (extra or {})
        assert all(self.canary in value for value in variables.values())
        return variables

    def shows_no_secret(self, output: str, what: str) -> None:
        """Fail if `output` holds the canary, that is any part of any secret."""
        assert self.canary not in output, f"`{what}` showed a secret:\n{output[-4000:]}"

    def call(
        self, arguments: str, extra: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = self.cli.run(f"dagger call {arguments}", self.checkout, self.variables(extra))
        self.shows_no_secret(done.stdout + done.stderr, f"dagger call {arguments}")
        return done

    def deploy_command(self, env: str, version: str, options: str = "") -> str:
        """The `dagger call deploy` arguments for `version`'s published images."""
        backend, frontend = self.images[version]
        return (
            f"deploy --env={env} --backend-image={backend} --frontend-image={frontend} "
            f"--ssh-key=file://{self.key} --database-url=env://DATABASE_URL "
            f"--secret-key=env://SECRET_KEY --commit={version} --deployed-by=cli-test "
            f"--offline --insecure-registry {options}"
        )

    def deploy(
        self, env: str, version: str, options: str = "", extra: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return self.call(self.deploy_command(env, version, options), extra)


@dataclass(frozen=True)
class Releases:
    """What a test file deploys: its environments file and the checkout each version of
    the app is published from (file name -> content changed from this checkout's)."""

    sites: dict[str, Site]
    environments: str
    sources: dict[str, dict[str, str]]
    repository: str


def deployment(
    cli: DaggerCli, database_server: postgres.Server, work: Path, releases: Releases
) -> Iterator[Deployment]:
    """A checkout aimed at the target, a deploy key it accepts, each release published; the
    file's deployments removed from the target afterwards (a fixture's body)."""
    target = target_facts()
    canary = f"canary{os.urandom(8).hex()}"
    key_pairs(work, f"key-{canary}")  # the password: COSIGN_PASSWORD below
    changes = {
        "deploy/environments.toml": releases.environments,
        "deploy/cosign.pub": (work / "ours" / "cosign.pub").read_text(),
    }
    checkout = checkout_copy(work / "checkout", changes)
    database = database_server.database(f"deploy_{os.urandom(3).hex()}", password=canary)
    secrets = {
        "DATABASE_URL": database,
        "SECRET_KEY": f"secret-{canary}-" + "k" * 50,
        "REGISTRY_PASSWORD": f"registry-{canary}",
        "COSIGN_PASSWORD": f"key-{canary}",
    }
    images = {}
    for version, source in releases.sources.items():
        copy = checkout_copy(work / version, changes | source)
        backend, frontend, output = published(
            cli, copy, releases.repository, secrets, version[1] * 40
        )
        assert canary not in output, f"publish showed a secret:\n{output[-4000:]}"
        images[version] = (backend, frontend)
    with authorized_key(target, work) as key:
        yield Deployment(cli, checkout, secrets, canary, key, images, releases.sites)
        with sharing_the_target():
            for site in releases.sites.values():
                remove_deployment(site.project)


def remove_deployment(project: str) -> None:
    """Every container, network and file the deployment `project` has on the target."""
    directory = f"deployments/{project}"
    script = (
        f"cd && for file in {directory}/releases/*/compose.yaml {directory}/proxy/compose.yaml "
        f"{directory}/accessories/compose.yaml; "
        'do [ ! -f "$file" ] || docker compose -f "$file" down --volumes; done; '
        f"docker network rm {project}-edge {project}-accessories || true"
    )
    subprocess.run(["runuser", "-u", "deploy", "--", "sh", "-c", script], check=False)
    subprocess.run(["rm", "-rf", f"/home/deploy/{directory}"], check=False)


def legacy_release(deployment: Deployment, env: str, version: str) -> str:
    """Start `version` as `env`'s release on the target as a deploy before the proxy did (one
    Compose project named after the environment, the frontend publishing its port); its
    release id."""
    environment = environments_module.parse(
        (deployment.checkout / "deploy/environments.toml").read_text()
    )
    site = deployment.sites[env]
    target = next(t for t in environment.values() if t.project == site.project)
    made = rollout.new_release(target, *deployment.images[version], version, "before-the-proxy", "")
    compose = json.loads(rollout.compose_file(target, made))
    compose["name"] = site.project
    del compose["networks"], compose["services"]["frontend"]["networks"]
    compose["services"]["frontend"]["ports"] = [f"{site.port}:{rollout.FRONTEND_PORT}"]
    files = {
        "compose.yaml": json.dumps(compose),
        "release.json": rollout.release_file(made),
        "secrets.env": "".join(
            f"{name}={deployment.secrets[name]}\n" for name in ("DATABASE_URL", "SECRET_KEY")
        ),
    }
    release = f"{site.directory}/releases/{made.release}"
    on_target("mkdir", "-p", release)
    for name, content in files.items():
        subprocess.run(
            ["runuser", "-u", "deploy", "--", "sh", "-c", f"umask 077 && cat > {release}/{name}"],
            input=content, text=True, check=True,
        )  # fmt: skip
    on_target("ln", "-s", f"releases/{made.release}", f"{site.directory}/current")
    entry = {"time": made.created, "event": "deployed", "release": made.release, "detail": ""}
    on_target("sh", "-c", f"echo '{json.dumps(entry)}' >> {site.directory}/history.jsonl")
    on_target("docker", "compose", "-f", f"{release}/compose.yaml", "up", "--detach", "--wait")
    return made.release
