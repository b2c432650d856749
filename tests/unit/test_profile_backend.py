"""Detection of the Django backend, shape by shape (the shapes issue 25 lists)."""

import pytest

from ci.errors import PipelineError
from ci.profile import SourceTree, detect
from ci.profile.model import PythonInstall

FRONTEND = {
    "frontend/package.json": '{"dependencies": {"react": "19"}, "scripts": {"test": "vitest"}}',
    "frontend/package-lock.json": None,
}
MANAGE = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{}")'
WSGI_SETTINGS = 'WSGI_APPLICATION = "{}.wsgi.application"\n'


def reference_like(backend: str = "backend") -> dict[str, str | None]:
    prefix = f"{backend}/" if backend else ""
    return {
        f"{prefix}manage.py": MANAGE.format("shop.settings"),
        f"{prefix}shop/settings.py": WSGI_SETTINGS.format("shop")
        + 'DATABASES = {"default": env.db("DATABASE_URL")}\n',
        f"{prefix}shop/wsgi.py": MANAGE.format("shop.settings"),
        f"{prefix}requirements.txt": "Django==5.2\ngunicorn==23.0\n",
    }


def test_manage_py_at_the_root_with_unhashed_requirements_and_dev_tools_mixed_in() -> None:
    files = reference_like("") | {"requirements.txt": "Django==5.2\npytest-django==4.9\nruff\n"}
    backend = detect(SourceTree.of(files | FRONTEND)).backend
    assert (backend.dir.value, backend.dir.source) == ("", "manage.py")
    assert backend.install.value == PythonInstall("pip", ("requirements.txt",), hashed=False)
    assert backend.test_runner.value == "pytest"
    assert backend.linters.value == ("ruff",)


def test_hashed_requirements_with_a_dev_lock_install_the_dev_lock_with_hashes() -> None:
    files = reference_like() | {
        "backend/requirements-dev.txt": "pytest==9 \\\n    --hash=sha256:ab\n",
        "backend/requirements.txt": "Django==5.2 \\\n    --hash=sha256:cd\n",
    }
    install = detect(SourceTree.of(files | FRONTEND)).backend.install
    assert install.value == PythonInstall(
        "pip", ("backend/requirements-dev.txt", "backend/requirements.txt"), hashed=True
    )
    assert install.source == "backend/requirements-dev.txt"


def test_a_requirements_directory_is_read_whole_and_the_dev_file_installed() -> None:
    files = reference_like() | {
        "backend/requirements.txt": None,
        "backend/requirements/base.txt": "Django==5.2\n",
        "backend/requirements/local.txt": "-r base.txt\npytest==9\n",
    }
    files.pop("backend/requirements.txt")
    install = detect(SourceTree.of(files | FRONTEND)).backend.install.value
    assert install.files == ("backend/requirements/local.txt", "backend/requirements/base.txt")


@pytest.mark.parametrize(
    ("lock", "manifest", "manager"),
    [
        ("poetry.lock", "pyproject.toml", "poetry"),
        ("uv.lock", "pyproject.toml", "uv"),
        ("Pipfile.lock", "Pipfile", "pipenv"),
    ],
)
def test_poetry_uv_and_pipenv_locks_name_their_manager(
    lock: str, manifest: str, manager: str
) -> None:
    files = reference_like() | {f"backend/{lock}": None, f"backend/{manifest}": ""}
    files.pop("backend/requirements.txt")
    install = detect(SourceTree.of(files | FRONTEND)).backend.install
    assert install.value == PythonInstall(manager, (f"backend/{manifest}", f"backend/{lock}"))
    assert install.source == f"backend/{lock}"


def test_a_lock_at_the_repository_root_serves_a_backend_below_it() -> None:
    files = reference_like() | {"uv.lock": None, "pyproject.toml": "[project]\n"}
    files.pop("backend/requirements.txt")
    install = detect(SourceTree.of(files | FRONTEND)).backend.install.value
    assert install == PythonInstall("uv", ("pyproject.toml", "uv.lock"))


