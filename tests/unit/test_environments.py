from pathlib import Path

import pytest

from ci.choices import Environment
from ci.environments import ENVIRONMENTS_FILE, parse, target
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
