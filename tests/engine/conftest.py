"""The engine tier: Pipeline functions called in client mode on a real Dagger engine.

Needs a Dagger CLI and engine: tools/engine/up starts one here and prints the
environment (_EXPERIMENTAL_DAGGER_RUNNER_HOST, _EXPERIMENTAL_DAGGER_CLI_BIN); on a
machine with Docker, a `dagger` CLI on PATH starts its own. Without either the tier
skips, or fails under CI=true.
"""

import os
import shutil
from collections.abc import AsyncIterator

import dagger
import pytest_asyncio
from dagger import dag

from ci.layout import SOURCE_IGNORE
from ci.pipeline import Pipeline
from tests.support.prerequisites import ENGINE_FIX, require
from tests.support.process import REPO


@pytest_asyncio.fixture
async def engine() -> AsyncIterator[None]:
    """A connection to the engine for one test."""
    cli = os.environ.get("_EXPERIMENTAL_DAGGER_CLI_BIN") or shutil.which("dagger")
    require(cli, "no Dagger engine", ENGINE_FIX)
    async with dagger.connection():
        yield


def repository() -> dagger.Directory:
    """This checkout, minus what the module's --source ignores."""
    return dag.host().directory(str(REPO), exclude=SOURCE_IGNORE)


async def pipeline(source: dagger.Directory | None = None) -> Pipeline:
    """The Pipeline as `dagger call` constructs it, on `source` or this checkout."""
    return await Pipeline.create(source=source or repository())
