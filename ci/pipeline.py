"""The public API of the pipeline: every function `dagger call` shows."""

import functools
import json
import secrets
import uuid
from dataclasses import replace
from typing import Annotated

import dagger
from dagger import DefaultPath, Doc, Ignore, dag, field, object_type

from ci import (
    budgets,
    environments,
    events,
    gate,
    lighthouse_report,
    load,
    playwright_report,
    rollout,
    supply_chain,
    versions,
)
from ci.choices import Environment, LoadTarget, PlanFormat, Suite
from ci.concurrency import (
    Stage,
    note,
    output_of,
    past_content_races,
    run_stages,
)
from ci.decorators import check, function
from ci.env_secrets import EnvSecrets, ProductionSecretsArg, StagingSecretsArg, env_secrets
from ci.errors import PipelineError
from ci.flows import deploy as deploy_flow
from ci.flows import event_run, migration_gate, watch
from ci.flows import lighthouse as lighthouse_flow
from ci.flows import load_test as load_flow
from ci.flows import performance as performance_flow
from ci.flows import release as release_flow
from ci.flows.deploy import Published
from ci.flows.release import ReleaseSteps
from ci.images import (
    EPOCH,
    Images,
    check_deployable,
    checked_platforms,
    measured,
    oci_labels,
)
from ci.layout import PIPELINE_MARKER, SOURCE_IGNORE, checked_dir
from ci.performance_args import (
    AccessibilityArg,
    BestPracticesArg,
    BlockingArg,
    CheckoutArg,
    DurationArg,
    ErrorRateArg,
    FirstPaintArg,
    InteractiveArg,
    LargestPaintArg,
    LayoutShiftArg,
    LighthouseThresholdArg,
    LoadEnvArg,
    LoadThresholdArg,
    PerformanceArg,
    ProductListArg,
    ProductPageArg,
    RunsArg,
    SpawnRateArg,
    UsersArg,
)
from ci.profile import AppProfile, commands, detect, plan_view, skips
from ci.profile.image_source import DOCKERFILE
from ci.profile.model import profile_of
from ci.publishing import digest_host as registry_host_of
from ci.publishing import image_tags, registry_host
from ci.report import (
    StageResult,
    StageSkipped,
    command_error,
    failure_text,
    require_passed,
)
from ci.source_tree import snapshot
from ci.stages import (
    backend,
    database,
    e2e,
    frontend,
    images,
    lighthouse,
    locust,
    sbom,
    scan,
    signing,
    smoke,
    ssh,
    summaries,
)
from ci.stages.common import reports_of, with_exit_code
from ci.stages.pipeline_code import pipeline_code_lint
from ci.stages.smoke import SmokeTest
from ci.supply_chain import Registry
from ci.targets import compose_host

SuiteArg = Annotated[Suite, Doc("quick: the @quick specs, for pull requests; full: all")]
PlatformsArg = Annotated[
    list[str] | None, Doc("Platforms to build (default: linux/amd64,linux/arm64)")
]
SourceUrlArg = Annotated[str, Doc("Repository URL for the labels")]
CreatedArg = Annotated[
    str, Doc("Build time for the labels, RFC 3339 (default: the epoch, reproducible)")
]
SeverityArg = Annotated[
    list[str] | None, Doc("Severities that fail the gate (default: CRITICAL,HIGH)")
]
IgnoreFileArg = Annotated[
    str, Doc("Trivy's ignore file in the source: vulnerabilities with id, statement, expired_at")
]
DbArg = Annotated[
    dagger.Directory | None,
    Doc("A Trivy cache directory (db/, java-db/) to scan offline with, fetching nothing"),
]
DbRepositoryArg = Annotated[
    str | None, Doc("Where to fetch Trivy's database (default: Trivy's), e.g. a mirror")
]
UsernameArg = Annotated[str, Doc("Registry user, e.g. $GITHUB_ACTOR")]
PasswordArg = Annotated[dagger.Secret, Doc("Registry password or token, e.g. env://TOKEN")]
OfflineArg = Annotated[
    bool, Doc("No transparency logs (Rekor, CT): for registries without Sigstore access")
]
InsecureRegistryArg = Annotated[bool, Doc("Allow a plain-HTTP registry (local registries)")]
EventArg = Annotated[str, Doc("The GitHub event, e.g. $GITHUB_EVENT_NAME")]
GitRefArg = Annotated[str, Doc("The ref, e.g. $GITHUB_REF")]
RevisionArg = Annotated[str, Doc("The commit, e.g. $GITHUB_SHA")]
CosignKeyArg = Annotated[dagger.Secret | None, Doc("Cosign private key, e.g. file://cosign.key")]
CosignKeyPasswordArg = Annotated[
    dagger.Secret | None, Doc("The key's password, e.g. env://COSIGN_PASSWORD")
]
IdentityTokenArg = Annotated[
    dagger.Secret | None, Doc("OIDC token for keyless signing, e.g. env://SIGSTORE_ID_TOKEN")
]
# Dagger lists enum values by name, in capitals; the CLI takes them in any case.
EnvArg = Annotated[Environment, Doc("staging or production (deploy/environments.toml)")]
KeepBaselineArg = Annotated[
    bool, Doc("This run is main's: keep its figures as the baseline when it passes")
]
MeasuredCommitArg = Annotated[str, Doc("The commit measured, e.g. $GITHUB_SHA")]
MobileArg = Annotated[
    bool, Doc("Measure as a phone on a slow 4G network (Lighthouse's default), not a desktop")
]
SshKeyArg = Annotated[
    dagger.Secret | None,
    Doc("The deploy key, e.g. file://$HOME/.ssh/deploy_key (default: the environment's SSH_KEY)"),
]


# Where a gate's reports are: the function that exports them (`dagger call -o DIR ...`).
GATE_REPORTS = {
    "backend-test": "backend-reports",
    "frontend-test": "frontend-reports",
    "end-to-end": "end-to-end-reports",
}


