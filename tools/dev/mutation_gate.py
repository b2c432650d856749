"""The mutation gate: mutmut over the plain modules of ci/, each module's score held to a floor.

Run it as `tools/dev/mutation` (which brings .venv up to requirements-dev.txt first) from
anywhere in the repository; `tools/dev/mutation --keep` measures every module and leaves
mutmut's work directory, `mutants/`, for looking at the survivors (`.venv/bin/mutmut
results`, `.venv/bin/mutmut show NAME`, `.venv/bin/mutmut browse`); otherwise it is removed
at the end, and always at the start, since mutmut keeps the verdicts it finds there and
would not test those mutants again.

Verdicts are kept between runs outside the repository (mutation_cache.py): a module whose
code and tests are unchanged is not mutated again. `--fresh` measures every module anew.

What is mutated and which tests run is `[tool.mutmut]` in pyproject.toml: the modules of ci/
that import no dagger, against the unit tests of ci/. The floors, and the survivors left on
purpose with the reason for each, are in tools/dev/mutation-scores.toml.

A module's score is caught / (mutants - skipped), in percent, where caught is what a test
failed on (mutmut's "killed") or ran out of time on ("timeout": a mutant that hangs is
noticed). "no tests" (a mutant in a function no unit test calls) and "suspicious" count as
not caught, like a survivor: both are code the tests do not hold. "skipped" only counts
mutants mutmut was told to leave (none are). The gate fails, naming the module, when a score
is below its floor, when a plain module has no floor, or when a mutant was left unchecked.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from tools.dev import mutation_cache

ROOT = Path(__file__).resolve().parents[2]
FIGURES = Path("tools/dev/mutation-scores.toml")
WORK = Path("mutants")
# The reference app, whose profile the tests detect: copied into mutants/ as its repository
# files, without .venv and node_modules, which also_copy would copy too.
APP = Path("app")
CAUGHT = ("killed", "timeout", "caught by type check")
LEFT_OUT = ("skipped",)


@dataclass(frozen=True)
class Score:
    """How the mutants of one module fared."""

    module: str
    statuses: dict[str, str]  # mutant name -> mutmut's status

    @property
    def mutants(self) -> int:
        """The mutants that count: every one but those mutmut was told to skip."""
        return sum(status not in LEFT_OUT for status in self.statuses.values())

    @property
    def caught(self) -> int:
        """The mutants a test failed on or timed out on."""
        return sum(status in CAUGHT for status in self.statuses.values())

    @property
    def percent(self) -> float:
        """The caught / mutants, in percent (100 for a module without mutants)."""
        return 100.0 * self.caught / self.mutants if self.mutants else 100.0

    @property
    def survivors(self) -> list[str]:
        """The mutants no test caught (survived, no tests, suspicious, ...), by name."""
        return sorted(
            name
            for name, status in self.statuses.items()
            if status not in CAUGHT and status not in LEFT_OUT
        )


@dataclass(frozen=True)
class Floor:
    """A module's committed figure: its lowest allowed score and the survivors it may keep."""

    percent: float
    survivors: dict[str, str]  # mutant name -> why it is left


def floors(text: str) -> dict[str, Floor]:
    """The figures file: `[modules."ci/x.py"]` tables with `floor` and `survivors`."""
    modules = tomllib.loads(text)["modules"]
    return {
        module: Floor(float(table["floor"]), dict(table.get("survivors", {})))
        for module, table in modules.items()
    }


