"""What detection finds in a React frontend's files, and which file decided each value.

Each test is one shape of repository (the small app, tests/support/small_app.py, with files
added), checked as `plan` shows it: every value with what decided it.
"""

import json
from collections.abc import Mapping

import pytest

from ci.errors import PipelineError
from ci.profile import SourceTree, detect
from ci.profile.model import FrontendProfile
from tests.support.small_app import FILES, detected


def decided(frontend: FrontendProfile, *names: str) -> dict[str, tuple[object, str]]:
    """Each named value of the frontend with what decided it, as `plan` lists them."""
    return {name: (getattr(frontend, name).value, getattr(frontend, name).source) for name in names}


def web(**manifest: object) -> dict[str, str | None]:
    """The small app's web/package.json with React and `manifest`'s keys."""
    return {"web/package.json": json.dumps({"dependencies": {"react": "19"}, **manifest})}


def failure(files: Mapping[str, str | None], **options: str) -> str:
    with pytest.raises(PipelineError) as caught:
        detect(SourceTree.of(dict(files)), **options)
    return str(caught.value)


BACKEND = {k: v for k, v in FILES.items() if not k.startswith("web/")}


def test_the_small_frontend_says_what_it_lacks_and_why_each_default() -> None:
    front = detected({}).frontend
    assert decided(front, "test_framework", "linter", "build_output", "typescript") == {
        "test_framework": ("", "web/package.json"),
        "linter": ("", "web/package.json"),
        "build_output": ("dist", "default"),
        "typescript": (False, "no tsconfig.json"),
    }


@pytest.mark.parametrize(
    ("dependency", "output"), [("vite", "dist"), ("react-scripts", "build"), ("next", "out")]
)
def test_the_build_tool_names_the_build_output(dependency: str, output: str) -> None:
    # A runtime dependency counts as much as a dev one.
    front = detected(web(dependencies={"react": "19", dependency: "1", "eslint": "9"})).frontend
    assert decided(front, "build_output", "linter") == {
        "build_output": (output, "web/package.json"),
        "linter": ("eslint", "web/package.json"),
    }


@pytest.mark.parametrize(
    ("config", "out_dir", "output"),
    [
        ("vite.config.js", "./build/", "build"),
        ("vite.config.mts", "public/app", "public/app"),
        ("vite.config.mjs", "./", "dist"),
        # only the dots and slashes around the name go
        ("vite.config.ts", "./X-app/", "X-app"),
    ],
)
def test_a_vite_config_names_the_build_output(config: str, out_dir: str, output: str) -> None:
    files = {f"web/{config}": f"export default {{ build: {{ outDir: '{out_dir}' }} }}"}
    front = detected(files).frontend
    assert decided(front, "build_output") == {"build_output": (output, f"web/{config}")}


def test_pipeline_toml_decides_over_detection_and_adds_to_the_scripts() -> None:
    config = (
        '[frontend]\ndir = "web"\nnode = "22"\nbuild-output = "public"\n'
        '[frontend.scripts]\ntest = "unit"\n'
    )
    front = detected({"pipeline.toml": config} | web(scripts={"build": "vite build"})).frontend
    assert decided(front, "dir", "node", "build_output", "scripts") == {
        "dir": ("web", "pipeline.toml"),
        "node": ("22", "pipeline.toml"),
        "build_output": ("public", "pipeline.toml"),
        "scripts": (
            {"build": "build", "test": "unit"},
            "web/package.json (scripts), pipeline.toml",
        ),
    }


def test_react_as_a_dev_dependency_makes_a_frontend_and_other_manifests_do_not() -> None:
    files = BACKEND | {
        "docs/package.json": '{"devDependencies": {"vitepress": "1"}}',
        "notes/package.json": "[]",
        "broken/package.json": "{not json",
        "ui/package.json": '{"devDependencies": {"react": "19"}}',
        "ui/yarn.lock": None,
    }
    front = detect(SourceTree.of(files)).frontend
    assert decided(front, "dir", "package_manager") == {
        "dir": ("ui", "ui/package.json"),
        "package_manager": ("yarn", "ui/yarn.lock"),
    }


def test_what_a_frontend_lacks_is_one_sentence_each() -> None:
    assert failure(BACKEND | {"package.json": '{"devDependencies": {"vue": "3"}}'}) == (
        "No React frontend (package.json) in the source: pass --source=<your checkout>, or "
        "set [frontend] dir in pipeline.toml."
    )
    assert failure(FILES, frontend="ui") == (
        "ui/package.json does not exist: set [frontend] dir in pipeline.toml to the directory "
        "of its package.json."
    )
    assert failure(BACKEND | {"package.json": FILES["web/package.json"]}) == (
        "No lock file for the frontend in the root or above (package-lock.json, yarn.lock or "
        "pnpm-lock.yaml): commit the lock your package manager writes."
    )
