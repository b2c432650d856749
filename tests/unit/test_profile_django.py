"""What detection finds in a Django backend's files, and which file decided each value.

Each test is one shape of repository (the small app, tests/support/small_app.py, with files
added), checked as `plan` shows it: every value with what decided it.
"""

import pytest

from ci.errors import PipelineError
from ci.profile import SourceTree, detect
from ci.profile.model import BackendProfile
from tests.support.small_app import FILES, detected, refused

MANAGE = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{}")'


def decided(backend: BackendProfile, *names: str) -> dict[str, tuple[object, str]]:
    """Each named value of the backend with what decided it, as `plan` lists them."""
    return {name: (getattr(backend, name).value, getattr(backend, name).source) for name in names}


def test_requirements_as_teams_write_them_name_runner_coverage_and_linters() -> None:
    backend = detected(
        {
            # Underscores, an inline comment, and no newline at the end of either file.
            "requirements.txt": "Django\npytest_django\ncoverage\nflake8 # the linter",
            "requirements-dev.txt": "-r requirements.txt\nmypy",
        }
    ).backend
    assert decided(backend, "test_runner", "coverage", "linters") == {
        "test_runner": ("pytest", "pytest-django in the dependencies"),
        # pytest runs under `coverage run` without pytest-cov: no --cov options.
        "coverage": (False, "requirements-dev.txt"),
        "linters": (("flake8", "mypy"), "requirements-dev.txt"),
    }


def test_setup_cfg_and_a_poetry_pyproject_declare_dependencies_too() -> None:
    setup_cfg = "[options]\ninstall_requires =\n    Django\n    black\n"
    assert detected({"setup.cfg": setup_cfg}).backend.linters.value == ("black",)
    poetry = {
        "requirements.txt": None,
        "poetry.lock": None,
        "pyproject.toml": '[tool.poetry.group.dev.dependencies]\nruff = "*"\npytest-cov = "*"\n',
    }
    backend = detected(poetry).backend
    assert decided(backend, "linters", "coverage") == {
        "linters": (("ruff",), "pyproject.toml"),
        "coverage": (False, "poetry.lock"),  # pytest-cov serves pytest only
    }


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("pytest.ini", "[pytest]\nDJANGO_SETTINGS_MODULE = shop.test_settings\n"),
        ("setup.cfg", "[tool:pytest]\nDJANGO_SETTINGS_MODULE = shop.test_settings\n"),
        ("tox.ini", "[pytest]\nDJANGO_SETTINGS_MODULE=shop.test_settings\n"),
    ],
)
def test_a_pytest_configuration_names_the_runner_and_the_test_settings(
    file: str, text: str
) -> None:
    backend = detected({file: text}).backend
    assert decided(backend, "test_runner", "settings", "production_settings") == {
        "test_runner": ("pytest", file),
        "settings": ("shop.test_settings", file),
        "production_settings": ("shop.test_settings", file),  # no wsgi.py or asgi.py names one
    }


def test_a_tox_ini_that_only_sets_the_variable_leaves_manage_py_test() -> None:
    tox = "[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = shop.settings\n"
    backend = detected({"tox.ini": tox}).backend
    assert decided(backend, "test_runner", "coverage") == {
        "test_runner": ("django", "manage.py"),
        "coverage": (False, "requirements.txt"),
    }
    cov = detected({"tox.ini": tox, "requirements.txt": "Django\ncoverage\n"}).backend
    assert cov.coverage.value is True


def test_pipeline_toml_decides_over_detection() -> None:
    config = (
        '[backend]\napplication = "shop.asgi:application"\nserver = "daphne"\npython = "3.12"\n'
    )
    backend = detected({"pipeline.toml": config}).backend
    assert decided(backend, "application", "server", "python", "test_env") == {
        "application": ("shop.asgi:application", "pipeline.toml"),
        "server": ("daphne", "pipeline.toml"),
        "python": ("3.12", "pipeline.toml"),
        "test_env": ({}, "default"),
    }


def test_a_settings_package_is_read_through_its_modules() -> None:
    files = {
        "manage.py": MANAGE.format("config.settings"),
        "config/settings/__init__.py": "from .base import *\n",
        "config/settings/base.py": 'WSGI_APPLICATION = "config.wsgi.application"\n'
        'DATABASES = {"default": {"NAME": env("POSTGRES_DB")}}\n',
        "config/settings/local.py": 'DATABASES["default"]["HOST"] = env("POSTGRES_HOST")\n',
        "config/wsgi.py": MANAGE.format("config.settings"),
        # Not a module of the settings package: not read.
        "config/settings/legacy/settings.py": 'NAME = env("DB_LEGACY")\n',
    }
    backend = detected(files).backend
    assert decided(backend, "application", "server", "database_variables") == {
        "application": ("config.wsgi:application", "config/settings/base.py"),
        "server": ("gunicorn", "config/settings/base.py"),
        "database_variables": (
            ("POSTGRES_DB", "POSTGRES_HOST"),
            "config/settings/base.py, config/settings/local.py",
        ),
    }


