import ast
import json
import re
import time
from datetime import datetime, tzinfo

import pytest

from ci import rollout
from ci.environments import Accessory, Target
from ci.errors import PipelineError
from tests.support.process import REPO

DIGEST = "sha256:" + "ab" * 32
BACKEND = f"registry.example.com/shop/backend@{DIGEST}"
FRONTEND = f"registry.example.com/shop/frontend@{DIGEST}"
TARGET = Target(
    name="production",
    host="10.0.0.5",
    user="deploy",
    host_key="ssh-ed25519 AAAA",
    project="shop",
    url="https://shop.example.com",
    http_port=8081,
    require_signature=True,
    backup_before_migrate=True,
    signing_key="deploy/cosign.pub",
)


def release() -> rollout.Release:
    return rollout.new_release(TARGET, BACKEND, FRONTEND, "0123456789abcdef", "ci", "postgres:17")


def test_release_id_is_time_and_short_commit() -> None:
    made = release()
    assert made.release.endswith("Z-0123456789ab")
    assert rollout.checked_release_id(made.release) == made.release
    assert made.backup_image == "postgres:17"


def test_release_id_is_to_the_millisecond(monkeypatch: pytest.MonkeyPatch) -> None:
    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> "Clock":
            return cls(2026, 12, 3, 4, 5, 6, 500000, tzinfo=tz)

    monkeypatch.setattr(rollout, "datetime", Clock)
    assert release().release == "20261203T040506500Z-0123456789ab"


def test_staging_without_backups_names_no_backup_image() -> None:
    staging = Target(**{**TARGET.__dict__, "backup_before_migrate": False})
    made = rollout.new_release(staging, BACKEND, FRONTEND, "abc", "ci", "postgres:17")
    assert made.backup_image == ""


@pytest.mark.parametrize(
    "reference",
    ["registry.example.com/shop/backend:1.2.3", "backend@sha256:abc", "", "x@sha256:" + "A" * 64],
)
def test_only_digest_references_are_deployed(reference: str) -> None:
    with pytest.raises(PipelineError, match="is not a digest reference"):
        rollout.new_release(TARGET, reference, FRONTEND, "abc", "ci", "")


@pytest.mark.parametrize("bad", ["../etc", "a b", "x;rm", ""])
def test_release_ids_cannot_escape_the_releases_directory(bad: str) -> None:
    with pytest.raises(PipelineError, match="is not a release id"):
        rollout.checked_release_id(bad)


def test_compose_file_runs_the_digests_with_secrets_from_the_env_file() -> None:
    made = release()
    project = json.loads(rollout.compose_file(TARGET, made))
    backend, frontend = project["services"]["backend"], project["services"]["frontend"]
    # A project per release, so that the new one starts beside the running one.
    assert project["name"] == "shop-" + made.release.lower()
    assert (backend["image"], frontend["image"]) == (BACKEND, FRONTEND)
    assert backend["env_file"] == ["secrets.env"]
    assert backend["environment"]["RELEASE"] == made.release
    assert backend["environment"]["ALLOWED_HOSTS"].split(",")[0] == "shop.example.com"
    assert "DATABASE_URL" not in backend["environment"]
    assert "SECRET_KEY" not in backend["environment"]
    # No published port: the proxy owns it and reaches the frontend on the edge network.
    assert "ports" not in frontend
    private = rollout.private_name(made.release)
    assert frontend["networks"] == {"default": {}, "edge": {"aliases": [private]}}
    assert project["networks"] == {"edge": {"external": True, "name": "shop-edge"}}
    assert frontend["depends_on"] == {"backend": {"condition": "service_started"}}


@pytest.mark.parametrize(
    ("release_id", "project", "private"),
    [
        (
            "20261203T020000Z-0123456789ab",
            "shop-20261203t020000z-0123456789ab",
            "frontend-20261203t020000z-0123456789ab",
        ),
        ("r1.2_x", "shop-r1-2_x", "frontend-r1-2-x"),
    ],
)
def test_release_names_follow_compose_and_host_name_rules(
    release_id: str, project: str, private: str
) -> None:
    assert rollout.project_name(TARGET, release_id) == project
    assert rollout.private_name(release_id) == private


