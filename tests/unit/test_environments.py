import tomllib
from pathlib import Path

import pytest

from ci.choices import Environment
from ci.environments import ENVIRONMENTS_FILE, Accessory, SmokeSettings, parse, target
from ci.errors import PipelineError

COMMITTED = (Path(__file__).parents[2] / ENVIRONMENTS_FILE).read_text()
STAGING = """
[staging]
host = "10.0.0.5"
user = "deploy"
host_key = "ssh-ed25519 AAAAC3Nza"
project = "shop-staging"
url = "http://10.0.0.5:8080"
http_port = 8080
require_signature = false
backup_before_migrate = false
"""
PRODUCTION = STAGING.replace("[staging]", "[production]")


def error(text: str) -> str:
    with pytest.raises(PipelineError) as caught:
        parse(text)
    return str(caught.value)


def test_the_committed_file_defines_every_cli_choice() -> None:
    targets = parse(COMMITTED)
    assert {e.value for e in Environment} <= set(targets)


def test_only_production_is_backed_up_and_needs_a_signature() -> None:
    targets = parse(COMMITTED)
    assert targets["production"].backup_before_migrate
    assert targets["production"].require_signature
    assert not targets["staging"].backup_before_migrate
    assert not targets["staging"].require_signature


def test_optional_keys_take_their_defaults() -> None:
    staging = parse(STAGING + PRODUCTION)["staging"]
    assert (staging.port, staging.smoke_p95_ms, staging.directory) == (
        22,
        200,
        "deployments/shop-staging",
    )
    assert (staging.hostname, staging.https) == ("10.0.0.5", False)


def test_unknown_key_is_named_with_the_known_ones() -> None:
    message = error(STAGING.replace('user = "deploy"', 'usr = "deploy"') + PRODUCTION)
    assert message.startswith(f"{ENVIRONMENTS_FILE}: unknown key 'usr' in [staging]: the keys are")


def test_missing_key_is_named() -> None:
    message = error(STAGING + PRODUCTION.replace('project = "shop-staging"\n', ""))
    assert (
        message == f"{ENVIRONMENTS_FILE}: [production] is missing 'project' (see deploy/README.md)."
    )


def test_missing_environment_is_named() -> None:
    assert "has no [production] table" in error(STAGING)


def test_wrong_type_is_named() -> None:
    message = error(STAGING.replace("http_port = 8080", 'http_port = "8080"') + PRODUCTION)
    assert (
        message
        == f"{ENVIRONMENTS_FILE}: 'http_port' in [staging] must be a whole number, not '8080'."
    )


def test_signature_without_a_key_is_refused() -> None:
    text = STAGING + PRODUCTION.replace("require_signature = false", "require_signature = true")
    assert "requires a signature: set signing_key" in error(text)


def test_url_and_host_key_are_checked() -> None:
    assert "must be an http(s) URL" in error(STAGING.replace("http://", "ftp://") + PRODUCTION)
    assert "host_key must be 'TYPE BASE64'" in error(
        STAGING.replace("ssh-ed25519 AAAAC3Nza", "AAAAC3Nza") + PRODUCTION
    )


def test_invalid_toml_is_one_sentence() -> None:
    assert error("[staging\n").startswith(f"{ENVIRONMENTS_FILE} is not valid TOML")


def test_unknown_environment_lists_the_known_ones() -> None:
    with pytest.raises(PipelineError) as caught:
        target(parse(COMMITTED), "qa")
    assert str(caught.value) == "Unknown environment 'qa': use one of staging, production."


def test_production_is_gated_on_vulnerabilities_and_staging_is_not() -> None:
    targets = parse(COMMITTED)
    assert targets["production"].require_scan
    assert not targets["staging"].require_scan
    assert targets["staging"].platform == "linux/amd64"


def test_an_unknown_platform_is_refused() -> None:
    text = STAGING.replace("http_port = 8080", 'http_port = 8080\nplatform = "linux/s390x"')
    assert "platform must be linux/amd64 or linux/arm64" in error(text + PRODUCTION)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('project = "shop-staging"', 'project = "shop; rm -rf ~"', "project"),
        ('user = "deploy"', 'user = "deploy\\nProxyCommand x"', "user"),
        ('host = "10.0.0.5"', 'host = "10.0.0.5 -oProxyCommand=x"', "host"),
    ],
)
def test_names_that_reach_a_shell_or_ssh_config_are_checked(old: str, new: str, key: str) -> None:
    assert f"[staging] {key} " in error(STAGING.replace(old, new) + PRODUCTION)


def test_an_environment_is_found_in_any_case() -> None:
    targets = parse(COMMITTED)
    assert target(targets, "Production") is targets["production"]
    assert target(targets, "staging") is targets["staging"]


def test_an_environment_that_is_no_table_is_one_sentence() -> None:
    assert error("staging = 1\n" + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: 'staging' must be a table, [staging], not a single value."
    )


