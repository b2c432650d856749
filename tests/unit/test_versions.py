import pytest

from ci import versions
from ci.errors import PipelineError


def test_images_are_tag_references_a_mirror_can_serve() -> None:
    assert versions.python_image("3.13") == "python:3.13-slim"
    assert versions.node_image("24") == "node:24-slim"
    assert versions.postgres_image("17") == "postgres:17"


@pytest.mark.parametrize(
    ("build", "bad", "kind"),
    [
        (versions.python_image, "2.7", "Python"),
        (versions.node_image, "18", "Node.js"),
        (versions.postgres_image, "9.6", "PostgreSQL"),
    ],
)
def test_unknown_version_is_one_sentence_listing_the_choices(build, bad, kind) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PipelineError) as caught:
        build(bad)
    message = str(caught.value)
    assert message.startswith(f"Unsupported {kind} version {bad!r}: use one of ")
    assert message.count(".") >= 1
    assert "\n" not in message
    # Every choice it names is one the same function takes.
    choices = message.split("use one of ")[1].removesuffix(".").split(", ")
    assert len(choices) > 1
    for choice in choices:
        assert choice in build(choice)


def test_defaults_are_supported() -> None:
    assert versions.DEFAULT_PYTHON in versions.PYTHON_VERSIONS
    assert versions.DEFAULT_NODE in versions.NODE_VERSIONS
    assert versions.DEFAULT_POSTGRES in versions.POSTGRES_VERSIONS
