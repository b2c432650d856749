"""The commands each stage runs for a profile: written once, shown by `plan`, run by stages.

Every command runs in the stage's work directory, where the backend or the frontend is.
"""

import shlex

from ci import versions
from ci.profile.model import BackendProfile, FrontendProfile, PythonInstall

REPORTS_DIR = "reports"
JUNIT = f"{REPORTS_DIR}/junit.xml"
COVERAGE_XML = f"{REPORTS_DIR}/coverage.xml"
# Where the backend's test container gets the pipeline's scripts (ci/scripts): the Django
# test runner that writes JUnit XML and the check that the tests use PostgreSQL.
SCRIPTS_DIR = "/opt/pipeline"
TEST_SCRIPTS = ("junit_runner.py", "postgres_check.py")
JUNIT_RUNNER = "junit_runner.JUnitRunner"

BACKEND_LINT = {
    "ruff": [["ruff", "check", "."], ["ruff", "format", "--check", "."]],
    "black": [["black", "--check", "."]],
    "isort": [["isort", "--check-only", "."]],
    "flake8": [["flake8", "."]],
    "mypy": [["mypy", "."]],
    "bandit": [["bandit", "-q", "-c", "pyproject.toml", "-r", "."]],
}
# The names of the lint stages of each tool (`ruff` runs two commands).
LINT_NAMES = {"ruff": ["ruff", "ruff-format"]}

BACKEND_PORT = 8000  # where a served backend listens
MIGRATE_COMMAND = ["python", "manage.py", "migrate", "--noinput"]
# The servers a backend is served by, each pinned for when its lock lacks it.
SERVERS = {"gunicorn": versions.GUNICORN, "uvicorn": versions.UVICORN, "daphne": versions.DAPHNE}


def python_install(install: PythonInstall, backend_dir: str) -> list[list[str]]:
    """The commands installing the backend's dependencies from its own lock, frozen."""
    if install.manager == "pip":
        hashes = ["--require-hashes"] if install.hashed else []
        return [["pip", "install", *hashes, "-r", _relative_to(install.files[0], backend_dir)]]
    tool = {"poetry": versions.POETRY, "uv": versions.UV, "pipenv": versions.PIPENV}
    bootstrap = ["pip", "install", f"{install.manager}=={tool[install.manager]}"]
    frozen = {
        "poetry": [
            ["poetry", "config", "virtualenvs.create", "false"],
            ["poetry", "install", "--no-root", "--no-interaction", "--all-groups"],
        ],
        "uv": [["uv", "sync", "--frozen", "--no-install-project", "--all-groups"]],
        "pipenv": [["pipenv", "install", "--system", "--deploy", "--dev"]],
    }
    return [bootstrap, *frozen[install.manager]]


def install_paths(install: PythonInstall, backend_dir: str) -> dict[str, str]:
    """Each file the install reads -> where it goes in the work directory."""
    return {path: _relative_to(path, backend_dir) for path in install.files}


def _relative_to(path: str, directory: str) -> str:
    prefix = f"{directory}/" if directory else ""
    return path[len(prefix) :] if path.startswith(prefix) else path.rsplit("/", 1)[-1]


def report_tools(profile: BackendProfile) -> list[str]:
    """What the test container adds for coverage and JUnit when the lock lacks it."""
    tools = [] if profile.coverage.value else [f"coverage=={versions.COVERAGE}"]
    if profile.test_runner.value == "django":
        tools.append(f"unittest-xml-reporting=={versions.XMLRUNNER}")
    return tools


def postgres_check() -> list[str]:
    """Fails in one sentence when the settings' default database is not PostgreSQL."""
    return ["python", f"{SCRIPTS_DIR}/postgres_check.py"]


def backend_test(profile: BackendProfile) -> list[str]:
    """The backend suite with coverage (XML and a table) and JUnit XML into reports/."""
    if profile.test_runner.value == "pytest" and profile.coverage.value:
        return [
            "pytest",
            f"--junitxml={JUNIT}",
            "--cov",
            "--cov-report=term",
            f"--cov-report=xml:{COVERAGE_XML}",
        ]
    if profile.test_runner.value == "pytest":
        run = ["coverage", "run", "-m", "pytest", f"--junitxml={JUNIT}"]
    else:
        run = ["coverage", "run", "manage.py", "test", "--noinput", f"--testrunner={JUNIT_RUNNER}"]
    # The suite's failure first; else the coverage report's (its fail_under, if any).
    script = (
        f"{shlex.join(run)}; status=$?; coverage xml -o {COVERAGE_XML} >/dev/null; "
        'coverage report; report=$?; [ "$status" -ne 0 ] && exit "$status"; exit "$report"'
    )
    return ["sh", "-c", script]


def backend_lint(profile: BackendProfile) -> dict[str, list[str]]:
    """Each linter the backend's lock installs, by stage name."""
    commands: dict[str, list[str]] = {}
    for tool in profile.linters.value:
        names = LINT_NAMES.get(tool, [tool])
        commands |= dict(zip(names, BACKEND_LINT[tool], strict=True))
    return commands