def test_the_keys_an_unknown_key_message_lists_are_the_ones_the_file_takes() -> None:
    message = error(STAGING.replace('user = "deploy"', 'usr = "deploy"') + PRODUCTION)
    keys = message.split("the keys are ")[1].removesuffix(".").split(", ")
    assert {"host", "user", "host_key", "project", "url", "http_port", "platform"} <= set(keys)
    optional = {
        "port": 2222,
        "signing_key": '"deploy/cosign.pub"',
        "require_scan": "true",
        "refuse_breaking_migrations": "true",
        "platform": '"linux/arm64"',
        "health_timeout": 60,
        "smoke_p95_ms": 500,
        "smoke_requests": 10,
        "keep_releases": 3,
        "lock_timeout": 30,
        "pull_timeout": 120,
        "drain_seconds": 0,
        "health_path": '"/healthz"',
        "health_release": "false",
        "smoke_paths": '["/api/v1/items/", "/"]',
        "registry": '"ghcr.io/acme/shop"',
        "registry_username": '"ci"',
        "insecure_registry": "true",
        "offline": "true",
    }
    tables = {"workers", "accessories"}  # SERVICES below shows them
    for key in keys:
        if key in tables:
            assert f"[staging.{key}" in SERVICES
        elif key in optional:
            staging = parse(STAGING + f"{key} = {optional[key]}\n" + PRODUCTION)["staging"]
            value = tomllib.loads(f"v = {optional[key]}")["v"]
            assert getattr(staging, key) == (tuple(value) if isinstance(value, list) else value)
        else:
            assert f"{key} = " in STAGING


def test_a_registry_that_is_no_repository_prefix_is_one_sentence() -> None:
    text = STAGING + 'registry = "GHCR.io"\n' + PRODUCTION
    assert error(text) == (
        f"{ENVIRONMENTS_FILE}: [staging] registry 'GHCR.io' is not a registry and repository "
        "prefix: give host/path in lower case, e.g. ghcr.io/acme/printshop (images go to "
        ".../backend and .../frontend)."
    )


def test_an_arm64_host_is_accepted() -> None:
    text = STAGING.replace("http_port = 8080", 'http_port = 8080\nplatform = "linux/arm64"')
    assert parse(text + PRODUCTION)["staging"].platform == "linux/arm64"


@pytest.mark.parametrize(
    ("old", "new", "sentence"),
    [
        (
            'project = "shop-staging"',
            'project = "Shop"',
            "project 'Shop' must be lowercase letters, digits, - and _ (Compose's rule).",
        ),
        ('user = "deploy"', 'user = "Deploy"', "user 'Deploy' must be a Unix user name."),
        ('host = "10.0.0.5"', 'host = "a b"', "host 'a b' must be a host name or an address."),
        (
            'url = "http://10.0.0.5:8080"',
            'url = "http://[::1"',
            "url 'http://[::1' must be an http(s) URL with a host.",
        ),
        (
            'url = "http://10.0.0.5:8080"',
            'url = "https://"',
            "url 'https://' must be an http(s) URL with a host.",
        ),
    ],
)
def test_a_bad_value_is_one_sentence_naming_file_table_and_key(
    old: str, new: str, sentence: str
) -> None:
    assert error(STAGING.replace(old, new) + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: [staging] {sentence}"
    )


def test_the_smoke_settings_default_to_the_reference_apps_paths() -> None:
    staging = parse(STAGING + PRODUCTION)["staging"]
    assert staging.smoke == SmokeSettings("/api/health/", True, ("/api/products/", "/"), 40, 200)
    assert staging.smoke.probe_args("r1") == [
        "--health-path=/api/health/",
        "--release=r1",
        "--path=/api/products/",
        "--path=/",
        "--requests=40",
        "--p95-ms=200",
    ]


def test_a_health_answer_without_the_release_is_a_setting() -> None:
    text = STAGING + 'health_path = "/__heartbeat__"\nhealth_release = false\n' + PRODUCTION
    smoke = parse(text)["staging"].smoke
    assert smoke.probe_args("r1")[:2] == ["--health-path=/__heartbeat__", "--no-health-release"]


@pytest.mark.parametrize(
    "line",
    ['smoke_paths = ["api/products/"]', 'health_path = "health"', "smoke_paths = []"],
)
def test_smoke_paths_must_be_absolute_and_at_least_one(line: str) -> None:
    assert error(STAGING + line + "\n" + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: [staging] health_path and smoke_paths must be paths starting "
        "with /, like /api/health/, and smoke_paths must name at least one."
    )


def test_smoke_paths_must_be_a_list_of_strings() -> None:
    assert error(STAGING + "smoke_paths = [1]\n" + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: 'smoke_paths' in [staging] must be a list of strings, not [1]."
    )


