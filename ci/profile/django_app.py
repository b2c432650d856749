"""Detection of the Django backend: where it is, its settings, install, tests and server."""

import re
import tomllib
from typing import Any

from ci import versions
from ci.errors import PipelineError
from ci.profile.model import BackendProfile, Found, PythonInstall, overridden
from ci.profile.tree import SourceTree, ancestors, by_depth, join, parent, shallowest
from ci.profile.versions_found import python_in_range, supported_python

SETTINGS_DEFAULT = re.compile(r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]")
SETTINGS_KEY = re.compile(r"DJANGO_SETTINGS_MODULE\s*=\s*['\"]?([\w.]+)")
APPLICATION = re.compile(r"^(WSGI|ASGI)_APPLICATION\s*=\s*['\"]([\w.]+)['\"]", re.MULTILINE)
DATABASE_VARIABLE = re.compile(r"['\"]((?:DATABASE|DB|POSTGRES|PG)_[A-Z_]+|DATABASE_URL)['\"]")
REDIS_HINT = re.compile(r"REDIS_URL|CELERY_BROKER_URL|django_redis|redis://")
REQUIREMENTS_FILE = re.compile(
    r"requirements[^/]*\.txt|requirements/[^/]+\.txt|[^/]*requirements\.txt"
)
FROM_PYTHON = re.compile(r"^\s*FROM\s+(?:\S+/)?python:(\d+\.\d+)", re.MULTILINE | re.IGNORECASE)

# Requirements files pip is pointed at, most complete first (dev tools included).
DEV_REQUIREMENTS = (
    "requirements-dev.txt",
    "requirements_dev.txt",
    "dev-requirements.txt",
    "requirements-test.txt",
    "requirements/dev.txt",
    "requirements/development.txt",
    "requirements/local.txt",
    "requirements/test.txt",
)
REQUIREMENTS = ("requirements.txt", "requirements/base.txt", "requirements/production.txt")
LOCKS = (("poetry.lock", "poetry"), ("uv.lock", "uv"), ("Pipfile.lock", "pipenv"))
LOCK_MANIFEST = {"poetry": "pyproject.toml", "uv": "pyproject.toml", "pipenv": "Pipfile"}
REDIS_PACKAGES = ("redis", "django-redis", "celery", "channels-redis", "django-rq", "rq")
# Linters run when the dependencies install them; in this order.
LINTERS = ("ruff", "black", "isort", "flake8", "mypy", "bandit")


def backend_dir(tree: SourceTree, chosen: str | None) -> Found[str]:
    """The directory of manage.py: the chosen one, or the shallowest in the source."""
    if chosen is not None:
        return Found(chosen, "pipeline.toml")
    manage = shallowest(tree.named("manage.py"), "Django backend (manage.py)", "[backend] dir")
    return Found(parent(manage), manage)


def detect_backend(
    tree: SourceTree, directory: Found[str], config: dict[str, Any]
) -> BackendProfile:
    """Everything about the backend in `directory`, with `config` ([backend]) on top."""
    where = directory.value
    manage = tree.required(join(where, "manage.py"), "[backend] dir")
    deps = _dependency_text(tree, where)
    install = _install(tree, where)
    runner = _test_runner(tree, where, deps)
    settings = _settings(tree, where, manage, runner.value)
    production = _production_settings(tree, where, settings)
    application, server = _application(tree, where, production.value, deps)
    return BackendProfile(
        dir=directory,
        settings=overridden(config, "settings", settings),
        production_settings=production,
        application=overridden(config, "application", application),
        server=overridden(config, "server", server),
        python=overridden(config, "python", _python(tree, where)),
        install=install,
        test_runner=overridden(config, "test-runner", runner),
        coverage=_coverage(deps, runner.value, install),
        database_variables=_database_variables(tree, where, settings.value),
        services=overridden(
            config, "services", _services(tree, where, settings.value, deps, install)
        ),
        linters=overridden(config, "linters", _linters(deps, install)),
        migration_apps=_migration_apps(tree, where),
        test_env=overridden(config, "test-env", Found({})),
    )


