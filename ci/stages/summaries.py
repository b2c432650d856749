"""Keep a run's job summary in the engine, for a later call of the same job to export.

The workflow's `ci` step may end red, and a red `dagger call` returns nothing; a later step
(`ci-summary`, run also after a red run) returns the summary `ci` kept here. Cache volumes
live as long as the engine, which is the job's on a hosted runner.
"""

import re

from ci.stages.common import volume_shell

VOLUME = "ci-job-summaries"
MOUNT = "/summaries"


def _file(event: str, revision: str) -> str:
    """The file a run of `event` on `revision` keeps its summary in."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"{event}-{revision}") + ".md"


async def keep(event: str, revision: str, markdown: str, python_version: str) -> None:
    """Store `markdown` for `event` on `revision`, replacing what an earlier run kept."""
    await (
        volume_shell(VOLUME, MOUNT, python_version)
        .with_new_file("/summary.md", markdown)
        .with_exec(["cp", "/summary.md", f"{MOUNT}/{_file(event, revision)}"])
        .sync()
    )


async def kept(event: str, revision: str, python_version: str) -> str:
    """What a run of `event` on `revision` kept, or a line saying none did on this engine."""
    missing = "No summary of this run was kept on this engine: see the job's log."
    script = f'cat "{MOUNT}/{_file(event, revision)}" 2>/dev/null || echo "{missing}"'
    return (
        await volume_shell(VOLUME, MOUNT, python_version).with_exec(["sh", "-c", script]).stdout()
    )
