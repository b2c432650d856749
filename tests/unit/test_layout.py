import pytest

from ci.errors import PipelineError
from ci.layout import APP_MARKERS, SOURCE_IGNORE, check_app_present


def test_app_present_passes_silently() -> None:
    check_app_present([])


def test_missing_app_names_expected_paths_and_the_way_out() -> None:
    with pytest.raises(PipelineError) as caught:
        check_app_present(list(APP_MARKERS))
    message = str(caught.value)
    assert "app/backend/manage.py" in message
    assert "app/frontend/package.json" in message
    assert "--source=" in message
    assert "\n" not in message


def test_source_ignores_what_gitignore_would_have() -> None:
    for generated in ("**/node_modules", "**/.venv", "**/__pycache__", ".git", "**/reports"):
        assert generated in SOURCE_IGNORE
