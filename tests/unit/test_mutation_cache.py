"""tools/dev/mutation's kept verdicts: a module is measured again when what decides it changed."""

import os
from pathlib import Path

import pytest

from tools.dev import mutation_cache

SOURCE = Path("ci")
TESTS = [Path("tests/unit/test_a.py"), Path("tests/unit/test_b.py")]
FILES = {
    "ci/__init__.py": "",
    "ci/a.py": "from ci import shared\n",
    "ci/b.py": "",
    "ci/shared.py": "",
    "ci/around.py": "from ci import a\n",
    "tests/conftest.py": "",
    "tests/support/helper.py": "",
    "tests/unit/test_a.py": "from ci.around import a\nfrom tests.support.helper import x\n",
    "tests/unit/test_b.py": "import ci.b\n",
    "deploy/data.json": "{}",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def key_of(module: str, repo: Path) -> str:
    tests = mutation_cache.tests_of(Path(module), TESTS, repo)
    return mutation_cache.key(
        Path(module), tests, SOURCE, [Path("deploy/data.json")], repo, "settings"
    )


def test_a_modules_tests_are_those_whose_imports_reach_it() -> None:
    root = Path(__file__).resolve().parents[2]
    tests = [Path("tests/unit/test_profile_commands.py"), Path("tests/unit/test_events.py")]
    reach = mutation_cache.tests_of(Path("ci/profile/skips.py"), tests, root)
    assert reach == [Path("tests/unit/test_profile_commands.py")]


@pytest.mark.parametrize(
    ("edited", "measured_again"),
    [
        ("ci/a.py", {"ci/a.py"}),
        ("ci/shared.py", {"ci/a.py"}),  # what a's mutants run
        ("tests/unit/test_a.py", {"ci/a.py"}),
        ("tests/support/helper.py", {"ci/a.py"}),  # what its test imports outside ci/
        ("tests/conftest.py", {"ci/a.py", "ci/b.py"}),
        ("deploy/data.json", {"ci/a.py", "ci/b.py"}),  # read by every run
        ("ci/b.py", {"ci/b.py"}),
        ("ci/around.py", set()),  # on a test's way to a only: kept (--fresh measures it)
    ],
)
def test_an_edit_measures_again_only_the_modules_it_can_change(
    repo: Path, edited: str, measured_again: set[str]
) -> None:
    before = {module: key_of(module, repo) for module in ("ci/a.py", "ci/b.py")}
    (repo / edited).write_text((repo / edited).read_text() + "\n# edited\n")
    after = {module: key_of(module, repo) for module in before}
    assert {module for module in before if before[module] != after[module]} == measured_again


def test_a_settings_change_measures_every_module_again(repo: Path) -> None:
    tests = mutation_cache.tests_of(Path("ci/b.py"), TESTS, repo)
    keys = {
        mutation_cache.key(Path("ci/b.py"), tests, SOURCE, [], repo, setup)
        for setup in ("settings", "other settings")
    }
    assert len(keys) == 2


def test_verdicts_come_back_under_their_key_and_unread_ones_go(tmp_path: Path) -> None:
    verdicts = {"ci.a.x_f__mutmut_1": "killed", "ci.a.x_f__mutmut_2": "survived"}
    mutation_cache.store(tmp_path, "k1", verdicts)
    mutation_cache.store(tmp_path, "k2", {})
    assert mutation_cache.load(tmp_path, "k1") == verdicts
    assert mutation_cache.load(tmp_path, "other") is None
    month = mutation_cache.UNUSED_DAYS * 86400
    os.utime(tmp_path / "k2.json", (0, 0))
    mutation_cache.prune(tmp_path, now=month + 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k1.json"]
    (tmp_path / "k1.json").write_text("half a fi")
    assert mutation_cache.load(tmp_path, "k1") is None


def test_the_verdicts_live_in_the_tools_cache_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PRINTSHOP_CACHE", str(tmp_path / "mine"))
    assert mutation_cache.directory() == tmp_path / "mine" / "mutation"
    monkeypatch.delenv("PRINTSHOP_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mutation_cache.directory() == tmp_path / "printshop-dev" / "mutation"
