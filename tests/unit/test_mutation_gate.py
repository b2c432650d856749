"""tools/dev/mutation's verdict: each module's score against its committed floor."""

import re

from tests.support.process import REPO
from tools.dev.mutation_gate import FIGURES, Floor, Score, floors, stale, unlisted, verdict


def score(module: str, killed: int, survived: int, **others: int) -> Score:
    statuses = {f"{module}.k{i}": "killed" for i in range(killed)}
    statuses |= {f"{module}.s{i}": "survived" for i in range(survived)}
    for status, count in others.items():
        statuses |= {f"{module}.{status}{i}": status.replace("_", " ") for i in range(count)}
    return Score(module, statuses)


def test_a_score_below_its_floor_fails_naming_the_module() -> None:
    scores = [score("ci/a.py", 9, 1), score("ci/b.py", 8, 2)]
    table, failures = verdict(scores, {"ci/a.py": Floor(90.0, {}), "ci/b.py": Floor(85.0, {})})
    assert [line.split() for line in table.splitlines()] == [
        ["module", "mutants", "killed", "score", "floor"],
        ["ci/a.py", "10", "9", "90.0%", "90.0%", "ok"],
        ["ci/b.py", "10", "8", "80.0%", "85.0%", "BELOW"],
    ]
    (failure,) = failures
    assert failure.startswith("ci/b.py scores 80.0%, below its floor of 85.0%")


def test_timeouts_count_as_caught_and_untested_mutants_do_not() -> None:
    caught = score("ci/a.py", 6, 1, timeout=2, no_tests=1, skipped=5)
    assert (caught.mutants, caught.caught, caught.percent) == (10, 8, 80.0)
    assert caught.survivors == ["ci/a.py.no_tests0", "ci/a.py.s0"]


def test_a_module_without_a_floor_and_a_floor_without_a_module_fail() -> None:
    _table, failures = verdict([score("ci/new.py", 1, 0)], {"ci/old.py": Floor(90.0, {})})
    assert [f.split(" ")[0] for f in failures] == ["ci/new.py", "ci/old.py"]


def test_unchecked_mutants_fail_whatever_the_score() -> None:
    _table, failures = verdict([score("ci/a.py", 9, 0, not_checked=1)], {"ci/a.py": Floor(0, {})})
    assert failures == ["ci/a.py: 1 mutants were not checked."]


def test_survivors_are_compared_with_the_list() -> None:
    scores = [score("ci/a.py", 1, 2)]
    committed = {"ci/a.py": Floor(0, {"ci/a.py.s0": "why", "ci/a.py.gone": "why"})}
    assert unlisted(scores, committed) == ["ci/a.py.s1"]
    assert stale(scores, committed) == ["ci/a.py.gone"]


def test_the_committed_figures_cover_every_plain_module_at_90_or_more() -> None:
    committed = floors((REPO / FIGURES).read_text())
    # The modules of ci/ itself and of detection, ci/profile (ci/flows go through
    # ci/concurrency.py, which imports dagger; ci/scripts run inside the test containers).
    plain = {
        str(path.relative_to(REPO))
        for path in [*REPO.glob("ci/*.py"), *REPO.glob("ci/profile/*.py")]
        if not re.search(r"^(import|from) dagger\b", path.read_text(), re.M)
        and path.name != "__init__.py"
    }
    assert set(committed) == plain
    assert all(floor.percent >= 90 for floor in committed.values())
    assert all(why.strip() for floor in committed.values() for why in floor.survivors.values())
