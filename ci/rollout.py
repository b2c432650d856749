"""What a release is on a deploy target: its id, Compose files, metadata and history.

Each release is a Compose project of its own with no published port; the environment's
proxy (a Compose project kept across releases) owns the public port and forwards to one
release's frontend over the environment's edge network. Plain data and text, no
containers: the host side is ci/scripts/deploy-host.sh.
"""

import json
import re
import shlex
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from ci.environments import Target
from ci.errors import PipelineError

BACKEND_PORT = 8000
FRONTEND_PORT = 8080
PROXY_PORT = 80
HOST_SCRIPT = "deploy-host.sh"
SECRETS_FILE = "secrets.env"
# The files of a release's directory that the host's proxy reads (deploy-host.sh switch).
PROXY_COMPOSE_FILE = "proxy.yaml"
PROXY_SITE_FILE = "proxy-site.conf"
UPSTREAM_FILE = "upstream.conf"
# The environment's accessories (deploy-host.sh starts them before each release).
ACCESSORIES_FILE = "accessories.yaml"
_DIGEST_REF = re.compile(r"^[a-z0-9.:/_-]+@sha256:[0-9a-f]{64}$")
_RELEASE_ID = re.compile(r"^[A-Za-z0-9._-]{1,80}$")
# The proxy's health check, as often as the images' own (their HEALTHCHECK, which the
# releases keep): deploy-host.sh runs each check itself every second while a container
# starts, Docker every 10 s afterwards (each costs the host a tenth of a CPU second).
PROXY_HEALTH = {"interval": "10s", "timeout": "4s", "retries": 3, "start_period": "30s"}
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
    # Migrations the linter found backward-incompatible, deployed anyway: "NAMES: REASON".
    allowed_breaking: str = ""


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
    """A release of the two images, its id made of the time (UTC, ms) and the commit."""
    now = datetime.now(UTC)
    short = re.sub(r"[^A-Za-z0-9]", "", commit)[:12] or "unknown"
    return Release(
        # To the millisecond: of two deploys started a second apart, the later one's id is
        # the greater (deploy-host.sh never deploys a release over a newer one).
        release=f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03}Z-{short}",
        environment=target.name,
        backend=checked_digest("backend", backend),
        frontend=checked_digest("frontend", frontend),
        commit=commit,
        by=by,
        created=now.isoformat(timespec="seconds"),
        backup_image=backup_image if target.backup_before_migrate else "",
    )


def private_name(release_id: str) -> str:
    """The host name of a release's frontend on the edge network (the private route)."""
    return "frontend-" + re.sub(r"[^a-z0-9-]", "-", release_id.lower())


def edge_network(target: Target) -> str:
    """The Docker network the proxy reaches every release's frontend on."""
    return f"{target.project}-edge"


def accessories_network(target: Target) -> dict[str, object]:
    """The external network the releases' backends and workers reach the accessories on."""
    return {"external": True, "name": f"{target.project}-accessories"}


def compose_file(target: Target, release: Release) -> str:
    """The Compose project of `release` (JSON, which Compose reads as YAML).

    Named after the environment and the release, so that two releases run side by side;
    the frontend publishes no port, the proxy reaches it as `private_name` on the edge.
    """
    private = private_name(release.release)
    hosts = [target.hostname, "localhost", "127.0.0.1", "backend", private]
    allowed = ",".join(dict.fromkeys(hosts))
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
        "restart": "unless-stopped",
        "logging": LOG_ROTATION,
    }
    frontend = {
        "image": release.frontend,
        "environment": {"BACKEND_URL": f"http://backend:{BACKEND_PORT}"},
        "networks": {"default": {}, "edge": {"aliases": [private]}},
        # Started once the backend is (its name resolves), not once it is healthy: both
        # turn healthy side by side, which saves a release a health check's wait (its
        # check asks its own server; the rollout still waits for both).
        "depends_on": {"backend": {"condition": "service_started"}},
        "restart": "unless-stopped",
        "logging": LOG_ROTATION,
    }
    # Workers: the backend's image and settings, their own command; ready once running
    # (the image's check asks an HTTP server a worker does not run).
    workers = {
        name: {**backend, "command": shlex.split(command), "healthcheck": {"disable": True}}
        for name, command in target.workers.items()
    }
    networks: dict[str, object] = {"edge": {"external": True, "name": edge_network(target)}}
    if target.accessories:
        networks["accessories"] = accessories_network(target)
        for service in (backend, *workers.values()):
            service["networks"] = ["default", "accessories"]
    project = {
        "name": project_name(target, release.release),
        "services": {"backend": backend, "frontend": frontend, **workers},
        "networks": networks,
    }
    return _json_file(project)


