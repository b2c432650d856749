"""From a snapshot of the repository to its `AppProfile`."""

from dataclasses import replace

from ci.profile.config_file import CONFIG_FILE, GATE_TABLES, parsed
from ci.profile.django_app import backend_dir, detect_backend
from ci.profile.image_source import backend_image, frontend_image
from ci.profile.js_app import detect_frontend, frontend_dir
from ci.profile.model import AppProfile, Found
from ci.profile.served_app import demo_data, health_path, load_scenario
from ci.profile.tree import SourceTree, normal


def detect(
    tree: SourceTree, backend: str = "", frontend: str = "", python: str = "", node: str = ""
) -> AppProfile:
    """The app's profile: detected, then pipeline.toml, then the options given here."""
    config = parsed(tree.text(CONFIG_FILE)) if tree.has(CONFIG_FILE) else parsed("")
    back_config, front_config = config["backend"], config["frontend"]
    back_dir = _option(backend, "--backend-dir") or backend_dir(tree, _dir(back_config))
    front_dir = _option(frontend, "--frontend-dir") or frontend_dir(tree, _dir(front_config))
    back = detect_backend(tree, back_dir, back_config)
    front = detect_frontend(tree, front_dir, front_config)
    back = replace(
        back,
        image=backend_image(tree, back, front_dir.value, back_config),
        health_path=health_path(tree, back, back_config),
        demo_data=demo_data(tree, back_dir.value, back_config),
        load_scenario=load_scenario(tree, back_dir.value, back_config),
    )
    front = replace(front, image=frontend_image(tree, front, front_config))
    if python:
        back = replace(back, python=Found(python, "--python-version"))
    if node:
        front = replace(front, node=Found(node, "--node-version"))
    gates = {table: config[table] for table in GATE_TABLES if config[table]}
    return AppProfile(back, front, CONFIG_FILE if tree.has(CONFIG_FILE) else "", gates)


def _dir(config: dict[str, object]) -> str | None:
    value = config.get("dir")
    return normal(value) if isinstance(value, str) else None


def _option(value: str, option: str) -> Found[str] | None:
    return Found(normal(value), option) if value else None
