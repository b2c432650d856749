"""Edits that turn a copy of the reference app into another shape (one job each).

Each takes the variant's root and the place of its backend or frontend in it. Nothing is
copied from elsewhere: every file is the reference app's or written here.
"""

import json
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "app" / "backend"
FRONTEND = REPO / "app" / "frontend"
# What a copy of the reference app leaves behind: made by running it, not part of it.
GENERATED = (
    ".venv",
    "node_modules",
    "reports",
    "dist",
    "__pycache__",
    "coverage",
    "test-results",
    "playwright-report",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "staticfiles",
    "*.tsbuildinfo",
)

DB_SETTINGS = """DATABASES: dict[str, dict[str, Any]] = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("{prefix}_{name}", "shop"),
        "USER": os.environ.get("{prefix}_USER", "shop"),
        "PASSWORD": os.environ.get("{prefix}_PASSWORD", ""),
        "HOST": os.environ.get("{prefix}_HOST", "localhost"),
        "PORT": os.environ.get("{prefix}_PORT", "5432"),
    }}
}}
"""
DJANGO_TESTS = '''"""The API's health and product list, as `manage.py test` runs them."""

from django.test import TestCase

from store.models import Product


class HealthTests(TestCase):
    def test_health_answers_with_the_database_up(self) -> None:
        response = self.client.get("/api/health/", secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "ok")


class ProductListTests(TestCase):
    def test_an_empty_catalogue_lists_nothing(self) -> None:
        self.assertEqual(Product.objects.count(), 0)
        response = self.client.get("/api/products/", secure=True)
        self.assertEqual(response.status_code, 200)
'''

# As ruff format writes it: `lint` runs the backend's own ruff over the variant.
REDIS_CACHE = """
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    }
}
"""
REDIS_TEST = '''"""The cache is the Redis server REDIS_URL names."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def test_the_cache_keeps_a_value_in_redis() -> None:
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    cache.set("greeting", "hello", timeout=60)
    assert cache.get("greeting") == "hello"
'''

# Biome as the linter only: the code keeps its own formatting and import order. Off: the
# rule the TypeScript settings contradict (noPropertyAccessFromIndexSignature wants
# `env["X"]`), and one against the app's `role="status"` live regions.
BIOME_CONFIG = {
    "formatter": {"enabled": False},
    "assist": {"enabled": False},
    "linter": {
        "rules": {
            "complexity": {"useLiteralKeys": "off"},
            "a11y": {"useSemanticElements": "off"},
        }
    },
}


def copy_app(part: Path, target: Path) -> None:
    """The reference `part` (app/backend or app/frontend) at `target`, without what runs made."""
    shutil.copytree(part, target, ignore=shutil.ignore_patterns(*GENERATED), dirs_exist_ok=True)


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in `path`."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def database_from(settings: Path, prefix: str) -> None:
    """Settings that read the database from PREFIX_NAME/USER/... (DB_*, POSTGRES_*).

    The reference suite's test of a missing DATABASE_URL goes: these settings need none.
    """
    name = "DB" if prefix == "POSTGRES" else "NAME"
    text = settings.read_text()
    block = re.search(r"DATABASES: dict.*?\n\}\n", text, re.S)
    assert block, f"no DATABASES block in {settings}"
    text = text.replace(block.group(0), DB_SETTINGS.format(prefix=prefix, name=name))
    for helper in ("database_config", "parse_int"):  # imported for the block gone, if only
        if text.count(helper) == 1:
            text = text.replace(f"    {helper},\n", "")
    settings.write_text(text)
    suite = settings.parent.parent / "tests" / "test_settings.py"
    if suite.exists():
        without_function(suite, "test_missing_database_url_is_a_clear_error")


def without_function(module: Path, name: str) -> None:
    """`module` without its top-level function `name` (which must be there)."""
    text = module.read_text()
    trimmed = re.sub(rf"^def {name}\(.*?(?=^\S)", "", text, count=1, flags=re.S | re.M)
    assert trimmed != text, f"no function {name} in {module}"
    module.write_text(trimmed)


def unhashed_requirements(backend: Path, drop: tuple[str, ...] = ()) -> None:
    """requirements.txt pinned without hashes, dev tools mixed in (from the dev lock)."""
    pins = re.findall(
        r"^([A-Za-z0-9_.\[\]-]+==[^ \\\n]+)", (BACKEND / "requirements-dev.txt").read_text(), re.M
    )
    kept = [pin for pin in pins if pin.split("==")[0].lower() not in drop]
    (backend / "requirements.txt").write_text("\n".join(kept) + "\n")
    for leftover in ("requirements-dev.txt", "requirements.in", "requirements-dev.in"):
        (backend / leftover).unlink(missing_ok=True)


def without_toml_table(pyproject: Path, table: str) -> None:
    """pyproject.toml without `[table]` (and its body)."""
    text = pyproject.read_text()
    pyproject.write_text(
        re.sub(rf"^\[{re.escape(table)}\]\n(?:(?!^\[).*\n)*", "", text, flags=re.M)
    )


def django_test_suite(backend: Path) -> None:
    """`manage.py test` instead of pytest: Django TestCases in the app, no pytest suite
    (nor ruff's pytest-style rules, which would have its assertEqual calls rewritten)."""
    shutil.rmtree(backend / "tests")
    (backend / "store" / "tests.py").write_text(DJANGO_TESTS)
    edit(backend / "pyproject.toml", '    "PT",  # flake8-pytest-style\n', "")
    without_toml_table(backend / "pyproject.toml", "tool.pytest.ini_options")
    without_toml_table(backend / "pyproject.toml", "tool.coverage.report")