def _dependency_text(tree: SourceTree, where: str) -> str:
    """Every dependency declaration of the backend, lower-cased, for name look-ups."""
    names = ("pyproject.toml", "Pipfile", "setup.cfg")
    texts = [tree.text(join(where, n)) for n in names]
    texts += [tree.text(p) for p in _requirements_files(tree, where)]
    without_comments = re.sub(r"(^|\s)#.*", "", "\n".join(texts))
    return without_comments.lower().replace("_", "-")


def depends_on(deps: str, package: str) -> bool:
    """Whether the dependency text names `package` (as a requirement, not inside another)."""
    return (
        re.search(rf"(^|[\s\"'\[,]){re.escape(package)}($|[\s\"'=<>~!\[;,@])", deps, re.M)
        is not None
    )


def _requirements_files(tree: SourceTree, where: str) -> list[str]:
    prefix = f"{where}/" if where else ""
    return by_depth(p for p in tree.under(where) if REQUIREMENTS_FILE.fullmatch(p[len(prefix) :]))


def _install(tree: SourceTree, where: str) -> Found[PythonInstall]:
    for directory in ancestors(where):
        for lock, manager in LOCKS:
            path = join(directory, lock)
            if tree.has(path):
                files: tuple[str, ...] = (join(directory, LOCK_MANIFEST[manager]), path)
                return Found(PythonInstall(manager, files), path)
    for name in (*DEV_REQUIREMENTS, *REQUIREMENTS):
        path = join(where, name)
        if tree.has(path):
            files = tuple(_requirements_files(tree, where))
            ordered = (path, *(f for f in files if f != path))
            return Found(PythonInstall("pip", ordered, "--hash=" in tree.text(path)), path)
    raise PipelineError(
        f"No Python dependencies found for {where or 'the root'} (requirements.txt, "
        "poetry.lock, uv.lock or Pipfile.lock): add the lock the backend installs from."
    )


def _test_runner(tree: SourceTree, where: str, deps: str) -> Found[str]:
    for directory in ancestors(where):
        for name in ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"):
            path = join(directory, name)
            text = tree.text(path)
            if "DJANGO_SETTINGS_MODULE" in text and ("pytest" in text or name == "pytest.ini"):
                return Found("pytest", path)
    if depends_on(deps, "pytest-django"):
        return Found("pytest", "pytest-django in the dependencies")
    return Found("django", join(where, "manage.py"))


def _settings(tree: SourceTree, where: str, manage: str, runner: str) -> Found[str]:
    if runner == "pytest":
        for directory in ancestors(where):
            for name in ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"):
                path = join(directory, name)
                match = SETTINGS_KEY.search(tree.text(path))
                if match:
                    return Found(match.group(1), path)
    match = SETTINGS_DEFAULT.search(tree.text(manage))
    if match:
        return Found(match.group(1), manage)
    raise PipelineError(
        f"{manage} does not name DJANGO_SETTINGS_MODULE: set [backend] settings in "
        "pipeline.toml, like config.settings."
    )


def module_files(where: str, module: str) -> list[str]:
    """The files that can hold Python module `module` under `where`."""
    path = join(where, module.replace(".", "/"))
    return [f"{path}.py", f"{path}/__init__.py"]


def settings_texts(tree: SourceTree, where: str, module: str) -> list[tuple[str, str]]:
    """(path, text) of the settings module and its siblings (split settings), module first."""
    own = [p for p in module_files(where, module) if tree.has(p)]
    package = parent(own[0]) if own else join(where, module.rsplit(".", 1)[0].replace(".", "/"))
    siblings = [p for p in tree.under(package) if p.endswith(".py") and parent(p) == package]
    return [(p, tree.text(p)) for p in dict.fromkeys([*own, *siblings])]


def _production_settings(tree: SourceTree, where: str, settings: Found[str]) -> Found[str]:
    project = settings.value.split(".", 1)[0]
    for name in ("wsgi.py", "asgi.py"):
        path = join(where, f"{project}/{name}")
        match = SETTINGS_DEFAULT.search(tree.text(path))
        if match:
            return Found(match.group(1), path)
    return settings


