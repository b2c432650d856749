"""The secrets of the environment a command acts on: its bundle, read once, and overrides.

Each environment function takes `--staging-secrets` and `--production-secrets` (a Secret
each, no default of their own, so that `.env` beside dagger.json can give them: see
.env.example) and reads only the bundle of the environment it was asked for, so a
command for staging never resolves production's reference. An argument given on the
command line (`--ssh-key`, ...) wins over the bundle's entry.
"""

import uuid
from typing import Annotated

import dagger
from dagger import Doc, dag

from ci import secret_bundle
from ci.choices import Environment
from ci.secret_bundle import Source

StagingSecretsArg = Annotated[
    dagger.Secret | None,
    Doc("Staging's secrets as one dotenv file (SSH_KEY, DATABASE_URL, ...); see .env.example"),
]
ProductionSecretsArg = Annotated[
    dagger.Secret | None,
    Doc("Production's secrets as one dotenv file (SSH_KEY, DATABASE_URL, ...); see .env.example"),
]


class EnvSecrets:
    """One environment's secrets: what its bundle holds, each a Secret of its own."""

    def __init__(self, source: Source, entries: dict[str, str], configured: bool) -> None:
        self.source = source
        self.configured = configured
        nonce = uuid.uuid4().hex
        self._secrets = {
            key: dag.set_secret(f"{source.env}-{key.lower()}-{nonce}", value)
            for key, value in entries.items()
            if value
        }

    def get(self, key: str, given: dagger.Secret | None) -> dagger.Secret | None:
        """The argument when given, else the bundle's entry, else None."""
        return given or self._secrets.get(key)

    def need(
        self, key: str, given: dagger.Secret | None, command: str, argument: bool | str = True
    ) -> dagger.Secret:
        """The argument when given, else the bundle's entry, else one sentence saying where.

        `argument`: whether `command` has an argument that could give it instead (True:
        the one secret_bundle.KEYS names), or its name where `command` calls it otherwise.
        """
        secret = self.get(key, given)
        if secret is None:
            raise secret_bundle.missing(key, command, self.source, self.configured, argument)
        return secret


async def env_secrets(
    env: Environment, staging: dagger.Secret | None, production: dagger.Secret | None
) -> EnvSecrets:
    """The bundle of `env` (only that one is read), parsed; unreadable = one sentence."""
    source = Source(env.value.lower())
    bundle = staging if env == Environment.STAGING else production
    if bundle is None:
        return EnvSecrets(source, {}, configured=False)
    try:
        text = await bundle.plaintext()
    except dagger.QueryError as error:
        reason = str(error).splitlines()[0].rpartition("desc = ")[2] or "no reason given"
        raise source.error(
            f"could not be read ({reason})",
            "check the reference .env gives it (the variable set, the file there)",
        ) from None
    return EnvSecrets(source, secret_bundle.parse(text, source), configured=True)
