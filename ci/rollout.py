"""What a release is on a deploy target: its id, Compose file, metadata and history.

Plain data and text, no containers: the host side is ci/scripts/deploy-host.sh.
"""

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from ci.environments import Target
from ci.errors import PipelineError

BACKEND_PORT = 8000
FRONTEND_PORT = 8080
HOST_SCRIPT = "deploy-host.sh"
SECRETS_FILE = "secrets.env"
_DIGEST_REF = re.compile(r"^[a-z0-9.:/_-]+@sha256:[0-9a-f]{64}$")
_RELEASE_ID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
# Compose checks the images' own health commands more often than the images do (10 s):
# a rollout waits for each service's first check, and Docker before 25 (Debian's 20.10)
# has no faster start_interval. Unhealthy after 30 s of start plus 5 failures in a row.
_HEALTH = {"interval": "2s", "timeout": "4s", "retries": 5, "start_period": "30s"}
# Docker keeps every container's log whole unless told otherwise: 3 files of 10 MB each.
LOG_ROTATION = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}


@dataclass(frozen=True)
class Release:
    """One deployment: what runs (image digests), built from what, by whom, when."""

    release: str
    environment: str
    backend: str
    frontend: str
    commit: str
    by: str
    created: str
    backup_image: str = ""


def checked_digest(kind: str, reference: str) -> str:
    """`reference` if it names an image by digest (REPO@sha256:...), else one sentence."""
    if not _DIGEST_REF.match(reference):
        raise PipelineError(
            f"The {kind} image {reference!r} is not a digest reference: pass REPO@sha256:... "
            "as `publish` prints it (a tag can change under a deployed release)."
        )
    return reference


def checked_release_id(release: str) -> str:
    """`release` if it can name a release on the host (letters, digits, . _ -)."""
    if not _RELEASE_ID.match(release):
        raise PipelineError(
            f"{release!r} is not a release id: use one `releases` lists (letters, digits, . _ -)."
        )
    return release


def new_release(
    target: Target, backend: str, frontend: str, commit: str, by: str, backup_image: str
) -> Release:
    """A release of the two images, its id made of the time and the commit."""
    now = datetime.now(UTC)
    short = re.sub(r"[^A-Za-z0-9]", "", commit)[:12] or "unknown"
    return Release(
        release=f"{now:%Y%m%dT%H%M%SZ}-{short}",
        environment=target.name,
        backend=checked_digest("backend", backend),
        frontend=checked_digest("frontend", frontend),
        commit=commit,
        by=by,
        created=now.isoformat(timespec="seconds"),
        backup_image=backup_image if target.backup_before_migrate else "",
    )


def compose_file(target: Target, release: Release) -> str:
    """The Compose project of `release` (JSON, which Compose reads as YAML)."""
    allowed = ",".join(dict.fromkeys([target.hostname, "localhost", "127.0.0.1", "backend"]))
    backend = {
        "image": release.backend,
        "env_file": [SECRETS_FILE],
        "environment": {
            "DEBUG": "false",
            "RELEASE": release.release,
            "ALLOWED_HOSTS": allowed,
            # TLS ends at the proxy in front of the frontend, which redirects to https.
            "SECURE_SSL_REDIRECT": "false",
        },
        "extra_hosts": ["host.docker.internal:host-gateway"],
        "healthcheck": _HEALTH,
        "restart": "unless-stopped",
        "logging": LOG_ROTATION,
    }
    frontend = {
        "image": release.frontend,
        "environment": {"BACKEND_URL": f"http://backend:{BACKEND_PORT}"},
        "ports": [f"{target.http_port}:{FRONTEND_PORT}"],
        "depends_on": {"backend": {"condition": "service_healthy"}},
        "healthcheck": _HEALTH,
        "restart": "unless-stopped",
        "logging": LOG_ROTATION,
    }
    project = {"name": target.project, "services": {"backend": backend, "frontend": frontend}}
    return json.dumps(project, indent=2) + "\n"


def release_file(release: Release) -> str:
    """The release's metadata as the host keeps it (release.json)."""
    return json.dumps(asdict(release), indent=2) + "\n"


@dataclass(frozen=True)
class History:
    """What `deploy-host releases` reports: the current release, events, every release."""

    current: str
    events: list[dict[str, str]]
    releases: dict[str, Release]
    lock: str = ""  # who holds the host's lock now ("" when nobody does)
    # The current release's containers as Docker sees them: service -> (state, health).
    containers: dict[str, tuple[str, str]] = field(default_factory=dict)


def parsed_history(output: str) -> History:
    """The host's `releases` output as data."""
    current, lock, events, releases = "", "", [], {}
    containers: dict[str, tuple[str, str]] = {}
    for line in output.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "current":
            current = rest.strip()
        elif kind == "lock":
            lock = rest.strip()
        elif kind == "container":
            service, state, health = [*rest.split(), ""][:3]
            containers[service] = (state, health)
        elif kind == "history":
            events.append(json.loads(rest))
        elif kind == "release":
            meta = json.loads(rest)
            releases[meta["release"]] = Release(**meta)
    return History(current, events, releases, lock, containers)


def releases_table(history: History) -> str:
    """Every release, newest first, the running one marked, then the last events."""
    rows = [("", "RELEASE", "COMMIT", "BY", "CREATED", "BACKEND")]
    for release in sorted(history.releases.values(), key=lambda r: r.created, reverse=True):
        mark = "*" if release.release == history.current else ""
        digest = release.backend.rsplit("@", 1)[-1][:19]
        commit = release.commit[:12]
        rows.append((mark, release.release, commit, release.by, release.created, digest))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    events = [
        f"{e['time']}  {e['event']:<11}  {e['release']}  {e.get('detail', '')}".rstrip()
        for e in history.events[-10:]
    ]
    running = history.current or "none"
    held = [f"Lock held by {history.lock}."] if history.lock else []
    states = _containers_line(history)
    return "\n".join([*lines, "", *held, *states, f"Running: {running}. Last events:", *events])


def _containers_line(history: History) -> list[str]:
    """What Docker runs of the current release, and what to do when it is not all running."""
    if not history.containers:
        return []
    shown = ", ".join(
        f"{service} {state}" + (f" ({health})" if health else "")
        for service, (state, health) in sorted(history.containers.items())
    )
    line = f"Containers of {history.current}: {shown}."
    if any(state != "running" for state, _ in history.containers.values()):
        line += f" Not all running: `rollback --to {history.current}` starts them again."
    return [line]
