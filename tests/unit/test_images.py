"""Platform choice, OCI labels, pip's platform tags and the size table of `build`."""

import pytest

from ci.errors import PipelineError
from ci.images import EPOCH, checked_platforms, deploy_gap, oci_labels, size_table
from ci.stages.images import wheel_platform_args


def test_both_platforms_by_default_in_order() -> None:
    assert checked_platforms(None) == ["linux/amd64", "linux/arm64"]
    assert checked_platforms([]) == ["linux/amd64", "linux/arm64"]


def test_given_platforms_keep_their_order_once_each() -> None:
    assert checked_platforms(["linux/arm64", "linux/amd64", "linux/arm64"]) == [
        "linux/arm64",
        "linux/amd64",
    ]


def test_an_unsupported_platform_is_one_sentence_naming_the_choices() -> None:
    with pytest.raises(PipelineError) as caught:
        checked_platforms(["linux/amd64", "linux/s390x"])
    assert str(caught.value) == (
        "Unsupported platform linux/s390x: use linux/amd64 or linux/arm64 (or both, the default)."
    )


def test_labels_are_the_four_oci_annotations() -> None:
    labels = oci_labels("https://github.com/acme/shop", "0123abc", "1.2.3", "2026-11-22T10:00:00Z")
    assert labels == {
        "org.opencontainers.image.source": "https://github.com/acme/shop",
        "org.opencontainers.image.revision": "0123abc",
        "org.opencontainers.image.version": "1.2.3",
        "org.opencontainers.image.created": "2026-11-22T10:00:00Z",
    }


def test_created_defaults_to_a_valid_reproducible_time() -> None:
    assert oci_labels("u", "r", "v", EPOCH)["org.opencontainers.image.created"] == EPOCH


@pytest.mark.parametrize("created", ["yesterday", "2026-13-01", ""])
def test_a_created_time_that_is_not_rfc3339_is_refused(created: str) -> None:
    with pytest.raises(PipelineError, match="is not an RFC 3339 time: use e"):
        oci_labels("u", "r", "v", created)


@pytest.mark.parametrize(("version", "revision"), [("", "abc"), ("1.2 beta", "abc"), ("1", " ")])
def test_version_and_revision_must_be_one_word(version: str, revision: str) -> None:
    with pytest.raises(PipelineError, match="must be one word"):
        oci_labels("u", revision, version, EPOCH)


def test_pip_takes_every_manylinux_wheel_the_arm64_base_can_load() -> None:
    args = wheel_platform_args("linux/arm64")
    tags = args[1::2]
    assert set(args[0::2]) == {"--platform"}
    assert "manylinux_2_17_aarch64" in tags
    assert "manylinux_2_36_aarch64" in tags
    assert "manylinux2014_aarch64" in tags
    assert not [t for t in tags if "x86_64" in t]


def test_size_table_has_a_row_per_image_and_platform_in_megabytes() -> None:
    rows = [("backend", "linux/amd64", 52_300_000), ("frontend", "linux/arm64", 9_000_000)]
    table = size_table(rows)
    assert table.splitlines() == [
        "image     platform       size (gzip)",
        "backend   linux/amd64        52.3 MB",
        "frontend  linux/arm64         9.0 MB",
    ]


GUNICORN = ["python", "-m", "gunicorn", "app.wsgi", "--bind=0.0.0.0:8000"]


def test_a_dockerfile_image_with_a_health_check_serving_the_port_is_deployable() -> None:
    assert deploy_gap("backend", "Dockerfile", True, [], GUNICORN) is None
    assert deploy_gap("frontend", "web/Dockerfile", True, [8080], ["nginx"]) is None


@pytest.mark.parametrize(
    ("part", "healthcheck", "exposed", "command", "missing"),
    [
        ("backend", False, [], GUNICORN, "add a HEALTHCHECK;"),
        (
            "backend",
            True,
            [5000],
            GUNICORN,
            "add EXPOSE 8000 with its server listening there (it exposes 5000);",
        ),
        (
            "frontend",
            False,
            [],
            ["nginx", "-g", "daemon off;"],
            "add a HEALTHCHECK and EXPOSE 8080 with its server listening there (its command "
            "names no port 8080);",
        ),
    ],
)
def test_what_the_deploy_needs_and_the_image_lacks_is_one_sentence(
    part: str, healthcheck: bool, exposed: list[int], command: list[str], missing: str
) -> None:
    gap = deploy_gap(part, "Dockerfile.production", healthcheck, exposed, command)
    assert gap is not None
    assert gap.startswith(f"The {part} image from Dockerfile.production cannot be deployed: ")
    assert missing in gap
    assert gap.endswith("(deploy/README.md).")
    assert gap.count(". ") == 0
