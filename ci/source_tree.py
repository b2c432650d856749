"""Reading the source into a `SourceTree`: the files detection looks at, fetched at once."""

import asyncio
import fnmatch

import dagger

from ci.profile.tree import NAMES_READ, NAMES_SEEN, PATTERNS_READ, PATTERNS_SEEN, SourceTree


def _patterns() -> list[str]:
    """Each name and pattern at the root and at any depth below it."""
    names = [*NAMES_READ, *NAMES_SEEN, *PATTERNS_READ, *PATTERNS_SEEN]
    return [pattern for name in names for pattern in (name, f"**/{name}")]


def read(path: str) -> bool:
    """Whether detection reads the text of `path` (not only its presence)."""
    name = path.rsplit("/", 1)[-1]
    tail = "/".join(path.split("/")[-2:])
    patterns = [p for p in PATTERNS_READ if fnmatch.fnmatch(tail if "/" in p else name, p)]
    return name in NAMES_READ or bool(patterns)


async def snapshot(source: dagger.Directory) -> SourceTree:
    """The paths of interest in `source` and the text of those detection reads."""
    found = await asyncio.gather(*(source.glob(p) for p in _patterns()))
    paths = sorted({path.removeprefix("./") for paths in found for path in paths})
    reads = [p for p in paths if read(p)]
    texts = await asyncio.gather(*(source.file(p).contents() for p in reads))
    return SourceTree(frozenset(paths), dict(zip(reads, texts, strict=True)))
