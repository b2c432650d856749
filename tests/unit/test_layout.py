import pytest

from ci.errors import PipelineError
from ci.layout import SOURCE_IGNORE, checked_dir


@pytest.mark.parametrize(
    ("given", "kept"),
    [("backend", "backend"), ("web/ui/", "web/ui"), ("./api", "./api"), ("XX/", "XX")],
)
def test_app_directories_inside_the_source_are_kept(given: str, kept: str) -> None:
    assert checked_dir("backend-dir", given) == kept


@pytest.mark.parametrize("given", ["", "/", "/srv/backend", "../backend", "app/../../x"])
def test_app_directories_outside_the_source_are_one_sentence(given: str) -> None:
    with pytest.raises(PipelineError) as caught:
        checked_dir("frontend-dir", given)
    message = str(caught.value)
    assert message.startswith("--frontend-dir must be a directory inside --source")
    assert "\n" not in message


def test_source_ignores_what_gitignore_would_have() -> None:
    for generated in ("**/node_modules", "**/.venv", "**/__pycache__", ".git", "**/reports"):
        assert generated in SOURCE_IGNORE
