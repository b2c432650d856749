"""Where each part's release image comes from: the built-in recipe or a Dockerfile."""

import json

import pytest

from ci.errors import PipelineError
from ci.profile import SourceTree, detect, plan_view
from ci.profile.image_source import buildable
from ci.profile.model import AppProfile, ImageSource, profile_of

HASHED = "Django==5.2 \\\n    --hash=sha256:ab\n"
APP: dict[str, str | None] = {
    "backend/manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")',
    "backend/shop/settings.py": 'WSGI_APPLICATION = "shop.wsgi.application"\n',
    "backend/requirements.txt": HASHED,
    "frontend/package.json": '{"dependencies": {"react": "19"}, "scripts": {"build": "vite"}}',
    "frontend/package-lock.json": None,
    "frontend/nginx/nginx.conf": None,
    "frontend/nginx/default.conf.template": None,
}
DOCKERFILE = "FROM python:3.13-slim\n"


def profile(**files: str | None) -> AppProfile:
    """The profile of APP with `files` (path -> text, None: not read, "-": deleted)."""
    tree = APP | files
    return detect(SourceTree.of({p: t for p, t in tree.items() if t != "-"}))


def test_the_recipe_builds_both_parts_where_it_fits_even_beside_a_dockerfile() -> None:
    app = profile(**{"backend/Dockerfile": DOCKERFILE, "frontend/Dockerfile": "FROM node\n"})
    assert app.backend.image.value == ImageSource("recipe")
    assert app.backend.image.source == "backend/requirements.txt"
    assert app.frontend.image.value == ImageSource("recipe")
    assert app.frontend.image.source == "frontend/nginx/default.conf.template"


def test_unhashed_requirements_take_the_backend_dockerfile_and_say_why() -> None:
    app = profile(**{"backend/requirements.txt": "Django==5.2\n", "backend/Dockerfile": DOCKERFILE})
    image = app.backend.image
    assert image.value.kind == "dockerfile"
    assert (image.value.dockerfile, image.value.context, image.value.target) == (
        "backend/Dockerfile",
        "backend",
        "",
    )
    assert image.source == "backend/Dockerfile"
    assert "backend/requirements.txt with --require-hashes, and it has no hashes" in (
        image.value.reason
    )


@pytest.mark.parametrize(
    ("lock", "manifest"),
    [("poetry.lock", "pyproject.toml"), ("uv.lock", "pyproject.toml"), ("Pipfile.lock", "Pipfile")],
)
def test_poetry_uv_and_pipenv_backends_take_their_dockerfile(lock: str, manifest: str) -> None:
    app = profile(
        **{
            "backend/requirements.txt": "-",
            f"backend/{lock}": None,
            f"backend/{manifest}": "",
            "backend/Dockerfile": DOCKERFILE,
        }
    )
    assert app.backend.image.value.dockerfile == "backend/Dockerfile"
    assert f"there is none (the dependencies are in backend/{lock})" in (
        app.backend.image.value.reason
    )


def test_a_production_dockerfile_wins_over_the_plain_one_and_the_part_over_the_root() -> None:
    unhashed = {"backend/requirements.txt": "Django\n"}
    both = {"backend/Dockerfile": DOCKERFILE, "backend/Dockerfile.dev": DOCKERFILE}
    prod = {"backend/Dockerfile.prod": DOCKERFILE, "Dockerfile.production": DOCKERFILE}
    assert profile(**unhashed, **both).backend.image.value.dockerfile == "backend/Dockerfile"
    app = profile(**unhashed, **both, **prod)
    assert app.backend.image.value.dockerfile == "backend/Dockerfile.prod"
    production = profile(**unhashed, **both, **prod, **{"backend/Dockerfile.production": ""})
    assert production.backend.image.value.dockerfile == "backend/Dockerfile.production"


def test_a_root_dockerfile_serves_the_backend_built_in_the_root_context() -> None:
    app = profile(**{"backend/requirements.txt": "Django\n", "Dockerfile": DOCKERFILE})
    assert (app.backend.image.value.dockerfile, app.backend.image.value.context) == (
        "Dockerfile",
        "",
    )


def test_a_root_dockerfile_is_the_frontend_s_when_the_frontend_is_at_the_root() -> None:
    files = {
        path.removeprefix("frontend/"): text for path, text in APP.items() if "frontend/" in path
    }
    files |= {path: text for path, text in APP.items() if path.startswith("backend/")}
    files |= {"backend/requirements.txt": "Django\n", "Dockerfile": DOCKERFILE}
    app = detect(SourceTree.of(files))
    assert app.backend.image.value.kind == "none"
    assert "no Dockerfile.production, Dockerfile.prod or Dockerfile in backend/" in (
        app.backend.image.value.reason
    )