def test_the_proxy_owns_the_public_port_and_forwards_to_the_named_release() -> None:
    proxy = json.loads(rollout.proxy_compose_file(TARGET, "nginx:1.29-alpine-slim"))
    assert proxy["name"] == "shop-proxy"
    service = proxy["services"]["proxy"]
    assert service["ports"] == [f"8081:{rollout.PROXY_PORT}"]
    assert service["networks"] == ["edge"]
    assert service["volumes"] == ["./conf:/etc/nginx/conf.d:ro"]
    assert proxy["networks"] == {"edge": {"external": True, "name": "shop-edge"}}
    check = f"wget -q -O /dev/null http://127.0.0.1:{rollout.PROXY_PORT}/.proxy-health"
    # Docker checks it as often as the images check themselves: the rollout waits for it
    # with checks of its own (deploy-host.sh), so Docker need not check every second.
    assert service["healthcheck"] == {
        "test": ["CMD-SHELL", check],
        "interval": "10s",
        "timeout": "4s",
        "retries": 3,
        "start_period": "30s",
    }
    site = rollout.proxy_site()
    assert "location = /.proxy-health {" in site
    assert f"listen {rollout.PROXY_PORT};" in site
    assert "proxy_pass http://release;" in site
    assert "proxy_set_header Host $http_host;" in site  # Django checks the public name
    made = release()
    upstream = rollout.upstream_file(made)
    assert upstream.startswith("upstream release {")
    assert f"server {rollout.private_name(made.release)}:{rollout.FRONTEND_PORT};" in upstream


def test_the_backend_accepts_its_private_route() -> None:
    made = release()
    backend = json.loads(rollout.compose_file(TARGET, made))["services"]["backend"]
    assert rollout.private_name(made.release) in backend["environment"]["ALLOWED_HOSTS"].split(",")


def test_history_round_trip_and_table_marks_the_running_release() -> None:
    first, second = release(), rollout.Release(**{**release().__dict__, "release": "r2"})
    output = "\n".join(
        [
            f"current {first.release}",
            'history {"time": "t1", "event": "deployed", "release": "r2", "detail": ""}',
            f'history {{"time": "t2", "event": "rolled-back", "release": "{first.release}", '
            '"detail": "from r2"}',
            "release " + rollout.release_file(first).replace("\n", ""),
            "release " + rollout.release_file(second).replace("\n", ""),
        ]
    )
    history = rollout.parsed_history(output)
    assert history.current == first.release
    assert set(history.releases) == {first.release, "r2"}
    table = rollout.releases_table(history)
    marked = [line for line in table.splitlines() if line.startswith("*")]
    assert len(marked) == 1
    assert first.release in marked[0]
    assert f"Running: {first.release}." in table
    assert "rolled-back" in table


def test_empty_host_has_no_running_release() -> None:
    table = rollout.releases_table(rollout.parsed_history("current \n"))
    assert "Running: none." in table


def test_a_release_says_where_it_runs_and_when_in_utc() -> None:
    made = release()
    assert made.environment == "production"
    assert made.created.endswith("+00:00")
    assert made.release.startswith(made.created[:10].replace("-", ""))


@pytest.mark.parametrize(
    ("commit", "suffix"),
    [
        ("Fix/ABC-12_x", "-FixABC12x"),
        ("0123456789abcdef0123", "-0123456789ab"),
        ("-/-", "-unknown"),
    ],
)
def test_the_release_id_keeps_the_commits_letters_and_digits(commit: str, suffix: str) -> None:
    made = rollout.new_release(TARGET, BACKEND, FRONTEND, commit, "ci", "")
    assert made.release.endswith("Z" + suffix)
    assert rollout.checked_release_id(made.release) == made.release


