"""deploy, releases, rollback and smoke of staging through the CLI, on the deploy target.

The checkout's environments file points staging (with a worker and Redis) and production
at the target (tests/support/deploy_target.py); production's scenarios are in
test_deploy_production_cli.py, beside these. Three releases are published to the local
registry: v1, v2 (new labels, new digests) and v3, whose health check fails. Every secret
holds one canary, and no output of any command may show it. While a deploy or a rollback
changes what runs, a request loop on the published port (loopback) must get only 200s:
each release starts beside the running one behind the environment's proxy.
"""

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import deploy_target, postgres
from tests.support.dagger_cli import DaggerCli, readable
from tests.support.deploy_target import (
    Deployment,
    Releases,
    Site,
    events,
    healthy_release,
    history_lines,
    on_target,
    release_containers,
    running_images,
    served_without_a_failure,
    target_facts,
)
from tests.support.process import REPO
from tests.support.traffic import RequestLoop, SlowRequestAtSwitch, health

pytestmark = pytest.mark.cli
RELEASE_ID = re.compile(r"\d{8}T\d{9}Z-v\d")
UNHEALTHY_VIEW = (
    '        return Response({"status": "ok", "database": "ok", "release": release})',
    '        return Response({"status": "broken"}, status=503)',
)
# The test's copy of the app has a slow page (the reference app has none): a request to it
# in flight when the proxy switches must complete on the release that took it.
SLOW_PAGE, SLOW_SECONDS = "/api/slow/", 3
SLOW_WSGI = f'''"""WSGI entry point, with a slow page for the deploy tests (test_deploy_cli.py)."""

import os
import time
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "printshop.settings")

django_application = get_wsgi_application()
SLOW_PAGE, SLOW_SECONDS = "{SLOW_PAGE}", {SLOW_SECONDS}


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """The app; SLOW_PAGE answers as /api/health/ does, SLOW_SECONDS later."""
    if environ.get("PATH_INFO") == SLOW_PAGE:
        time.sleep(SLOW_SECONDS)
        environ["PATH_INFO"] = "/api/health/"
    return django_application(environ, start_response)
'''
# Long enough for a deploy to wait for another one's (the test of a held lock shortens it).
LOCK_TIMEOUT = 120
# Staging's services: a worker on the backend image (rolled with each release) that exits
# when it cannot reach the accessory (and at once when stopped: it is PID 1), and Redis,
# an accessory kept across releases.
PINGER = (
    'python -c "import signal, socket, time; signal.signal(signal.SIGTERM, lambda *_: exit());'
    " [socket.create_connection(('redis', 6379), 2).close() or time.sleep(2)"
    ' for _ in iter(int, 1)]"'
)
SERVICES = f"""
[staging.workers]
pinger = '''{PINGER}'''

[staging.accessories.redis]
image = "redis:8"
volume = "/data"
"""


# Staging runs here; production is named only to be refused before the host is touched.
SITES = {"staging": Site("cli-staging", 18080), "production": Site("cli-staging-production", 18082)}
STAGING = SITES["staging"].directory
# A page the smoke test reads only because the environments file names it.
SMOKE_PATH = "/api/products/?from=environments-file"
OPTIONS = {
    **deploy_target.OPTIONS,
    "lock_timeout": str(LOCK_TIMEOUT),
    "drain_seconds": str(SLOW_SECONDS + 1),
    "smoke_paths": f'["/api/products/", "/", "{SMOKE_PATH}"]',
}


@pytest.fixture(scope="module")
def deployment(
    dagger_cli: DaggerCli,
    database_server: postgres.Server,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployment]:
    """A checkout aimed at the target, a deploy key it accepts, v1, v2 and v3 published."""
    views = "app/backend/store/views.py"
    slow = {"app/backend/printshop/wsgi.py": SLOW_WSGI}
    unhealthy = {views: (REPO / views).read_text().replace(*UNHEALTHY_VIEW)}
    releases = Releases(
        SITES,
        deploy_target.environments(target_facts(), SITES, OPTIONS, SERVICES),
        {"v1": slow, "v2": slow, "v3": unhealthy},
        "cli-deploy",
    )
    yield from deploy_target.deployment(
        dagger_cli, database_server, tmp_path_factory.mktemp("deploy"), releases
    )


