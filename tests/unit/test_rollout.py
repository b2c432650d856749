import json

import pytest

from ci import rollout
from ci.environments import Target
from ci.errors import PipelineError

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
    assert project["name"] == "shop"
    assert (backend["image"], frontend["image"]) == (BACKEND, FRONTEND)
    assert backend["env_file"] == ["secrets.env"]
    assert backend["environment"]["RELEASE"] == made.release
    assert backend["environment"]["ALLOWED_HOSTS"].split(",")[0] == "shop.example.com"
    assert "DATABASE_URL" not in backend["environment"]
    assert "SECRET_KEY" not in backend["environment"]
    assert frontend["ports"] == ["8081:8080"]
    assert frontend["depends_on"] == {"backend": {"condition": "service_healthy"}}


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
