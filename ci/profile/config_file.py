"""`pipeline.toml`: what a repository sets instead of what detection finds."""

import tomllib
from typing import Any

from ci.errors import PipelineError

CONFIG_FILE = "pipeline.toml"
# How each part's release image is built (ci/profile/image_source.py), in both tables.
IMAGE_KEYS = {"image": str, "dockerfile": str, "dockerfile-target": str, "dockerfile-context": str}
KEYS = {
    "backend": {
        "dir": str,
        "settings": str,
        "application": str,
        "server": str,
        "python": str,
        "test-runner": str,
        "services": list,
        "linters": list,
        "test-env": dict,
        "health-path": str,
        "demo-data": str,
        "load-scenario": str,
        **IMAGE_KEYS,
    },
    "frontend": {
        "dir": str,
        "node": str,
        "scripts": dict,
        "build-output": str,
        "install-flags": list,
        "coverage-dir": str,
        **IMAGE_KEYS,
    },
}
CHOICES = {
    ("backend", "server"): ("gunicorn", "uvicorn", "daphne"),
    ("backend", "test-runner"): ("pytest", "django"),
    ("backend", "services"): ("redis",),
    ("backend", "image"): ("recipe", "dockerfile"),
    ("frontend", "image"): ("recipe", "dockerfile"),
}


def parsed(text: str) -> dict[str, dict[str, Any]]:
    """The settings of `pipeline.toml`, every key and type checked, or one sentence."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PipelineError(f"{CONFIG_FILE} is not valid TOML ({error}): fix it.") from error
    for table, value in data.items():
        if table not in KEYS or not isinstance(value, dict):
            raise PipelineError(
                f"{CONFIG_FILE} has [{table}], which the pipeline does not read: use "
                f"{' or '.join(f'[{t}]' for t in KEYS)}."
            )
        for key, setting in value.items():
            _checked(table, key, setting)
    return {table: dict(data.get(table, {})) for table in KEYS}


def _checked(table: str, key: str, value: Any) -> None:
    kinds = KEYS[table]
    if key not in kinds:
        raise PipelineError(
            f"{CONFIG_FILE} sets {key!r} in [{table}], which is not a setting: use one of "
            f"{', '.join(kinds)}."
        )
    kind = kinds[key]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    if not isinstance(value, kind) or not all(isinstance(i, str) for i in items):
        words = {str: "a string", list: "a list of strings", dict: "a table of strings"}
        raise PipelineError(f"{CONFIG_FILE}: [{table}] {key} must be {words[kind]}.")
    allowed = CHOICES.get((table, key))
    chosen = value if isinstance(value, list) else [value]
    if allowed and any(v not in allowed for v in chosen):
        raise PipelineError(
            f"{CONFIG_FILE}: [{table}] {key} = {value!r} is not one of {', '.join(allowed)}."
        )