def test_a_frontend_without_the_nginx_template_takes_its_dockerfile() -> None:
    app = profile(
        **{"frontend/nginx/default.conf.template": "-", "frontend/Dockerfile": "FROM nginx\n"}
    )
    image = app.frontend.image
    assert (image.value.kind, image.value.dockerfile, image.source) == (
        "dockerfile",
        "frontend/Dockerfile",
        "frontend/Dockerfile",
    )
    assert "frontend/nginx/default.conf.template is missing" in image.value.reason


def test_a_frontend_without_a_build_script_cannot_use_the_recipe() -> None:
    app = profile(**{"frontend/package.json": '{"dependencies": {"react": "19"}}'})
    assert app.frontend.image.value.kind == "none"
    assert "frontend/package.json (scripts) has none" in app.frontend.image.value.reason


def test_neither_recipe_nor_dockerfile_fails_the_build_in_one_sentence() -> None:
    image = profile(**{"backend/requirements.txt": "Django\n"}).backend.image
    assert image.value.kind == "none"
    with pytest.raises(PipelineError) as error:
        buildable("backend", image)
    assert str(error.value) == (
        "The backend image cannot be built: the built-in recipe installs "
        "backend/requirements.txt with --require-hashes, and it has no hashes, and there is "
        "no Dockerfile.production, Dockerfile.prod or Dockerfile in backend/ or the "
        "repository's root: add one, or set [backend] dockerfile in pipeline.toml to yours."
    )


def test_pipeline_toml_names_a_dockerfile_its_context_and_target() -> None:
    config = (
        '[backend]\ndockerfile = "docker/backend.Dockerfile"\ndockerfile-context = "."\n'
        'dockerfile-target = "production"\n'
    )
    app = profile(**{"pipeline.toml": config, "docker/backend.Dockerfile": DOCKERFILE})
    assert app.backend.image.value == ImageSource(
        "dockerfile", "docker/backend.Dockerfile", "", "production", ""
    )
    assert app.backend.image.source == "pipeline.toml"
    (row,) = [line for line in plan_view.as_text(app).splitlines() if " backend    image" in line]
    assert "docker/backend.Dockerfile (context ., target production)" in row


def test_pipeline_toml_asks_for_the_detected_dockerfile_where_the_recipe_fits() -> None:
    app = profile(
        **{"pipeline.toml": '[frontend]\nimage = "dockerfile"\n', "frontend/Dockerfile": ""}
    )
    assert app.frontend.image.value.dockerfile == "frontend/Dockerfile"
    assert app.frontend.image.source == "pipeline.toml"
    assert app.backend.image.value.kind == "recipe"


