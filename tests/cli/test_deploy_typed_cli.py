"""The deploy commands exactly as typed, with the secrets set up once, on the deploy target.

Beside test_deploy_cli.py and test_deploy_production_cli.py, with environments of its own
on the same target (tests/support/deploy_target.py). Nothing is published beforehand:
`release` builds, tests, scans, publishes, signs and deploys this checkout to staging,
then `deploy --env staging` does the same without the tests and `releases`, `migrate`,
`smoke` and `rollback` run as typed. Every secret holds one canary, and no output of any
command may show it.
"""

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.support import deploy_target, postgres, summary
from tests.support.dagger_cli import DaggerCli, checkout_copy, readable
from tests.support.deploy_target import Deployment, Releases, Site, running_images, target_facts
from tests.support.prerequisites import ENGINE_FIX, require
from tests.support.process import REPO
from tests.support.trivy_db import trivy_cache

pytestmark = [pytest.mark.cli, pytest.mark.usefixtures("sharing_the_target")]
SITES = {"staging": Site("cli-typed", 18084), "production": Site("cli-typed-production", 18085)}
STAGING = SITES["staging"].project


@pytest.fixture(scope="module")
def deployment(
    dagger_cli: DaggerCli,
    database_server: postgres.Server,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    """A checkout aimed at the target and a deploy key it accepts; nothing published."""
    releases = Releases(
        SITES,
        deploy_target.environments(target_facts(), SITES, deploy_target.OPTIONS),
        {},
        "cli-typed",
    )
    yield from deploy_target.deployment(
        dagger_cli, database_server, tmp_path_factory.mktemp("typed"), releases
    )


class Webhook(BaseHTTPRequestHandler):
    """Keeps every JSON body POSTed to it."""

    received: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Typist:
    """Someone who set the environments' secrets up once: their `$HOME` holds each
    environment's bundle, their checkout the committed .env.example as .env and an
    environments file naming the registry (staging signs with its bundle's key)."""

    deployment: Deployment
    checkout: Path
    home: Path
    registry: str

    def run(
        self, command: str, extra: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`command` as typed in the checkout; fails if the output shows a secret."""
        variables = {"HOME": str(self.home), "USER": "typist", **(extra or {})}
        done = self.deployment.cli.run(command, self.checkout, variables)
        self.deployment.shows_no_secret(done.stdout + done.stderr, command)
        return done


def typed_setup(deployment: Deployment, tmp_path: Path) -> Typist:
    """The bundles under a `$HOME` of the test's, and a checkout whose .env names them."""
    registry = os.environ.get("PIPELINE_ENGINE_CONTAINER_REGISTRY", "")
    require(registry, "no registry the engine's containers reach", ENGINE_FIX)
    home = tmp_path / "home"
    secrets = deployment.secrets
    bundle = (
        f'SSH_KEY="{deployment.key.read_text().strip()}"\n'
        f"DATABASE_URL={secrets['DATABASE_URL']}\n"
        f"SECRET_KEY={secrets['SECRET_KEY']}\n"
        f"REGISTRY_PASSWORD={secrets['REGISTRY_PASSWORD']}\n"
    )
    signing = (
        f'COSIGN_KEY="{(deployment.key.parent / "ours/cosign.key").read_text().strip()}"\n'
        f"COSIGN_PASSWORD={secrets['COSIGN_PASSWORD']}\n"
    )
    # Staging signs what it builds; production's file lacks the COSIGN_KEY it needs.
    for env, text in (("staging", bundle + signing), ("production", bundle)):
        (home / f".config/printshop/{env}.env").parent.mkdir(parents=True, exist_ok=True)
        (home / f".config/printshop/{env}.env").write_text(text)
    files = deployment.checkout
    environments = (files / "deploy/environments.toml").read_text()
    environments = environments.replace("require_signature = false", "require_signature = true")
    for env in ("staging", "production"):
        table = (
            f'[{env}]\nregistry = "{registry}/cli-typed"\nregistry_username = "ci"\n'
            "insecure_registry = true\noffline = true\n"
        )
        environments = environments.replace(f"[{env}]\n", table)
    changes = {
        "deploy/environments.toml": environments,
        "deploy/cosign.pub": (files / "deploy/cosign.pub").read_text(),
        ".env": (REPO / ".env.example").read_text(),
    }
    checkout = checkout_copy(tmp_path / "checkout", changes)
    return Typist(deployment, checkout, home, registry)


def test_release_as_typed_runs_every_step_and_tells_the_webhook(
    deployment: Deployment, tmp_path: Path
) -> None:
    """`release` with the registry, its password, the signing key and staging's secrets
    from the bundle .env names (as `deploy --env staging` below): only the event's ref and
    commit, the webhook, and this machine's platform and offline Trivy database given."""
    host = os.environ.get("PIPELINE_ENGINE_HOST_ADDRESS")
    require(host, "no engine host address", ENGINE_FIX)
    typist = typed_setup(deployment, tmp_path)
    server = ThreadingHTTPServer(("0.0.0.0", 0), Webhook)  # noqa: S104 (the engine's bridge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    trivy_cache(tmp_path / "trivy-cache", "not-a-dependency-of-the-app", "CVE-2099-0003")
    hook = f"http://{host}:{server.server_port}/hooks/{deployment.canary}"
    try:
        done = typist.run(
            f"dagger call release --git-ref=refs/heads/main --revision={'4' * 40} "
            "--webhook=env://WEBHOOK --platform=linux/amd64 "
            f"--db={tmp_path}/trivy-cache",
            {"WEBHOOK": hook},
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, readable(done.stderr)[-4000:]
    steps = ("test", "scan", "publish", "sign", "deploy staging")
    assert summary.results(done.stdout) == dict.fromkeys(steps, "PASS"), done.stdout
    assert Webhook.received == [
        {"text": f"Release of {'4' * 12} (refs/heads/main): deployed to staging."}
    ]
    running = running_images(STAGING)
    assert running
    assert all(image.startswith(f"{typist.registry}/cli-typed/") for image in running), running


def test_deploy_env_staging_as_typed_with_the_secrets_set_up_once(
    deployment: Deployment, tmp_path: Path
) -> None:
    """The README's first deploy command with no other argument: .env (the committed
    .env.example, copied) points at staging's bundle under $HOME, the environments file
    names the registry and asks for signatures, so `deploy` builds, publishes, signs with
    the bundle's key, verifies and deploys this checkout; `releases`, `migrate`, `smoke` and
    `rollback` as typed too."""
    typist = typed_setup(deployment, tmp_path)
    registry = typist.registry

    def typed(command: str) -> subprocess.CompletedProcess[str]:
        return typist.run(command)

    earlier = running_images(STAGING)
    assert earlier, "staging runs no release for `rollback` to return to (tests above deploy one)"
    deployed = typed("dagger call deploy --env staging")
    assert deployed.returncode == 0, readable(deployed.stderr)[-4000:]
    assert f"to {registry}/cli-typed as deploy-" in deployed.stdout
    assert "(commit unknown: give --commit)" in deployed.stdout
    assert "signed with the environment's COSIGN_KEY" in deployed.stdout
    running = running_images(STAGING)
    assert running
    assert all(image.startswith(f"{registry}/cli-typed/") for image in running), running

    listed = typed("dagger call releases --env staging")
    assert listed.returncode == 0, readable(listed.stderr)[-4000:]
    current = next(line for line in listed.stdout.splitlines() if line.startswith("*"))
    assert "typist" in current, listed.stdout
    planned = typed("dagger call migrate --env staging --dry-run")
    assert planned.returncode == 0, readable(planned.stderr)[-4000:]
    assert "No planned migration operations." in planned.stdout + planned.stderr
    checked = typed("dagger call smoke --env staging")
    assert checked.returncode == 0, readable(checked.stderr)[-4000:]
    back = typed("dagger call rollback --env staging")
    assert back.returncode == 0, readable(back.stderr)[-4000:]
    assert running_images(STAGING) == earlier
    running = earlier

    production = running_images(SITES["production"].project)
    unsigned = typed("dagger call deploy --env production")
    assert unsigned.returncode != 0
    assert (
        "Error: The production secrets (--production-secrets) hold no COSIGN_KEY, which "
        "`deploy --env production` needs: add COSIGN_KEY=... to that file."
    ) in unsigned.stderr, readable(unsigned.stderr)[-2000:]
    assert running_images(SITES["production"].project) == production

    (typist.checkout / ".env").write_text("DEPLOY_STAGINGSECRETS=env://PRINTSHOP_UNSET_FOR_TEST\n")
    refused = typed("dagger call deploy --env staging")
    assert refused.returncode != 0
    (sentence,) = [line for line in refused.stderr.splitlines() if line.startswith("Error: ")]
    assert sentence.startswith(
        "Error: The staging secrets (--staging-secrets) could not be read ("
    ), sentence
    assert running_images(STAGING) == running