def test_no_dependencies_at_all_is_one_sentence_naming_the_locks() -> None:
    files = reference_like()
    files.pop("backend/requirements.txt")
    with pytest.raises(
        PipelineError, match=r"requirements\.txt, poetry\.lock, uv\.lock or Pipfile"
    ):
        detect(SourceTree.of(files | FRONTEND))


def test_manage_py_test_is_the_runner_without_pytest_django() -> None:
    backend = detect(SourceTree.of(reference_like() | FRONTEND)).backend
    assert (backend.test_runner.value, backend.test_runner.source) == (
        "django",
        "backend/manage.py",
    )
    assert backend.coverage.value is False


def test_coverage_in_the_lock_is_used_by_manage_py_test() -> None:
    files = reference_like() | {"backend/requirements.txt": "Django\ncoverage==7\n"}
    assert detect(SourceTree.of(files | FRONTEND)).backend.coverage.value is True


def test_pytest_settings_name_the_test_settings_and_the_runner() -> None:
    ini = "[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = 'shop.settings_test'\n"
    files = reference_like() | {"backend/pyproject.toml": ini}
    backend = detect(SourceTree.of(files | FRONTEND)).backend
    assert backend.test_runner.value == "pytest"
    assert (backend.settings.value, backend.settings.source) == (
        "shop.settings_test",
        "backend/pyproject.toml",
    )
    assert backend.project == "shop"


def test_split_settings_find_the_application_in_a_sibling_module() -> None:
    files = {
        "manage.py": MANAGE.format("config.settings.local"),
        "config/settings/__init__.py": "",
        "config/settings/base.py": 'WSGI_APPLICATION = "config.wsgi.application"\n'
        'DATABASES = {"default": {"NAME": env("POSTGRES_DB"), "HOST": env("POSTGRES_HOST")}}',
        "config/settings/local.py": "from .base import *\n",
        "config/settings/production.py": "from .base import *\n",
        "config/wsgi.py": MANAGE.format("config.settings.production"),
        "requirements.txt": "Django\n",
    }
    backend = detect(SourceTree.of(files | FRONTEND)).backend
    assert backend.settings.value == "config.settings.local"
    assert backend.production_settings.value == "config.settings.production"
    assert (backend.application.value, backend.application.source) == (
        "config.wsgi:application",
        "config/settings/base.py",
    )
    assert backend.server.value == "gunicorn"
    assert backend.database_variables.value == ("POSTGRES_DB", "POSTGRES_HOST")


@pytest.mark.parametrize(
    ("dependency", "server"), [("uvicorn[standard]", "uvicorn"), ("daphne", "daphne")]
)
def test_an_asgi_only_app_is_served_by_its_asgi_server(dependency: str, server: str) -> None:
    files = reference_like() | {
        "backend/shop/settings.py": 'ASGI_APPLICATION = "shop.asgi.application"\n',
        "backend/requirements.txt": f"Django\n{dependency}\n",
    }
    backend = detect(SourceTree.of(files | FRONTEND)).backend
    assert (backend.application.value, backend.server.value) == ("shop.asgi:application", server)


def test_an_application_nowhere_is_one_sentence_naming_the_setting() -> None:
    files = reference_like() | {"backend/shop/settings.py": "DEBUG = True\n"}
    files.pop("backend/shop/wsgi.py")
    with pytest.raises(PipelineError, match=r"set \[backend\] application in pipeline\.toml"):
        detect(SourceTree.of(files | FRONTEND))


