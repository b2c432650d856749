"""The mutation gate's verdicts kept between runs, per module, under a key of what decides them.

A module's mutants get the same verdicts as long as these are the same: the module and the
modules of the repository it imports (what its mutants run), its tests (each selected test
file whose imports reach the module) with what they import outside the mutated source,
the files the tests read (`also_copy`, the copied app), the `[tool.mutmut]` settings, the
locked tools (requirements-dev.txt), mutmut's and Python's versions. The key is a hash of
them all; an unchanged module costs nothing on a warm run, a changed one only its own run.

What the key leaves out: a change in a module that only the tests pass through on their
way to the mutated one (ci/profile/detect.py for ci/profile/django_app.py) keeps the
latter's verdicts; `tools/dev/mutation --fresh` measures every module again.

The verdicts live outside the repository, in tools/dev/setup's cache directory
($PRINTSHOP_CACHE, else $XDG_CACHE_HOME/printshop-dev, else ~/.cache/printshop-dev), under
`mutation/`, one JSON file per key: worktrees and branches share them safely.
"""

import ast
import functools
import hashlib
import json
import os
import platform
import time
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

FORMAT = 1  # of the files and of the key: raise it when either changes
UNUSED_DAYS = 30  # a verdict file nothing read for this long is removed


def directory() -> Path:
    """Where the verdicts are kept: tools/dev/setup's cache directory, `mutation/`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("PRINTSHOP_CACHE") or Path(base) / "printshop-dev") / "mutation"


@functools.cache
def imported(path: Path, root: Path) -> frozenset[Path]:
    """The repository's files that `path` imports (`from a.b import c` is a/b/c.py or a/b).

    Read once per run (cached): the files do not change while the gate runs.
    """
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            for candidate in (Path(*parts).with_suffix(".py"), Path(*parts, "__init__.py")):
                if (root / candidate).is_file():
                    found.add(candidate)
    return frozenset(found)


def closure(start: Path, root: Path) -> set[Path]:
    """`start` and every repository file it imports, directly or not."""
    seen, todo = {start}, [start]
    while todo:
        for path in imported(root / todo.pop(), root) - seen:
            seen.add(path)
            todo.append(path)
    return seen


def tests_of(module: Path, tests: Iterable[Path], root: Path) -> list[Path]:
    """The test files whose imports reach `module` (through any module of the repository)."""
    return sorted(test for test in tests if module in closure(test, root))


def conftests(test: Path, root: Path) -> set[Path]:
    """The conftest.py files pytest loads for `test`: in its directory and those above."""
    return {
        parent / "conftest.py"
        for parent in test.parents
        if parent != Path(".") and (root / parent / "conftest.py").is_file()
    }


def key(
    module: Path,
    tests: Iterable[Path],
    source: Path,
    shared: Iterable[Path],
    root: Path,
    setup: str,
) -> str:
    """The hash of what decides `module`'s verdicts (the module doc lists it).

    `source`: the mutated tree (ci/); a test's imports there count only through the module's
    own. `shared`: files every run reads. `setup`: the settings, as text.
    """
    files = closure(module, root) | set(shared)
    for test in tests:
        files |= conftests(test, root)
        files |= {path for path in closure(test, root) if not path.is_relative_to(source)}
    digest = hashlib.sha256(f"{FORMAT}\n{setup}\n{_tools()}\n".encode())
    for path in sorted(files):
        digest.update(f"{path}\0".encode() + (root / path).read_bytes() + b"\0")
    return digest.hexdigest()


def _tools() -> str:
    return f"mutmut {version('mutmut')}, Python {platform.python_version()}"


def load(cache: Path, digest: str) -> dict[str, str] | None:
    """The verdicts (mutant -> status) kept under `digest`, or None."""
    path = cache / f"{digest}.json"
    try:
        statuses = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    path.touch()
    return statuses if isinstance(statuses, dict) else None


def store(cache: Path, digest: str, statuses: dict[str, str]) -> None:
    """Keep `statuses` under `digest` (written whole, then renamed: never half a file)."""
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f"{digest}.{os.getpid()}.partial"
    partial.write_text(json.dumps(statuses, indent=0, sort_keys=True))
    partial.replace(cache / f"{digest}.json")


def prune(cache: Path, now: float | None = None) -> None:
    """Remove the verdict files nothing read for UNUSED_DAYS."""
    cutoff = (time.time() if now is None else now) - UNUSED_DAYS * 86400
    for path in cache.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
