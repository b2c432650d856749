"""A message to a Slack-compatible incoming webhook, whose URL is a Secret.

curl reads the URL from a config file written in a tmpfs (never argv, never a layer).
"""

import json
import uuid

import dagger
from dagger import dag

from ci import versions

_WORK = "/run/notify"
_SCRIPT = (
    "set -eu; umask 077; "
    f'printf \'url = "%s"\\n\' "$(cat /run/secrets/webhook)" > {_WORK}/curlrc; '
    f"curl --fail --silent --show-error --max-time 20 --config {_WORK}/curlrc "
    f"--header 'Content-Type: application/json' --data @/message.json"
)


def webhook_post(url: dagger.Secret, text: str) -> dagger.Container:
    """POST {"text": text} to the webhook, afresh each call."""
    return (
        dag.container()
        .from_(versions.ssh_client_image())
        .with_new_file("/message.json", json.dumps({"text": text}))
        .with_mounted_secret("/run/secrets/webhook", url, mode=0o400)
        .with_mounted_temp(_WORK)
        .with_env_variable("NOTIFY_RUN", uuid.uuid4().hex)
        .with_exec(["sh", "-c", _SCRIPT])
    )
