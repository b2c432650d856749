"""The public API of the pipeline: every function `dagger call` shows."""

from typing import Annotated

import dagger
from dagger import DefaultPath, Doc, Ignore, field, object_type

from ci import versions
from ci.concurrency import Stage, run_stages
from ci.decorators import check, function
from ci.errors import PipelineError
from ci.layout import APP_MARKERS, BACKEND_DIR, FRONTEND_DIR, SOURCE_IGNORE, check_app_present
from ci.report import require_passed
from ci.stages import backend, frontend
from ci.stages.pipeline_code import pipeline_code_lint


@object_type
class Pipeline:
    """CI/CD of the print shop reference app: lint, tests and debug shells for each stage."""

    source: Annotated[dagger.Directory, Doc("The repository: app/ and the pipeline's code")] = (
        field()
    )
    python_version: Annotated[str, Doc("Python version of backend and pipeline stages")] = field(
        default=versions.DEFAULT_PYTHON
    )
    node_version: Annotated[str, Doc("Node.js version of frontend stages")] = field(
        default=versions.DEFAULT_NODE
    )
    postgres_version: Annotated[str, Doc("PostgreSQL version of the test database")] = field(
        default=versions.DEFAULT_POSTGRES
    )

    @classmethod
    async def create(
        cls,
        source: Annotated[
            dagger.Directory | None,
            Doc("The repository to run on (defaults to this checkout)"),
            DefaultPath("/"),
            Ignore(SOURCE_IGNORE),
        ] = None,
        python_version: Annotated[
            str, Doc(f"Python version, one of {', '.join(versions.PYTHON_VERSIONS)}")
        ] = versions.DEFAULT_PYTHON,
        node_version: Annotated[
            str, Doc(f"Node.js version, one of {', '.join(versions.NODE_VERSIONS)}")
        ] = versions.DEFAULT_NODE,
        postgres_version: Annotated[
            str, Doc(f"PostgreSQL version, one of {', '.join(versions.POSTGRES_VERSIONS)}")
        ] = versions.DEFAULT_POSTGRES,
    ) -> "Pipeline":
        """Check the versions and that the source holds the app, before any container runs."""
        versions.checked("Python", python_version, versions.PYTHON_VERSIONS)
        versions.checked("Node.js", node_version, versions.NODE_VERSIONS)
        versions.checked("PostgreSQL", postgres_version, versions.POSTGRES_VERSIONS)
        if source is None:
            raise PipelineError("No source directory given: pass --source=<repository root>.")
        missing = [path for path in APP_MARKERS if not await source.exists(path)]
        check_app_present(missing)
        # mypy does not see the SDK's dataclass_transform on object_type, hence the ignore.
        return cls(  # type: ignore[call-arg]
            source=source,
            python_version=python_version,
            node_version=node_version,
            postgres_version=postgres_version,
        )

    @property
    def _backend(self) -> dagger.Directory:
        return self.source.directory(BACKEND_DIR)

    @property
    def _frontend(self) -> dagger.Directory:
        return self.source.directory(FRONTEND_DIR)

    def _lint_stages(self) -> dict[str, dagger.Container]:
        """Every lint command of the backend, the frontend and the pipeline, by name."""
        parts = {
            "backend": backend.backend_lint(self._backend, self.python_version),
            "frontend": frontend.frontend_lint(self._frontend, self.node_version),
            "pipeline": pipeline_code_lint(self.source, self.python_version),
        }
        return {
            f"{part} {name}": container
            for part, containers in parts.items()
            for name, container in containers.items()
        }

    def _gates(self) -> dict[str, Stage]:
        """The pull-request gates `test` runs together, by the name of their function."""
        return {
            "lint": self.lint,
            "backend-test": self.backend_test,
            "frontend-test": self.frontend_test,
            "migrations-check": self.migrations_check,
        }

    @function
    @check
    async def lint(self) -> str:
        """Lint all code: ruff, mypy, bandit (backend); ESLint, tsc (frontend); ruff, mypy (ci)."""
        stages = {name: c.stdout for name, c in self._lint_stages().items()}
        return require_passed("lint", await run_stages(stages))

    @function
    @check
    async def backend_test(self) -> str:
        """Run the backend's pytest suite against a PostgreSQL service (coverage gate 85%)."""
        container = backend.backend_tests(self._backend, self.python_version, self.postgres_version)
        return await _single("backend-test", container)

    @function
    async def backend_reports(self) -> dagger.Directory:
        """JUnit and coverage XML of the backend suite, also when it fails (see exit-code)."""
        container = backend.backend_tests(
            self._backend, self.python_version, self.postgres_version, dagger.ReturnType.ANY
        )
        return await _reports(container, f"{backend.WORKDIR}/{backend.REPORTS_DIR}")

    @function
    @check
    async def frontend_test(self) -> str:
        """Run the frontend's Vitest suite with coverage thresholds."""
        container = frontend.frontend_tests(self._frontend, self.node_version)
        return await _single("frontend-test", container)

    @function
    async def frontend_reports(self) -> dagger.Directory:
        """Vitest JUnit and coverage reports, also when the suite fails (see exit-code)."""
        container = frontend.frontend_tests(
            self._frontend, self.node_version, dagger.ReturnType.ANY
        )
        return await _reports(container, f"{frontend.WORKDIR}/{frontend.REPORTS_DIR}")

    @function
    @check
    async def migrations_check(self) -> str:
        """Fail when the Django models and the committed migrations disagree."""
        container = backend.migrations_check(
            self._backend, self.python_version, self.postgres_version
        )
        return await _single("migrations-check", container)

    @function
    async def test(self) -> str:
        """Run every pull-request gate concurrently and report each; fails if any fails."""
        return require_passed("test", await run_stages(self._gates()))

    @function
    def backend_env(self) -> dagger.Container:
        """The backend stage's container with PostgreSQL bound as db: chain `terminal`."""
        return backend.backend_env(self._backend, self.python_version, self.postgres_version)

    @function
    def frontend_env(self) -> dagger.Container:
        """The frontend stage's container with dependencies installed: chain `terminal`."""
        return frontend.frontend_env(self._frontend, self.node_version)


async def _single(name: str, container: dagger.Container) -> str:
    """Run one stage; return its output, or raise its failure as one clear error."""
    (result,) = await run_stages({name: container.stdout})
    require_passed(name, [result])
    return result.output


async def _reports(container: dagger.Container, reports_dir: str) -> dagger.Directory:
    """The reports a stage wrote, with the exit code of its command beside them."""
    exit_code = await container.exit_code()
    return container.directory(reports_dir).with_new_file("exit-code", f"{exit_code}\n")
