"""Reading the source into a `SourceTree`: the files detection looks at, fetched at once."""

import asyncio

import dagger

from ci.profile.tree import SourceTree, read, wanted


async def snapshot(source: dagger.Directory) -> SourceTree:
    """The paths of interest in `source` and the text of those detection reads.

    One listing of the whole source (its ignore list already leaves out node_modules,
    virtualenvs and the like), then the files detection reads, all at once.
    """
    paths = sorted({p.removeprefix("./") for p in await source.glob("**/*") if wanted(p)})
    reads = [p for p in paths if read(p)]
    texts = await asyncio.gather(*(source.file(p).contents() for p in reads))
    return SourceTree(frozenset(paths), dict(zip(reads, texts, strict=True)))
