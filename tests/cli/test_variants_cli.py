"""The pipeline on repositories of other shapes: app variants made from the reference app.

Each variant (tests/variants/catalogue.py) is another shape real repositories have. The
real CLI runs `plan` on every one and checks what it found; the stages a variant proves
run through `dagger call` and pass, and a copy broken on purpose fails naming its stage
with the tool's own text. tests/README.md says which variant runs which stage, and why.
"""

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.dagger_cli import DaggerCli, readable
from tests.variants.catalogue import VARIANTS, make
from tests.variants.shapes import edit

pytestmark = pytest.mark.cli


def found(profile: dict[str, Any], key: str) -> object:
    part, name = key.split(".")
    return profile[part][name]["value"]


def call(dagger_cli: DaggerCli, checkout: Path, variant: Path, function: str) -> Any:
    """`dagger -m <this module> call <function>` run in the variant's directory."""
    return dagger_cli.run(f"dagger -m {checkout} call --source=. {function}", variant)


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every variant, with real locks for those whose stages run (made side by side: the
    package managers mostly wait for their registries)."""
    root = tmp_path_factory.mktemp("variants")
    with ThreadPoolExecutor(len(VARIANTS)) as pool:
        made = {
            name: pool.submit(make, name, root / name, bool(variant.runs))
            for name, variant in VARIANTS.items()
        }
        return {name: future.result() for name, future in made.items()}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_plan_names_the_variant_profile(
    name: str, variants: dict[str, Path], dagger_cli: DaggerCli, checkout: Path
) -> None:
    done = call(dagger_cli, checkout, variants[name], "plan --format=json")
    assert done.returncode == 0, readable(done.stderr)[-4000:]
    plan = json.loads(done.stdout)
    expected = VARIANTS[name].expected
    assert {key: found(plan["profile"], key) for key in expected} == expected
    skipped = {s["name"] for s in plan["stages"] if s["skipped"]}
    assert skipped == set(VARIANTS[name].skipped)


@pytest.mark.parametrize("name", [name for name, v in VARIANTS.items() if v.runs])
def test_the_stages_a_variant_has_pass(
    name: str, variants: dict[str, Path], dagger_cli: DaggerCli, checkout: Path
) -> None:
    """Each function of the variant's in a `dagger call` of its own, all at once."""
    functions = VARIANTS[name].runs
    with ThreadPoolExecutor(len(functions)) as pool:
        runs = pool.map(lambda f: call(dagger_cli, checkout, variants[name], f), functions)
        done = dict(zip(functions, runs, strict=True))
    failed = {f: readable(d.stderr)[-6000:] for f, d in done.items() if d.returncode != 0}
    assert not failed, "\n".join(f"=== {f}\n{tail}" for f, tail in failed.items())
    if "test" in done:  # every stage ran and passed, end-to-end's Playwright suite among them
        table = readable(done["test"].stdout + done["test"].stderr)
        # or, without a suite, skipped with its reason
        verdict = "SKIP" if "end-to-end" in VARIANTS[name].skipped else "PASS"
        assert re.search(rf"end-to-end\s+{verdict}", table), table[-4000:]
    for function in set(functions) & set(VARIANTS[name].skipped):
        assert done[function].stdout.strip().startswith(function), done[function].stdout
        assert "skipped" in done[function].stdout


def test_a_dockerfile_builds_the_image_the_recipe_cannot_and_build_checks_it(
    variants: dict[str, Path], dagger_cli: DaggerCli, checkout: Path, tmp_path: Path
) -> None:
    """flat-pip's requirements have no hashes, so its Dockerfile.production builds the backend.

    One platform only (amd64, native: no emulation); the image runs Django's checks with
    its own dependencies and source, as its own user (the Dockerfile's USER), and holds no
    frontend (its .dockerignore applied). At once, in a copy whose Dockerfile has no
    HEALTHCHECK, `build` fails saying what to add for the deploy.
    """
    script = "python manage.py check && id -u && test ! -e frontend"
    checks = f'with-exec --args=sh,-c,"{script}" stdout'
    image = "build --platform=linux/amd64 backend"
    settings = "with-env-variable --name=SECRET_KEY --value=checks-only"
    copy = tmp_path / "flat-pip"
    shutil.copytree(variants["flat-pip"], copy)
    dockerfile = copy / "Dockerfile.production"
    text = dockerfile.read_text()
    dockerfile.write_text(re.sub(r"^HEALTHCHECK .*?\]\n", "", text, count=1, flags=re.S | re.M))
    assert "HEALTHCHECK" not in dockerfile.read_text()
    calls = {
        variants["flat-pip"]: f"{image} {settings} {checks}",
        copy: "build --platform=linux/amd64",
    }
    with ThreadPoolExecutor(len(calls)) as pool:
        built, refused = pool.map(lambda c: call(dagger_cli, checkout, *c), calls.items())
    assert built.returncode == 0, readable(built.stderr)[-6000:]
    assert built.stdout.splitlines()[-2:] == [
        "System check identified no issues (0 silenced).",
        "10001",
    ], built.stdout
    assert refused.returncode != 0
    assert (
        "The backend image from Dockerfile.production cannot be deployed: add a HEALTHCHECK; "
        "the deploy sends it traffic on port 8000 once its health check passes"
    ) in readable(refused.stderr)


# A variant broken on purpose: (variant, file, text, broken text, function, tool's words).
BREAKAGES = [
    (
        "flat-pip",
        "store/tests.py",
        "self.assertEqual(response.status_code, 200)\n        self.assertEqual(response.json()",
        "self.assertEqual(response.status_code, 201)\n        self.assertEqual(response.json()",
        "backend-test",
        "AssertionError: 200 != 201",
    ),
    (
        "flat-pip",
        "printshop/settings.py",
        '"ENGINE": "django.db.backends.postgresql"',
        '"ENGINE": "django.db.backends.sqlite3"',
        "backend-test",
        "The tests would run on sqlite, not the PostgreSQL service: printshop.settings ignores",
    ),
    (
        "poetry-split-redis-pnpm",
        "backend/tests/test_cache.py",
        'assert cache.get("greeting") == "hello"',
        'assert cache.get("greeting") == "goodbye"',
        "backend-test",
        "AssertionError: assert 'hello' == 'goodbye'",
    ),
    (
        "workspace-out",
        "frontend/src/cart.test.ts",
        "expect(clampQuantity(3, 10)).toBe(3);",
        "expect(clampQuantity(3, 10)).toBe(4);",
        "frontend-test",
        "AssertionError: expected 3 to be 4",
    ),
]


@pytest.mark.parametrize(("name", "path", "text", "broken", "function", "words"), BREAKAGES)
def test_a_broken_copy_fails_naming_its_stage_with_the_tool_text(
    name: str,
    path: str,
    text: str,
    broken: str,
    function: str,
    words: str,
    variants: dict[str, Path],
    dagger_cli: DaggerCli,
    checkout: Path,
    tmp_path: Path,
) -> None:
    copy = tmp_path / name
    shutil.copytree(variants[name], copy)
    edit(copy / path, text, broken)
    done = call(dagger_cli, checkout, copy, function)
    error = readable(done.stderr)
    assert done.returncode != 0
    assert f"Error: {function} failed; the failing output is below." in error
    assert words in error
