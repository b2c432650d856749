"""The app variants the tests generate, each a shape issue 25 lists, and what each proves.

`make(name, root, locked)` writes variant `name` at `root`. Locks a variant's package
managers would write are placeholders unless `locked`: detection reads only their
presence, so `plan` needs no more; a stage that runs needs the real lock, made here with
the package manager, from its registry, as the team would. Each manager is the version the
pipeline's stages install (ci.versions): Poetry and Pipenv run through the dev lock's uv
(`uv tool run`), pnpm and Yarn through npx.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ci import versions
from tests.variants import shapes


@dataclass(frozen=True)
class Variant:
    """A variant: how to make it, what `plan` must find, what the CLI tier runs on it."""

    build: Callable[[Path, bool], None]
    expected: dict[str, object]  # "backend.install" -> value in plan's JSON profile
    runs: tuple[str, ...] = ()  # functions `dagger call` runs on it, each must pass
    skipped: tuple[str, ...] = field(default=())  # stages plan shows as skipped


def flat_pip(root: Path, locked: bool) -> None:
    """manage.py at the root, unhashed requirements with dev tools, manage.py test, DB_*.

    The recipe cannot install unhashed requirements: Dockerfile.production builds the image.
    """
    shapes.copy_app(shapes.BACKEND, root)
    shapes.copy_app(shapes.FRONTEND, root / "frontend")
    shapes.unhashed_requirements(root, drop=("pytest", "pytest-django", "pytest-cov"))
    shapes.django_test_suite(root)
    shapes.database_from(root / "printshop" / "settings.py", "DB")
    shapes.build_into(root / "frontend", "build")
    shapes.without_end_to_end(root / "frontend")
    shapes.production_dockerfile(root)


def poetry_split_redis_pnpm(root: Path, locked: bool) -> None:
    """Poetry, split settings, a Redis cache, pnpm (hoisted, by its .npmrc)."""
    backend, frontend = root / "backend", root / "frontend"
    shapes.copy_app(shapes.BACKEND, backend)
    shapes.copy_app(shapes.FRONTEND, frontend)
    shapes.split_settings(backend)
    shapes.redis_cache(backend, backend / "printshop" / "settings" / "base.py")
    pins = [*shapes.runtime_pins(), "redis==6.4.0"]
    _pyproject_project(backend, pins, {"dev": shapes.dev_tool_pins()}, groups_key="poetry")
    # Into the tool's own environment, not a virtualenv of the project's.
    poetry = {"POETRY_VIRTUALENVS_CREATE": "false"}
    _lock(backend / "poetry.lock", locked, [*_python_tool("poetry"), "lock"], backend, poetry)
    shapes.pnpm_hoisted(frontend)
    # pnpm's own import reads the npm lock into its own; then the npm lock goes.
    pnpm = ["npx", "--yes", f"pnpm@{versions.PNPM}", "import"]
    _lock(frontend / "pnpm-lock.yaml", locked, pnpm, frontend)
    (frontend / "package-lock.json").unlink()


def uv_postgres_yarn_biome(root: Path, locked: bool) -> None:
    """uv with dependency groups in server/, POSTGRES_*; yarn, Biome, type-check in web/.

    web/ has no nginx configuration: end-to-end serves its build with the pipeline's.
    """
    backend, frontend = root / "server", root / "web"
    shapes.copy_app(shapes.BACKEND, backend)
    shapes.copy_app(shapes.FRONTEND, frontend)
    shapes.database_from(backend / "printshop" / "settings.py", "POSTGRES")
    _pyproject_project(backend, shapes.runtime_pins(), {"dev": shapes.dev_tool_pins()})
    _lock(backend / "uv.lock", locked, [_tool("uv"), "lock"], backend)
    shapes.biome_instead_of_eslint(frontend, "2.3.8")
    shapes.without_nginx(frontend)
    manifest = json.loads((frontend / "package.json").read_text())
    scripts = manifest["scripts"]
    scripts["type-check"] = scripts.pop("typecheck")
    (frontend / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (frontend / "package-lock.json").unlink()
    # Yarn 1 writes its lock only by installing; the packages it installed go. Its lock
    # names each tarball's URL: from the registry this machine's npm uses, which the
    # engine's containers reach as the frontend stage's npm does.
    registry = ["--registry", _npm_registry()] if locked else []
    yarn = ["npx", "--yes", f"yarn@{versions.YARN}", "install", "--ignore-scripts", *registry]
    _lock(frontend / "yarn.lock", locked, yarn, frontend)
    shutil.rmtree(frontend / "node_modules", ignore_errors=True)


def workspace_out(root: Path, locked: bool) -> None:
    """An npm workspace: the frontend's lock at the root; the build in out/."""
    shapes.copy_app(shapes.BACKEND, root / "backend")
    shapes.copy_app(shapes.FRONTEND, root / "frontend")
    shapes.npm_workspace(root, "frontend")
    shapes.build_into(root / "frontend", "out")
    command = ["npm", "install", "--package-lock-only", "--no-audit", "--no-fund"]
    _lock(root / "package-lock.json", locked, command, root)