@pytest.mark.parametrize(
    ("backend", "frontend", "kind"), [("x:1", FRONTEND, "backend"), (BACKEND, "y:2", "frontend")]
)
def test_a_tag_instead_of_a_digest_is_named_by_its_image(
    backend: str, frontend: str, kind: str
) -> None:
    with pytest.raises(PipelineError) as caught:
        rollout.new_release(TARGET, backend, frontend, "abc", "ci", "")
    reference = backend if kind == "backend" else frontend
    assert str(caught.value) == (
        f"The {kind} image {reference!r} is not a digest reference: pass REPO@sha256:... "
        "as `publish` prints it (a tag can change under a deployed release)."
    )


APP = REPO / "app"
# Compose's own values for `restart`; a policy that survives the host's reboot.
RESTARTS_AFTER_REBOOT = {"always", "unless-stopped"}
# The keys of a Compose service this project uses; Compose refuses a key it does not know.
COMPOSE_SERVICE_KEYS = {
    "image",
    "env_file",
    "environment",
    "extra_hosts",
    "healthcheck",
    "restart",
    "ports",
    "networks",
    "volumes",
    "depends_on",
    "logging",
}


def app_booleans() -> tuple[set[str], set[str]]:
    """The words the backend's settings read as true and as false (any case)."""
    env = (APP / "backend/printshop/env.py").read_text()
    words = [
        ast.literal_eval(re.search(rf"^{name} = frozenset\((.*)\)$", env, re.M).group(1))  # type: ignore[union-attr]
        for name in ("TRUE_VALUES", "FALSE_VALUES")
    ]
    return set(words[0]), set(words[1])


@pytest.mark.parametrize("kind", ["release", "proxy"])
def test_compose_services_use_only_keys_and_values_compose_knows(kind: str) -> None:
    text = (
        rollout.compose_file(TARGET, release())
        if kind == "release"
        else rollout.proxy_compose_file(TARGET, "nginx")
    )
    project = json.loads(text)
    for name, service in project["services"].items():
        assert set(service) <= COMPOSE_SERVICE_KEYS, name
        assert service["restart"] in RESTARTS_AFTER_REBOOT, name


def test_the_release_keeps_its_images_health_checks() -> None:
    """Docker runs the images' own checks every 10 s: a check every second, for as long as
    a release runs, would cost the host a tenth of a CPU second each (deploy-host.sh
    checks every second itself while a release starts)."""
    services = json.loads(rollout.compose_file(TARGET, release()))["services"]
    assert "healthcheck" not in services["backend"]
    assert "healthcheck" not in services["frontend"]


def test_the_backend_gets_settings_the_app_reads_with_values_it_accepts() -> None:
    backend = json.loads(rollout.compose_file(TARGET, release()))["services"]["backend"]
    settings = (APP / "backend/printshop/settings.py").read_text()
    read = set(re.findall(r'os\.environ\.get\("(\w+)"', settings))
    assert set(backend["environment"]) <= read
    _true, false = app_booleans()
    # TLS ends at the proxy in front: no redirect to https, and never Django's debug pages.
    assert backend["environment"]["SECURE_SSL_REDIRECT"].lower() in false
    assert backend["environment"]["DEBUG"].lower() in false


def test_the_backend_accepts_the_public_host_local_probes_and_the_frontends_proxy() -> None:
    made = release()
    backend = json.loads(rollout.compose_file(TARGET, made))["services"]["backend"]
    # Django compares host names without regard to case.
    allowed = {host.lower() for host in backend["environment"]["ALLOWED_HOSTS"].split(",")}
    private = rollout.private_name(made.release)
    assert allowed == {"shop.example.com", "localhost", "127.0.0.1", "backend", private}
    (extra,) = backend["extra_hosts"]
    name, target = extra.split(":")
    assert (name.lower(), target) == ("host.docker.internal", "host-gateway")


def test_the_frontend_proxies_to_the_backend_through_its_template() -> None:
    frontend = json.loads(rollout.compose_file(TARGET, release()))["services"]["frontend"]
    template = (APP / "frontend/nginx/default.conf.template").read_text()
    for key in frontend["environment"]:
        assert f"${{{key}}}" in template
    assert frontend["environment"]["BACKEND_URL"] == f"http://backend:{rollout.BACKEND_PORT}"