def test_the_host_limits_go_to_the_host_script_in_one_word() -> None:
    text = STAGING + "keep_releases = 3\nlock_timeout = 30\n" + PRODUCTION
    assert parse(text)["staging"].host_limits == "3:30:600:10"


def test_the_host_keeps_the_running_release_and_the_one_before() -> None:
    assert error(STAGING + "keep_releases = 1\n" + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: [staging] keep_releases must be 2 or more: the running "
        "release and the one a failed deploy returns to."
    )


@pytest.mark.parametrize("key", ["health_timeout", "lock_timeout", "pull_timeout"])
def test_timeouts_are_whole_seconds_one_or_more(key: str) -> None:
    assert error(STAGING + f"{key} = 0\n" + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: [staging] {key} must be a number of seconds, 1 or more."
    )


def test_the_smallest_limits_are_accepted() -> None:
    text = STAGING + "keep_releases = 2\nhealth_timeout = 1\nlock_timeout = 1\npull_timeout = 1\n"
    text += "drain_seconds = 0\n"
    assert parse(text + PRODUCTION)["staging"].host_limits == "2:1:1:0"


def test_the_old_release_drains_for_zero_seconds_or_more() -> None:
    assert error(STAGING + "drain_seconds = -1\n" + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: [staging] drain_seconds must be a number of seconds, 0 or more."
    )


SERVICES = """[staging.workers]
celery = "celery -A printshop worker --loglevel=info"

[staging.accessories.redis]
image = "redis:8"
volume = "/data"
command = "redis-server --appendonly yes"
port = 6379
"""


def test_workers_and_accessories_are_tables_of_the_environment() -> None:
    staging = parse(STAGING + SERVICES + PRODUCTION)["staging"]
    assert staging.workers == {"celery": "celery -A printshop worker --loglevel=info"}
    assert staging.accessories == {
        "redis": Accessory("redis:8", "/data", "redis-server --appendonly yes", 6379)
    }
    production = parse(STAGING + SERVICES + PRODUCTION)["production"]
    assert (production.workers, production.accessories) == ({}, {})


@pytest.mark.parametrize(
    ("old", "new", "sentence"),
    [
        (
            'celery = "celery',
            'celery = 1\nx = "celery',
            "'workers' in [staging] must be a table of commands, NAME = \"COMMAND\", not "
            "{'celery': 1, 'x': 'celery -A printshop worker --loglevel=info'}.",
        ),
        (
            'volume = "/data"',
            'volume = "/data"\nsize = 5',
            "unknown key 'size' in [staging.accessories.redis]: the keys are image, volume, "
            "command, port.",
        ),
        (
            "port = 6379",
            'port = "6379"',
            "'port' in [staging.accessories.redis] must be a whole number, not '6379'.",
        ),
        (
            'volume = "/data"\n',
            "",
            "[staging.accessories.redis] is missing 'volume' (see deploy/README.md).",
        ),
        (
            'volume = "/data"',
            'volume = "data"',
            "[staging.accessories.redis] volume must be the path in the container, like /data.",
        ),
        (
            "port = 6379",
            "port = 70000",
            "[staging.accessories.redis] port must be a TCP port, 1 to 65535.",
        ),
        (
            "[staging.workers]\ncelery",
            "[staging.workers]\nbackend",
            "[staging] worker or accessory name 'backend' must be lowercase letters, digits and "
            "-, start with a letter, and be neither backend, frontend nor another's name.",
        ),
        (
            "[staging.accessories.redis]",
            "[staging.accessories.celery]",
            "[staging] worker or accessory name 'celery' must be lowercase letters, digits and "
            "-, start with a letter, and be neither backend, frontend nor another's name.",
        ),
    ],
)
def test_a_bad_worker_or_accessory_is_one_sentence(old: str, new: str, sentence: str) -> None:
    assert old in SERVICES
    assert error(STAGING + SERVICES.replace(old, new) + PRODUCTION) == (
        f"{ENVIRONMENTS_FILE}: {sentence}"
    )


def test_an_accessory_that_is_no_table_is_one_sentence() -> None:
    text = STAGING + '[staging.accessories]\nredis = "redis:8"\n' + PRODUCTION
    assert error(text) == (
        f"{ENVIRONMENTS_FILE}: 'accessories' in [staging] must be a table of tables, "
        "[ENV.accessories.NAME] with image and volume, not {'redis': 'redis:8'}."
    )


@pytest.mark.parametrize(
    ("port", "accepted"), [(0, True), (1, True), (65535, True), (65536, False), (-1, False)]
)
def test_an_accessory_port_is_a_tcp_port_or_none(port: int, accepted: bool) -> None:
    text = STAGING + SERVICES.replace("port = 6379", f"port = {port}") + PRODUCTION
    if accepted:
        assert parse(text)["staging"].accessories["redis"].port == port
    else:
        assert error(text).endswith(
            "[staging.accessories.redis] port must be a TCP port, 1 to 65535."
        )