def pipenv(root: Path, locked: bool) -> None:
    """Pipenv: a Pipfile with dev packages, and its lock.

    Its pipeline.toml names no health path: end-to-end waits for the backend's port. No
    server among its packages: end-to-end installs gunicorn for it.
    """
    backend = root / "backend"
    shapes.copy_app(shapes.BACKEND, backend)
    shapes.copy_app(shapes.FRONTEND, root / "frontend")
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "requirements.in",
        "requirements-dev.in",
    ):
        (backend / name).unlink()
    # No server among its packages (its image would bring one): end-to-end adds gunicorn.
    pins = [p for p in shapes.runtime_pins() if not p.startswith("gunicorn==")]
    packages = "\n".join(_pipfile_entry(p) for p in pins)
    dev = "\n".join(_pipfile_entry(p) for p in shapes.dev_tool_pins())
    (backend / "Pipfile").write_text(f"[packages]\n{packages}\n\n[dev-packages]\n{dev}\n")
    shapes.pipeline_settings(root, '[backend]\nhealth-path = ""\n')
    with tempfile.TemporaryDirectory() as virtualenvs:
        # Pipenv makes the project a virtualenv to lock; here, one thrown away after.
        pipenv = {"WORKON_HOME": virtualenvs, "PIPENV_YES": "1", "PIPENV_NOSPIN": "1"}
        _lock(backend / "Pipfile.lock", locked, [*_python_tool("pipenv"), "lock"], backend, pipenv)


def _pipfile_entry(pin: str) -> str:
    """`name[extras]==version` as a Pipfile line (extras in a table, as Pipfiles write them)."""
    name, version = pin.split("==")
    if "[" not in name:
        return f'{name} = "=={version}"'
    name, extras = name.rstrip("]").split("[")
    listed = ", ".join(json.dumps(e) for e in extras.split(","))
    return f'{name} = {{version = "=={version}", extras = [{listed}]}}'


def _pyproject_project(
    backend: Path, pins: list[str], groups: dict[str, list[str]], groups_key: str = ""
) -> None:
    """The backend's pyproject.toml with its dependencies declared in it (no requirements)."""
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "requirements.in",
        "requirements-dev.in",
    ):
        (backend / name).unlink()
    pyproject = backend / "pyproject.toml"
    listed = ", ".join(json.dumps(p) for p in pins)
    shapes.edit(
        pyproject,
        'requires-python = ">=3.11"\n',
        f'requires-python = ">=3.11"\ndependencies = [{listed}]\n',
    )
    tables = "\n".join(
        f"{name} = [{', '.join(json.dumps(p) for p in group)}]" for name, group in groups.items()
    )
    header = (
        "[tool.poetry]\npackage-mode = false\n\n[dependency-groups]"
        if groups_key
        else "[dependency-groups]"
    )
    pyproject.write_text(pyproject.read_text() + f"\n{header}\n{tables}\n")


