"""Keep a run's job summary in the engine, for a later call of the same job to export.

The workflow's `ci` step may end red, and a red `dagger call` returns nothing; a later step
(`ci-summary`, run also after a red run) returns the summary `ci` kept here. Cache volumes
live as long as the engine, which is the job's on a hosted runner.
"""

import re
import uuid

import dagger
from dagger import dag

from ci.versions import python_image

VOLUME = "ci-job-summaries"
MOUNT = "/summaries"


def _file(event: str, revision: str) -> str:
    """The file a run of `event` on `revision` keeps its summary in."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"{event}-{revision}") + ".md"


def _volume_shell(python_version: str) -> dagger.Container:
    """A container with the summaries volume, never served from the cache (a fresh nonce)."""
    return (
        dag.container()
        .from_(python_image(python_version))
        .with_mounted_cache(MOUNT, dag.cache_volume(VOLUME))
        .with_env_variable("RUN_NONCE", uuid.uuid4().hex)
    )


async def keep(event: str, revision: str, markdown: str, python_version: str) -> None:
    """Store `markdown` for `event` on `revision`, replacing what an earlier run kept."""
    await (
        _volume_shell(python_version)
        .with_new_file("/summary.md", markdown)
        .with_exec(["cp", "/summary.md", f"{MOUNT}/{_file(event, revision)}"])
        .sync()
    )


async def kept(event: str, revision: str, python_version: str) -> str:
    """What a run of `event` on `revision` kept, or a line saying none did on this engine."""
    missing = "No summary of this run was kept on this engine: see the job's log."
    script = f'cat "{MOUNT}/{_file(event, revision)}" 2>/dev/null || echo "{missing}"'
    return await _volume_shell(python_version).with_exec(["sh", "-c", script]).stdout()
