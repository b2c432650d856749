"""Keep a run's job summary in the engine, for a later call of the same job to export.

The workflow's `ci` step may end red, and a red `dagger call` returns nothing; the step
after it (`ci-reports`, run also after a red run) exports the summary `ci` kept here. Cache
volumes live as long as the engine, which is the job's on a hosted runner.
"""

import re
import uuid

import dagger
from dagger import dag

from ci.versions import python_image

VOLUME = "ci-job-summaries"
MOUNT = "/summaries"


def summary_key(event: str, revision: str) -> str:
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


async def keep(key: str, markdown: str, python_version: str) -> None:
    """Store `markdown` under `key`, replacing what an earlier run kept there."""
    await (
        _volume_shell(python_version)
        .with_new_file("/summary.md", markdown)
        .with_exec(["cp", "/summary.md", f"{MOUNT}/{key}"])
        .sync()
    )


async def kept(key: str, python_version: str) -> str:
    """What was stored under `key`, or a line saying no run kept one on this engine."""
    missing = "No summary of this run was kept on this engine: see the job's log."
    script = f'cat "{MOUNT}/{key}" 2>/dev/null || echo "{missing}"'
    return await _volume_shell(python_version).with_exec(["sh", "-c", script]).stdout()