def loop() -> RequestLoop:
    """20 requests a second on staging's published port, each given 2 s."""
    return deploy_target.loop(SITES["staging"].port)


def container_env(project: str, service: str) -> list[str]:
    """The environment of the running release's container of `service` (values may be secrets)."""
    (container,) = [
        cid for cid, (_, _, name) in release_containers(project).items() if name == service
    ]
    env = on_target("docker", "inspect", "--format", "{{json .Config.Env}}", container)
    return list(json.loads(env))


def accessory_container(project: str, name: str) -> str:
    """The id of the environment `project`'s accessory container `name`."""
    labels = [f"com.docker.compose.project={project}-accessories"]
    labels.append(f"com.docker.compose.service={name}")
    (container,) = on_target(
        "docker",
        "ps",
        "-q",
        "--no-trunc",
        *(arg for label in labels for arg in ("--filter", f"label={label}")),
    ).split()
    return container


def worker_image(project: str) -> str:
    """The image the environment's running worker `pinger` was started from."""
    (image,) = [
        image for image, _, name in release_containers(project).values() if name == "pinger"
    ]
    return image


def test_deploy_roll_back_on_failure_and_by_hand(deployment: Deployment) -> None:
    first = deployment.deploy("staging", "v1")
    assert first.returncode == 0, readable(first.stderr)[-4000:]
    assert "PASS  health" in first.stdout
    assert running_images("cli-staging") == set(deployment.images["v1"])
    # The worker runs the release's backend image; Redis runs beside, kept by what follows.
    assert worker_image("cli-staging") == deployment.images["v1"][0]
    redis = accessory_container("cli-staging", "redis")

    # v2 goes out with a rotated SECRET_KEY; the rollback to v1 below must keep it. A
    # slow request started when v2 is ready, just before the switch, completes on v1.
    rotated = f"rotated-{deployment.canary}-" + "r" * 50
    staging = STAGING
    recorded = len(history_lines(staging))

    def reached(event: str) -> bool:
        return any(
            e["release"].endswith("-v2") for e in events(history_lines(staging)[recorded:], event)
        )

    slow = SlowRequestAtSwitch(
        f"http://127.0.0.1:{SITES['staging'].port}{SLOW_PAGE}",
        lambda: reached("ready"),
        lambda: reached("switched"),
    )
    with loop() as traffic, slow:
        second = deployment.deploy("staging", "v2", extra={"SECRET_KEY": rotated})
    assert second.returncode == 0, readable(second.stderr)[-4000:]
    assert running_images("cli-staging") == set(deployment.images["v2"])
    served_without_a_failure(traffic, "v1", "v2")
    assert worker_image("cli-staging") == deployment.images["v2"][0]
    assert accessory_container("cli-staging", "redis") == redis, "a deploy recreated Redis"
    assert re.search(r"PASS  health\s+/api/health/ ok, release \S+-v2", second.stdout), (
        second.stdout
    )
    assert "Smoke test of http://frontend-" in second.stdout  # the private route, then ...
    assert f"Smoke test of http://{target_facts().host}:{SITES['staging'].port}:" in second.stdout
    assert slow.answer is not None, "the slow request never started"
    assert (slow.answer.status, slow.answer.release[-2:]) == (200, "v1"), slow.answer
    assert slow.answer.seconds >= SLOW_SECONDS
    assert slow.switched_before_answer, "the slow request was not in flight at the switch"

    # v3 never turns healthy: it never gets a request, v2 serves throughout.
    with loop() as traffic:
        third = deployment.deploy("staging", "v3")
    assert third.returncode != 0
    assert "did not turn healthy" in third.stderr
    assert "never received a public request; the previous release still serves" in third.stderr
    assert running_images("cli-staging") == set(deployment.images["v2"])
    served_without_a_failure(traffic, "v2")

    listed = deployment.call(f"releases --env=staging --ssh-key=file://{deployment.key}")
    assert listed.returncode == 0, readable(listed.stderr)[-4000:]
    table = listed.stdout.split("\n\n")[0].splitlines()[1:]
    running = {RELEASE_ID.search(line).group(): line.startswith("*") for line in table}  # type: ignore[union-attr]
    assert sorted(release[-2:] for release in running) == ["v1", "v2", "v3"]
    assert [release[-2:] for release, is_running in running.items() if is_running] == ["v2"]
    v1 = next(release for release in running if release.endswith("-v1"))
    v2 = next(release for release in running if release.endswith("-v2"))
    assert (
        f"Containers of {v2}: backend running (healthy), frontend running (healthy), "
        "pinger running, proxy running (healthy)." in listed.stdout
    ), listed.stdout

    with loop() as traffic:
        back = deployment.call(
            f"rollback --env=staging --to={v1} --ssh-key=file://{deployment.key}"
        )
    assert back.returncode == 0, readable(back.stderr)[-4000:]
    assert running_images("cli-staging") == set(deployment.images["v1"])
    served_without_a_failure(traffic, "v2", "v1")
    assert worker_image("cli-staging") == deployment.images["v1"][0]
    assert accessory_container("cli-staging", "redis") == redis, "a rollback recreated Redis"
    assert f"SECRET_KEY={rotated}" in container_env("cli-staging", "backend")

    smoke = deployment.call(f"smoke --env=staging --release={v1}")
    assert smoke.returncode == 0, readable(smoke.stderr)[-4000:]
    assert "FAIL" not in smoke.stdout
    assert re.search(rf"PASS  {re.escape(SMOKE_PATH)}\s+HTTP 200", smoke.stdout), smoke.stdout