def test_settings_named_but_absent_are_read_from_their_package() -> None:
    files = {
        "manage.py": MANAGE.format("shop.settings.dev"),
        "shop/settings/base.py": 'ASGI_APPLICATION = "shop.asgi.application"\n',
        "requirements.txt": "Django\ndaphne\nuvicorn\n",
    }
    backend = detected(files).backend
    assert decided(backend, "application", "server") == {
        "application": ("shop.asgi:application", "shop/settings/base.py"),
        "server": ("uvicorn", "shop/settings/base.py"),  # daphne only without uvicorn
    }


@pytest.mark.parametrize(
    ("module", "server"), [("config/wsgi.py", "gunicorn"), ("config/asgi.py", "uvicorn")]
)
def test_without_an_application_setting_the_wsgi_or_asgi_module_serves(
    module: str, server: str
) -> None:
    files = {
        "manage.py": MANAGE.format("config.settings.local"),
        "config/settings/local.py": "DEBUG = True\n",
        module: MANAGE.format("config.settings.production"),
    }
    backend = detected(files).backend
    dotted = module.removesuffix(".py").replace("/", ".")
    assert decided(backend, "application", "server", "production_settings") == {
        "application": (f"{dotted}:application", module),
        "server": (server, module),
        "production_settings": ("config.settings.production", module),
    }


def test_no_application_anywhere_is_one_sentence() -> None:
    assert refused({"shop/settings.py": "DEBUG = True\n"}) == (
        "The settings (shop.settings) name no WSGI_APPLICATION or ASGI_APPLICATION and shop/ "
        "has no wsgi.py or asgi.py: set [backend] application in pipeline.toml, like "
        "config.wsgi:application."
    )


def test_what_a_backend_lacks_is_one_sentence_each() -> None:
    assert refused({}, backend="api") == (
        "api/manage.py does not exist: set [backend] dir in pipeline.toml to the directory "
        "of its manage.py."
    )
    assert refused({"manage.py": "import django\n"}) == (
        "manage.py does not name DJANGO_SETTINGS_MODULE: set [backend] settings in "
        "pipeline.toml, like config.settings."
    )
    with pytest.raises(PipelineError) as caught:
        detect(SourceTree.of({k: v for k, v in FILES.items() if k != "requirements.txt"}))
    assert str(caught.value) == (
        "No Python dependencies found for the root (requirements.txt, poetry.lock, uv.lock "
        "or Pipfile.lock): add the lock the backend installs from."
    )


def test_python_and_migrations_ignore_what_is_not_the_backends_own() -> None:
    files = {
        "docs/Dockerfile": "FROM python:3.11-slim\n",
        "pyproject.toml": "not = [valid toml",
    }
    assert decided(detected(files).backend, "python") == {"python": ("3.13", "default")}
    nested = {
        "apps/api/manage.py": FILES["manage.py"],
        "apps/api/shop/settings.py": FILES["shop/settings.py"],
        "apps/api/requirements.txt": "Django\n",
        "apps/api/Dockerfile.prod": "FROM python:3.12-slim\n",
        "apps/api/shop/migrations/__init__.py": None,
        "tools/legacy/migrations/__init__.py": None,  # not the backend's
    }
    backend = detected(nested, backend="apps/api").backend
    assert decided(backend, "python", "migration_apps") == {
        "python": ("3.12", "apps/api/Dockerfile.prod"),
        "migration_apps": (("shop",), "apps/api/*/migrations"),
    }


def test_an_unsupported_python_in_the_dockerfile_is_one_sentence() -> None:
    assert refused({"Dockerfile": "FROM python:3.9-slim\n"}) == (
        "Dockerfile names Python '3.9', which the pipeline does not support "
        "(3.11, 3.12, 3.13, 3.14): set [backend] python in pipeline.toml."
    )


def test_settings_that_read_no_database_variable_say_so() -> None:
    assert decided(detected({}).backend, "database_variables") == {
        "database_variables": ((), "the settings read no database variable")
    }