@pytest.mark.parametrize(
    ("file", "text", "version"),
    [
        (".python-version", "3.12.7\n", "3.12"),
        ("backend/runtime.txt", "python-3.11.9", "3.11"),
        ("backend/Dockerfile.production", "FROM python:3.12-slim AS base\n", "3.12"),
        ("backend/pyproject.toml", '[project]\nrequires-python = ">=3.10,<3.13"\n', "3.12"),
        ("backend/pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.11"\n', "3.13"),
    ],
)
def test_the_python_version_comes_from_the_repository(file: str, text: str, version: str) -> None:
    python = detect(SourceTree.of((reference_like() | {file: text}) | FRONTEND)).backend.python
    assert (python.value, python.source) == (version, file)


def test_no_python_version_anywhere_is_the_default() -> None:
    python = detect(SourceTree.of(reference_like() | FRONTEND)).backend.python
    assert (python.value, python.source) == ("3.13", "default")


def test_an_unsupported_python_is_one_sentence_naming_file_and_setting() -> None:
    files = reference_like() | {".python-version": "3.9\n"}
    with pytest.raises(PipelineError) as caught:
        detect(SourceTree.of(files | FRONTEND))
    assert ".python-version names Python '3.9'" in str(caught.value)
    assert "[backend] python" in str(caught.value)


@pytest.mark.parametrize(
    "settings",
    [
        'DATABASES = {"default": {"NAME": os.environ["DB_NAME"], "USER": os.getenv("DB_USER")}}',
        'DATABASES = {"default": dj_database_url.config(default=os.environ.get("DATABASE_URL"))}',
    ],
)
def test_the_database_variables_the_settings_read(settings: str) -> None:
    files = reference_like() | {"backend/shop/settings.py": WSGI_SETTINGS.format("shop") + settings}
    found = detect(SourceTree.of(files | FRONTEND)).backend.database_variables
    assert found.value in (("DB_NAME", "DB_USER"), ("DATABASE_URL",))
    assert found.source == "backend/shop/settings.py"


@pytest.mark.parametrize(
    ("extra", "source"),
    [
        ({"backend/requirements.txt": "Django\ncelery[redis]==5.5\n"}, "celery in"),
        (
            {"backend/shop/settings.py": 'CACHES = {"LOCATION": os.environ["REDIS_URL"]}'},
            "settings",
        ),
    ],
)
def test_redis_is_a_service_when_the_app_depends_on_it(extra: dict[str, str], source: str) -> None:
    services = detect(SourceTree.of((reference_like() | extra) | FRONTEND)).backend.services
    assert services.value == ("redis",)
    assert source in services.source


def test_no_redis_without_a_sign_of_it() -> None:
    assert detect(SourceTree.of(reference_like() | FRONTEND)).backend.services.value == ()


def test_a_package_named_inside_another_name_or_a_comment_is_no_dependency() -> None:
    files = reference_like() | {
        "backend/requirements.txt": "Django\nmypy-extensions==1\n    # via mypy\n"
    }
    assert detect(SourceTree.of(files | FRONTEND)).backend.linters.value == ()


def test_no_manage_py_is_one_sentence_naming_the_setting() -> None:
    with pytest.raises(
        PipelineError, match=r"^No Django backend \(manage\.py\) in .* set \[backend\] dir"
    ):
        detect(SourceTree.of(dict(FRONTEND)))


def test_two_backends_at_the_same_depth_are_ambiguous() -> None:
    files = reference_like("api") | reference_like("web")
    with pytest.raises(PipelineError) as caught:
        detect(SourceTree.of(files | FRONTEND))
    assert str(caught.value) == (
        "Several Django backend (manage.py)s in the source (api/manage.py, web/manage.py): "
        "set [backend] dir in pipeline.toml to the one to use."
    )


def test_the_shallowest_manage_py_wins_over_one_deeper() -> None:
    files = reference_like("backend") | {"backend/docs/example/manage.py": ""}
    assert detect(SourceTree.of(files | FRONTEND)).backend.dir.value == "backend"


def test_manage_py_without_settings_is_one_sentence() -> None:
    files = reference_like() | {"backend/manage.py": "import django\n"}
    with pytest.raises(PipelineError, match=r"backend/manage\.py does not name DJANGO_SETTINGS"):
        detect(SourceTree.of(files | FRONTEND))
