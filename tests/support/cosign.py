"""Cosign key pairs for the signing tests, made by cosign itself in its image."""

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
