"""Cosign: sign published images, attach SBOMs as attestations, verify both.

Key-based (a key file and its password, both Secrets) or keyless (an OIDC token Secret,
as GitHub Actions provides; Fulcio certifies it and Rekor logs the signature). Keyless
signing uses the public Sigstore, or your own Fulcio (`fulcio_url`), whose trusted root
verifying then needs. Offline mode drops the transparency logs, for registries without
Sigstore access: signing uploads nothing to Rekor, and verifying expects neither a Rekor
entry nor a certificate-transparency proof (keyless offline needs your own Fulcio).
"""

import base64
import json
from dataclasses import dataclass

import dagger
from dagger import dag

from ci import versions
from ci.errors import PipelineError
from ci.stages.common import tool_shell
from ci.stages.sbom import INPUT_DIR

AUTH_DIR = "/run/registry-auth"
KEY_DIR = "/run/cosign"
TRUSTED_ROOT = f"{KEY_DIR}/trusted_root.json"
ATTESTATION_TYPE = "spdxjson"


def registry_auth(host: str, username: str, password: str) -> str:
    """A Docker config.json that logs in to `host`, for cosign (kept as a Secret)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return json.dumps({"auths": {host: {"auth": token}}})


@dataclass(frozen=True)
class Transport:
    """How cosign talks to the outside: transparency log or not, HTTP registries or not."""

    offline: bool = False
    insecure_registry: bool = False
    fulcio_url: str = ""

    def _registry(self) -> list[str]:
        return (
            ["--allow-insecure-registry", "--allow-http-registry"] if self.insecure_registry else []
        )

    def signing(self) -> list[str]:
        """Flags for `sign` and `attest`."""
        offline = ["--tlog-upload=false"] if self.offline else []
        fulcio = [f"--fulcio-url={self.fulcio_url}"] if self.fulcio_url else []
        own_services = ["--use-signing-config=false"] if offline or fulcio else []
        return [*offline, *fulcio, *own_services, *self._registry()]

    def verifying(self) -> list[str]:
        """Flags for `verify` and `verify-attestation`."""
        offline = ["--insecure-ignore-tlog", "--insecure-ignore-sct"] if self.offline else []
        return [*offline, *self._registry()]


COSIGN_BINARY = "/ko-app/cosign"  # in the official image, its entrypoint


def cosign(auth: dagger.Secret | None, for_terminal: bool = False) -> dagger.Container:
    """Cosign's image (or cosign in a shell, for a terminal), logged in through `auth`.

    `auth` is a Docker config.json Secret naming the registry.
    """
    image = versions.cosign_image()
    container = tool_shell(image, COSIGN_BINARY) if for_terminal else dag.container().from_(image)
    if auth is None:
        return container
    return container.with_env_variable("DOCKER_CONFIG", AUTH_DIR).with_mounted_secret(
        f"{AUTH_DIR}/config.json", auth, mode=0o444
    )


def with_key(
    container: dagger.Container, key: dagger.Secret, password: dagger.Secret | None
) -> dagger.Container:
    """`container` with the private key mounted and its password in COSIGN_PASSWORD."""
    container = container.with_mounted_secret(f"{KEY_DIR}/cosign.key", key, mode=0o444)
    if password is not None:
        container = container.with_secret_variable("COSIGN_PASSWORD", password)
    return container


def with_identity_token(container: dagger.Container, token: dagger.Secret) -> dagger.Container:
    """`container` signing keyless with `token` (SIGSTORE_ID_TOKEN, never an argument)."""
    return container.with_secret_variable("SIGSTORE_ID_TOKEN", token)


def key_flags(keyless: bool) -> list[str]:
    """How `sign` and `attest` name their key: the mounted key, or none (keyless)."""
    return [] if keyless else [f"--key={KEY_DIR}/cosign.key"]


def signed(
    container: dagger.Container, reference: str, keyless: bool, transport: Transport
) -> dagger.Container:
    """`container` after signing `reference` and, recursively, each platform's manifest."""
    return container.with_exec(
        ["sign", "--yes", "--recursive", *key_flags(keyless), *transport.signing(), reference],
        use_entrypoint=True,
    )


def attested(
    container: dagger.Container,
    reference: str,
    sbom: dagger.File,
    name: str,
    keyless: bool,
    transport: Transport,
) -> dagger.Container:
    """`container` after attaching `sbom` (SPDX JSON) to `reference` as an attestation."""
    predicate = f"{INPUT_DIR}/{name}.spdx.json"
    return container.with_mounted_file(predicate, sbom).with_exec(
        [
            "attest",
            "--yes",
            f"--type={ATTESTATION_TYPE}",
            f"--predicate={predicate}",
            *key_flags(keyless),
            *transport.signing(),
            reference,
        ],
        use_entrypoint=True,
    )


@dataclass(frozen=True)
class Verifier:
    """Whom a signature must come from: a public key, or a keyless identity and issuer.

    Keyless identities are certified by the public Sigstore's Fulcio unless `trusted_root`
    (a Sigstore trusted root JSON) names your own.
    """

    public_key: dagger.File | None = None
    identity: str = ""
    issuer: str = ""
    trusted_root: dagger.File | None = None

    def checked(self) -> "Verifier":
        """The verifier if it names one signer; otherwise one sentence saying what to give."""
        keyless = bool(self.identity and self.issuer)
        if (self.public_key is not None) == keyless:
            raise PipelineError(
                "Give --key (a public key) or both --certificate-identity and "
                "--certificate-oidc-issuer (keyless), not both."
            )
        if self.trusted_root is not None and not keyless:
            raise PipelineError(
                "--trusted-root is for keyless signatures: drop it when verifying with --key."
            )
        return self

    def flags(self) -> list[str]:
        """The flags naming the expected signer."""
        if self.public_key is not None:
            return [f"--key={KEY_DIR}/cosign.pub"]
        root = [f"--trusted-root={TRUSTED_ROOT}"] if self.trusted_root is not None else []
        return [
            f"--certificate-identity={self.identity}",
            f"--certificate-oidc-issuer={self.issuer}",
            *root,
        ]

    def mounted(self, container: dagger.Container) -> dagger.Container:
        """`container` with the public key or trusted root (if any) where `flags` say.

        Both are public, so readable by cosign's non-root user whatever their mode on the host.
        """
        if self.public_key is not None:
            container = container.with_file(
                f"{KEY_DIR}/cosign.pub", self.public_key, permissions=0o444
            )
        if self.trusted_root is not None:
            container = container.with_file(TRUSTED_ROOT, self.trusted_root, permissions=0o444)
        return container


def verification(
    container: dagger.Container, reference: str, verifier: Verifier, transport: Transport
) -> dict[str, dagger.Container]:
    """The signature check and the SBOM attestation check of `reference`, by name."""
    checked = verifier.mounted(container)
    common = [*verifier.flags(), *transport.verifying(), reference]
    return {
        "signature": checked.with_exec(["verify", *common], use_entrypoint=True),
        "SBOM attestation": checked.with_exec(
            ["verify-attestation", f"--type={ATTESTATION_TYPE}", *common], use_entrypoint=True
        ),
    }
