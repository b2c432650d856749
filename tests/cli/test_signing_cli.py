"""sign and verify through the CLI, as the README shows them, on a digest published here.

Key-based and offline (tools/engine's registry has no Sigstore services): a key pair made
for the test, a foreign key and an unsigned digest that must fail in one sentence.
"""

import os
from pathlib import Path

import anyio
import dagger
import pytest
from dagger import dag

from tests.support.cosign import key_pair
from tests.support.dagger_cli import DaggerCli, readable
from tests.support.prerequisites import ENGINE_FIX, require

pytestmark = pytest.mark.cli
LOCAL = "--platform=linux/amd64 --offline --insecure-registry"


def key_pairs(out: Path, password: str) -> None:
    """out/ours and out/theirs, each cosign.key and cosign.pub (cosign generate-key-pair)."""

    async def generate() -> None:
        async with dagger.connection():
            secret = dag.set_secret("cosign-password", password)
            for name in ("ours", "theirs"):
                await key_pair(secret).export(str(out / name))

    anyio.run(generate)


def test_sign_then_verify_through_the_cli(
    dagger_cli: DaggerCli, checkout: Path, tmp_path: Path, canary: str
) -> None:
    registry = os.environ.get("PIPELINE_ENGINE_CONTAINER_REGISTRY")
    require(registry, "no registry the engine's containers reach", ENGINE_FIX)
    secrets = {"REGISTRY_PASSWORD": f"registry-{canary}", "COSIGN_PASSWORD": f"key-{canary}"}
    key_pairs(tmp_path, secrets["COSIGN_PASSWORD"])
    published = dagger_cli.run(
        f"dagger call publish --registry={registry}/cli-signing --username=ci "
        "--password=env://REGISTRY_PASSWORD --git-ref=refs/heads/main "
        f"--revision={'b' * 40} --platform=linux/amd64",
        checkout,
        secrets,
    )
    assert published.returncode == 0, readable(published.stderr)[-4000:]
    backend, frontend = (line.split()[1] for line in published.stdout.splitlines()[:2])

    signed = dagger_cli.run(
        f"dagger call sign --digest={backend} --username=ci --password=env://REGISTRY_PASSWORD "
        f"--key=file://{tmp_path}/ours/cosign.key --key-password=env://COSIGN_PASSWORD {LOCAL}",
        checkout,
        secrets,
    )
    assert signed.returncode == 0, readable(signed.stderr)[-4000:]
    assert f"signed {backend}, SBOM attested for linux/amd64" in signed.stdout

    def verify(digest: str, key: str) -> tuple[int, str]:
        done = dagger_cli.run(
            f"dagger call verify --digest={digest} --key={tmp_path}/{key}/cosign.pub "
            "--offline --insecure-registry",
            checkout,
        )
        return done.returncode, readable(done.stdout + done.stderr)

    code, output = verify(backend, "ours")
    assert code == 0, output[-4000:]
    assert f"{backend}: signature and SBOM attestation verified" in output
    code, foreign = verify(backend, "theirs")
    assert code != 0
    assert f"{backend} failed signature verification (" in foreign
    code, unsigned = verify(frontend, "ours")
    assert code != 0
    assert "no signatures found" in unsigned
    for output in (published.stdout + published.stderr, signed.stdout + signed.stderr, foreign):
        assert canary not in output
        assert "Traceback" not in output
