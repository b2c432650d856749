"""An SSH client for a deploy target: its key a mounted Secret, the host key pinned.

Every command starts by copying the key into a tmpfs (OpenSSH needs a final newline,
which `env://` values often lack); nothing secret reaches a layer, argv or the log.
StrictHostKeyChecking stays on: a host whose key differs from the pinned one is refused.
"""

import shlex

import dagger
from dagger import dag

from ci import versions
from ci.environments import Target

SSH_DIR = "/root/.ssh"
SECRETS_DIR = "/run/secrets"
WORK_DIR = "/run/deploy"  # a tmpfs: the key and the release's secrets.env live there
HOST_ALIAS = "target"
_PRELUDE = f"set -eu; umask 077; awk 1 {SECRETS_DIR}/ssh-key > {WORK_DIR}/key; "


def ssh_config(target: Target) -> str:
    """The client's config: one host, key-only, strict host key checking, no prompts."""
    return "\n".join(
        [
            f"Host {HOST_ALIAS}",
            f"  HostName {target.host}",
            f"  Port {target.port}",
            f"  User {target.user}",
            f"  IdentityFile {WORK_DIR}/key",
            "  IdentitiesOnly yes",
            f"  UserKnownHostsFile {SSH_DIR}/known_hosts",
            "  StrictHostKeyChecking yes",
            "  BatchMode yes",
            "  ConnectTimeout 15",
            "  ServerAliveInterval 10",
            "  ServerAliveCountMax 3",
            "",
        ]
    )


def known_hosts(target: Target) -> str:
    """The pinned host key, under the name ssh looks it up by."""
    name = target.host if target.port == 22 else f"[{target.host}]:{target.port}"
    return f"{name} {target.host_key}\n"


def ssh_client(target: Target, key: dagger.Secret, run_id: str) -> dagger.Container:
    """The client container; `run_id` keeps each call's commands from being cached."""
    return (
        dag.container()
        .from_(versions.ssh_client_image())
        .with_new_file(f"{SSH_DIR}/config", ssh_config(target), permissions=0o600)
        .with_new_file(f"{SSH_DIR}/known_hosts", known_hosts(target), permissions=0o644)
        .with_mounted_secret(f"{SECRETS_DIR}/ssh-key", key, mode=0o400)
        .with_mounted_temp(WORK_DIR)
        .with_env_variable("DEPLOY_RUN", run_id)
    )


def with_secret_file(client: dagger.Container, name: str, value: dagger.Secret) -> dagger.Container:
    """`client` with `value` readable at /run/secrets/NAME."""
    return client.with_mounted_secret(f"{SECRETS_DIR}/{name}", value, mode=0o400)


def remote(script: str) -> list[str]:
    """The exec that runs `script` locally with the key in place (ssh to `target` in it)."""
    return ["sh", "-c", _PRELUDE + script]


def on_host(*argv: str) -> str:
    """`ssh target ARGV...`, quoted once for the remote shell."""
    return f"ssh {HOST_ALIAS} {shlex.quote(shlex.join(argv))}"