def build_into(frontend: Path, output: str) -> None:
    """Vite writes the production build into `output` instead of dist/."""
    edit(frontend / "vite.config.ts", 'outDir: "dist"', f'outDir: "{output}"')


def without_end_to_end(frontend: Path) -> None:
    """No Playwright suite: its config, specs and their TypeScript project gone."""
    (frontend / "playwright.config.ts").unlink()
    shutil.rmtree(frontend / "e2e")
    (frontend / "tsconfig.e2e.json").unlink()
    tsconfig = frontend / "tsconfig.json"
    edit(tsconfig, ',\n    { "path": "./tsconfig.e2e.json" }', "")


def pnpm_hoisted(frontend: Path) -> None:
    """pnpm laying node_modules out flat, as npm does (its `.npmrc`, read by the install).

    tsc names the types of the app's test helpers through the packages it finds at the
    top of node_modules, as it does with npm's layout.
    """
    (frontend / ".npmrc").write_text("node-linker=hoisted\n")


def without_nginx(frontend: Path) -> None:
    """No nginx configuration of its own: end-to-end serves the build with the pipeline's.

    The recipe cannot build the frontend image then (and no Dockerfile does).
    """
    shutil.rmtree(frontend / "nginx")


def pipeline_settings(root: Path, text: str) -> None:
    """A pipeline.toml at the root with `text`: what the repository sets for the pipeline."""
    (root / "pipeline.toml").write_text(text)


def biome_instead_of_eslint(frontend: Path, version: str) -> None:
    """Biome `version` lints instead of ESLint: no lint script (the pipeline runs Biome
    itself), ESLint's packages and config gone, biome.json written."""
    manifest = json.loads((frontend / "package.json").read_text())
    manifest["scripts"].pop("lint")
    dev = manifest["devDependencies"]
    for name in [n for n in dev if "eslint" in n]:
        dev.pop(name)
    dev["@biomejs/biome"] = version
    (frontend / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (frontend / "eslint.config.js").unlink()
    (frontend / "biome.json").write_text(json.dumps(BIOME_CONFIG, indent=2) + "\n")


def npm_workspace(root: Path, member: str) -> None:
    """A root package.json with the frontend as its workspace; the lock moves to the root."""
    manifest = {"name": "shop", "private": True, "workspaces": [member]}
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (root / member / "package-lock.json").unlink()


def split_settings(backend: Path, project: str = "printshop") -> None:
    """settings.py split into a package: base, test (manage.py's) and production (WSGI's)."""
    package = backend / project / "settings"
    package.mkdir()
    (backend / project / "settings.py").rename(package / "base.py")
    (package / "__init__.py").write_text("")
    (package / "test.py").write_text('"""Test settings."""\n\nfrom .base import *  # noqa: F403\n')
    (package / "production.py").write_text(
        '"""Production settings."""\n\nfrom .base import *  # noqa: F403\n'
    )
    edit(backend / "manage.py", f'"{project}.settings"', f'"{project}.settings.test"')
    edit(backend / project / "wsgi.py", f'"{project}.settings"', f'"{project}.settings.production"')
    pyproject = backend / "pyproject.toml"
    for key in ("DJANGO_SETTINGS_MODULE", "django_settings_module"):  # pytest's, mypy's
        edit(pyproject, f'{key} = "{project}.settings"', f'{key} = "{project}.settings.test"')
    edit(package / "base.py", "parent.parent\n", "parent.parent.parent\n")
    # The suite's own checks of the settings read the production ones, as WSGI does.
    suite = backend / "tests" / "test_settings.py"
    if suite.exists():
        edit(suite, f'= "{project}.settings"\n', f'= "{project}.settings.production"\n')


def redis_cache(backend: Path, settings: Path) -> None:
    """A Redis cache from REDIS_URL (Django's own backend, the `redis` client), and a test
    of the backend's suite that keeps a value in it (it fails when Redis is unreachable)."""
    with settings.open("a") as out:
        out.write(REDIS_CACHE)
    (backend / "tests" / "test_cache.py").write_text(REDIS_TEST)


def runtime_pins() -> list[str]:
    """The backend's runtime requirements as `name==version` (from its lock)."""
    return re.findall(
        r"^([A-Za-z0-9_.\[\]-]+==[^ \\\n]+)", (BACKEND / "requirements.txt").read_text(), re.M
    )


def dev_tool_pins() -> list[str]:
    """The dev tools of the dev lock that the runtime lock lacks."""
    runtime = {p.split("==")[0].lower() for p in runtime_pins()}
    pins = re.findall(
        r"^([A-Za-z0-9_.\[\]-]+==[^ \\\n]+)", (BACKEND / "requirements-dev.txt").read_text(), re.M
    )
    return [p for p in pins if p.split("==")[0].lower() not in runtime]


# The backend's release image, the way a team without the pipeline's recipe writes it.
PRODUCTION_DOCKERFILE = """FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER 10001:10001
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-c", \
"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health/', timeout=4)"]
CMD ["python", "-m", "gunicorn", "printshop.wsgi:application", "--bind=0.0.0.0:8000"]
"""
DOCKERIGNORE = "frontend\n**/__pycache__\nstaticfiles\nreports\n"


def production_dockerfile(backend: Path) -> None:
    """A Dockerfile.production (and its .dockerignore) that builds the backend's image."""
    (backend / "Dockerfile.production").write_text(PRODUCTION_DOCKERFILE)
    (backend / ".dockerignore").write_text(DOCKERIGNORE)
