"""sign and verify through the CLI, as the README shows them, on digests published here.

Offline (tools/engine's registry has no Sigstore services). Key-based: a key pair made for
the test, a foreign key and an unsigned digest that must fail in one sentence. Keyless: a
real Fulcio and an OIDC issuer run here (tests/support/sigstore.py) stand for a private
Sigstore; a foreign identity must fail.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from secrets import token_hex

import anyio
import dagger
import pytest
from dagger import dag

from tests.support.cosign import key_pair, trusted_root
from tests.support.dagger_cli import DaggerCli, readable
from tests.support.prerequisites import ENGINE_FIX, require
from tests.support.sigstore import fulcio, oidc_issuer

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


def published(
    dagger_cli: DaggerCli,
    checkout: Path,
    repository: str,
    secrets: dict[str, str],
    revision: str = "b" * 40,
) -> tuple[str, str, str]:
    """Both images of `checkout` published (amd64) to tools/engine's registry under
    `repository`: their digest references, and what the CLI printed."""
    registry = os.environ.get("PIPELINE_ENGINE_CONTAINER_REGISTRY")
    require(registry, "no registry the engine's containers reach", ENGINE_FIX)
    done = dagger_cli.run(
        f"dagger call publish --registry={registry}/{repository} --username=ci "
        "--password=env://REGISTRY_PASSWORD --git-ref=refs/heads/main "
        f"--revision={revision} --platform=linux/amd64",
        checkout,
        secrets,
    )
    assert done.returncode == 0, readable(done.stderr)[-4000:]
    backend, frontend = (line.split()[1] for line in done.stdout.splitlines()[:2])
    return backend, frontend, done.stdout + done.stderr


@dataclass(frozen=True)
class Images:
    """The checkout's images, published once for both signing tests, and what was shown."""

    backend: str
    frontend: str
    output: str
    secrets: dict[str, str]  # each holds `canary`, which no output may show
    canary: str


@pytest.fixture(scope="module")
def images(dagger_cli: DaggerCli, checkout: Path) -> Images:
    canary = f"canary{token_hex(8)}"
    given = {"REGISTRY_PASSWORD": f"registry-{canary}", "COSIGN_PASSWORD": f"key-{canary}"}
    published_images = published(dagger_cli, checkout, "cli-signing", given)
    return Images(*published_images, given, canary)


def at_once(*calls: Callable[[], tuple[int, str]]) -> list[tuple[int, str]]:
    """The calls run side by side (each `dagger` command loads the module on its own)."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_sign_then_verify_through_the_cli(
    dagger_cli: DaggerCli, checkout: Path, tmp_path: Path, images: Images
) -> None:
    backend, frontend, canary = images.backend, images.frontend, images.canary
    key_pairs(tmp_path, images.secrets["COSIGN_PASSWORD"])

    signed = dagger_cli.run(
        f"dagger call sign --digest={backend} --username=ci --password=env://REGISTRY_PASSWORD "
        f"--key=file://{tmp_path}/ours/cosign.key --key-password=env://COSIGN_PASSWORD {LOCAL}",
        checkout,
        images.secrets,
    )
    assert signed.returncode == 0, readable(signed.stderr)[-4000:]
    assert f"signed {backend}, SBOM attested for linux/amd64" in signed.stdout

    def verify(digest: str, key: str) -> Callable[[], tuple[int, str]]:
        def run() -> tuple[int, str]:
            done = dagger_cli.run(
                f"dagger call verify --digest={digest} --key={tmp_path}/{key}/cosign.pub "
                "--offline --insecure-registry",
                checkout,
            )
            return done.returncode, readable(done.stdout + done.stderr)

        return run

    (code, output), (code_foreign, foreign), (code_unsigned, unsigned) = at_once(
        verify(backend, "ours"), verify(backend, "theirs"), verify(frontend, "ours")
    )
    assert code == 0, output[-4000:]
    assert f"{backend}: signature and SBOM attestation verified" in output
    assert code_foreign != 0
    assert f"{backend} failed signature verification (" in foreign
    assert code_unsigned != 0
    assert "no signatures found" in unsigned
    for output in (images.output, signed.stdout + signed.stderr, foreign):
        assert canary not in output
        assert "Traceback" not in output


def test_sign_keyless_with_a_private_fulcio_then_verify_the_identity(
    dagger_cli: DaggerCli, checkout: Path, tmp_path: Path, images: Images
) -> None:
    host = os.environ.get("PIPELINE_ENGINE_HOST_ADDRESS", "")
    binary = os.environ.get("PIPELINE_ENGINE_FULCIO", "")
    require(host, "no host address on the engine's network", ENGINE_FIX)
    require(Path(binary).is_file(), "no Fulcio binary (tools/engine/build-tools)", ENGINE_FIX)
    backend, canary = images.backend, images.canary
    with (
        oidc_issuer(tmp_path / "issuer", host) as issuer,
        fulcio(binary, tmp_path, host, issuer) as ca,
    ):
        token = issuer.token("release@acme.example")
        secrets = {"REGISTRY_PASSWORD": f"registry-{canary}", "SIGSTORE_ID_TOKEN": token}
        signed = dagger_cli.run(
            f"dagger call sign --digest={backend} --username=ci "
            "--password=env://REGISTRY_PASSWORD --identity-token=env://SIGSTORE_ID_TOKEN "
            f"--fulcio-url={ca.url} {LOCAL}",
            checkout,
            secrets,
        )
        assert signed.returncode == 0, readable(signed.stderr)[-4000:]
        assert f"signed {backend}, SBOM attested for linux/amd64" in signed.stdout
        export_trusted_root(ca.url, ca.root_certificate(), tmp_path / "trusted_root.json")

    def verify(identity: str) -> Callable[[], tuple[int, str]]:
        def run() -> tuple[int, str]:
            done = dagger_cli.run(
                f"dagger call verify --digest={backend} --certificate-identity={identity} "
                f"--certificate-oidc-issuer={issuer.url} "
                f"--trusted-root={tmp_path}/trusted_root.json --offline --insecure-registry",
                checkout,
            )
            return done.returncode, readable(done.stdout + done.stderr)

        return run

    (code, output), (code_foreign, foreign) = at_once(
        verify("release@acme.example"), verify("intruder@acme.example")
    )
    assert code == 0, output[-4000:]
    assert f"{backend}: signature and SBOM attestation verified" in output
    assert code_foreign != 0
    assert f"{backend} failed signature verification (" in foreign
    for output in (signed.stdout + signed.stderr, foreign):
        assert token not in output
        assert canary not in output


def export_trusted_root(fulcio_url: str, certificate: str, out: Path) -> None:
    """Write the trusted root of the Fulcio at `fulcio_url` to `out`."""

    async def export() -> None:
        async with dagger.connection():
            await trusted_root(fulcio_url, certificate).export(str(out))

    anyio.run(export)