def serve_command(bind: str, application: str, server: str) -> list[str]:
    """`server` serving `application` (module:callable) on `bind` (host:port), logging requests.

    gunicorn for a WSGI application; uvicorn or daphne for an ASGI one.
    """
    host, port = bind.rsplit(":", 1)
    if server == "uvicorn":
        return ["python", "-m", "uvicorn", application, f"--host={host}", f"--port={port}"]
    if server == "daphne":
        return ["daphne", "-b", host, "-p", port, application]
    gunicorn = ["python", "-m", "gunicorn", application]
    return [*gunicorn, f"--bind={bind}", "--workers=2", "--access-logfile=-"]


def server_install(profile: BackendProfile) -> list[str]:
    """Installs the backend's server (pinned) unless its lock already did."""
    server = profile.server.value
    pinned = shlex.join(["pip", "install", f"{server}=={SERVERS[server]}"])
    return ["sh", "-c", f'python -c "import {server}" 2>/dev/null || {pinned}']


def backend_start(profile: BackendProfile) -> list[list[str]]:
    """How the end-to-end stack starts the backend: migrate, load demo data if any, serve."""
    demo = [["python", "manage.py", *profile.demo_data.value]] if profile.demo_data.value else []
    bind = f"0.0.0.0:{BACKEND_PORT}"
    serve = serve_command(bind, profile.application.value, profile.server.value)
    return [MIGRATE_COMMAND, *demo, serve]


def readiness_command(health_path: str) -> list[str]:
    """A command succeeding once the backend answers `health_path` with a 2xx ("": its port).

    The python images have no curl, and they ship no compiled standard library: a check
    importing urllib compiles it on every run (0.13 s of CPU each time, every few seconds,
    for as long as the container runs). This one asks over the interpreter's built-in
    socket module, with no site import: nothing is compiled (under 0.01 s).
    """
    connect = (
        "import _socket as s; c = s.socket(); c.settimeout(4); "
        f"c.connect(('127.0.0.1', {BACKEND_PORT}))"
    )
    if not health_path:
        return ["python", "-I", "-S", "-c", connect]
    request = f"GET {health_path} HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n"
    ask = (
        f"{connect}; c.sendall(b'{request}'); "
        "r = b''.join(iter(lambda: c.recv(4096), b'')); raise SystemExit(r[9:10] != b'2')"
    )
    return ["python", "-I", "-S", "-c", ask]


def js_install(profile: FrontendProfile) -> list[list[str]]:
    """The commands installing the frontend's dependencies from its lock, frozen."""
    flags = list(profile.install_flags.value)
    manager = profile.package_manager.value
    if manager == "npm":
        return [["npm", "ci", "--no-audit", "--no-fund", *flags]]
    version = {"pnpm": versions.PNPM, "yarn": versions.YARN}[manager]
    tool = ["npm", "install", "--global", "--no-audit", "--no-fund", f"{manager}@{version}"]
    frozen = {
        "pnpm": ["pnpm", "install", "--frozen-lockfile", *flags],
        "yarn": ["yarn", "install", "--frozen-lockfile", "--non-interactive", *flags],
    }
    return [tool, frozen[manager]]


def js_run(profile: FrontendProfile, script: str, *args: str) -> list[str]:
    """`<manager> run <script>` with `args` passed to the script."""
    manager = profile.package_manager.value
    extra = ["--", *args] if args and manager == "npm" else list(args)
    return [manager, "run", script, *extra]


def frontend_checks(profile: FrontendProfile) -> dict[str, list[str]]:
    """The frontend's lint and type check, by stage name: its scripts, else its tools."""
    scripts = profile.scripts.value
    checks: dict[str, list[str]] = {}
    if "lint" in scripts:
        checks[profile.linter.value or "lint"] = js_run(profile, scripts["lint"])
    elif profile.linter.value == "biome":
        checks["biome"] = ["npx", "--no-install", "biome", "check", "."]
    elif profile.linter.value == "eslint":
        checks["eslint"] = ["npx", "--no-install", "eslint", "."]
    if "typecheck" in scripts:
        checks["tsc"] = js_run(profile, scripts["typecheck"])
    elif profile.typescript.value:
        checks["tsc"] = ["npx", "--no-install", "tsc", "--noEmit"]
    return checks


def frontend_test(profile: FrontendProfile) -> list[str] | None:
    """The frontend's unit tests (its test script), or None when it has none."""
    script = profile.scripts.value.get("test")
    return js_run(profile, script) if script else None


def frontend_reports_dir(profile: FrontendProfile) -> str:
    """Where the frontend's unit tests leave their reports: its coverage directory's top.

    `reports` for reports/coverage, so JUnit written beside it comes too.
    """
    return profile.coverage_dir.value.split("/", 1)[0] or "coverage"


def frontend_build(profile: FrontendProfile) -> list[str] | None:
    """The production build (its build script), or None when it has none."""
    script = profile.scripts.value.get("build")
    return js_run(profile, script) if script else None


def end_to_end(profile: FrontendProfile, suite: str) -> list[str] | None:
    """Playwright's specs, or None when there is no suite.

    quick: the `e2e:quick` script when there is one, else the whole suite.
    """
    if profile.end_to_end.value != "playwright":
        return None
    scripts = profile.scripts.value
    if suite == "quick" and "e2e-quick" in scripts:
        return js_run(profile, scripts["e2e-quick"])
    if "e2e" in scripts:
        return js_run(profile, scripts["e2e"])
    return ["npx", "--no-install", "playwright", "test"]