def test_pipeline_toml_forces_the_recipe_and_a_recipe_that_cannot_apply_fails_the_build() -> None:
    app = profile(
        **{
            "pipeline.toml": '[backend]\nimage = "recipe"\n',
            "backend/requirements.txt": "Django\n",
            "backend/Dockerfile": DOCKERFILE,
        }
    )
    assert (app.backend.image.value.kind, app.backend.image.source) == ("recipe", "pipeline.toml")
    with pytest.raises(PipelineError, match=r"sets \[backend\] image = 'recipe', but the built"):
        buildable("backend", app.backend.image)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            '[backend]\nimage = "docker"\n',
            r"\[backend\] image = 'docker' is not one of recipe, dockerfile",
        ),
        ("[frontend]\ndockerfile = 3\n", r"\[frontend\] dockerfile must be a string"),
        (
            '[backend]\ndockerfile = "nowhere/Dockerfile"\n',
            r"dockerfile = 'nowhere/Dockerfile' is not a file of the source",
        ),
        (
            '[backend]\nimage = "recipe"\ndockerfile-target = "prod"\n',
            r"image = 'recipe' builds no Dockerfile, so dockerfile-target cannot apply",
        ),
        (
            '[backend]\ndockerfile-target = "prod"\n',
            r"dockerfile-target only apply to a Dockerfile: set \[backend\] image",
        ),
        (
            '[frontend]\nimage = "dockerfile"\n',
            r"image = 'dockerfile', and there is no Dockerfile.production, Dockerfile.prod or "
            r"Dockerfile in frontend/: add one",
        ),
        (
            '[backend]\ndockerfile = "Dockerfile"\ndockerfile-context = "backend"\n',
            r"Dockerfile is outside its build context backend/: set \[backend\] dockerfile-context",
        ),
    ],
)
def test_image_settings_are_checked_in_one_sentence(config: str, message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        profile(**{"pipeline.toml": config, "Dockerfile": DOCKERFILE})


def test_plan_shows_each_part_s_image_source_with_why_in_text_and_json() -> None:
    app = profile(**{"backend/requirements.txt": "Django\n", "backend/Dockerfile.prod": ""})
    text = plan_view.as_text(app)
    (backend_row,) = [line for line in text.splitlines() if line.startswith(" backend    image")]
    assert "backend/Dockerfile.prod (context backend)" in backend_row
    assert "(the built-in recipe installs backend/requirements.txt" in backend_row
    (frontend_row,) = [line for line in text.splitlines() if "frontend   image" in line]
    assert "recipe" in frontend_row
    data = json.loads(plan_view.as_json(app))["profile"]
    assert data["backend"]["image"]["value"]["kind"] == "dockerfile"
    assert data["backend"]["image"]["source"] == "backend/Dockerfile.prod"
    assert profile_of(data) == app


NO_DOCKERFILE = ", and there is no Dockerfile.production, Dockerfile.prod or Dockerfile in "
NGINX = "the built-in recipe serves the build with nginx and nginx/nginx.conf and "


@pytest.mark.parametrize(
    ("files", "reason", "source"),
    [
        (
            {"frontend/nginx/nginx.conf": "-"},
            f"{NGINX}nginx/default.conf.template of the frontend, and "
            "frontend/nginx/nginx.conf is missing",
            "frontend/nginx/nginx.conf",
        ),
        (
            {"frontend/nginx/nginx.conf": "-", "frontend/nginx/default.conf.template": "-"},
            f"{NGINX}nginx/default.conf.template of the frontend, and frontend/nginx/nginx.conf "
            "and frontend/nginx/default.conf.template are missing",
            "frontend/nginx/nginx.conf",
        ),
        (
            {"frontend/package.json": '{"dependencies": {"react": "19"}}'},
            "the built-in recipe serves what the build script makes, and "
            "frontend/package.json (scripts) has none",
            "frontend/package.json (scripts)",
        ),
    ],
)
def test_why_the_frontend_recipe_cannot_apply_is_in_the_plan(
    files: dict[str, str | None], reason: str, source: str
) -> None:
    image = profile(**files).frontend.image
    assert (image.value, image.source) == (
        ImageSource("none", reason=f"{reason}{NO_DOCKERFILE}frontend/"),
        source,
    )


def test_unhashed_requirements_without_a_dockerfile_leave_no_way_to_build() -> None:
    image = profile(**{"backend/requirements.txt": "Django\n"}).backend.image
    assert (image.value.kind, image.source) == ("none", "backend/requirements.txt")


def test_a_dockerfile_asked_for_keeps_why_the_recipe_does_not_fit_and_builds() -> None:
    config = '[backend]\nimage = "dockerfile"\n'
    app = profile(
        **{"pipeline.toml": config, "backend/requirements.txt": "Django\n", "Dockerfile": ""}
    )
    expected = ImageSource(
        "dockerfile",
        "Dockerfile",
        "",
        reason="the built-in recipe installs backend/requirements.txt with --require-hashes, "
        "and it has no hashes",
    )
    assert (app.backend.image.value, app.backend.image.source) == (expected, "pipeline.toml")
    assert buildable("backend", app.backend.image) == expected


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            '[backend]\nimage = "recipe"\ndockerfile = "Dockerfile"\ndockerfile-target = "x"\n',
            "pipeline.toml: [backend] image = 'recipe' builds no Dockerfile, so dockerfile and "
            "dockerfile-target cannot apply: remove one or the other.",
        ),
        (
            '[frontend]\ndockerfile-target = "x"\ndockerfile-context = "."\n',
            "pipeline.toml: [frontend] dockerfile-target and dockerfile-context only apply to a "
            "Dockerfile: set [frontend] image = 'dockerfile' (or dockerfile) too, or remove them.",
        ),
        (
            '[frontend]\nimage = "dockerfile"\n',
            "pipeline.toml: [frontend] image = 'dockerfile', and there is no "
            "Dockerfile.production, Dockerfile.prod or Dockerfile in frontend/: add one, or set "
            "[frontend] dockerfile to its path.",
        ),
    ],
)
def test_image_settings_that_contradict_are_one_whole_sentence(config: str, message: str) -> None:
    with pytest.raises(PipelineError) as caught:
        profile(**{"pipeline.toml": config, "Dockerfile": DOCKERFILE})
    assert str(caught.value) == message


def test_a_dockerfile_outside_the_context_names_the_part() -> None:
    config = '[frontend]\nimage = "dockerfile"\ndockerfile-context = "frontend/nginx"\n'
    with pytest.raises(PipelineError) as caught:
        profile(**{"pipeline.toml": config, "frontend/Dockerfile": ""})
    assert str(caught.value) == (
        "pipeline.toml: [frontend] frontend/Dockerfile is outside its build context "
        "frontend/nginx/: set [frontend] dockerfile-context to a directory that holds it."
    )
