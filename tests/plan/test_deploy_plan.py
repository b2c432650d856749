"""deploy's SSH commands, the smoke probe and the webhook as they plan their containers."""

from dagger import dag

from ci import rollout, versions
from ci.environments import SmokeSettings, Target
from ci.stages import notify, smoke, ssh
from ci.supply_chain import Registry
from ci.targets import AppSecrets, compose_host
from tests.support import plan

DIGEST = "sha256:" + "cd" * 32
TARGET = Target(
    name="staging",
    host="10.0.0.5",
    port=2222,
    user="deploy",
    host_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHKPdhN3",
    project="shop-staging",
    url="http://10.0.0.5:8080",
    http_port=8080,
    require_signature=False,
    backup_before_migrate=False,
)


def upload(canary: str) -> object:
    host = compose_host.Host(TARGET, dag.set_secret("ssh-key", f"key-{canary}"))
    app = AppSecrets(
        dag.set_secret("database-url", f"postgres://u:{canary}@db/shop"),
        dag.set_secret("secret-key", f"django-{canary}"),
    )
    login = Registry("registry.example.com", "ci", dag.set_secret("pw", canary))
    release = rollout.new_release(
        TARGET, f"r.example.com/b@{DIGEST}", f"r.example.com/f@{DIGEST}", "abc", "ci", ""
    )
    return compose_host.release_upload(host, release, app, login)


def test_every_deploy_secret_is_a_mounted_secret_file_never_a_value(canary: str) -> None:
    done = upload(canary)
    assert not [v for v in plan.values(done) if canary in str(v)]
    secrets = plan.named(done, "withMountedSecret")
    mounts = {c.args["path"]: c.args.get("mode", 0o400) for c in secrets}  # 0400: the default
    assert mounts == {
        f"{ssh.SECRETS_DIR}/ssh-key": 0o400,
        f"{ssh.SECRETS_DIR}/database-url": 0o400,
        f"{ssh.SECRETS_DIR}/secret-key": 0o400,
        f"{ssh.SECRETS_DIR}/registry-password": 0o400,
    }
    assert not plan.named(done, "withSecretVariable")
    (argv,) = plan.execs(done)
    script = argv[-1]
    assert "docker login --username ci --password-stdin registry.example.com" in script
    assert f"< {ssh.SECRETS_DIR}/registry-password" in script


def test_the_host_key_is_pinned_and_checked_strictly(canary: str) -> None:
    files = {c.args["path"]: c.args["contents"] for c in plan.named(upload(canary), "withNewFile")}
    assert files[f"{ssh.SSH_DIR}/known_hosts"] == f"[10.0.0.5]:2222 {TARGET.host_key}\n"
    config = files[f"{ssh.SSH_DIR}/config"]
    assert "StrictHostKeyChecking yes" in config
    assert "BatchMode yes" in config
    assert "Port 2222" in config


def test_the_key_is_copied_into_a_tmpfs_before_ssh_runs(canary: str) -> None:
    done = upload(canary)
    assert [c.args["path"] for c in plan.named(done, "withMountedTemp")] == [ssh.WORK_DIR]
    (argv,) = plan.execs(done)
    assert argv[:2] == ["sh", "-c"]
    assert argv[2].startswith(f"set -eu; umask 077; awk 1 {ssh.SECRETS_DIR}/ssh-key")
    assert plan.named(done, "from")[0].args["address"] == versions.ssh_client_image()


def test_each_call_runs_afresh() -> None:
    first = compose_host.Host(TARGET, dag.set_secret("k", "k")).client
    second = compose_host.Host(TARGET, dag.set_secret("k", "k")).client
    assert plan.env(first)["DEPLOY_RUN"] != plan.env(second)["DEPLOY_RUN"]


def test_the_smoke_probe_checks_the_release_within_the_budget() -> None:
    settings = SmokeSettings(requests=30, p95_ms=150)
    probe = smoke.smoke_probe("http://10.0.0.5:8080", "r1", settings, "3.13")
    (argv,) = plan.execs(probe)
    assert argv[1:] == [smoke.SMOKE_SCRIPT, "http://10.0.0.5:8080", *settings.probe_args("r1")]
    assert {"--release=r1", "--requests=30", "--p95-ms=150"} <= set(argv)
    assert plan.named(probe, "from")[0].args["address"] == versions.python_image("3.13")


def test_the_webhook_url_is_read_from_a_secret_file(canary: str) -> None:
    post = notify.webhook_post(dag.set_secret("hook", f"https://hooks.example.com/{canary}"), "hi")
    assert not [v for v in plan.values(post) if canary in str(v)]
    assert [c.args["path"] for c in plan.named(post, "withMountedSecret")] == [
        "/run/secrets/webhook"
    ]
    (argv,) = plan.execs(post)
    assert "--config" in argv[-1]


def test_smoke_env_is_the_smoke_stage_minus_its_command() -> None:
    env = smoke.smoke_env("3.13")
    probe = smoke.smoke_probe("http://x", "", SmokeSettings(), "3.13")
    assert [c.name for c in plan.calls(probe)][:-1] == [c.name for c in plan.calls(env)]
    assert not plan.execs(env)