def accessories_file(target: Target) -> str:
    """The environment's accessories as one Compose project kept across releases.

    Compose recreates an accessory only when its definition here changed; its data lives
    in a named volume either way. The releases reach each one by its name.
    """
    services = {}
    for name, accessory in target.accessories.items():
        service: dict[str, object] = {
            "image": accessory.image,
            "volumes": [f"{name}-data:{accessory.volume}"],
            "networks": ["accessories"],
            "restart": "unless-stopped",
            "logging": LOG_ROTATION,
        }
        if accessory.command:
            service["command"] = shlex.split(accessory.command)
        if accessory.port:
            service["ports"] = [f"127.0.0.1:{accessory.port}:{accessory.port}"]
        services[name] = service
    project = {
        "name": f"{target.project}-accessories",
        "services": services,
        "volumes": {f"{name}-data": {} for name in target.accessories},
        "networks": {"accessories": accessories_network(target)},
    }
    return _json_file(project)


def project_name(target: Target, release_id: str) -> str:
    """The Compose project of one release: the environment's project and the release."""
    return f"{target.project}-{re.sub(r'[^a-z0-9_-]', '-', release_id.lower())}"


def proxy_compose_file(target: Target, image: str) -> str:
    """The environment's proxy: nginx on the public port, its config from ./conf on the host.

    The host writes conf/upstream.conf (which release gets the traffic) and reloads nginx:
    new connections go to the new release while the old workers finish theirs.
    """
    check = f"wget -q -O /dev/null http://127.0.0.1:{PROXY_PORT}/.proxy-health"
    proxy = {
        "image": image,
        "ports": [f"{target.http_port}:{PROXY_PORT}"],
        "volumes": ["./conf:/etc/nginx/conf.d:ro"],
        "networks": ["edge"],
        "healthcheck": {**PROXY_HEALTH, "test": ["CMD-SHELL", check]},
        "restart": "unless-stopped",
        "logging": LOG_ROTATION,
    }
    project = {
        "name": f"{target.project}-proxy",
        "services": {"proxy": proxy},
        "networks": {"edge": {"external": True, "name": edge_network(target)}},
    }
    return _json_file(project)


def proxy_site() -> str:
    """The proxy's server: everything to the release named in upstream.conf, Host kept."""
    return f"""# The environment's proxy (deploy-host.sh writes upstream.conf and reloads nginx).
server {{
    listen {PROXY_PORT};
    location = /.proxy-health {{
        access_log off;
        return 204;
    }}
    location / {{
        proxy_pass http://release;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
}}
"""


def upstream_file(release: Release) -> str:
    """The proxy's upstream when `release` gets the traffic."""
    return f"upstream release {{\n    server {private_name(release.release)}:{FRONTEND_PORT};\n}}\n"


def _json_file(content: object) -> str:
    """`content` as the host keeps it: JSON (which Compose reads as YAML), a key a line."""
    return json.dumps(content, indent=2) + "\n"


def release_file(release: Release) -> str:
    """The release's metadata as the host keeps it (release.json)."""
    return _json_file(asdict(release))


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
    allowed = [
        f"{release.release} was deployed despite breaking migrations {release.allowed_breaking}"
        for release in history.releases.values()
        if release.allowed_breaking
    ]
    return "\n".join(
        [*lines, "", *allowed, *held, *states, f"Running: {running}. Last events:", *events]
    )


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