def _tool(name: str) -> str:
    """A tool of the dev lock: in this interpreter's virtualenv, else on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def _python_tool(name: str) -> list[str]:
    """The command running Python tool `name` at the version the pipeline installs."""
    pinned = {"poetry": versions.POETRY, "pipenv": versions.PIPENV}[name]
    return [_tool("uv"), "tool", "run", "--from", f"{name}=={pinned}", name]


def _npm_registry() -> str:
    """The registry this machine's npm installs from."""
    done = subprocess.run(
        ["npm", "config", "get", "registry"], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _lock(
    path: Path,
    locked: bool,
    command: list[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> None:
    """The lock at `path`: made by `command` (with `env` added) when `locked`, else an
    empty placeholder."""
    if not locked:
        path.write_text("")
        return
    done = subprocess.run(
        command,
        cwd=cwd,
        env=os.environ | dict(env or {}),
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}"
    assert path.exists(), f"{' '.join(command)} wrote no {path.name}"


VARIANTS = {
    "flat-pip": Variant(
        flat_pip,
        {
            "backend.dir": "",
            "backend.install": {"manager": "pip", "files": ["requirements.txt"], "hashed": False},
            "backend.test_runner": "django",
            "backend.coverage": True,
            "backend.database_variables": [
                "DB_HOST",
                "DB_NAME",
                "DB_PASSWORD",
                "DB_PORT",
                "DB_USER",
            ],
            "backend.image": {
                "kind": "dockerfile",
                "dockerfile": "Dockerfile.production",
                "context": "",
                "target": "",
                "reason": "the built-in recipe installs requirements.txt with --require-hashes, "
                "and it has no hashes",
            },
            "frontend.dir": "frontend",
            "frontend.build_output": "build",
            "frontend.end_to_end": "",
            "frontend.image": {
                "kind": "recipe",
                "dockerfile": "",
                "context": "",
                "target": "",
                "reason": "",
            },
        },
        runs=("test",),
        skipped=("end-to-end",),
    ),
    "poetry-split-redis-pnpm": Variant(
        poetry_split_redis_pnpm,
        {
            "backend.install": {
                "manager": "poetry",
                "files": ["backend/pyproject.toml", "backend/poetry.lock"],
                "hashed": False,
            },
            "backend.settings": "printshop.settings.test",
            "backend.production_settings": "printshop.settings.production",
            "backend.application": "printshop.wsgi:application",
            "backend.services": ["redis"],
            "backend.image": {
                "kind": "none",
                "dockerfile": "",
                "context": "",
                "target": "",
                "reason": "the built-in recipe installs backend/requirements.txt with "
                "--require-hashes, and there is none (the dependencies are in "
                "backend/poetry.lock), and there is no Dockerfile.production, Dockerfile.prod "
                "or Dockerfile in backend/ or the repository's root",
            },
            "frontend.package_manager": "pnpm",
        },
        runs=("test",),
    ),
    "uv-postgres-yarn-biome": Variant(
        uv_postgres_yarn_biome,
        {
            "backend.dir": "server",
            "backend.install": {
                "manager": "uv",
                "files": ["server/pyproject.toml", "server/uv.lock"],
                "hashed": False,
            },
            "backend.database_variables": [
                "POSTGRES_DB",
                "POSTGRES_HOST",
                "POSTGRES_PASSWORD",
                "POSTGRES_PORT",
                "POSTGRES_USER",
            ],
            "frontend.dir": "web",
            "frontend.package_manager": "yarn",
            "frontend.linter": "biome",
            "frontend.image": {
                "kind": "none",
                "dockerfile": "",
                "context": "",
                "target": "",
                "reason": "the built-in recipe serves the build with nginx and nginx/nginx.conf "
                "and nginx/default.conf.template of the frontend, and web/nginx/nginx.conf and "
                "web/nginx/default.conf.template are missing, and there is no "
                "Dockerfile.production, Dockerfile.prod or Dockerfile in web/",
            },
            "frontend.scripts": {
                "typecheck": "type-check",
                "test": "test:coverage",
                "build": "build",
                "e2e": "e2e",
                "e2e-quick": "e2e:quick",
            },
        },
        runs=("test",),
    ),
    "workspace-out": Variant(
        workspace_out,
        {
            "frontend.dir": "frontend",
            "frontend.lock_dir": "",
            "frontend.package_manager": "npm",
            "frontend.build_output": "out",
        },
        runs=("test",),
    ),
    "pipenv": Variant(
        pipenv,
        {
            "backend.install": {
                "manager": "pipenv",
                "files": ["backend/Pipfile", "backend/Pipfile.lock"],
                "hashed": False,
            },
            "backend.health_path": "",
        },
        runs=("test",),
    ),
}


def make(name: str, root: Path, locked: bool = False) -> Path:
    """Write variant `name` at `root` (a new directory); return `root`."""
    root.mkdir(parents=True)
    VARIANTS[name].build(root, locked)
    return root