def _application(
    tree: SourceTree, where: str, settings: str, deps: str
) -> tuple[Found[str], Found[str]]:
    found: dict[str, tuple[str, str]] = {}
    for path, text in settings_texts(tree, where, settings):
        for kind, dotted in APPLICATION.findall(text):
            found.setdefault(kind, (dotted, path))
    if "WSGI" in found:
        dotted, path = found["WSGI"]
        return Found(_callable(dotted), path), Found("gunicorn", path)
    if "ASGI" in found:
        dotted, path = found["ASGI"]
        server = (
            "daphne"
            if depends_on(deps, "daphne") and not depends_on(deps, "uvicorn")
            else "uvicorn"
        )
        return Found(_callable(dotted), path), Found(server, path)
    project = settings.split(".", 1)[0]
    for name, server in (("wsgi", "gunicorn"), ("asgi", "uvicorn")):
        path = join(where, f"{project}/{name}.py")
        if tree.has(path):
            return Found(f"{project}.{name}:application", path), Found(server, path)
    raise PipelineError(
        f"The settings ({settings}) name no WSGI_APPLICATION or ASGI_APPLICATION and "
        f"{project}/ has no wsgi.py or asgi.py: set [backend] application in pipeline.toml, "
        "like config.wsgi:application."
    )


def _callable(dotted: str) -> str:
    """`config.wsgi.application` as a server names it: `config.wsgi:application`."""
    module, _, name = dotted.rpartition(".")
    return f"{module}:{name}"


def _python(tree: SourceTree, where: str) -> Found[str]:
    for directory in ancestors(where):
        for name in (".python-version", "runtime.txt"):
            path = join(directory, name)
            if tree.text(path).strip():
                return Found(supported_python(tree.text(path).strip().splitlines()[0], path), path)
    for path in tree.under(where):
        if parent(path) == where and path.rsplit("/", 1)[-1].startswith("Dockerfile"):
            match = FROM_PYTHON.search(tree.text(path))
            if match:
                return Found(supported_python(match.group(1), path), path)
    for directory in ancestors(where):
        path = join(directory, "pyproject.toml")
        spec = _requires_python(tree.text(path))
        if spec:
            return Found(python_in_range(spec, path), path)
    return Found(versions.DEFAULT_PYTHON)


def _requires_python(text: str) -> str:
    if not text:
        return ""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ""
    project = data.get("project", {}).get("requires-python", "")
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {}).get("python", "")
    return str(project or poetry)


def _coverage(deps: str, runner: str, install: Found[PythonInstall]) -> Found[bool]:
    package = "pytest-cov" if runner == "pytest" else "coverage"
    return Found(depends_on(deps, package), install.source)


def _database_variables(tree: SourceTree, where: str, settings: str) -> Found[tuple[str, ...]]:
    names: dict[str, str] = {}
    for path, text in settings_texts(tree, where, settings):
        for name in DATABASE_VARIABLE.findall(text):
            names.setdefault(name, path)
    if not names:
        return Found((), "the settings read no database variable")
    return Found(tuple(sorted(names)), ", ".join(sorted(set(names.values()))))


def _services(
    tree: SourceTree, where: str, settings: str, deps: str, install: Found[PythonInstall]
) -> Found[tuple[str, ...]]:
    for package in REDIS_PACKAGES:
        if depends_on(deps, package):
            return Found(("redis",), f"{package} in {install.source}")
    for path, text in settings_texts(tree, where, settings):
        if REDIS_HINT.search(text):
            return Found(("redis",), path)
    return Found(())


def _linters(deps: str, install: Found[PythonInstall]) -> Found[tuple[str, ...]]:
    """The linters the dependencies name, from the file that declares them."""
    declared = install.source if install.value.manager == "pip" else install.value.files[0]
    return Found(tuple(t for t in LINTERS if depends_on(deps, t)), declared)


def _migration_apps(tree: SourceTree, where: str) -> Found[tuple[str, ...]]:
    """The backend's own apps with migrations (their directory names: Django's labels)."""
    suffix = "/migrations/__init__.py"
    found = [p.removesuffix(suffix) for p in tree.under(where) if p.endswith(suffix)]
    apps = {app.rsplit("/", 1)[-1] for app in found}
    return Found(tuple(sorted(apps)), join(where, "*/migrations/"))
