"""The deployment environments, read from the repository's environments file.

The file (deploy/environments.toml, documented in deploy/README.md) has one table per
environment. Every mistake in it is one sentence naming the file, the table and the key.
"""

import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from urllib.parse import urlsplit

from ci.errors import PipelineError
from ci.publishing import registry_host

ENVIRONMENTS_FILE = "deploy/environments.toml"
REQUIRED = ("staging", "production")
# Compose's own rule for project names; they also name a directory on the host.
_PROJECT = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_USER = re.compile(r"^[a-z_][a-z0-9_-]*$")
_HOST = re.compile(r"^[A-Za-z0-9.:-]+$")
# A worker's or an accessory's name: a Compose service name that is also a host name.
_SERVICE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_RELEASE_SERVICES = ("backend", "frontend")


@dataclass(frozen=True)
class Accessory:
    """A service kept across releases (Redis, ...): an image whose data lives in a volume."""

    image: str
    volume: str  # the container path kept in a named volume across recreations
    command: str = ""  # run instead of the image's command (split like a shell would)
    port: int = 0  # also published on the host's loopback, 127.0.0.1:PORT -> PORT


@dataclass(frozen=True)
class SmokeSettings:
    """What the smoke test reads on an environment's URL, and its latency budget."""

    health_path: str = "/api/health/"
    health_release: bool = True  # the health answer names the release: {"release": ID}
    paths: tuple[str, ...] = ("/api/products/", "/")  # each must answer 200
    requests: int = 40  # GETs of the first path, four at a time
    p95_ms: int = 200

    def probe_args(self, release: str) -> list[str]:
        """The smoke probe's options (ci/scripts/smoke_probe.py) for `release`."""
        health = [f"--release={release}"] if self.health_release else ["--no-health-release"]
        return [
            f"--health-path={self.health_path}",
            *health,
            *(f"--path={path}" for path in self.paths),
            f"--requests={self.requests}",
            f"--p95-ms={self.p95_ms}",
        ]


@dataclass(frozen=True)
class Target:
    """One environment: the host that runs it, how to reach it, and its policy."""

    name: str
    host: str
    user: str
    host_key: str
    project: str
    url: str
    http_port: int
    require_signature: bool
    backup_before_migrate: bool
    port: int = 22
    signing_key: str = ""
    require_scan: bool = False
    # Lint the migrations new since the running release (django-migration-linter) first.
    refuse_breaking_migrations: bool = False
    platform: str = "linux/amd64"
    health_timeout: int = 180
    keep_releases: int = 5
    lock_timeout: int = 600
    pull_timeout: int = 600
    drain_seconds: int = 10  # the old release serves its requests in flight this long
    health_path: str = SmokeSettings.health_path
    health_release: bool = SmokeSettings.health_release
    smoke_paths: tuple[str, ...] = SmokeSettings.paths
    smoke_p95_ms: int = SmokeSettings.p95_ms
    smoke_requests: int = SmokeSettings.requests
    registry: str = ""  # where `deploy` without images publishes this checkout's
    registry_username: str = ""
    insecure_registry: bool = False  # a plain-HTTP registry (cosign's and the pushes')
    offline: bool = False  # cosign without transparency logs (no Sigstore access)
    # name -> command on the backend image, run beside each release and rolled with it.
    workers: dict[str, str] = field(default_factory=dict)
    # name -> a service of the environment kept across releases.
    accessories: dict[str, Accessory] = field(default_factory=dict)

    @property
    def smoke(self) -> SmokeSettings:
        """What the smoke test reads on this environment, and its budget."""
        return SmokeSettings(
            self.health_path,
            self.health_release,
            self.smoke_paths,
            self.smoke_requests,
            self.smoke_p95_ms,
        )

    @property
    def host_limits(self) -> str:
        """KEEP:LOCK_WAIT:PULL_TIMEOUT:DRAIN, as the host script (deploy-host.sh) takes them."""
        limits = (self.keep_releases, self.lock_timeout, self.pull_timeout, self.drain_seconds)
        return ":".join(map(str, limits))

    @property
    def directory(self) -> str:
        """Where the releases live on the host, relative to the user's home."""
        return f"deployments/{self.project}"

    @property
    def hostname(self) -> str:
        """The public URL's host name (Django's ALLOWED_HOSTS)."""
        return urlsplit(self.url).hostname or ""

    @property
    def https(self) -> bool:
        """Whether users reach it over HTTPS (a TLS proxy in front of the frontend)."""
        return urlsplit(self.url).scheme == "https"


_FIELDS = {f.name: f for f in fields(Target) if f.name != "name"}
_OPTIONAL = {
    name for name, f in _FIELDS.items() if (f.default, f.default_factory) != (MISSING, MISSING)
}
_PATHS = tuple[str, ...]
_KINDS: dict[object, str] = {
    str: "a string",
    int: "a whole number",
    bool: "true or false",
    _PATHS: "a list of strings",
    dict[str, str]: 'a table of commands, NAME = "COMMAND"',
    dict[str, Accessory]: "a table of tables, [ENV.accessories.NAME] with image and volume",
}
_ACCESSORY_FIELDS = {f.name: f for f in fields(Accessory)}


def parse(text: str, path: str = ENVIRONMENTS_FILE) -> dict[str, Target]:
    """Every environment of the file `text`; one sentence for the first mistake."""
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"{path} is not valid TOML ({exc}): fix that line.") from None
    missing = [name for name in REQUIRED if name not in tables]
    if missing:
        raise PipelineError(f"{path} has no [{missing[0]}] table: add one (see deploy/README.md).")
    return {name: _target(name, values, path) for name, values in tables.items()}


