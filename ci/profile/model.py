"""The profile's types: each value is `Found`, with the file or setting that decided it."""

from dataclasses import asdict, dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DEFAULT = "default"  # the source of a value nothing in the repository decided


@dataclass(frozen=True)
class Found(Generic[T]):
    """A value of the profile and where it came from (a file, `pipeline.toml` or `default`)."""

    value: T
    source: str = DEFAULT


def overridden(config: dict[str, Any], key: str, found: Found[Any]) -> Found[Any]:
    """`found`, unless pipeline.toml's table `config` sets `key` (its lists as tuples)."""
    if key not in config:
        return found
    value = config[key]
    return Found(tuple(value) if isinstance(value, list) else value, "pipeline.toml")


@dataclass(frozen=True)
class PythonInstall:
    """How the backend's dependencies install, frozen to the repository's own lock.

    `manager`: pip, poetry, uv or pipenv. `files`: what the install reads (copied in
    before the source, relative to the backend). `hashed`: pip's locks carry hashes.
    """

    manager: str
    files: tuple[str, ...]
    hashed: bool = False


@dataclass(frozen=True)
class ImageSource:
    """How a part's release image is built: `kind` recipe, dockerfile or none.

    recipe: the pipeline's own (ci/stages/images.py). dockerfile: the repository's
    `dockerfile` built in `context` (both from the repository's root) up to stage
    `target` ("" the last). none: neither can build it. `reason`: why the recipe cannot
    apply ("" when it can).
    """

    kind: str = "recipe"
    dockerfile: str = ""
    context: str = ""
    target: str = ""
    reason: str = ""


@dataclass(frozen=True)
class BackendProfile:
    """The Django side: where it is, its settings, how it installs, tests and serves."""

    dir: Found[str]
    settings: Found[str]  # DJANGO_SETTINGS_MODULE the tests run with
    production_settings: Found[str]  # the one the WSGI/ASGI module names
    application: Found[str]  # e.g. printshop.wsgi:application
    server: Found[str]  # gunicorn, uvicorn or daphne
    python: Found[str]
    install: Found[PythonInstall]
    test_runner: Found[str]  # pytest or django (manage.py test)
    coverage: Found[bool]  # pytest-cov is installed (else coverage run)
    database_variables: Found[tuple[str, ...]]
    services: Found[tuple[str, ...]]  # besides PostgreSQL, e.g. redis
    linters: Found[tuple[str, ...]]
    migration_apps: Found[tuple[str, ...]] = field(default_factory=lambda: Found(()))
    test_env: Found[dict[str, str]] = field(default_factory=lambda: Found({}))
    image: Found[ImageSource] = field(default_factory=lambda: Found(ImageSource()))
    # What the end-to-end stack serves (ci/profile/served_app.py): the path that answers
    # when the backend is up ("" none: ready when its port answers), and the manage.py
    # command loading demo data (() none: nothing loaded).
    health_path: Found[str] = field(default_factory=lambda: Found(""))
    demo_data: Found[tuple[str, ...]] = field(default_factory=lambda: Found(()))
    # The load test's Locust scenario (a locustfile, from the root; "" none: skipped).
    load_scenario: Found[str] = field(default_factory=lambda: Found(""))

    @property
    def project(self) -> str:
        """The Django project package: the first part of the settings module."""
        return self.settings.value.split(".", 1)[0]


@dataclass(frozen=True)
class FrontendProfile:
    """The React side: package manager and lock, scripts, tools, build output, end-to-end."""

    dir: Found[str]
    package_manager: Found[str]  # npm, yarn or pnpm
    lock_dir: Found[str]  # where the lock file is: the frontend, or a workspace root
    node: Found[str]
    scripts: Found[dict[str, str]]  # lint, typecheck, test, build, e2e -> script name
    test_framework: Found[str]  # vitest, jest or "" (none found)
    linter: Found[str]  # eslint, biome or ""
    build_output: Found[str]
    end_to_end: Found[str]  # playwright, cypress or ""
    typescript: Found[bool] = field(default_factory=lambda: Found(False))
    install_flags: Found[tuple[str, ...]] = field(default_factory=lambda: Found(()))
    image: Found[ImageSource] = field(default_factory=lambda: Found(ImageSource()))
    coverage_dir: Found[str] = field(default_factory=lambda: Found("coverage"))


@dataclass(frozen=True)
class AppProfile:
    """What the app in the source is, for the stages to run."""

    backend: BackendProfile
    frontend: FrontendProfile
    config_file: str = ""  # pipeline.toml when the repository has one
    # pipeline.toml's [load-test] and [lighthouse] tables as written: the performance gates'
    # settings that `ci`, `release`, `load-test` and `lighthouse` start from.
    gate_settings: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def lock_files(self) -> tuple[str, str]:
        """The locks of what ships (scanned and catalogued as the source): Python's, npm's."""
        install = self.backend.install.value
        runtime = f"{self.backend.dir.value}/requirements.txt".lstrip("/")
        if install.manager == "pip":
            python = runtime if runtime in install.files else install.files[0]
        else:
            python = install.files[-1]
        return python, self.frontend.package_manager.source

    def as_dict(self) -> dict[str, Any]:
        """The profile as JSON-ready data: {"backend": {"dir": {"value", "source"}, ...}}."""
        return asdict(self)


def profile_of(data: dict[str, Any]) -> AppProfile:
    """The `AppProfile` that `AppProfile.as_dict` gave `data` (the pipeline's stored state)."""
    return AppProfile(
        backend=BackendProfile(**_founds(data["backend"])),
        frontend=FrontendProfile(**_founds(data["frontend"])),
        config_file=data["config_file"],
        gate_settings=data["gate_settings"],
    )


def _founds(values: dict[str, dict[str, Any]]) -> dict[str, Found[Any]]:
    return {name: Found(_typed(name, v["value"]), v["source"]) for name, v in values.items()}


def _typed(name: str, value: Any) -> Any:
    """JSON's lists back to tuples, and the install and image source back to their types."""
    if name == "install":
        return PythonInstall(value["manager"], tuple(value["files"]), value["hashed"])
    if name == "image":
        return ImageSource(**value)
    return tuple(value) if isinstance(value, list) else value
