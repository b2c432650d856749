"""Detection of the React frontend, shape by shape (the shapes issue 25 lists)."""

import json

import pytest

from ci.errors import PipelineError
from ci.profile import SourceTree, detect

BACKEND: dict[str, str | None] = {
    "backend/manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")',
    "backend/shop/settings.py": 'WSGI_APPLICATION = "shop.wsgi.application"\n',
    "backend/requirements.txt": "Django\n",
}


def manifest(scripts: dict[str, str] | None = None, deps: dict[str, str] | None = None) -> str:
    return json.dumps(
        {"scripts": scripts or {}, "dependencies": {"react": "19"}, "devDependencies": deps or {}}
    )


def test_the_reference_shape_npm_vitest_eslint_playwright_vite() -> None:
    scripts = {
        "lint": "eslint .",
        "typecheck": "tsc -b",
        "test": "vitest run",
        "test:coverage": "vitest run --coverage",
        "build": "vite build",
        "e2e": "playwright test",
        "e2e:quick": "playwright test --grep @quick",
    }
    front = detect(
        SourceTree.of(
            BACKEND
            | {
                "frontend/package.json": manifest(
                    scripts, {"vitest": "4", "eslint": "9", "vite": "7"}
                ),
                "frontend/package-lock.json": None,
                "frontend/playwright.config.ts": None,
                "frontend/tsconfig.json": None,
            }
        )
    ).frontend
    assert (front.dir.value, front.dir.source) == ("frontend", "frontend/package.json")
    assert (front.package_manager.value, front.package_manager.source) == (
        "npm",
        "frontend/package-lock.json",
    )
    assert front.scripts.value == {
        "lint": "lint",
        "typecheck": "typecheck",
        "test": "test:coverage",
        "build": "build",
        "e2e": "e2e",
        "e2e-quick": "e2e:quick",
    }
    assert (front.test_framework.value, front.linter.value) == ("vitest", "eslint")
    assert (front.build_output.value, front.end_to_end.value) == ("dist", "playwright")
    assert front.typescript.value is True


@pytest.mark.parametrize(("lock", "manager"), [("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn")])
def test_the_lock_file_names_the_package_manager(lock: str, manager: str) -> None:
    front = detect(
        SourceTree.of(BACKEND | {"web/package.json": manifest(), f"web/{lock}": None})
    ).frontend
    assert (front.package_manager.value, front.lock_dir.value) == (manager, "web")


def test_a_workspace_lock_at_the_root_serves_the_frontend_below_it() -> None:
    root = json.dumps({"private": True, "workspaces": ["frontend"]})
    front = detect(
        SourceTree.of(
            BACKEND
            | {
                "package.json": root,
                "package-lock.json": None,
                "frontend/package.json": manifest(),
            }
        )
    ).frontend
    assert front.dir.value == "frontend"
    assert (front.lock_dir.value, front.lock_dir.source) == ("", "package-lock.json")


def test_no_lock_is_one_sentence_naming_the_lock_files() -> None:
    with pytest.raises(PipelineError, match=r"package-lock\.json, yarn\.lock or pnpm-lock"):
        detect(SourceTree.of(BACKEND | {"frontend/package.json": manifest()}))


def test_no_react_package_is_one_sentence_naming_the_setting() -> None:
    no_react = json.dumps({"dependencies": {"vue": "3"}})
    with pytest.raises(PipelineError, match=r"set \[frontend\] dir in pipeline\.toml"):
        detect(SourceTree.of(BACKEND | {"client/package.json": no_react}))


@pytest.mark.parametrize(
    ("scripts", "stage", "name"),
    [
        ({"type-check": "tsc"}, "typecheck", "type-check"),
        ({"coverage": "jest --coverage", "test": "jest"}, "test", "coverage"),
        ({"test": "jest"}, "test", "test"),
    ],
)
def test_script_names_teams_use_are_found(scripts: dict[str, str], stage: str, name: str) -> None:
    files = {"frontend/package.json": manifest(scripts), "frontend/yarn.lock": None}
    assert detect(SourceTree.of(BACKEND | files)).frontend.scripts.value[stage] == name


@pytest.mark.parametrize(
    ("deps", "files", "output"),
    [
        ({"react-scripts": "5"}, {}, "build"),
        ({"next": "15"}, {}, "out"),
        ({"vite": "7"}, {"frontend/vite.config.ts": "build: { outDir: 'build' }"}, "build"),
    ],
)
def test_the_build_output(deps: dict[str, str], files: dict[str, str], output: str) -> None:
    tree = {"frontend/package.json": manifest(None, deps), "frontend/package-lock.json": None}
    assert detect(SourceTree.of(BACKEND | tree | files)).frontend.build_output.value == output


def test_jest_and_biome_are_found_in_the_dependencies() -> None:
    files = {
        "frontend/package.json": manifest(None, {"jest": "30", "@biomejs/biome": "2"}),
        "frontend/package-lock.json": None,
    }
    front = detect(SourceTree.of(BACKEND | files)).frontend
    assert (front.test_framework.value, front.linter.value) == ("jest", "biome")


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        ("playwright.config.ts", "playwright"),
        ("frontend/playwright.config.js", "playwright"),
        ("frontend/cypress.config.ts", "cypress"),
    ],
)
def test_end_to_end_suites_in_the_frontend_or_at_the_root(config: str, kind: str) -> None:
    files = {"frontend/package.json": manifest(), "frontend/package-lock.json": None, config: None}
    found = detect(SourceTree.of(BACKEND | files)).frontend.end_to_end
    assert (found.value, found.source) == (kind, config)


def test_no_end_to_end_suite_says_so() -> None:
    files = {"frontend/package.json": manifest(), "frontend/package-lock.json": None}
    found = detect(SourceTree.of(BACKEND | files)).frontend.end_to_end
    assert (found.value, found.source) == ("", "no Playwright or Cypress config")


@pytest.mark.parametrize(
    ("files", "node", "source"),
    [
        ({"frontend/.nvmrc": "v22.11.0\n"}, "22", "frontend/.nvmrc"),
        ({".node-version": "lts/*"}, "24", ".node-version"),
        ({}, "24", "default"),
    ],
)
def test_the_node_version(files: dict[str, str], node: str, source: str) -> None:
    tree = {"frontend/package.json": manifest(), "frontend/package-lock.json": None} | files
    found = detect(SourceTree.of(BACKEND | tree)).frontend.node
    assert (found.value, found.source) == (node, source)


def test_engines_node_picks_a_supported_major_within_its_range() -> None:
    package = json.loads(manifest())
    package["engines"] = {"node": "^20 || ^22"}
    files = {"frontend/package.json": json.dumps(package), "frontend/package-lock.json": None}
    assert detect(SourceTree.of(BACKEND | files)).frontend.node.value == "22"


def test_an_unsupported_node_is_one_sentence() -> None:
    files = {
        "frontend/package.json": manifest(),
        "frontend/package-lock.json": None,
        "frontend/.nvmrc": "18",
    }
    with pytest.raises(PipelineError, match=r"frontend/\.nvmrc names Node\.js '18'"):
        detect(SourceTree.of(BACKEND | files))
