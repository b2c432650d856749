"""Detection of the React frontend: package manager, lock, scripts, tools, build output."""

import json
import re
from typing import Any

from ci import versions
from ci.errors import PipelineError
from ci.profile.model import Found, FrontendProfile, overridden
from ci.profile.tree import SourceTree, ancestors, join, normal, parent, shallowest
from ci.profile.versions_found import node_in_range, supported_node

LOCKS = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("package-lock.json", "npm"))
# Script names each stage looks for, first match wins.
SCRIPTS = {
    "lint": ("lint",),
    "typecheck": ("typecheck", "type-check", "check-types", "types", "tsc"),
    "test": ("test:coverage", "coverage", "test:ci", "test"),
    "build": ("build",),
    "e2e": ("e2e", "test:e2e"),
    "e2e-quick": ("e2e:quick",),
}
LOCK_FILES = tuple(lock for lock, _ in LOCKS)
PLAYWRIGHT_CONFIGS = ("playwright.config.ts", "playwright.config.js", "playwright.config.mjs")
CYPRESS_CONFIGS = ("cypress.config.ts", "cypress.config.js", "cypress.json")
OUT_DIR = re.compile(r"outDir\s*:\s*['\"]([^'\"]+)['\"]")
# Where the unit tests write their coverage: Vitest's reportsDirectory, Jest's coverageDirectory.
COVERAGE_DIR = re.compile(r"(?:reportsDirectory|coverageDirectory)['\"]?\s*:\s*['\"]([^'\"]+)['\"]")
VITE_CONFIGS = ("vite.config.ts", "vite.config.js", "vite.config.mts", "vite.config.mjs")
JEST_CONFIGS = ("jest.config.js", "jest.config.ts", "jest.config.cjs", "jest.config.mjs")


def frontend_dir(tree: SourceTree, chosen: str | None) -> Found[str]:
    """The directory of the package.json that depends on React: chosen, or the shallowest."""
    if chosen is not None:
        return Found(chosen, "pipeline.toml")
    manifests = [p for p in tree.named("package.json") if _uses_react(tree.text(p))]
    manifest = shallowest(manifests, "React frontend (package.json)", "[frontend] dir")
    return Found(parent(manifest), manifest)


def _uses_react(text: str) -> bool:
    manifest = _manifest(text)
    return any("react" in manifest.get(k, {}) for k in ("dependencies", "devDependencies"))


def _manifest(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def detect_frontend(
    tree: SourceTree, directory: Found[str], config: dict[str, Any]
) -> FrontendProfile:
    """Everything about the frontend in `directory`, with `config` ([frontend]) on top."""
    where = directory.value
    path = tree.required(join(where, "package.json"), "[frontend] dir")
    manifest = _manifest(tree.text(path))
    deps = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    manager, lock_dir = _package_manager(tree, where, manifest)
    scripts = _scripts(manifest, path, config.get("scripts", {}))
    return FrontendProfile(
        dir=directory,
        package_manager=manager,
        lock_dir=lock_dir,
        node=overridden(config, "node", _node(tree, where, manifest)),
        scripts=scripts,
        test_framework=_first(deps, {"vitest": "vitest", "jest": "jest"}, path),
        linter=_first(deps, {"@biomejs/biome": "biome", "eslint": "eslint"}, path),
        build_output=overridden(config, "build-output", _build_output(tree, where, deps, path)),
        end_to_end=_end_to_end(tree, where),
        typescript=_typescript(tree, where),
        install_flags=overridden(config, "install-flags", Found(())),
        coverage_dir=overridden(config, "coverage-dir", _coverage_dir(tree, where, path)),
    )


def _package_manager(
    tree: SourceTree, where: str, manifest: dict[str, Any]
) -> tuple[Found[str], Found[str]]:
    for directory in ancestors(where):
        for lock, manager in LOCKS:
            path = join(directory, lock)
            if tree.has(path):
                return Found(manager, path), Found(directory, path)
    raise PipelineError(
        f"No lock file for the frontend in {where or 'the root'} or above (package-lock.json, "
        "yarn.lock or pnpm-lock.yaml): commit the lock your package manager writes."
    )


def _scripts(manifest: dict[str, Any], path: str, chosen: dict[str, str]) -> Found[dict[str, str]]:
    """Stage -> script name, for the stages whose script the package.json has."""
    have = manifest.get("scripts", {})
    found = {stage: next((n for n in names if n in have), "") for stage, names in SCRIPTS.items()}
    found = {stage: name for stage, name in found.items() if name}
    source = f"{path} (scripts)"
    if chosen:
        found |= chosen
        source += ", pipeline.toml"
    return Found(found, source)


def _first(deps: dict[str, str], tools: dict[str, str], path: str) -> Found[str]:
    """The first of `tools` (package -> tool name) the package.json depends on, or ""."""
    for package, tool in tools.items():
        if package in deps:
            return Found(tool, path)
    return Found("", path)


def _node(tree: SourceTree, where: str, manifest: dict[str, Any]) -> Found[str]:
    for directory in ancestors(where):
        for name in (".nvmrc", ".node-version"):
            path = join(directory, name)
            if tree.text(path).strip():
                return Found(supported_node(tree.text(path).strip().splitlines()[0], path), path)
    spec = manifest.get("engines", {}).get("node", "")
    if spec:
        path = join(where, "package.json")
        return Found(node_in_range(str(spec), path), path)
    return Found(versions.DEFAULT_NODE)


def _build_output(tree: SourceTree, where: str, deps: dict[str, str], path: str) -> Found[str]:
    for name in VITE_CONFIGS:
        config = join(where, name)
        match = OUT_DIR.search(tree.text(config))
        if match:
            return Found(match.group(1).strip("./") or "dist", config)
    if "vite" in deps:
        return Found("dist", path)
    if "react-scripts" in deps:
        return Found("build", path)
    if "next" in deps:
        return Found("out", path)
    return Found("dist")


def _coverage_dir(tree: SourceTree, where: str, manifest: str) -> Found[str]:
    """Where the unit tests' coverage goes: the test config's setting, else `coverage`."""
    for name in (*VITE_CONFIGS, *JEST_CONFIGS, "package.json"):
        path = join(where, name)
        match = COVERAGE_DIR.search(tree.text(path))
        if match:
            return Found(normal(match.group(1)), path)
    return Found("coverage", manifest)


def _end_to_end(tree: SourceTree, where: str) -> Found[str]:
    for directory in dict.fromkeys([where, ""]):
        for names, kind in ((PLAYWRIGHT_CONFIGS, "playwright"), (CYPRESS_CONFIGS, "cypress")):
            for name in names:
                if tree.has(join(directory, name)):
                    return Found(kind, join(directory, name))
    return Found("", "no Playwright or Cypress config")


def _typescript(tree: SourceTree, where: str) -> Found[bool]:
    path = join(where, "tsconfig.json")
    return Found(tree.has(path), path if tree.has(path) else "no tsconfig.json")