def deployed(release_id: str, created: str, commit: str, digest: str) -> rollout.Release:
    backend = f"registry.example.com/shop/backend@sha256:{digest * 32}"
    return rollout.Release(release_id, "staging", backend, FRONTEND, commit, "ci", created)


def host_output(current: str, events: list[dict[str, str]], *releases: rollout.Release) -> str:
    lines = [f"current {current}"] if current else []
    lines += [f"history {json.dumps(event)}" for event in events]
    lines += ["release " + json.dumps(r.__dict__) for r in releases]
    return "\n".join(lines)


def test_releases_table_lists_the_newest_first_with_short_commits_and_digests() -> None:
    older = deployed("r1", "2026-01-01T00:00:00+00:00", "fedcba9876543210", "cd")
    newer = deployed("r2", "2026-02-01T00:00:00+00:00", "0123456789abcdef", "ab")
    events = [
        {"time": "t1", "event": "deployed", "release": "r1", "detail": ""},
        {"time": "t2", "event": "rolled-back", "release": "r1", "detail": "from r2"},
        {"time": "t3", "event": "pruned", "release": "r0"},
    ]
    table = rollout.releases_table(rollout.parsed_history(host_output("r1", events, older, newer)))
    assert [line.rstrip() for line in table.splitlines()] == [
        "   RELEASE  COMMIT        BY  CREATED                    BACKEND",
        "   r2       0123456789ab  ci  2026-02-01T00:00:00+00:00  sha256:abababababab",
        "*  r1       fedcba987654  ci  2026-01-01T00:00:00+00:00  sha256:cdcdcdcdcdcd",
        "",
        "Running: r1. Last events:",
        "t1  deployed     r1",
        "t2  rolled-back  r1  from r2",
        "t3  pruned       r0",
    ]
    assert table.splitlines()[-3] == "t1  deployed     r1"


def test_releases_table_shows_the_last_ten_events() -> None:
    events = [{"time": f"t{i:02}", "event": "deployed", "release": "r"} for i in range(12)]
    table = rollout.releases_table(rollout.parsed_history(host_output("", events)))
    assert [line.split()[0] for line in table.splitlines()[3:]] == [
        f"t{i:02}" for i in range(2, 12)
    ]
    assert "Running: none. Last events:" in table


def test_every_container_log_is_rotated() -> None:
    project = json.loads(rollout.compose_file(TARGET, release()))
    for name, service in project["services"].items():
        logging = service["logging"]
        assert logging["driver"] == "json-file", name
        size = logging["options"]["max-size"]
        megabytes = int(size.removesuffix("m"))
        assert size.endswith("m")
        assert megabytes * int(logging["options"]["max-file"]) <= 100


def test_the_table_names_who_holds_the_hosts_lock() -> None:
    output = host_output("r1", []) + "\nlock deploy r2 (pid 42) since 2026-12-02T10:00:00Z"
    history = rollout.parsed_history(output)
    assert history.lock == "deploy r2 (pid 42) since 2026-12-02T10:00:00Z"
    lines = rollout.releases_table(history).splitlines()
    assert lines[-2:] == [
        "Lock held by deploy r2 (pid 42) since 2026-12-02T10:00:00Z.",
        "Running: r1. Last events:",
    ]
    assert not rollout.parsed_history(host_output("r1", [])).lock


def test_the_table_says_what_docker_runs_of_the_current_release() -> None:
    output = host_output("r1", []) + (
        "\ncontainer backend running healthy\ncontainer frontend running healthy"
    )
    lines = rollout.releases_table(rollout.parsed_history(output)).splitlines()
    assert lines[-2] == ("Containers of r1: backend running (healthy), frontend running (healthy).")