def test_a_host_key_other_than_the_pinned_one_is_refused(deployment: Deployment) -> None:
    pinned = deployment.checkout / "deploy/environments.toml"
    original = pinned.read_text()
    stranger = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHKPdhN3ZsWGsA52GZTFr/TAs1xw8CYHgZrfoJCAOsMb"
    pinned.write_text(original.replace(target_facts().host_key, stranger))
    try:
        listed = deployment.call(f"releases --env=staging --ssh-key=file://{deployment.key}")
    finally:
        pinned.write_text(original)
    assert listed.returncode != 0
    assert "is not the one pinned in deploy/environments.toml" in listed.stderr


def test_an_unreachable_host_and_registry_are_one_sentence_each(deployment: Deployment) -> None:
    pinned = deployment.checkout / "deploy/environments.toml"
    original = pinned.read_text()
    target = target_facts()
    pinned.write_text(original.replace(f"port = {target.port}", "port = 2299", 1))
    try:
        unreachable = deployment.call(f"releases --env=staging --ssh-key=file://{deployment.key}")
    finally:
        pinned.write_text(original)
    assert unreachable.returncode != 0
    assert f"Cannot reach deploy@{target.host}:2299 over SSH" in unreachable.stderr

    before = running_images("cli-staging")
    backend, frontend = (
        ref.replace(ref.split("/", 1)[0], f"{target.host}:5999", 1)
        for ref in deployment.images["v2"]
    )
    gone = deployment.call(
        f"deploy --env=staging --backend-image={backend} --frontend-image={frontend} "
        f"--ssh-key=file://{deployment.key} --database-url=env://DATABASE_URL "
        "--secret-key=env://SECRET_KEY --commit=v9"
    )
    assert gone.returncode != 0
    assert "could not be prepared on staging" in gone.stderr
    assert "the running release was not touched" in gone.stderr
    assert running_images("cli-staging") == before


