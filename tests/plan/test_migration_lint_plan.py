"""Production's migration check as the engine would run it, read from the lazy plan."""

from dagger import dag

from ci.stages import migration_lint, postgres
from tests.support import plan

IMAGE = "registry.example.com/shop/backend@sha256:" + "ab" * 32


def test_the_listing_runs_the_script_by_the_images_manage_py_on_no_database() -> None:
    listing = migration_lint.listing(dag.container().from_(IMAGE))
    assert plan.execs(listing) == [migration_lint.command()]
    assert plan.execs(listing)[0][:4] == ["python", "manage.py", "shell", "--verbosity=0"]
    assert plan.env(listing) == {
        **migration_lint.RELEASE_ENV,
        "DATABASE_URL": postgres.database_url(),
    }
    # A throwaway key, as a Secret like the real one; no database is bound to list.
    assert [c.args["name"] for c in plan.named(listing, "withSecretVariable")] == ["SECRET_KEY"]
    assert not plan.named(listing, "withServiceBinding")
    script = plan.named(listing, "withNewFile")[0].args
    assert script["path"] == migration_lint.SCRIPT
    assert "django_migration_linter" in script["contents"]


def test_the_linter_lints_what_the_running_release_lacks_on_a_scratch_database() -> None:
    database = postgres.postgres_service("17", "migration-check")
    linter = migration_lint.linter("3.13")
    linting = migration_lint.linting(
        dag.container().from_(IMAGE), ["store.0001_initial"], linter, database
    )
    assert plan.bound(linting, postgres.ALIAS) is database
    assert plan.position(linting, "withMountedDirectory", path=migration_lint.LINTER_DIR) >= 0
    known = plan.position(linting, "withNewFile", path=migration_lint.KNOWN)
    assert plan.calls(linting)[known].args["contents"] == "store.0001_initial\n"
    env = plan.env(linting)
    assert env["MIGRATION_LINT_KNOWN"] == migration_lint.KNOWN
    # Beside whatever the image puts on the path, not instead of it.
    assert env["PYTHONPATH"] == f"{migration_lint.LINTER_DIR}:${{PYTHONPATH}}"
    assert plan.execs(linting)[-1] == migration_lint.command()


def test_the_linter_installs_from_the_hash_pinned_lock_without_django() -> None:
    installed = migration_lint.linter("3.13")
    install = plan.execs(installed)[-1]
    assert install[:5] == ["pip", "install", "--require-hashes", "-r", "requirements.lock"]
    # The image's own Django is used: nothing but the linter and its small dependencies.
    assert install[5:] == ["--no-deps", f"--target={migration_lint.LINTER_DIR}"]
    lock = migration_lint.LOCK.read_text()
    assert "django-migration-linter==6.0." in lock
    assert "\ndjango==" not in lock
    assert "://" not in lock
