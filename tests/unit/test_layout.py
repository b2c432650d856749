import pytest

from ci.errors import PipelineError
from ci.layout import SOURCE_IGNORE, AppLayout, checked_dir, checked_package


def test_app_present_passes_silently() -> None:
    AppLayout().check_present([])


def test_missing_app_names_expected_paths_and_the_way_out() -> None:
    layout = AppLayout()
    with pytest.raises(PipelineError) as caught:
        layout.check_present(list(layout.markers))
    message = str(caught.value)
    assert "app/backend/manage.py" in message
    assert "app/frontend/package.json" in message
    assert "--source=" in message
    assert "app/backend/printshop/wsgi.py" in message
    assert "--backend-dir, --frontend-dir and --django-project" in message
    assert "\n" not in message


def test_a_layout_names_its_markers_and_lock_files() -> None:
    layout = AppLayout("backend", "frontend", "shop")
    assert layout.markers == ("backend/manage.py", "backend/shop/wsgi.py", "frontend/package.json")
    assert layout.lock_files == ("backend/requirements.txt", "frontend/package-lock.json")


@pytest.mark.parametrize(
    ("given", "kept"), [("backend", "backend"), ("web/ui/", "web/ui"), ("./api", "./api")]
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


@pytest.mark.parametrize("given", ["", "my-shop", "shop.settings", "shop/"])
def test_a_django_project_that_is_no_package_name_is_one_sentence(given: str) -> None:
    with pytest.raises(PipelineError) as caught:
        checked_package(given)
    assert str(caught.value).startswith("--django-project must be the Python package")


def test_source_ignores_what_gitignore_would_have() -> None:
    for generated in ("**/node_modules", "**/.venv", "**/__pycache__", ".git", "**/reports"):
        assert generated in SOURCE_IGNORE