def test_a_deploy_cut_off_midway_leaves_one_release_running(
    deployment: Deployment, tmp_path: Path
) -> None:
    # Another release runs (v1: the first test rolled back to it by hand); v2 is cut off
    # on its way in, so the release that runs afterwards tells which one won.
    assert running_images("cli-staging") != set(deployment.images["v2"])
    releases = STAGING
    before = set(releases.glob("deploy.*.log"))
    recorded = len(history_lines(releases))
    output = tmp_path / "cut-off.out"
    with output.open("w") as sink:
        cut = subprocess.Popen(
            ["bash", "-c", f"dagger call {deployment.deploy_command('staging', 'v2')}"],
            cwd=deployment.checkout,
            env=deployment.cli.environment(deployment.variables()),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            # The rollout has begun on the host, under its lock: it has recorded its start
            # (its log file exists a moment earlier, before the lock is taken).
            for _ in range(600):
                if events(history_lines(releases)[recorded:], "started"):
                    break
                time.sleep(0.5)
            else:
                pytest.fail("the deploy never reached the host")
        finally:
            os.killpg(cut.pid, signal.SIGKILL)
            at_kill = history_lines(releases)[recorded:]
            cut.wait()
    deployment.shows_no_secret(output.read_text(), "the deploy cut off")
    (started,) = events(at_kill, "started")
    assert started["release"].endswith("-v2"), started
    assert not events(at_kill, "deployed"), f"the rollout had ended before the kill: {at_kill}"
    # The rollout goes on without its connection; the lock is free once it has ended.
    on_target("flock", str(releases / "lock"), "true")
    # Its log stays when nothing was left to stream it to: the connection was cut.
    assert set(releases.glob("deploy.*.log")) - before
    after = [json.loads(line) for line in history_lines(releases)[recorded:]]
    assert [e["event"] for e in after if e["release"] == started["release"]] == [
        "started",
        "ready",
        "switched",
        "deployed",
    ]
    assert (releases / "current").resolve().name == started["release"]
    assert running_images("cli-staging") == set(deployment.images["v2"])

    # Two deploys at once: the later one (started once the earlier one has made its
    # release, so that its id is the greater) runs at the end, whichever reaches the
    # host's lock first, and neither undoes the other (an older release waiting for the
    # lock is not deployed over a newer one).
    sent = set((releases / "releases").iterdir())
    with (tmp_path / "earlier.out").open("w") as sink:
        earlier = subprocess.Popen(
            ["bash", "-c", f"dagger call {deployment.deploy_command('staging', 'v2')}"],
            cwd=deployment.checkout,
            env=deployment.cli.environment(deployment.variables()),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        for _ in range(600):
            if set((releases / "releases").iterdir()) - sent:
                break
            time.sleep(0.1)
        time.sleep(1)
        later = deployment.deploy("staging", "v1")
        earlier.wait()
    assert later.returncode == 0, readable(later.stderr)[-4000:]
    first = (tmp_path / "earlier.out").read_text()
    deployment.shows_no_secret(first, "the earlier of two deploys")
    assert earlier.returncode == 0 or "a release made after this one already runs there" in first
    assert (releases / "current").resolve().name.endswith("-v1")
    assert running_images("cli-staging") == set(deployment.images["v1"])


def test_a_release_failing_its_smoke_test_is_rolled_back(
    deployment: Deployment, database_server: postgres.Server
) -> None:
    # A release whose /api/products/ answers 500 and whose health check passes: v2 on a
    # database where every migration is recorded as applied but the product table is
    # gone (so the host's migrate step does nothing, and SELECT 1 answers).
    assert running_images("cli-staging") == set(deployment.images["v1"])
    name = f"no_products_{os.urandom(3).hex()}"
    url = database_server.database(name, password=deployment.canary)
    on_target(
        "docker", "run", "--rm", "--add-host=host.docker.internal:host-gateway",
        "-e", f"DATABASE_URL={url}", "-e", f"SECRET_KEY={deployment.secrets['SECRET_KEY']}",
        deployment.images["v2"][0], "python", "manage.py", "migrate", "--noinput",
    )  # fmt: skip
    database_server.sql("DROP TABLE store_product CASCADE", database=name)
    releases = STAGING
    previous = (releases / "current").resolve().name

    with loop() as traffic:
        broken = deployment.deploy("staging", "v2", extra={"DATABASE_URL": url})
    assert broken.returncode != 0, broken.stdout[-4000:]
    error = readable(broken.stderr)
    failed = re.search(
        r"Release (\S+-v2) failed its smoke test on staging through the private route", error
    )
    assert failed, error[-4000:]
    assert "so it never received a public request; the previous release still serves" in error
    assert "PASS  health" in error, error[-4000:]
    assert re.search(r"FAIL  /api/products/\s+HTTP 500", error), error[-4000:]
    assert (releases / "current").resolve().name == previous
    assert running_images("cli-staging") == set(deployment.images["v1"])
    served_without_a_failure(traffic, "v1")
    last = [json.loads(line) for line in history_lines(releases) if '"pruned"' not in line][-1]
    assert (last["event"], last["release"], last["detail"]) == (
        "smoke-failed",
        failed[1],
        "private",
    )


def test_a_call_waits_for_the_hosts_lock_a_bounded_time_and_names_its_holder(
    deployment: Deployment,
) -> None:
    staging = STAGING
    running = (staging / "current").resolve().name
    on_target("sh", "-c", f"echo 'deploy r-elsewhere (pid 1) since noon' > {staging}/lock.holder")
    # In a session of its own: killing its group ends flock and sleep too, freeing the lock.
    holder = subprocess.Popen(
        ["runuser", "-u", "deploy", "--", "flock", str(staging / "lock"), "sleep", "120"],
        start_new_session=True,
    )
    try:
        while (
            subprocess.run(
                ["runuser", "-u", "deploy", "--", "flock", "-n", str(staging / "lock"), "true"],
                check=False,
            ).returncode
            == 0
        ):
            time.sleep(0.2)
        listed = deployment.call(f"releases --env=staging --ssh-key=file://{deployment.key}")
        assert "Lock held by deploy r-elsewhere (pid 1) since noon." in listed.stdout
        settings = deployment.checkout / "deploy/environments.toml"
        original = settings.read_text()
        settings.write_text(original.replace(f"lock_timeout = {LOCK_TIMEOUT}", "lock_timeout = 8"))
        try:
            back = deployment.call(f"rollback --env=staging --ssh-key=file://{deployment.key}")
        finally:
            settings.write_text(original)
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
        on_target("sh", "-c", f": > {staging}/lock.holder")
    assert back.returncode != 0
    error = readable(back.stderr)
    assert "Nothing was rolled back: another deploy or rollback on staging" in error, error
    assert "held the lock for 8s (deploy-host: the lock is held by deploy r-elsewhere" in error
    assert (staging / "current").resolve().name == running


def test_the_host_keeps_only_the_releases_it_may_need(deployment: Deployment) -> None:
    # keep_releases = 2: after the deploys above the host keeps the newest two, the running
    # one and the one a rollback returns to; the others went with their secrets files and
    # backups, and the images no kept release names (v3's backend) with them.
    staging = STAGING
    kept = {path.name for path in (staging / "releases").iterdir()}
    assert (staging / "current").resolve().name in kept
    assert 2 <= len(kept) <= 4, kept
    pruned = {entry["release"] for entry in events(history_lines(staging), "pruned")}
    assert pruned, "nothing was pruned"
    assert not pruned & kept
    assert any(release.endswith("-v3") for release in pruned), pruned
    v3_backend = deployment.images["v3"][0]
    inspected = subprocess.run(
        ["runuser", "-u", "deploy", "--", "docker", "image", "inspect", v3_backend],
        capture_output=True,
        check=False,
    )
    assert inspected.returncode != 0, f"{v3_backend} is still on the host"
    # A container Docker no longer runs: releases says so, and its advice starts it again.
    current = (staging / "current").resolve().name
    (frontend,) = [
        cid
        for cid, (_, _, service) in release_containers("cli-staging").items()
        if service == "frontend"
    ]
    (proxy,) = on_target("docker", "ps", "-q", "--filter", "name=cli-staging-proxy-").split()
    on_target("docker", "stop", frontend, proxy)
    listed = deployment.call(f"releases --env=staging --ssh-key=file://{deployment.key}")
    assert re.search(
        r"frontend exited[^.]*, proxy exited[^.]*\. Not all running: `rollback --to ", listed.stdout
    ), listed.stdout
    again = deployment.call(
        f"rollback --env=staging --to={current} --ssh-key=file://{deployment.key}"
    )
    assert again.returncode == 0, readable(again.stderr)[-4000:]
    # The next command starts again what should run, and says so.
    assert f"deploy-host: reconciled {current} started again: frontend proxy" in again.stdout
    assert health(f"http://127.0.0.1:{SITES['staging'].port}/api/health/", 5).release == current
    ids = list(release_containers("cli-staging"))
    assert len(ids) == 3, ids  # backend, frontend, the worker
    ids += [proxy, accessory_container("cli-staging", "redis")]
    logs = on_target("docker", "inspect", "--format", "{{json .HostConfig.LogConfig}}", *ids)
    for line in logs.splitlines():
        assert json.loads(line) == {
            "Type": "json-file",
            "Config": {"max-file": "3", "max-size": "10m"},
        }
    # Docker runs the health checks every 10 s (deploy-host.sh checks every second only
    # while a container starts); the worker has none, nor does Redis (its image's).
    service = '{{index .Config.Labels "com.docker.compose.service"}}'
    check = (
        '{{with .Config.Healthcheck}}{{if ne (index .Test 0) "NONE"}} {{.Interval}}{{end}}'
        " {{index .Test 0}}{{end}}"
    )
    checks = on_target("docker", "inspect", "--format", service + check, *ids)
    assert dict(line.partition(" ")[::2] for line in checks.splitlines()) == {
        "backend": "10s CMD",
        "frontend": "10s CMD",
        "pinger": "NONE",
        "proxy": "10s CMD-SHELL",
        "redis": "",
    }, checks


@pytest.mark.usefixtures("stopping_docker")
def test_a_docker_restart_on_the_host_brings_the_current_release_back(
    deployment: Deployment,
) -> None:
    """As at a reboot: the host's Docker stops, the containers with it, and starts again.
    The release that ran serves again by its restart policy, before any command is run:
    the same containers, healthy, answering on the published port."""
    before = release_containers("cli-staging")
    assert before, "no release runs on staging"
    pid = Path("/run/pipeline-target/dockerd.pid")
    stopped = pid.read_text()
    restart = subprocess.run(
        [REPO / "tools/deploy-target/restart-docker"], capture_output=True, text=True
    )
    assert restart.returncode == 0, restart.stderr
    assert pid.read_text() != stopped, "dockerd was not restarted"
    assert healthy_release("cli-staging", within=120) == before
    answer = health(f"http://127.0.0.1:{SITES['staging'].port}/api/health/", timeout=5)
    assert answer.status == 200, answer
    listed = deployment.call(f"releases --env=staging --ssh-key=file://{deployment.key}")
    assert listed.returncode == 0, readable(listed.stderr)[-4000:]
    shown = r"Containers of \S+: backend running \(healthy\), frontend running \(healthy\)"
    assert re.search(shown, listed.stdout), listed.stdout
    assert "Not all running" not in listed.stdout, listed.stdout