def _target(name: str, values: object, path: str) -> Target:
    """One table of the file as a Target, each key checked."""
    if not isinstance(values, dict):
        raise PipelineError(f"{path}: {name!r} must be a table, [{name}], not a single value.")
    known = ", ".join(_FIELDS)
    for key in values:
        if key not in _FIELDS:
            raise PipelineError(f"{path}: unknown key {key!r} in [{name}]: the keys are {known}.")
    for key in _FIELDS:
        if key not in values and key not in _OPTIONAL:
            raise PipelineError(f"{path}: [{name}] is missing {key!r} (see deploy/README.md).")
    for key, value in values.items():
        expected = _FIELDS[key].type
        if not _is_a(value, expected):
            raise PipelineError(
                f"{path}: {key!r} in [{name}] must be {_KINDS[expected]}, not {value!r}."
            )
    lists = {key: tuple(value) for key, value in values.items() if isinstance(value, list)}
    accessories = {
        service: _accessory(f"[{name}.accessories.{service}]", table, path)
        for service, table in values.get("accessories", {}).items()
    }
    target = Target(name=name, **{**values, **lists, "accessories": accessories})
    _check(target, path)
    return target


def _is_a(value: object, kind: object) -> bool:
    """Whether a TOML value is of a field's kind (lists of strings, tables of tables)."""
    if kind == _PATHS:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind == dict[str, str]:
        return isinstance(value, dict) and all(isinstance(item, str) for item in value.values())
    if kind == dict[str, Accessory]:
        return isinstance(value, dict) and all(isinstance(item, dict) for item in value.values())
    return type(value) is kind


def _accessory(where: str, values: dict[str, object], path: str) -> Accessory:
    """One accessory's table as an Accessory, each key checked."""
    known = ", ".join(_ACCESSORY_FIELDS)
    for key, value in values.items():
        if key not in _ACCESSORY_FIELDS:
            raise PipelineError(f"{path}: unknown key {key!r} in {where}: the keys are {known}.")
        expected = _ACCESSORY_FIELDS[key].type
        if type(value) is not expected:
            raise PipelineError(
                f"{path}: {key!r} in {where} must be {_KINDS[expected]}, not {value!r}."
            )
    for key in ("image", "volume"):
        if key not in values:
            raise PipelineError(f"{path}: {where} is missing {key!r} (see deploy/README.md).")
    accessory = Accessory(**values)  # type: ignore[arg-type]
    if not accessory.volume.startswith("/"):
        raise PipelineError(
            f"{path}: {where} volume must be the path in the container, like /data."
        )
    if not 0 <= accessory.port < 65536:
        raise PipelineError(f"{path}: {where} port must be a TCP port, 1 to 65535.")
    return accessory


def _check(target: Target, path: str) -> None:
    """The rules between keys: a URL with a host, a key to verify with, a pinned host key."""
    where = f"{path}: [{target.name}]"
    checked_url(target.url, f"{where} url")
    for key, pattern, rule in (
        ("project", _PROJECT, "lowercase letters, digits, - and _ (Compose's rule)"),
        ("user", _USER, "a Unix user name"),
        ("host", _HOST, "a host name or an address"),
    ):
        if not pattern.match(getattr(target, key)):
            raise PipelineError(f"{where} {key} {getattr(target, key)!r} must be {rule}.")
    if target.platform not in ("linux/amd64", "linux/arm64"):
        raise PipelineError(f"{where} platform must be linux/amd64 or linux/arm64.")
    if target.registry:
        registry_host(target.registry, f"{where} registry")
    if target.require_signature and not target.signing_key:
        raise PipelineError(f"{where} requires a signature: set signing_key to a cosign.pub.")
    if target.keep_releases < 2:
        raise PipelineError(
            f"{where} keep_releases must be 2 or more: the running release and the one a "
            "failed deploy returns to."
        )
    for key in ("health_timeout", "lock_timeout", "pull_timeout"):
        if getattr(target, key) < 1:
            raise PipelineError(f"{where} {key} must be a number of seconds, 1 or more.")
    if target.drain_seconds < 0:
        raise PipelineError(f"{where} drain_seconds must be a number of seconds, 0 or more.")
    paths = [target.health_path, *target.smoke_paths]
    if not target.smoke_paths or not all(p.startswith("/") for p in paths):
        raise PipelineError(
            f"{where} health_path and smoke_paths must be paths starting with /, like "
            "/api/health/, and smoke_paths must name at least one."
        )
    names = [*target.workers, *target.accessories]
    for service in names:
        if not _SERVICE.match(service) or service in _RELEASE_SERVICES or names.count(service) > 1:
            raise PipelineError(
                f"{where} worker or accessory name {service!r} must be lowercase letters, digits "
                "and -, start with a letter, and be neither backend, frontend nor another's name."
            )
    if len(target.host_key.split()) != 2:
        raise PipelineError(
            f"{where} host_key must be 'TYPE BASE64' as `ssh-keyscan HOST` prints it."
        )


def checked_url(url: str, what: str) -> str:
    """`url` if it is an http(s) URL with a host; otherwise one sentence naming `what`."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [IPv6 address
        usable = False
    if not usable:
        raise PipelineError(f"{what} {url!r} must be an http(s) URL with a host.")
    return url


def target(targets: dict[str, Target], name: str) -> Target:
    """The environment `name`; an unknown name lists the known ones."""
    try:
        return targets[name.lower()]
    except KeyError:
        known = ", ".join(targets)
        raise PipelineError(f"Unknown environment {name!r}: use one of {known}.") from None
