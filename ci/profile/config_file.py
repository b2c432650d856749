"""`pipeline.toml`: what a repository sets instead of what detection finds."""

import tomllib
from typing import Any

from ci.errors import PipelineError

CONFIG_FILE = "pipeline.toml"
# How each part's release image is built (ci/profile/image_source.py), in both tables.
IMAGE_KEYS: dict[str, type] = {
    "image": str,
    "dockerfile": str,
    "dockerfile-target": str,
    "dockerfile-context": str,
}
KEYS: dict[str, dict[str, type]] = {
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
    # The performance gates' settings and budgets: what `ci` and `release` run them with,
    # and the defaults of `load-test` and `lighthouse` (their flags win).
    "load-test": {
        "users": int,
        "spawn-rate": float,
        "duration": int,
        "product-list-ms": float,
        "product-page-ms": float,
        "checkout-ms": float,
        "error-rate": float,
        "regression-threshold": float,
    },
    "lighthouse": {
        "runs": int,
        "performance": float,
        "accessibility": float,
        "best-practices": float,
        "first-contentful-paint": float,
        "largest-contentful-paint": float,
        "time-to-interactive": float,
        "total-blocking-time": float,
        "cumulative-layout-shift": float,
        "regression-threshold": float,
    },
}
# The tables of the performance gates' settings (the others describe the app).
GATE_TABLES = ("load-test", "lighthouse")
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
            tables = [f"[{t}]" for t in KEYS]
            raise PipelineError(
                f"{CONFIG_FILE} has [{table}], which the pipeline does not read: use "
                f"{', '.join(tables[:-1])} or {tables[-1]}."
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
    if kind in (int, float):
        _checked_number(table, key, value, kind)
        return
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    if not isinstance(value, kind) or not all(isinstance(i, str) for i in items):
        words: dict[type, str] = {
            str: "a string",
            list: "a list of strings",
            dict: "a table of strings",
        }
        raise PipelineError(f"{CONFIG_FILE}: [{table}] {key} must be {words[kind]}.")
    allowed = CHOICES.get((table, key))
    chosen = value if isinstance(value, list) else [value]
    if allowed and any(v not in allowed for v in chosen):
        raise PipelineError(
            f"{CONFIG_FILE}: [{table}] {key} = {value!r} is not one of {', '.join(allowed)}."
        )


def _checked_number(table: str, key: str, value: Any, kind: type) -> None:
    """A whole number (`int`) or any number (`float`), 0 or more; TOML's booleans are not."""
    number = isinstance(value, int) or (kind is float and isinstance(value, float))
    if isinstance(value, bool) or not number or value < 0:
        words = "a whole number" if kind is int else "a number"
        raise PipelineError(f"{CONFIG_FILE}: [{table}] {key} must be {words}, 0 or more.")
