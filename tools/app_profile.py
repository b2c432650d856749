"""Profiles of directories on this machine, read as `ci.source_tree.snapshot` reads a source.

For the tests and the benchmarks: the reference app's profile, and those of app variants.
"""

import os
from pathlib import Path

from ci.profile import AppProfile, SourceTree, detect
from ci.profile.tree import read, wanted

ROOT = Path(__file__).resolve().parents[1]
# What the module's source leaves out (ci.layout.SOURCE_IGNORE), as directory names.
SKIPPED = {".git", ".venv", "node_modules", "__pycache__", "sdk", "reports", "dist"}


def tree_of(root: Path) -> SourceTree:
    """The files under `root` detection looks at, with the text of those it reads."""
    files: dict[str, str | None] = {}
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d not in SKIPPED]
        for name in names:
            path = (Path(directory) / name).relative_to(root).as_posix()
            if wanted(path):
                files[path] = (root / path).read_text() if read(path) else None
    return SourceTree.of(files)


def profile_of_directory(root: Path) -> AppProfile:
    """The profile the pipeline would detect for a source at `root`."""
    return detect(tree_of(root))
