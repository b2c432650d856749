"""What the end-to-end stack serves (health path, demo data) and the load test runs on it.

The health path is the URL route whose name says health (or heartbeat), in the settings'
ROOT_URLCONF or in a module it includes (one level, its prefix added); without one, the
stack waits for the backend's port to answer. Demo data is the backend's management
command of one of DEMO_COMMANDS; without one, nothing is loaded (`plan` says so).
The load test's scenario is the shallowest locustfile.py. `[backend] health-path`,
`demo-data` and `load-scenario` in pipeline.toml set each ("" for none).
"""

import re
import shlex
from typing import Any

from ci.errors import PipelineError
from ci.profile.django_app import module_files, settings_texts
from ci.profile.model import BackendProfile, Found
from ci.profile.tree import SourceTree, join, normal

ROOT_URLCONF = re.compile(r"^ROOT_URLCONF\s*=\s*['\"]([\w.]+)['\"]", re.MULTILINE)
# A route (path() or re_path()) whose text names health or heartbeat, with no converter.
HEALTH_ROUTE = re.compile(
    r"""\b(?:re_)?path\(\s*r?["']\^?([^"'<]*(?:health|heartbeat)[^"'<$]*)\$?["']"""
)
INCLUDE = re.compile(r"""\b(?:re_)?path\(\s*r?["']\^?([^"']*)["']\s*,\s*include\(\s*["']([\w.]+)""")
# Management commands that load demo data, the first found is run.
DEMO_COMMANDS = ("load_demo_data", "seed_demo_data", "demo_data", "seed")
# The load test's scenario, found by this name (Locust's default).
LOCUSTFILE = "locustfile.py"


def health_path(tree: SourceTree, backend: BackendProfile, config: dict[str, Any]) -> Found[str]:
    """The path answering when the backend is up ("" none), and the file that routes it."""
    if "health-path" in config:
        chosen = config["health-path"].lstrip("/")
        return Found(f"/{chosen}" if chosen else "", "pipeline.toml")
    where = backend.dir.value
    settings = backend.production_settings.value
    texts = settings_texts(tree, where, settings)
    roots = [m.group(1) for _, text in texts for m in ROOT_URLCONF.finditer(text)]
    if not roots:
        return Found("", f"no ROOT_URLCONF in {settings}")
    urls = _module(tree, where, roots[0])
    included = [(prefix, _module(tree, where, m)) for prefix, m in INCLUDE.findall(tree.text(urls))]
    candidates = [("", urls), *included]
    for prefix, path in candidates:
        route = HEALTH_ROUTE.search(tree.text(path))
        if route:
            return Found(f"/{prefix}{route.group(1)}".replace("//", "/"), path)
    return Found("", f"no health route in {urls or roots[0]}")


def _module(tree: SourceTree, where: str, module: str) -> str:
    """The file of Python module `module` in the backend, or "" when there is none."""
    return next((p for p in module_files(where, module) if tree.has(p)), "")


def demo_data(tree: SourceTree, where: str, config: dict[str, Any]) -> Found[tuple[str, ...]]:
    """The manage.py command (with its arguments) loading demo data, or () for none."""
    if "demo-data" in config:
        return Found(tuple(shlex.split(config["demo-data"])), "pipeline.toml")
    commands = {
        path.rsplit("/", 1)[-1].removesuffix(".py"): path
        for path in tree.under(where)
        if path.rsplit("/", 3)[-3:-1] == ["management", "commands"]
    }
    for name in DEMO_COMMANDS:
        if name in commands:
            return Found((name,), commands[name])
    return Found((), f"no {', '.join(DEMO_COMMANDS)} command in {join(where, '*/management')}")


def load_scenario(tree: SourceTree, where: str, config: dict[str, Any]) -> Found[str]:
    """The load test's Locust scenario: the shallowest locustfile.py, or "" for none.

    Of several at one depth, the first in the backend (`where`) if any, else the first
    by path. `[backend] load-scenario` in pipeline.toml names another file ("" none).
    """
    if "load-scenario" in config:
        chosen = normal(config["load-scenario"])
        if chosen and not tree.has(chosen):
            raise PipelineError(
                f"{chosen} does not exist: set [backend] load-scenario in pipeline.toml to "
                'the load test\'s Locust file, or to "" for none.'
            )
        return Found(chosen, "pipeline.toml")
    found = tree.named(LOCUSTFILE)
    if not found:
        return Found("", f"no {LOCUSTFILE} in the repository")
    same = [p for p in found if p.count("/") == found[0].count("/")]
    ours = [p for p in same if p.startswith(f"{where}/")]
    return Found((ours or same)[0], f"the shallowest {LOCUSTFILE}")
