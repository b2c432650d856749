"""Production's migration check: django-migration-linter run inside the release images.

    the running release's backend image  -> its migrations (ci/scripts/migration_lint.py)
    the new backend image + the linter   -> the new ones linted against a throwaway
                                            PostgreSQL, as JSON (ci/migration_report.py
                                            reads both)

Both run the image's own code with its own Django, as the host would, but on no data: the
settings get a scratch DATABASE_URL and a throwaway SECRET_KEY. The linter is installed
from the module's hash-pinned lock into a folder put on the image's PYTHONPATH, so an
image without pip is checked too.
"""

import dagger
from dagger import dag

from ci.layout import PIPELINE_SCRIPTS
from ci.stages import postgres
from ci.stages.python import python_base, with_locked_requirements

LOCK = PIPELINE_SCRIPTS / "migration-linter" / "requirements.txt"
LINTER_DIR = "/opt/migration-linter"
SCRIPT = "/opt/migration-lint/migration_lint.py"
KNOWN = "/opt/migration-lint/known.txt"
# The settings as the host runs them (ci/rollout.py), on a scratch database.
RELEASE_ENV = {"DEBUG": "false", "ALLOWED_HOSTS": "localhost", "SECURE_SSL_REDIRECT": "false"}
# Django's SECRET_KEY for a run on no data: nothing to protect, and the same on every run
# so that an image's listing comes from the cache.
_THROWAWAY_KEY = "migration-check-" + "x" * 50


def command(script: str = SCRIPT) -> list[str]:
    """The check's script run by the app's manage.py, after the app's own Django setup."""
    run = f"import runpy; runpy.run_path({script!r}, run_name='__main__')"
    return ["python", "manage.py", "shell", "--verbosity=0", "--command", run]


def linter(python_version: str) -> dagger.Directory:
    """django-migration-linter and its small dependencies, not Django (the image's is used)."""
    lock = dag.directory().with_new_file("requirements.lock", LOCK.read_text())
    installed = with_locked_requirements(
        python_base(python_version),
        "/install",
        lock.file("requirements.lock"),
        "--no-deps",
        f"--target={LINTER_DIR}",
    )
    return installed.directory(LINTER_DIR)


def _in_image(image: dagger.Container) -> dagger.Container:
    """`image` with the script and the release's settings, on no database of the app's."""
    container = image.with_new_file(SCRIPT, (PIPELINE_SCRIPTS / "migration_lint.py").read_text())
    env = {**RELEASE_ENV, "DATABASE_URL": postgres.database_url()}
    for name, value in env.items():
        container = container.with_env_variable(name, value)
    key = dag.set_secret("migration-check-secret-key", _THROWAWAY_KEY)
    return container.with_secret_variable("SECRET_KEY", key)


def listing(image: dagger.Container) -> dagger.Container:
    """The script listing the project's migrations in `image` (`app_label.name` lines)."""
    return _in_image(image).with_exec(command())


def linting(
    image: dagger.Container,
    known: list[str],
    linter_dir: dagger.Directory,
    database: dagger.Service,
) -> dagger.Container:
    """The linter on each migration of `image` that `known` does not name: JSON on stdout."""
    return (
        _in_image(image)
        .with_service_binding(postgres.ALIAS, database)
        .with_mounted_directory(LINTER_DIR, linter_dir)
        .with_env_variable("PYTHONPATH", f"{LINTER_DIR}:${{PYTHONPATH}}", expand=True)
        .with_new_file(KNOWN, "".join(f"{migration}\n" for migration in known))
        .with_env_variable("MIGRATION_LINT_KNOWN", KNOWN)
        .with_exec(command())
    )