@object_type
class Pipeline:
    """CI/CD of the print shop reference app: lint, tests, images and a debug shell per stage."""

    source: Annotated[dagger.Directory, Doc("The repository: the app and the pipeline's code")] = (
        field()
    )
    python_version: Annotated[str, Doc("Python version of backend and pipeline stages")] = field(
        default=versions.DEFAULT_PYTHON
    )
    node_version: Annotated[str, Doc("Node.js version of frontend stages")] = field(
        default=versions.DEFAULT_NODE
    )
    postgres_version: Annotated[str, Doc("PostgreSQL version of databases and pg_dump")] = field(
        default=versions.DEFAULT_POSTGRES
    )
    backend_dir: Annotated[str, Doc("Where the Django backend is in the source")] = field(
        default="app/backend"
    )
    frontend_dir: Annotated[str, Doc("Where the React frontend is in the source")] = field(
        default="app/frontend"
    )
    django_project: Annotated[str, Doc("The Django project package (settings, wsgi)")] = field(
        default="printshop"
    )
    # What detection found (ci.profile), kept between calls; not a function of its own:
    # `plan` shows it.
    profile_json: str = "{}"

    @classmethod
    async def create(
        cls,
        # No Python default: DefaultPath is the default (a `None` default would register
        # a second one, which engines before v0.21.11 reject, v0.21.8 that we pin among them).
        source: Annotated[
            dagger.Directory,
            Doc("The repository to run on (defaults to this checkout)"),
            DefaultPath("/"),
            Ignore(SOURCE_IGNORE),
        ],
        python_version: Annotated[
            str,
            Doc(
                f"Python version, one of {', '.join(versions.PYTHON_VERSIONS)} "
                "(default: the repository's, see plan)"
            ),
        ] = "",
        node_version: Annotated[
            str,
            Doc(
                f"Node.js version, one of {', '.join(versions.NODE_VERSIONS)} "
                "(default: the repository's, see plan)"
            ),
        ] = "",
        postgres_version: Annotated[
            str, Doc(f"PostgreSQL version, one of {', '.join(versions.POSTGRES_VERSIONS)}")
        ] = versions.DEFAULT_POSTGRES,
        backend_dir: Annotated[
            str, Doc("Where the Django backend is in the source (default: where manage.py is)")
        ] = "",
        frontend_dir: Annotated[
            str,
            Doc("Where the React frontend is (default: the package.json that depends on react)"),
        ] = "",
    ) -> "Pipeline":
        """Read the repository into its profile (see plan) before any container runs.

        Detected values can be set in the repository's pipeline.toml; these options win.
        """
        for kind, version, supported in (
            ("Python", python_version, versions.PYTHON_VERSIONS),
            ("Node.js", node_version, versions.NODE_VERSIONS),
            ("PostgreSQL", postgres_version, versions.POSTGRES_VERSIONS),
        ):
            if version:
                versions.checked(kind, version, supported)
        profile = detect(
            await snapshot(source),
            backend=checked_dir("backend-dir", backend_dir) if backend_dir else "",
            frontend=checked_dir("frontend-dir", frontend_dir) if frontend_dir else "",
            python=python_version,
            node=node_version,
        )
        # mypy does not see the SDK's dataclass_transform on object_type, hence the ignore.
        return cls(  # type: ignore[call-arg]
            source=source,
            python_version=profile.backend.python.value,
            node_version=profile.frontend.node.value,
            postgres_version=postgres_version,
            backend_dir=profile.backend.dir.value,
            frontend_dir=profile.frontend.dir.value,
            django_project=profile.backend.project,
            profile_json=json.dumps(profile.as_dict()),
        )

    @property
    def _profile(self) -> AppProfile:
        return profile_of(json.loads(self.profile_json))

    @property
    def _backend(self) -> dagger.Directory:
        return self._backend_app.directory

    @property
    def _served(self) -> tuple[str, str]:
        """The backend's application (module:callable) and the server that serves it."""
        app = self._profile.backend
        return app.application.value, app.server.value

    @property
    def _backend_app(self) -> backend.BackendApp:
        return backend.BackendApp(self.source, self._profile.backend)

    @property
    def _frontend_app(self) -> frontend.FrontendApp:
        return frontend.FrontendApp(self.source, self._profile.frontend)

    @property
    def _lock_files(self) -> dagger.Directory:
        return sbom.lock_files(self.source, self._profile.lock_files)

    def _lint_containers(self, with_pipeline: bool = True) -> dict[str, dagger.Container]:
        """Every lint command of the backend, the frontend and the pipeline, by name."""
        parts = {
            "backend": backend.backend_lint(self._backend_app, self.python_version),
            "frontend": frontend.frontend_lint(self._frontend_app, self.node_version),
        }
        if with_pipeline:
            parts["pipeline"] = pipeline_code_lint(self.source, self.python_version)
        return {
            f"{part} {name}": container
            for part, containers in parts.items()
            for name, container in containers.items()
        }

    def _lint_stages(self, with_pipeline: bool = True) -> dict[str, Stage]:
        """The lint stages; the backend's shown as skipped when it configures no linter."""
        stages = {n: _output(c) for n, c in self._lint_containers(with_pipeline).items()}
        reason = skips.backend_lint(self._profile)
        return {"backend lint": _skipped(reason)} | stages if reason else stages

    def _matrix_containers(
        self, pythons: list[str], nodes: list[str]
    ) -> dict[str, dagger.Container | None]:
        """One backend suite per Python version, one frontend suite per Node.js version.

        Unsupported versions fail here, before anything runs (see ci.versions). A
        frontend without unit tests has none (None).
        """
        app = self._backend_app
        cells: dict[str, dagger.Container | None] = {
            f"backend python {v}": backend.backend_tests(app, v, self.postgres_version)
            for v in pythons
        }
        for v in nodes:
            cells[f"frontend node {v}"] = frontend.frontend_tests(self._frontend_app, v)
        return cells

    def _gates(self, end_to_end_suite: Suite = Suite.QUICK) -> dict[str, Stage]:
        """The pull-request gates `test` runs together, by the name of their function."""
        profile = self._profile
        return {
            "lint": self.lint,
            "backend-test": self.backend_test,
            "frontend-test": _unless_skipped(skips.frontend_test(profile), self.frontend_test),
            "migrations-check": self.migrations_check,
            "migrations-roundtrip": self.migrations_roundtrip,
            "end-to-end": _unless_skipped(
                skips.end_to_end(profile), functools.partial(self.end_to_end, end_to_end_suite)
            ),
        }

    @function
    def plan(
        self,
        format: Annotated[PlanFormat, Doc("text (a table per part) or json")] = PlanFormat.TEXT,
    ) -> str:
        """What the pipeline found in the repository and what each stage will run, and why.

        Every value names the file (or pipeline.toml setting, or option) that decided it.
        """
        profile = self._profile
        return (
            plan_view.as_json(profile) if format == PlanFormat.JSON else plan_view.as_text(profile)
        )

    @function(cache="session")
    @check
    async def lint(self) -> str:
        """Lint all code with the tools the repository uses (see plan), and ci/ if present."""
        # The pipeline's own code is linted where it lives: not in a repository calling it -m.
        with_pipeline = await self.source.exists(PIPELINE_MARKER)
        return require_passed("lint", await run_stages(self._lint_stages(with_pipeline)))

    @function
    @check
    async def backend_test(self) -> str:
        """Run the backend's suite (pytest or manage.py test) against a PostgreSQL service."""
        container = backend.backend_tests(
            self._backend_app, self.python_version, self.postgres_version
        )
        return await _single("backend-test", _output(container))

    @function
    async def backend_reports(self) -> dagger.Directory:
        """JUnit and coverage XML of the backend suite, also when it fails (see exit-code)."""
        container = backend.backend_tests(
            self._backend_app, self.python_version, self.postgres_version, dagger.ReturnType.ANY
        )
        return await reports_of(container, f"{backend.WORKDIR}/{backend.REPORTS_DIR}")

    @function
    @check
    async def frontend_test(self) -> str:
        """Run the frontend's unit tests (its test script: Vitest or Jest), if it has them."""
        container = frontend.frontend_tests(self._frontend_app, self.node_version)
        stage = _stage(container, skips.frontend_test(self._profile))
        return await _single("frontend-test", stage)

    @function
    async def frontend_reports(self) -> dagger.Directory:
        """The frontend's test reports, also when the suite fails (see exit-code).

        Its coverage directory's top folder: reports/ (JUnit beside it) or coverage/.
        """
        app = self._frontend_app
        container = frontend.frontend_tests(app, self.node_version, dagger.ReturnType.ANY)
        if container is None:
            reason = skips.frontend_test(self._profile)
            raise PipelineError(f"No frontend tests to report on: {reason}.")
        reports_dir = commands.frontend_reports_dir(app.profile)
        return await reports_of(container, f"{app.workdir}/{reports_dir}")

    @function
    @check
    async def migrations_check(self) -> str:
        """Fail when the Django models and the committed migrations disagree."""
        container = backend.migrations_check(
            self._backend_app, self.python_version, self.postgres_version
        )
        return await _single("migrations-check", _output(container))

    @function
    @check
    async def migrations_roundtrip(self) -> str:
        """Apply every migration to an empty database, reverse the app's own, apply them again."""
        container = database.migrations_roundtrip(
            self._backend_app, self.python_version, self.postgres_version
        )
        return await _single("migrations-roundtrip", _output(container))

    @function
    @check
    async def end_to_end(self, suite: SuiteArg = Suite.QUICK) -> str:
        """Run the Playwright specs against the whole app as services: db, backend, frontend."""
        name = f"end-to-end {suite.value}"
        reason = skips.end_to_end(self._profile)
        if reason:
            return await _single(name, _skipped(reason))
        run = e2e.e2e_run(self.end_to_end_env(), self._end_to_end_command(suite))
        workdir = self._frontend_app.workdir

        async def specs_then_flaky_ones() -> str:
            output = await output_of(run)
            note(await _flaky_specs(run, workdir))
            return output

        return await _single(name, specs_then_flaky_ones)

    @function
    async def end_to_end_reports(self, suite: SuiteArg = Suite.QUICK) -> dagger.Directory:
        """Playwright HTML report, JUnit, traces, screenshots and videos, also after a red run."""
        command = self._end_to_end_command(suite)
        run = e2e.e2e_run(self.end_to_end_env(), command, dagger.ReturnType.ANY)
        return await with_exit_code(run, e2e.e2e_reports(run, self._frontend_app.workdir))

    def _end_to_end_command(self, suite: Suite) -> list[str]:
        command = commands.end_to_end(self._profile.frontend, suite.value)
        if command is None:
            raise PipelineError(f"No end-to-end suite to run: {skips.end_to_end(self._profile)}.")
        return command

    @function(cache="never")
    async def load_test(
        self,
        env: LoadEnvArg = LoadTarget.STACK,
        users: UsersArg = None,
        spawn_rate: SpawnRateArg = None,
        duration: DurationArg = None,
        product_list_ms: ProductListArg = None,
        product_page_ms: ProductPageArg = None,
        checkout_ms: CheckoutArg = None,
        error_rate: ErrorRateArg = None,
        regression_threshold: LoadThresholdArg = None,
        keep_baseline: KeepBaselineArg = False,
        commit: MeasuredCommitArg = "unknown",
    ) -> str:
        """Load the app with Locust (its locustfile, see plan) and hold it to its budgets.

        Against the end-to-end stack (production settings, gunicorn, PostgreSQL, demo
        data) through the frontend's nginx, or an environment's URL. Fails naming each
        figure over its budget or worse than main's last (a cache volume) by more than
        the threshold. What is not given comes from pipeline.toml's [load-test].
        """
        reason = skips.load_test(self._profile)
        if reason:
            return await _single("load-test", _skipped(reason))
        given = {
            "users": users,
            "spawn_rate": spawn_rate,
            "duration": duration,
            "product_list_ms": product_list_ms,
            "product_page_ms": product_page_ms,
            "checkout_ms": checkout_ms,
            "error_rate": error_rate,
            "regression_threshold": regression_threshold,
        }
        chosen = budgets.settled(given, self._gate_settings("load-test"), load.DEFAULTS)
        planned, run = await self._load_run(env, chosen)
        where = f"-{env.value}" if env.environment else ""
        summaries.hand_over(f"load-test{where}", run, locust.REPORTS_DIR)
        gate = f"load-{self.django_project}{where}"
        threshold = chosen["regression_threshold"]
        main = performance_flow.Baselines(gate, threshold, keep_baseline, commit)
        limits = load.LoadBudgets.of(chosen)
        return await load_flow.load_tested(run, planned, limits, main, self.python_version)

    @function(cache="never")
    async def load_test_reports(
        self,
        env: LoadEnvArg = LoadTarget.STACK,
        users: UsersArg = None,
        spawn_rate: SpawnRateArg = None,
        duration: DurationArg = None,
    ) -> dagger.Directory:
        """Locust's CSV statistics and HTML report of a load test run (see load-test)."""
        reason = skips.load_test(self._profile)
        if reason:
            raise PipelineError(f"No load test to report on: {reason}.")
        given = {"users": users, "spawn_rate": spawn_rate, "duration": duration}
        chosen = budgets.settled(given, self._gate_settings("load-test"), load.DEFAULTS)
        _, run = await self._load_run(env, chosen)
        return await with_exit_code(run, run.directory(locust.REPORTS_DIR))

    async def _load_run(
        self, env: LoadTarget, chosen: dict[str, float]
    ) -> tuple[load.LoadRun, dagger.Container]:
        """What the load test runs (bounded against an environment), and Locust running it.

        `chosen`: its users, spawn_rate and duration (`budgets.settled`).
        """
        runner = self._load_runner()
        environment = env.environment
        if environment is None:
            stack = e2e.app_stack(
                self._backend_app,
                self._frontend_app,
                self.python_version,
                self.node_version,
                self.postgres_version,
                locust.STACK,
            )
            runner, url, bounded = locust.with_stack(runner, stack), locust.STACK_URL, ""
        else:
            url, bounded = (await self._environment(environment)).url, environment.value
        users, duration = int(chosen["users"]), int(chosen["duration"])
        planned = load.planned(users, chosen["spawn_rate"], duration, url, bounded)
        scenario = self._profile.backend.load_scenario.value
        return planned, locust.locust_run(runner, scenario, planned)

    def _load_runner(self) -> dagger.Container:
        """Locust installed, with the app's scenario (see plan)."""
        scenario = self._profile.backend.load_scenario.value
        return locust.locust_env(self.source, scenario, self.python_version)

    @function(cache="never")
    async def lighthouse(
        self,
        runs: RunsArg = None,
        mobile: MobileArg = False,
        performance: PerformanceArg = None,
        accessibility: AccessibilityArg = None,
        best_practices: BestPracticesArg = None,
        first_contentful_paint: FirstPaintArg = None,
        largest_contentful_paint: LargestPaintArg = None,
        time_to_interactive: InteractiveArg = None,
        total_blocking_time: BlockingArg = None,
        cumulative_layout_shift: LayoutShiftArg = None,
        regression_threshold: LighthouseThresholdArg = None,
        keep_baseline: KeepBaselineArg = False,
        commit: MeasuredCommitArg = "unknown",
    ) -> str:
        """Lighthouse on the frontend of the whole app as services, held to budgets.

        Performance, accessibility and best practices; each figure the median of the
        runs, compared with main's last figures kept on this engine (--keep-baseline).
        What is not given comes from pipeline.toml's [lighthouse].
        """
        given = {
            "runs": runs,
            "performance": performance,
            "accessibility": accessibility,
            "best_practices": best_practices,
            "first_contentful_paint": first_contentful_paint,
            "largest_contentful_paint": largest_contentful_paint,
            "time_to_interactive": time_to_interactive,
            "total_blocking_time": total_blocking_time,
            "cumulative_layout_shift": cumulative_layout_shift,
            "regression_threshold": regression_threshold,
        }
        settings = self._gate_settings("lighthouse")
        chosen = budgets.settled(given, settings, lighthouse_report.DEFAULTS)
        threshold = chosen.pop("regression_threshold")
        checked = lighthouse_report.checked_runs(int(chosen.pop("runs")))
        # Main's figures of this app on this device: another app's, or a phone's, are no baseline.
        device = "-mobile" if mobile else ""
        gate_name = f"lighthouse-{self.django_project}{device}"
        main = performance_flow.Baselines(gate_name, threshold, keep_baseline, commit)
        run = lighthouse.lighthouse_run(
            self.lighthouse_env(), checked, mobile, dagger.ReturnType.ANY
        )
        summaries.hand_over(f"lighthouse{device}", run, lighthouse.REPORTS)
        return await lighthouse_flow.lighthouse_checked(
            run, checked, chosen, main, self.python_version
        )

    @function
    async def lighthouse_reports(
        self, runs: RunsArg = None, mobile: MobileArg = False
    ) -> dagger.Directory:
        """Each Lighthouse run's HTML and JSON report (run-N.report.*), also after a red run."""
        env = self.lighthouse_env()
        settings = self._gate_settings("lighthouse")
        chosen = budgets.settled({"runs": runs}, settings, lighthouse_report.DEFAULTS)
        checked = lighthouse_report.checked_runs(int(chosen["runs"]))
        run = lighthouse.lighthouse_run(env, checked, mobile, dagger.ReturnType.ANY)
        return await reports_of(run, lighthouse.REPORTS)

    @function
    def lighthouse_env(self) -> dagger.Container:
        """Lighthouse installed, with the whole app bound as frontend: chain `terminal`."""
        return lighthouse.lighthouse_env(self._app_stack())

    def _app_stack(self) -> dagger.Service:
        """The end-to-end stack: the frontend service, the backend and database behind it."""
        return e2e.app_stack(
            self._backend_app,
            self._frontend_app,
            self.python_version,
            self.node_version,
            self.postgres_version,
        )

    @function(cache="session")
    async def test(
        self,
        end_to_end_suite: Annotated[
            Suite, Doc("Playwright specs to run: quick (pull requests), full")
        ] = Suite.QUICK,
    ) -> str:
        """Run every pull-request gate concurrently; a table of each; fails if any fails."""
        return require_passed("test", await self._tested(end_to_end_suite))

    async def _tested(self, end_to_end_suite: Suite) -> list[StageResult]:
        """Every gate's result, naming the function that exports its reports."""
        results = await run_stages(self._gates(end_to_end_suite))
        return [replace(r, artifacts=GATE_REPORTS.get(r.name, "")) for r in results]

    @function(cache="session")
    async def test_matrix(
        self,
        python_versions: Annotated[
            list[str] | None, Doc("Python versions of the backend suite (default: all supported)")
        ] = None,
        node_versions: Annotated[
            list[str] | None, Doc("Node.js versions of the frontend suite (default: all supported)")
        ] = None,
    ) -> str:
        """Run the backend suite on several Python versions and the frontend's on several Nodes."""
        pythons = python_versions or list(versions.PYTHON_VERSIONS)
        nodes = node_versions or list(versions.NODE_VERSIONS)
        reason = skips.frontend_test(self._profile)
        cells = self._matrix_containers(pythons, nodes)
        stages = {name: _stage(cell, reason) for name, cell in cells.items()}
        return require_passed("test-matrix", await run_stages(stages))

    @function(cache="never")
    async def migrate(
        self,
        env: Annotated[Environment, Doc("staging or production: whose database to migrate")],
        database_url: Annotated[
            dagger.Secret | None,
            Doc("That database's URL, e.g. env://DATABASE_URL (default: the environment's)"),
        ] = None,
        dry_run: Annotated[bool, Doc("Print the migration plan and stop")] = False,
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> dagger.Directory:
        """Migrate an environment's database: plan first, production backed up (pg_dump) first.

        Returns plan.txt, migrate.txt and, for production, backup.dump: save them with
        `dagger call -o <dir> migrate ...`.
        """
        policy = await self._environment(env)
        found = await env_secrets(env, staging_secrets, production_secrets)
        database_url = found.need("DATABASE_URL", database_url, "migrate")
        run_id = uuid.uuid4().hex  # every run really runs: no layer of it is reused
        throwaway_key = dag.set_secret(f"migrate-key-{run_id}", secrets.token_urlsafe(50))
        runner = database.migration_runner(
            self._backend, self.python_version, database_url, throwaway_key, run_id
        )
        plan = await _stdout(
            runner.with_exec(database.PLAN_COMMAND), f"{policy.name} migration plan"
        )
        print(f"Migration plan for {policy.name}:\n{plan}")
        results = dag.directory().with_new_file("plan.txt", plan)
        if dry_run:
            return results
        if policy.backup_before_migrate:
            dump = database.backup(database_url, self.postgres_version, run_id)
            results = results.with_file("backup.dump", await _taken(dump, policy.name))
        migrated = await _stdout(
            runner.with_exec(backend.MIGRATE_COMMAND), f"{policy.name} migration"
        )
        return results.with_new_file("migrate.txt", migrated)

    @function
    async def build(
        self,
        platform: PlatformsArg = None,
        version: Annotated[str, Doc("Release version for the labels, e.g. 1.2.3")] = "dev",
        revision: Annotated[str, Doc("Git commit for the labels, e.g. $GITHUB_SHA")] = "unknown",
        source_url: SourceUrlArg = "unknown",
        created: CreatedArg = EPOCH,
    ) -> Images:
        """Build both images for each platform, by recipe or Dockerfile (see plan); print sizes.

        Chain `backend --platform P` or `frontend --platform P` for one image, `tarballs`
        for OCI archives of all.
        """
        platforms = checked_platforms(platform)
        labels = oci_labels(source_url, revision, version, created)
        backends, frontends = self._image_variants(platforms, labels)
        built = await measured(platforms, backends, frontends)
        await self._check_deployable(backends, frontends)
        return built

    @function(cache="never")
    async def publish(
        self,
        registry: Annotated[
            str,
            Doc(
                "Repository prefix, e.g. ghcr.io/acme/printshop (pushes .../backend, .../frontend)"
            ),
        ],
        username: UsernameArg,
        password: PasswordArg,
        git_ref: Annotated[str, Doc("The git ref built, e.g. refs/heads/main or $GITHUB_REF")],
        revision: Annotated[str, Doc("The commit built (full sha), e.g. $GITHUB_SHA")],
        latest: Annotated[bool, Doc("Also tag latest")] = False,
        platform: PlatformsArg = None,
        source_url: SourceUrlArg = "unknown",
        created: CreatedArg = EPOCH,
    ) -> str:
        """Build and push both images as multi-platform indexes, tagged from the git ref.

        Tags: the commit sha; the branch on branches; 1.2.3, 1.2 and 1 on v-tags; pr-N on
        pull requests; latest only with --latest. Returns each image's digest reference.
        """
        published = await self._published(
            registry,
            username,
            password,
            git_ref,
            revision,
            latest=latest,
            platform=platform,
            source_url=source_url,
            created=created,
        )
        return published.lines()

    async def _published(
        self,
        registry: str,
        username: str,
        password: dagger.Secret,
        git_ref: str,
        revision: str,
        *,
        latest: bool = False,
        platform: list[str] | None = None,
        source_url: str = "unknown",
        created: str = EPOCH,
    ) -> Published:
        """Push both images as multi-platform indexes, tagged from the git ref."""
        tags = image_tags(git_ref, revision, latest)
        platforms = checked_platforms(platform)
        labels = oci_labels(source_url, revision, tags[1] if len(tags) > 1 else revision, created)
        return await self._pushed_images(registry, username, password, tags, platforms, labels)

    async def _pushed_images(
        self,
        registry: str,
        username: str,
        password: dagger.Secret,
        tags: list[str],
        platforms: list[str],
        labels: dict[str, str],
    ) -> Published:
        """Both images for `platforms` with `labels`, pushed under each tag; their digests."""
        host = registry_host(registry)
        backends, frontends = self._image_variants(platforms, labels)
        await self._check_deployable(backends, frontends)
        variants = {"backend": backends, "frontend": frontends}
        pusher = dag.container().with_registry_auth(host, username, password)
        digests = []
        for name, containers in variants.items():
            refs = [await _pushed(pusher, f"{registry}/{name}:{tag}", containers) for tag in tags]
            digests.append(f"{registry}/{name}@{refs[0].split('@', 1)[1]}")
        return Published(digests[0], digests[1], tags)

    @function
    async def sbom(self, platform: PlatformsArg = None) -> dagger.Directory:
        """SPDX and CycloneDX JSON (syft) of each image and platform, and of the lock files.

        Files: backend-linux-amd64.spdx.json, ... and source.spdx.json / source.cdx.json
        (the Python and npm dependencies as locked; the frontend image holds only the build).
        """
        return supply_chain.sboms(self._lock_files, self._default_images(platform))

    @function(cache="session")
    async def scan(
        self,
        platform: PlatformsArg = None,
        severity: SeverityArg = None,
        ignore_file: IgnoreFileArg = supply_chain.IGNORE_FILE,
        db: DbArg = None,
        db_repository: DbRepositoryArg = None,
    ) -> dagger.File:
        """Scan each image and the lock files with Trivy and gate on the findings; print a table.

        Fails on CRITICAL and HIGH findings unless an unexpired entry of the source's
        .trivyignore.yaml, with a statement, covers them (Trivy applies it). Returns Trivy's
        SARIF for code scanning (scan-reports also returns it when the gate fails).
        """
        outcome = await self._scanned(platform, severity, ignore_file, db, db_repository)
        print(_gated(outcome, ignore_file))
        return outcome.files().file("trivy.sarif")

    @function(cache="session")
    async def scan_reports(
        self,
        platform: PlatformsArg = None,
        severity: SeverityArg = None,
        ignore_file: IgnoreFileArg = supply_chain.IGNORE_FILE,
        db: DbArg = None,
        db_repository: DbRepositoryArg = None,
    ) -> dagger.Directory:
        """The SARIF, table (findings.txt), Trivy's reports (trivy.json, reports/) and exit-code.

        Returned even when the gate fails; trivy.json is the report the gate read, filtered
        by Trivy with the ignore file.
        """
        outcome = await self._scanned(platform, severity, ignore_file, db, db_repository)
        return outcome.files()

    @function(cache="session")
    def scan_env(
        self,
        platform: PlatformsArg = None,
        db: DbArg = None,
        db_repository: DbRepositoryArg = None,
    ) -> dagger.Container:
        """Trivy with its database, the images (/in/NAME.tar) and lock files: chain `terminal`.

        Try `trivy image --input backend-linux-amd64.tar` or `trivy filesystem .` there.
        """
        images = self._default_images(platform)
        return supply_chain.scan_env(self._lock_files, images, db, db_repository)

    @function
    def sbom_env(self, platform: PlatformsArg = None) -> dagger.Container:
        """Syft with the images (/in/NAME.tar) and lock files, in a shell: chain `terminal`.

        Try `syft scan oci-archive:backend-linux-amd64.tar` or `syft scan dir:.` there.
        """
        images = self._default_images(platform)
        return scan.with_inputs(sbom.syft(for_terminal=True), images, self._lock_files)

    @function(cache="session")
    async def sign_env(
        self,
        registry: Annotated[
            str, Doc("Repository prefix the images are in, e.g. ghcr.io/acme/printshop")
        ],
        username: UsernameArg,
        password: PasswordArg,
        key: CosignKeyArg = None,
        key_password: CosignKeyPasswordArg = None,
        identity_token: IdentityTokenArg = None,
    ) -> dagger.Container:
        """Cosign logged in to the registry, with the key or token, in a shell: chain `terminal`.

        Try `cosign tree IMAGE@DIGEST` or `cosign verify --key ... IMAGE@DIGEST` there; the
        key is /run/cosign/cosign.key.
        """
        signer = supply_chain.Signer(key, key_password, identity_token).checked(signing.Transport())
        auth = await supply_chain.Registry(registry_host(registry), username, password).auth()
        return signer.applied(signing.cosign(auth, for_terminal=True))

    @function(cache="session")
    def migrate_env(
        self,
        database_url: Annotated[
            dagger.Secret, Doc("The database's URL, e.g. env://DATABASE_URL (a secret)")
        ],
    ) -> dagger.Container:
        """The migrate stage's container on a database, checked reachable: chain `terminal`.

        Try `python manage.py showmigrations` or `python manage.py migrate --plan` there.
        """
        run_id = uuid.uuid4().hex
        throwaway_key = dag.set_secret(f"migrate-key-{run_id}", secrets.token_urlsafe(50))
        return database.migration_runner(
            self._backend, self.python_version, database_url, throwaway_key, run_id
        )

    async def _scanned(
        self,
        platform: list[str] | None,
        severity: list[str] | None,
        ignore_file: str,
        db: dagger.Directory | None,
        db_repository: str | None,
    ) -> supply_chain.ScanOutcome:
        severities = gate.checked_severities(severity or gate.DEFAULT_SEVERITIES)
        images = self._default_images(platform)
        return await supply_chain.scanned(
            self.source, self._lock_files, images, severities, ignore_file, db, db_repository
        )

    async def _scan_gated(
        self, platform: list[str] | None, db: dagger.Directory | None, db_repository: str | None
    ) -> str:
        """The vulnerability gate on this checkout's images, with the default severities."""
        ignores = supply_chain.IGNORE_FILE
        return _gated(await self._scanned(platform, None, ignores, db, db_repository), ignores)

    @function(cache="never")
    async def sign(
        self,
        digest: Annotated[
            list[str], Doc("Image digest references to sign, as publish prints them")
        ],
        username: UsernameArg,
        password: PasswordArg,
        key: CosignKeyArg = None,
        key_password: CosignKeyPasswordArg = None,
        identity_token: IdentityTokenArg = None,
        platform: PlatformsArg = None,
        offline: OfflineArg = False,
        insecure_registry: InsecureRegistryArg = False,
        fulcio_url: Annotated[
            str, Doc("Keyless: your own Fulcio instead of the public one, e.g. https://fulcio.acme")
        ] = "",
    ) -> str:
        """Sign published images with cosign and attach each platform's SBOM as an attestation.

        Key-based (--key, --key-password) or keyless (--identity-token). Signs each index
        and its platform manifests; the SPDX SBOM of each platform is attested on the index.
        """
        hosts = {registry_host_of(ref) for ref in digest}
        transport = signing.Transport(offline, insecure_registry, fulcio_url)
        signer = supply_chain.Signer(key, key_password, identity_token).checked(transport)
        if len(hosts) != 1:
            raise PipelineError(
                f"The digests are in {len(hosts)} registries ({', '.join(sorted(hosts))}): "
                "sign one registry's images per call."
            )
        registry = supply_chain.Registry(hosts.pop(), username, password)
        platforms = checked_platforms(platform)
        return await supply_chain.signed(digest, platforms, registry, signer, transport)

    @function(cache="never")
    async def verify(
        self,
        digest: Annotated[str, Doc("The image digest reference to check")],
        key: Annotated[dagger.File | None, Doc("Cosign public key, e.g. cosign.pub")] = None,
        certificate_identity: Annotated[
            str, Doc("Keyless: the signer's identity, e.g. the workflow's URL")
        ] = "",
        certificate_oidc_issuer: Annotated[
            str,
            Doc("Keyless: the identity's issuer, e.g. https://token.actions.githubusercontent.com"),
        ] = "",
        username: Annotated[str, Doc("Registry user, for private images")] = "",
        password: Annotated[
            dagger.Secret | None, Doc("Registry password, for private images")
        ] = None,
        offline: OfflineArg = False,
        insecure_registry: InsecureRegistryArg = False,
        trusted_root: Annotated[
            dagger.File | None,
            Doc("Keyless: your own Fulcio's trusted root (cosign trusted-root create)"),
        ] = None,
    ) -> str:
        """Check an image's cosign signature and SBOM attestation; fail in one sentence if not."""
        host = registry_host_of(digest)
        verifier = signing.Verifier(
            key, certificate_identity, certificate_oidc_issuer, trusted_root
        ).checked()
        registry = supply_chain.Registry(host, username, password) if password else None
        transport = signing.Transport(offline, insecure_registry)
        return await supply_chain.verified(digest, verifier, registry, transport)

    @function(cache="never")
    async def deploy(
        self,
        env: EnvArg,
        backend_image: Annotated[
            str,
            Doc(
                "Backend image by digest, as publish prints it "
                "(default: this checkout's, published to the environment's registry)"
            ),
        ] = "",
        frontend_image: Annotated[
            str, Doc("Frontend image by digest (default: as --backend-image's)")
        ] = "",
        ssh_key: SshKeyArg = None,
        database_url: Annotated[
            dagger.Secret | None,
            Doc("The environment's DATABASE_URL, e.g. env://DATABASE_URL (default: its bundle's)"),
        ] = None,
        secret_key: Annotated[
            dagger.Secret | None,
            Doc("Django's SECRET_KEY, e.g. env://SECRET_KEY (default: its bundle's)"),
        ] = None,
        commit: Annotated[str, Doc("The commit deployed, e.g. $GITHUB_SHA")] = "unknown",
        deployed_by: Annotated[str, Doc("Who or what deploys, e.g. $GITHUB_ACTOR")] = "cli",
        registry_username: Annotated[
            str, Doc("User the host pulls the images as (default: the environment's)")
        ] = "",
        registry_password: Annotated[
            dagger.Secret | None,
            Doc("Password the host pulls with, e.g. env://TOKEN (default: its bundle's)"),
        ] = None,
        offline: OfflineArg = False,
        insecure_registry: InsecureRegistryArg = False,
        db: DbArg = None,
        db_repository: DbRepositoryArg = None,
        allow_breaking_migrations: Annotated[
            str,
            Doc(
                "Deploy even if the migration check finds migrations that break the running "
                "release: the reason, kept in the history"
            ),
        ] = "",
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> str:
        """Deploy over SSH without downtime: policy, backup, migrate, switch.

        Without images it builds this checkout's for the environment's platform, publishes
        them to its registry (and signs them when its policy asks). The environment's
        policy is checked before the host is touched (production: both images signed with
        its key, through the vulnerability gate, and no migration that would break the
        running release). The new release starts beside the
        running one; one that does not turn healthy or fails the smoke test through its
        private route never gets a public request, one that fails it on the public URL
        after the switch is switched back from, and the call fails.
        """
        request = deploy_flow.DeployRequest(
            env=env,
            images=(backend_image, frontend_image),
            ssh_key=ssh_key,
            database_url=database_url,
            secret_key=secret_key,
            commit=commit,
            deployed_by=deployed_by,
            registry_username=registry_username,
            registry_password=registry_password,
            offline=offline,
            insecure_registry=insecure_registry,
            db=db,
            db_repository=db_repository,
            allow_breaking_migrations=allow_breaking_migrations,
        )
        found = await env_secrets(env, staging_secrets, production_secrets)
        return await self._deployed(request, found)

    @function(cache="never")
    async def rollback(
        self,
        env: EnvArg,
        ssh_key: SshKeyArg = None,
        to: Annotated[str, Doc("Release id to return to (default: the one before)")] = "",
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> str:
        """Return an environment to an earlier release (`releases` lists them), health-checked."""
        target, host = await self._host(
            env, "rollback", ssh_key, staging_secrets, production_secrets
        )
        return f"{await host.roll_back(to)}\nRolled back {target.name}."

    @function(cache="never")
    async def releases(
        self,
        env: EnvArg,
        ssh_key: SshKeyArg = None,
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> str:
        """The releases on an environment's host, the running one marked, and recent events."""
        _, host = await self._host(env, "releases", ssh_key, staging_secrets, production_secrets)
        return rollout.releases_table(await host.history())

    @function(cache="never")
    async def smoke(
        self,
        env: Annotated[
            Environment, Doc("staging or production: check its public URL, with its budget")
        ] = Environment.STAGING,
        url: Annotated[str, Doc("Check this URL instead, e.g. http://localhost:8080")] = "",
        release: Annotated[str, Doc("The release /api/health/ must report")] = "",
    ) -> str:
        """Smoke test a deployment: health (and release), products, the frontend, p95 latency."""
        if url:
            environments.checked_url(url, "--url")
        target = None if url else await self._environment(env)
        checks = await self._smoke_test(target)(url or (target.url if target else ""), release)
        if not checks.passed:
            raise PipelineError(f"The smoke test failed.\n{checks.table()}")
        return checks.table()

    @function(cache="never")
    async def release(
        self,
        git_ref: Annotated[str, Doc("The git ref built, e.g. $GITHUB_REF")],
        revision: Annotated[str, Doc("The commit built (full sha), e.g. $GITHUB_SHA")],
        registry: Annotated[
            str,
            Doc("Repository prefix to publish to, e.g. ghcr.io/acme/printshop (default: env's)"),
        ] = "",
        username: Annotated[str, Doc("Registry user (default: the environment's)")] = "",
        password: Annotated[
            dagger.Secret | None, Doc("Registry password or token (default: its bundle's)")
        ] = None,
        ssh_key: SshKeyArg = None,
        database_url: Annotated[
            dagger.Secret | None, Doc("The environment's DATABASE_URL (default: its bundle's)")
        ] = None,
        secret_key: Annotated[
            dagger.Secret | None, Doc("The environment's SECRET_KEY (default: its bundle's)")
        ] = None,
        env: EnvArg = Environment.STAGING,
        key: Annotated[dagger.Secret | None, Doc("Cosign private key (sign with a key)")] = None,
        key_password: Annotated[dagger.Secret | None, Doc("The cosign key's password")] = None,
        identity_token: Annotated[
            dagger.Secret | None, Doc("OIDC token (sign keyless), e.g. env://SIGSTORE_ID_TOKEN")
        ] = None,
        webhook: Annotated[
            dagger.Secret | None,
            Doc("Slack-compatible webhook URL told the outcome, e.g. env://SLACK_WEBHOOK"),
        ] = None,
        deployed_by: Annotated[str, Doc("Who or what releases, e.g. $GITHUB_ACTOR")] = "release",
        end_to_end_suite: Annotated[Suite, Doc("Playwright specs the tests run")] = Suite.QUICK,
        platform: PlatformsArg = None,
        db: DbArg = None,
        db_repository: DbRepositoryArg = None,
        offline: OfflineArg = False,
        insecure_registry: InsecureRegistryArg = False,
        performance: Annotated[
            bool, Doc("After the tests, the load test and Lighthouse, keeping main's figures")
        ] = False,
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> str:
        """What a push to main does: test, scan, publish, sign, deploy, smoke; a line per step.

        With --performance the performance gates run after the tests, as the
        repository's pipeline.toml sets them, and keep their figures as main's. Stops at
        the first failing step. Signs when given --key or --identity-token, or with the
        bundle's COSIGN_KEY when the environment asks for signatures. The webhook, when
        given, gets the outcome either way. What is not given comes from the environments
        file and the environment's secrets, all checked before any step.
        """
        request = release_flow.ReleaseRequest(
            git_ref=git_ref,
            revision=revision,
            env=env,
            registry=registry,
            username=username,
            password=password,
            ssh_key=ssh_key,
            database_url=database_url,
            secret_key=secret_key,
            key=key,
            key_password=key_password,
            identity_token=identity_token,
            webhook=webhook,
            deployed_by=deployed_by,
            suite=end_to_end_suite,
            platform=platform,
            db=db,
            db_repository=db_repository,
            offline=offline,
            insecure_registry=insecure_registry,
            performance=performance,
        )
        found = await env_secrets(env, staging_secrets, production_secrets)
        return await self._released(request, found)

    @function(cache="never")
    async def ci(
        self,
        event: EventArg,
        git_ref: GitRefArg,
        revision: RevisionArg,
        environment: Annotated[str, Doc("Manual runs: the environment to release to")] = "",
        registry: Annotated[str, Doc("Releases: where to publish, e.g. ghcr.io/acme/shop")] = "",
        username: Annotated[str, Doc("Releases: the registry user")] = "",
        password: Annotated[dagger.Secret | None, Doc("Releases: the registry token")] = None,
        ssh_key: Annotated[dagger.Secret | None, Doc("Releases: the deploy key")] = None,
        database_url: Annotated[dagger.Secret | None, Doc("Releases: DATABASE_URL")] = None,
        secret_key: Annotated[dagger.Secret | None, Doc("Releases: Django's SECRET_KEY")] = None,
        key: Annotated[dagger.Secret | None, Doc("Releases: the cosign private key")] = None,
        key_password: Annotated[dagger.Secret | None, Doc("Releases: its password")] = None,
        identity_token: Annotated[
            dagger.Secret | None, Doc("Releases: an OIDC token to sign keyless instead")
        ] = None,
        webhook: Annotated[dagger.Secret | None, Doc("Told each release's outcome")] = None,
        deployed_by: Annotated[str, Doc("Who triggered it, e.g. $GITHUB_ACTOR")] = "ci",
        schedule: Annotated[
            str, Doc("Scheduled runs: the cron that started it, ${{ github.event.schedule }}")
        ] = "",
        performance: Annotated[
            bool, Doc("Pull requests: run the load test and Lighthouse too (main always does)")
        ] = False,
        db: DbArg = None,
        db_repository: DbRepositoryArg = None,
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> str:
        """What the workflow runs for a GitHub event: the checks, then a release if it is one.

        Pull request: the checks (quick suite). Push to main: release to staging. v-tag:
        release to production. Manual dispatch: release to --environment. Schedule: both
        environments' smoke and load tests, or weekly the vulnerability gate on the images
        they run (their bundles: --staging-secrets, --production-secrets). The run's
        summary in Markdown is kept for `ci-reports` (summary.md), also when it fails.
        """
        decision = events.decide(event, git_ref, environment, schedule)
        request = release_flow.ReleaseRequest(
            git_ref=git_ref,
            revision=revision,
            registry=registry,
            username=username,
            password=password,
            ssh_key=ssh_key,
            database_url=database_url,
            secret_key=secret_key,
            key=key,
            key_password=key_password,
            identity_token=identity_token,
            webhook=webhook,
            deployed_by=deployed_by,
            db=db,
            db_repository=db_repository,
            performance=True,
        )
        runs = event_run.EventRuns(
            watch=functools.partial(
                self._watched, db, db_repository, staging_secrets, production_secrets
            ),
            checks=functools.partial(self._checked, performance=performance),
            release=self._ci_released,
        )

        async def kept(markdown: str, reports: summaries.Reports) -> None:
            await summaries.keep(event, revision, markdown, reports, self.python_version)

        return await event_run.summarised(decision, event_run.run(decision, runs, request), kept)

    @function(cache="never")
    async def ci_reports(
        self,
        event: EventArg,
        git_ref: GitRefArg,
        revision: RevisionArg,
        environment: Annotated[str, Doc("Manual runs: the environment")] = "",
        schedule: Annotated[str, Doc("Scheduled runs: the cron that started it")] = "",
    ) -> dagger.Directory:
        """Every report of the event's checks, also after a red run, for the workflow to keep.

        summary.md (the table `ci` printed for this event and commit, for the job summary),
        backend/, frontend/, end-to-end/ (each with its exit-code), scan/ (trivy.sarif for
        code scanning), and what `ci` kept of the checks only it runs: load-test/ and
        lighthouse/ (performance gates), load-test-staging/ and load-test-production/
        (a scheduled run, which checked no checkout: those and summary.md only).
        """
        decision = events.decide(event, git_ref, environment, schedule)
        summary = await self.ci_summary(event, revision)
        kept = summaries.kept_reports(event, revision, self.python_version)
        reports = kept.with_new_file("summary.md", summary)
        if decision.watch is not None:
            return reports
        parts = {
            "backend": self.backend_reports(),
            "frontend": self.frontend_reports(),
            "end-to-end": self.end_to_end_reports(decision.suite),
            "scan": self.scan_reports(),
        }
        for name, made in parts.items():
            reports = reports.with_directory(name, await made)
        return reports

    @function(cache="never")
    async def ci_summary(
        self,
        event: EventArg,
        revision: RevisionArg,
    ) -> str:
        """The Markdown summary the last `ci` run of this event and commit kept, red or green.

        The workflow writes it to the job summary: `-o $GITHUB_STEP_SUMMARY`.
        """
        return await summaries.kept(event, revision, self.python_version)

    @function
    def smoke_env(self) -> dagger.Container:
        """The smoke stage's container: chain `terminal`, run `python smoke_probe.py URL`."""
        return smoke.smoke_env(self.python_version)

    @function
    async def deploy_env(
        self,
        env: EnvArg,
        ssh_key: SshKeyArg = None,
        *,
        staging_secrets: StagingSecretsArg,
        production_secrets: ProductionSecretsArg,
    ) -> dagger.Container:
        """The deploy stage's SSH client for an environment: chain `terminal`, run `ssh target`."""
        _, host = await self._host(env, "deploy-env", ssh_key, staging_secrets, production_secrets)
        return host.client.with_default_terminal_cmd(ssh.remote("exec bash"))

    async def _deployed(self, request: deploy_flow.DeployRequest, found: EnvSecrets) -> str:
        """`request` on its environment's host (flows/deploy.py); `found`: the env's bundle."""
        target = await self._environment(request.env)
        host = compose_host.Host(target, found.need("SSH_KEY", request.ssh_key, "deploy"))
        gate = functools.partial(
            self._gate_checked, db=request.db, db_repository=request.db_repository
        )
        migrations = functools.partial(
            migration_gate.migrations_checked,
            python_version=self.python_version,
            postgres_version=self.postgres_version,
        )
        steps = deploy_flow.DeploySteps(
            publish=self._pushed_images,
            signatures=self._signatures_checked,
            vulnerabilities=gate,
            migrations=migrations,
            backup_image=versions.postgres_image(self.postgres_version),
        )
        return await deploy_flow.deployed(request, found, host, steps)

    async def _released(self, request: release_flow.ReleaseRequest, found: EnvSecrets) -> str:
        """`request` planned against its environment, then its steps in order (flows/release.py)."""
        plan = release_flow.planned(request, await self._environment(request.env), found)
        steps = ReleaseSteps(
            test=functools.partial(self.test, request.suite),
            scan=functools.partial(
                self._scan_gated, request.platform, request.db, request.db_repository
            ),
            publish=functools.partial(
                self._published,
                plan.repository,
                plan.registry.username,
                plan.registry.password,
                request.git_ref,
                request.revision,
                platform=request.platform,
            ),
            sign=plan.sign_step(),
            deploy=lambda published: self._deployed(plan.deploy_of(published), found),
            performance=functools.partial(self._performance, True, request.revision)
            if request.performance
            else None,
        )
        return await release_flow.released(steps, request.env.value, plan.notifier())

    async def _ci_released(self, request: release_flow.ReleaseRequest) -> str:
        """A release `ci` runs: every credential given as an argument, no bundle read."""
        return await self._released(request, await env_secrets(request.env, None, None))

    def _gate_settings(self, table: str) -> dict[str, float]:
        """pipeline.toml's [table] of a performance gate, as written (empty without it)."""
        return self._profile.gate_settings.get(table, {})

    def _smoke_test(self, target: environments.Target | None) -> SmokeTest:
        """The smoke test of a URL with `target`'s budget (the defaults without one)."""
        return functools.partial(smoke.smoke_tested, target, python_version=self.python_version)

    async def _signatures_checked(
        self,
        target: environments.Target,
        images: list[str],
        login: Registry | None,
        transport: signing.Transport,
    ) -> None:
        """Refuse images not signed with `target`'s key, before the host is touched."""
        if not await self.source.exists(target.signing_key):
            raise PipelineError(
                f"{target.name} requires signed images but its signing_key "
                f"{target.signing_key} is not in the repository: add the cosign public key."
            )
        verifier = signing.Verifier(self.source.file(target.signing_key), "", "").checked()
        for image in images:
            try:
                await supply_chain.verified(image, verifier, login, transport)
            except PipelineError as exc:
                raise PipelineError(
                    f"{target.name} takes only signed images and {image} did not verify, so "
                    f"{target.host} was not touched: {exc}"
                ) from None

    async def _gate_checked(
        self,
        target: environments.Target,
        images: list[str],
        login: Registry | None,
        db: dagger.Directory | None,
        db_repository: str | None,
    ) -> None:
        """Refuse images that fail the vulnerability gate, before the host is touched."""
        try:
            await self._images_gated(target, images, login, self._lock_files, db, db_repository)
        except PipelineError as exc:
            raise PipelineError(
                f"{target.name} takes only images that pass the vulnerability gate, so "
                f"{target.host} was not touched.\n{exc}"
            ) from None

    async def _images_gated(
        self,
        target: environments.Target,
        images: list[str],
        login: Registry | None,
        locks: dagger.Directory,
        db: dagger.Directory | None,
        db_repository: str | None,
    ) -> str:
        """The vulnerability gate on `images` as `target`'s host pulls them, and `locks`."""
        pulled = compose_host.pulled(images, target.platform, login)
        ignores = supply_chain.IGNORE_FILE
        outcome = await supply_chain.scanned(
            self.source, locks, pulled, gate.DEFAULT_SEVERITIES, ignores, db, db_repository
        )
        return _gated(outcome, ignores)

    async def _watched(
        self,
        db: dagger.Directory | None,
        db_repository: str | None,
        staging_secrets: dagger.Secret | None,
        production_secrets: dagger.Secret | None,
        decision: events.Decision,
    ) -> str:
        """The scheduled run `decision`: each environment's checks (flows/watch.py)."""
        gated = functools.partial(
            self._running_gated, db, db_repository, staging_secrets, production_secrets
        )
        checks = watch.WatchChecks(smoke=self.smoke, load=self._bounded_load, vulnerabilities=gated)
        return await watch.watched(decision, checks)

    async def _running_gated(
        self,
        db: dagger.Directory | None,
        db_repository: str | None,
        staging_secrets: dagger.Secret | None,
        production_secrets: dagger.Secret | None,
        env: Environment,
    ) -> str:
        """The vulnerability gate on the images `env` runs now (the weekly scheduled check)."""
        target = await self._environment(env)
        found = await env_secrets(env, staging_secrets, production_secrets)
        host = compose_host.Host(target, found.need("SSH_KEY", None, "ci --event=schedule", False))
        gate = functools.partial(
            self._images_gated, target, locks=dag.directory(), db=db, db_repository=db_repository
        )
        return await watch.running_gated(host, found.get("REGISTRY_PASSWORD", None), gate)

    async def _bounded_load(self, env: Environment) -> str:
        """The load test of `env`'s URL at its bounds, its pages held to its smoke budget."""
        target = await self._environment(env)
        return await self.load_test(
            LoadTarget(env.value),
            users=load.ENV_MAX_USERS,
            duration=load.ENV_MAX_SECONDS,
            product_list_ms=target.smoke_p95_ms,
            product_page_ms=target.smoke_p95_ms,
        )

    async def _checked(self, suite: Suite, *, performance: bool) -> str:
        """The checks of `test`, then, when asked, the performance gates against main's."""
        tested = await self.test(suite)
        if not performance:
            return tested
        return f"{tested}\n{await self._performance(False, 'unknown')}"

    async def _performance(self, keep: bool, commit: str) -> str:
        """The load test, then Lighthouse (one at a time: each measures the machine).

        `keep`: the run is main's, its figures kept as the next runs' baselines.
        """
        gates: dict[str, Stage] = {
            "load-test": functools.partial(self.load_test, keep_baseline=keep, commit=commit),
            "lighthouse": functools.partial(self.lighthouse, keep_baseline=keep, commit=commit),
        }
        return await performance_flow.gates_passed(gates)

    async def _host(
        self,
        env: Environment,
        command: str,
        ssh_key: dagger.Secret | None,
        staging_secrets: dagger.Secret | None,
        production_secrets: dagger.Secret | None,
    ) -> tuple[environments.Target, compose_host.Host]:
        """`env` and its host, reached with the given key or the environment's SSH_KEY."""
        target = await self._environment(env)
        found = await env_secrets(env, staging_secrets, production_secrets)
        return target, compose_host.Host(target, found.need("SSH_KEY", ssh_key, command))

    async def _environment(self, env: Environment) -> environments.Target:
        """`env` as the repository's environments file describes it."""
        path = environments.ENVIRONMENTS_FILE
        if not await self.source.exists(path):
            raise PipelineError(
                f"The repository has no {path}: add one describing staging and production "
                "(see deploy/README.md)."
            )
        text = await self.source.file(path).contents()
        return environments.target(environments.parse(text, path), env.value)

    def _default_images(self, platform: list[str] | None) -> dict[str, dagger.Container]:
        """The images `build` makes with its default labels, by file name.

        Their packages depend only on the platform: they catalogue and scan as published.
        """
        platforms = checked_platforms(platform)
        labels = oci_labels("unknown", "unknown", "dev", EPOCH)
        return supply_chain.named_images(platforms, *self._image_variants(platforms, labels))

    async def _check_deployable(
        self, backends: list[dagger.Container], frontends: list[dagger.Container]
    ) -> None:
        """Each image from a Dockerfile has what the deploy needs.

        Checked on one platform's image: its config is the Dockerfile's on all.
        """
        profile = self._profile
        for part, found, variants in (
            ("backend", profile.backend.image, backends),
            ("frontend", profile.frontend.image, frontends),
        ):
            if found.value.kind == DOCKERFILE:
                await check_deployable(part, found.value.dockerfile, variants[0])

    def _image_variants(
        self, platforms: list[str], labels: dict[str, str]
    ) -> tuple[list[dagger.Container], list[dagger.Container]]:
        """The backend and frontend image of each platform, in order, labelled.

        Each from the built-in recipe or the repository's Dockerfile (see plan).
        """
        backends = images.backend_images(
            self._backend_app, self.python_version, platforms, self._served
        )
        frontends = images.frontend_images(self._frontend_app, self.node_version, platforms)
        return (
            [images.with_labels(image, labels) for image in backends],
            [images.with_labels(image, labels) for image in frontends],
        )

    @function
    def backend_env(self) -> dagger.Container:
        """The backend stage's container with PostgreSQL bound as db: chain `terminal`."""
        return backend.backend_env(self._backend_app, self.python_version, self.postgres_version)

    @function
    def frontend_env(self) -> dagger.Container:
        """The frontend stage's container with dependencies installed: chain `terminal`."""
        return frontend.frontend_env(self._frontend_app, self.node_version)

    @function
    def end_to_end_env(self) -> dagger.Container:
        """The Playwright container with the whole app bound as frontend: chain `terminal`."""
        return e2e.e2e_env(self._frontend_app, self._app_stack())


async def _taken(backup: dagger.File, environment: str) -> dagger.File:
    """`backup` once it exists; if taking it failed, say that nothing was migrated."""
    try:
        await backup.size()
    except dagger.ExecError as exc:
        raise PipelineError(
            f"The {environment} backup failed, so nothing was migrated: {failure_text(exc)}"
        ) from None
    return backup


def _gated(outcome: supply_chain.ScanOutcome, ignore_file: str) -> str:
    """The findings table when the vulnerability gate passed; otherwise it as the error."""
    if not outcome.result.passed:
        raise PipelineError(
            f"{outcome.table}\nThe vulnerability gate failed: upgrade the packages above, "
            f"or add an entry with a statement (and an expired_at date) to {ignore_file}."
        )
    return outcome.table


async def _pushed(pusher: dagger.Container, ref: str, variants: list[dagger.Container]) -> str:
    """Push `variants` as one multi-platform image to `ref`; return the digest reference.

    A push that met another export of the same blob is tried again (past_content_races).
    """
    try:
        return await past_content_races(lambda: pusher.publish(ref, platform_variants=variants))
    except dagger.ExecError as exc:
        message = f"Building the image for {ref} failed: {failure_text(exc)}"
        raise PipelineError(message) from None
    except dagger.QueryError as exc:
        reason = str(exc).strip().splitlines()[-1]
        raise PipelineError(
            f"Pushing {ref} failed ({reason}): check the registry address, that it is "
            "reachable, and the username and password."
        ) from None


def _output(container: dagger.Container) -> Stage:
    """A stage that is the output of `container`'s last command."""
    return functools.partial(output_of, container)


async def _flaky_specs(run: dagger.Container, workdir: str) -> str:
    """`flaky: N (specs)` from Playwright's JSON report, if the app's config writes one."""
    report = f"{workdir}/{playwright_report.REPORT_PATH}"
    if not await run.exists(report):
        return ""
    return playwright_report.flaky_note(await run.file(report).contents())


def _skipped(reason: str) -> Stage:
    """A stage that does not apply to the app: shown as skipped, with `reason`."""

    async def skip() -> str:
        raise StageSkipped(reason)

    return skip


def _stage(container: dagger.Container | None, reason: str | None) -> Stage:
    """The output of `container`, or a skipped stage (`reason`) when there is none."""
    return _output(container) if container is not None else _skipped(reason or "")


def _unless_skipped(reason: str | None, stage: Stage) -> Stage:
    """`stage`, or a skipped stage when there is a `reason` it does not apply."""
    return _skipped(reason) if reason else stage


async def _single(name: str, stage: Stage) -> str:
    """Run one stage; return its output and notes (or why it was skipped), or its failure."""
    (result,) = await run_stages({name: stage})
    require_passed(name, [result])
    if result.skipped:
        return f"{name}: skipped, {result.skipped}."
    return f"{result.output.rstrip()}\n{name}: {result.notes}" if result.notes else result.output


async def _stdout(container: dagger.Container, what: str) -> str:
    """The output of the last command; a failure is one sentence (a Django CommandError's)."""
    try:
        return await container.stdout()
    except dagger.ExecError as exc:
        reason = command_error(exc.stderr)
        raise PipelineError(reason or f"The {what} failed: {failure_text(exc)}") from None
