"""An environment's secrets bundle: one dotenv text holding every secret it needs.

A person sets up, once per machine, where each environment's bundle comes from (`.env`
beside dagger.json, see .env.example); the functions that act on an environment read
only that environment's bundle. The values never appear in a message: errors name the
environment, the line or the key, never what follows `=`.
"""

import re
from dataclasses import dataclass

from ci.errors import PipelineError

# What a bundle may hold, and the argument each key stands in for.
KEYS = {
    "SSH_KEY": "--ssh-key",
    "DATABASE_URL": "--database-url",
    "SECRET_KEY": "--secret-key",
    "REGISTRY_PASSWORD": "--registry-password",
    "COSIGN_KEY": "--key",
    "COSIGN_PASSWORD": "--key-password",
}
_ENTRY = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


@dataclass(frozen=True)
class Source:
    """Where a bundle came from, as the person who set it up would name it."""

    env: str  # staging, production

    @property
    def argument(self) -> str:
        """The function argument that carries this environment's bundle."""
        return f"--{self.env}-secrets"

    def error(self, problem: str, fix: str) -> PipelineError:
        """One sentence: which bundle, what is wrong with it, what to do."""
        return PipelineError(f"The {self.env} secrets ({self.argument}) {problem}: {fix}.")


def parse(text: str, source: Source) -> dict[str, str]:
    """The bundle's entries (dotenv: KEY=value, "quoted" or 'quoted' across lines, # notes)."""
    entries: dict[str, str] = {}
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        line = lines[number].strip()
        number += 1
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if not match:
            raise source.error(f"line {number} is not KEY=value", "fix that line")
        key, value = match.group(1), match.group(2)
        if key not in KEYS:
            raise source.error(
                f"hold an unknown key {key} on line {number}", f"the keys are {', '.join(KEYS)}"
            )
        if value[:1] in ('"', "'"):
            value, number = _quoted(value, lines, number, source)
        else:
            value = value.partition(" #")[0].strip()
        entries[key] = value
    return entries


def _quoted(first: str, lines: list[str], number: int, source: Source) -> tuple[str, int]:
    """A value in quotes from its first line on (line `number`): the value, the next line."""
    quote, rest = first[0], "\n".join([first[1:], *lines[number:]])
    end = rest.find(quote)
    while quote == '"' and end > 0 and rest[end - 1] == "\\":
        end = rest.find(quote, end + 1)
    if end < 0:
        raise source.error(f"open a quote on line {number} that no line closes", "close it")
    value = rest[:end]
    if quote == '"':
        value = value.replace("\\n", "\n").replace('\\"', '"')
    return value, number + rest[:end].count("\n")


def missing(
    key: str, command: str, source: Source, configured: bool, argument: bool | str = True
) -> PipelineError:
    """One sentence for a secret `command` needs that neither an argument nor the bundle gave.

    `argument`: whether `command` has an argument for it (True: the one KEYS names), or
    the argument's name where `command` calls it otherwise.
    """
    where = f"the {source.env} secrets ({source.argument})"
    flag = argument if isinstance(argument, str) else KEYS[key]
    if configured:
        instead = f", or pass {flag}" if argument else ""
        return source.error(
            f"hold no {key}, which `{command} --env {source.env}` needs",
            f"add {key}=... to that file{instead}",
        )
    if not argument:
        return PipelineError(
            f"`{command} --env {source.env}` needs {key} from {where}: set them up once on "
            "this machine (.env beside dagger.json, see .env.example)."
        )
    return PipelineError(
        f"`{command} --env {source.env}` needs {flag}: pass it, or set up {where} "
        "once on this machine (.env beside dagger.json, see .env.example)."
    )