def test_a_current_release_not_all_running_says_how_to_start_it_again() -> None:
    output = host_output("r1", []) + "\ncontainer frontend exited\ncontainer backend running"
    history = rollout.parsed_history(output)
    assert history.containers == {"frontend": ("exited", ""), "backend": ("running", "")}
    assert rollout.releases_table(history).splitlines()[-2] == (
        "Containers of r1: backend running, frontend exited. Not all running: "
        "`rollback --to r1` starts them again."
    )


SERVICES = Target(
    **{
        **TARGET.__dict__,
        "workers": {"celery": "celery -A printshop worker --concurrency='2'"},
        "accessories": {
            "redis": Accessory("redis:8", "/data", "redis-server --appendonly yes", 6379),
            "search": Accessory("search:1", "/var/lib/search"),
        },
    }
)


def test_workers_run_the_backend_image_and_settings_with_their_command() -> None:
    made = release()
    services = json.loads(rollout.compose_file(SERVICES, made))["services"]
    backend, worker = services["backend"], services["celery"]
    assert worker["image"] == BACKEND
    assert worker["command"] == ["celery", "-A", "printshop", "worker", "--concurrency=2"]
    assert worker["env_file"] == ["secrets.env"]  # the secrets, never in the file
    assert worker["environment"] == backend["environment"]
    # Ready once it runs: the image's check asks an HTTP server a worker does not run.
    assert worker["healthcheck"] == {"disable": True}
    assert worker["networks"] == backend["networks"] == ["default", "accessories"]


def test_accessories_are_one_project_kept_across_releases() -> None:
    project = json.loads(rollout.accessories_file(SERVICES))
    assert project["name"] == "shop-accessories"
    redis, search = project["services"]["redis"], project["services"]["search"]
    assert redis["image"] == "redis:8"
    assert redis["volumes"] == ["redis-data:/data"]
    assert redis["command"] == ["redis-server", "--appendonly", "yes"]
    assert redis["ports"] == ["127.0.0.1:6379:6379"]  # the host's loopback only
    assert "command" not in search
    assert "ports" not in search
    assert set(project["volumes"]) == {"redis-data", "search-data"}
    assert project["networks"]["accessories"] == {"external": True, "name": "shop-accessories"}
    assert redis["networks"] == search["networks"] == list(project["networks"])
    release_networks = json.loads(rollout.compose_file(SERVICES, release()))["networks"]
    assert release_networks["accessories"] == project["networks"]["accessories"]
    for name, service in project["services"].items():
        assert set(service) <= COMPOSE_SERVICE_KEYS | {"command"}, name
        assert service["restart"] in RESTARTS_AFTER_REBOOT, name


def test_without_accessories_the_release_joins_no_accessories_network() -> None:
    project = json.loads(rollout.compose_file(TARGET, release()))
    assert "accessories" not in project["networks"]
    assert "networks" not in project["services"]["backend"]


def test_the_host_reads_the_files_a_key_a_line() -> None:
    # deploy-host.sh reads each image reference and release field with sed, line by line.
    made = release()
    compose = rollout.compose_file(SERVICES, made).splitlines()
    assert sum('"image": ' in line for line in compose) == 3  # backend, frontend, worker
    meta = rollout.release_file(made).splitlines()
    assert [line.strip() for line in meta if '"backend": ' in line] == [f'"backend": "{BACKEND}",']


def test_a_release_made_later_has_the_greater_id() -> None:
    # deploy-host.sh compares ids as text: of two deploys at once, the later one wins.
    first = release()
    time.sleep(0.002)
    second = release()
    assert re.fullmatch(r"\d{8}T\d{9}Z-0123456789ab", first.release)
    assert second.release > first.release


def test_the_table_names_the_releases_deployed_despite_breaking_migrations() -> None:
    allowed = rollout.Release(
        **{**deployed("r2", "t", "c", "ab").__dict__, "allowed_breaking": "store.0003_x: why"}
    )
    history = rollout.parsed_history(host_output("r2", [], deployed("r1", "t", "c", "cd"), allowed))
    lines = rollout.releases_table(history).splitlines()
    assert "r2 was deployed despite breaking migrations store.0003_x: why" in lines
    assert sum("despite" in line for line in lines) == 1