def verdict(scores: list[Score], committed: dict[str, Floor]) -> tuple[str, list[str]]:
    """The table of scores against floors, and one line per failure (none: the gate passes)."""
    rows = [("module", "mutants", "killed", "score", "floor", "")]
    failures: list[str] = []
    for score in scores:
        floor = committed.get(score.module)
        unchecked = [n for n, s in score.statuses.items() if s == "not checked"]
        mark = "ok"
        if floor is None:
            mark = "NO FLOOR"
            failures.append(f"{score.module} has no floor in {FIGURES}: add one.")
        elif unchecked:
            mark = "UNCHECKED"
            failures.append(f"{score.module}: {len(unchecked)} mutants were not checked.")
        elif round(score.percent, 1) < floor.percent:
            mark = "BELOW"
            failures.append(
                f"{score.module} scores {score.percent:.1f}%, below its floor of "
                f"{floor.percent:.1f}%: add tests that fail on its new survivors, or, for "
                f"a survivor no test can tell apart, list it with the reason in {FIGURES}."
            )
        rows.append(
            (
                score.module,
                str(score.mutants),
                str(score.caught),
                f"{score.percent:.1f}%",
                "-" if floor is None else f"{floor.percent:.1f}%",
                mark,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.rjust(width) if 0 < i < len(row) - 1 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    failures += [
        f"{module} has a floor in {FIGURES} but no mutants: drop the floor, or mutate it again "
        "([tool.mutmut] only_mutate in pyproject.toml)."
        for module in sorted(set(committed) - {score.module for score in scores})
    ]
    return "\n".join(lines), failures


def unlisted(scores: list[Score], committed: dict[str, Floor]) -> list[str]:
    """Survivors the figures file does not list (shown, not a failure while above the floor)."""
    return [
        name
        for score in scores
        for name in score.survivors
        if name not in (committed[score.module].survivors if score.module in committed else {})
    ]


def stale(scores: list[Score], committed: dict[str, Floor]) -> list[str]:
    """Listed survivors that no longer survive (caught now, or gone): to drop from the list."""
    alive = {name for score in scores for name in score.survivors}
    return sorted(
        name for floor in committed.values() for name in floor.survivors if name not in alive
    )


def _statuses(modules: list[Path]) -> dict[str, dict[str, str]]:
    """The verdicts of `modules`, from the .meta files mutmut writes."""
    # Imported here: mutmut reads pyproject.toml of the working directory when imported.
    from mutmut.stats import status_by_exit_code

    result: dict[str, dict[str, str]] = {}
    for module in modules:
        meta = WORK / f"{module}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        result[str(module)] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return result


@dataclass(frozen=True)
class Settings:
    """What [tool.mutmut] says: the mutated modules, the selected tests, the files copied."""

    source: Path
    modules: list[Path]
    tests: list[Path]
    shared: list[Path]
    setup: str  # the other settings (mutmut's and pytest's), as text

    @classmethod
    def read(cls, pyproject: dict[str, object]) -> "Settings":
        """The settings of pyproject.toml's [tool.mutmut], for the repository in the cwd."""
        tool = dict(pyproject["tool"])  # type: ignore[call-overload]
        mutmut = dict(tool["mutmut"])
        (source,) = map(Path, mutmut.pop("source_paths"))
        patterns = mutmut.pop("only_mutate")
        modules = [
            p for p in sorted(source.rglob("*.py")) if any(fnmatch(str(p), x) for x in patterns)
        ]
        selection = mutmut.pop("pytest_add_cli_args_test_selection")
        ignored = {
            Path(a.removeprefix("--ignore=")) for a in selection if a.startswith("--ignore=")
        }
        tests = [
            test
            for place in selection
            if not place.startswith("-")
            for test in (
                sorted(Path(place).rglob("test_*.py")) if Path(place).is_dir() else [Path(place)]
            )
            if test not in ignored
        ]
        copied = [Path(p) for p in mutmut.pop("also_copy")]
        shared = [Path("requirements-dev.txt"), *_files(copied), *_files([APP])]
        setup = json.dumps([mutmut, tool["pytest"]], sort_keys=True)
        return cls(source, modules, tests, shared, setup)

    def key(self, module: Path) -> str:
        """The hash of what decides `module`'s verdicts (mutation_cache.py)."""
        tests = mutation_cache.tests_of(module, self.tests, Path("."))
        return mutation_cache.key(module, tests, self.source, self.shared, Path("."), self.setup)


def _files(places: list[Path]) -> list[Path]:
    """The repository's files in `places` (tracked, or new and not ignored), as git lists them."""
    listed = subprocess.run(  # noqa: S603 (git, on our own paths)
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *places],  # noqa: S607
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(Path(name) for name in listed.split("\0") if name and Path(name).is_file())


def _dotted(module: Path) -> str:
    """ci/profile/skips.py -> ci.profile.skips, how mutmut's mutant names begin."""
    return ".".join(module.with_suffix("").parts)


def _mutmut(names: list[str], max_children: int) -> subprocess.CompletedProcess[str]:
    """Run mutmut on the mutants named (all when none), in a fresh mutants/ with the app in it."""
    shutil.rmtree(WORK, ignore_errors=True)
    for path in _files([APP]):
        (WORK / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, WORK / path)
    with tempfile.TemporaryFile("w+") as out:
        mutmut = Path(sys.executable).parent / "mutmut"
        run = subprocess.run(  # noqa: S603 (our own venv's mutmut)
            [mutmut, "run", f"--max-children={max_children}", *names],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
        out.seek(0)
        return subprocess.CompletedProcess(run.args, run.returncode, out.read())


def main() -> int:
    """Run mutmut on the modules not in the cache, print the table, fail below a floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="measure every module, cached or not")
    parser.add_argument(
        "--keep", action="store_true", help="measure every module; keep mutants/ for mutmut"
    )
    parser.add_argument(
        "--max-children",
        type=int,
        default=os.cpu_count() or 2,
        help="mutants tested at once (default: one per CPU)",
    )
    options = parser.parse_args()
    os.chdir(ROOT)
    shutil.rmtree(WORK, ignore_errors=True)
    started = time.monotonic()
    settings = Settings.read(tomllib.loads(Path("pyproject.toml").read_text()))
    cache = mutation_cache.directory()
    keys = {module: settings.key(module) for module in settings.modules}
    kept = (
        {}
        if options.fresh or options.keep
        else {m: mutation_cache.load(cache, k) for m, k in keys.items()}
    )
    cached = {str(m): statuses for m, statuses in kept.items() if statuses is not None}
    measured = [m for m in settings.modules if str(m) not in cached]
    try:
        if measured:
            names = [] if measured == settings.modules else [f"{_dotted(m)}.*" for m in measured]
            run = _mutmut(names, options.max_children)
            if run.returncode != 0:
                print(run.stdout[-4000:])
                print(f"mutation: mutmut failed (exit {run.returncode}); its output above.")
                return 1
        fresh = _statuses(measured)
        for module in measured:
            mutation_cache.store(cache, keys[module], fresh[str(module)])
        mutation_cache.prune(cache)
        seconds = time.monotonic() - started
        committed = floors(FIGURES.read_text())
        statuses = cached | fresh
        scores = [Score(str(m), statuses[str(m)]) for m in settings.modules]
        table, failures = verdict(scores, committed)
        print(table)
        total = sum(s.mutants for s in scores)
        print(
            f"\n{total} mutants in {seconds:.0f} s ({options.max_children} at a time): "
            f"{len(measured)} modules measured, {len(cached)} unchanged since a run kept in "
            f"{cache} (--fresh measures them too)."
        )
        if extra := unlisted(scores, committed):
            print(f"Survivors not listed in {FIGURES} (`tools/dev/mutation --keep`, then")
            print("`.venv/bin/mutmut show NAME`):")
            print("\n".join(f"  {name}" for name in extra))
        if gone := stale(scores, committed):
            print(f"Listed in {FIGURES} but caught now or gone (drop them, maybe raise the floor):")
            print("\n".join(f"  {name}" for name in gone))
        for failure in failures:
            print(f"mutation: {failure}")
        return 1 if failures else 0
    finally:
        if not options.keep:
            shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
