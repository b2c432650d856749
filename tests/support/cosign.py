"""Cosign key pairs and trusted roots for the signing tests, made by cosign in its image."""

import uuid

import dagger
from dagger import dag

from ci import versions


def key_pair(password: dagger.Secret) -> dagger.Directory:
    """cosign.key (encrypted with `password`) and cosign.pub: a new pair on every call."""
    workdir = "/tmp/key-pair"  # noqa: S108 - writable by cosign's non-root user
    return (
        dag.container()
        .from_(versions.cosign_image())
        .with_workdir(workdir)
        .with_env_variable("KEY_PAIR", uuid.uuid4().hex)  # never a cached (older) pair
        .with_secret_variable("COSIGN_PASSWORD", password)
        .with_exec(["generate-key-pair"], use_entrypoint=True)
        .directory(workdir)
    )


def trusted_root(fulcio_url: str, certificate_chain: str) -> dagger.File:
    """A Sigstore trusted root naming only the Fulcio at `fulcio_url` (cosign makes it)."""
    workdir = "/tmp/trusted-root"  # noqa: S108 - writable by cosign's non-root user
    chain = "/run/fulcio.pem"
    no_public = [f"--no-default-{service}" for service in ("fulcio", "rekor", "ctfe", "tsa")]
    return (
        dag.container()
        .from_(versions.cosign_image())
        .with_workdir(workdir)
        .with_new_file(chain, certificate_chain, permissions=0o644)
        .with_exec(
            [
                "trusted-root",
                "create",
                f"--fulcio=url={fulcio_url},certificate-chain={chain}",
                *no_public,
                f"--out={workdir}/trusted_root.json",
            ],
            use_entrypoint=True,
        )
        .file(f"{workdir}/trusted_root.json")
    )
