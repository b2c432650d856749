"""Keep each performance gate's last figures of main in the engine, to compare runs with.

A cache volume lives as long as the engine: a runner that keeps its engine (a self-hosted
one, a laptop) compares every run with main's last; a fresh engine has no baseline yet,
and the gates say so.
"""

from ci.budgets import Baseline
from ci.stages.common import volume_shell

VOLUME = "performance-baselines"
MOUNT = "/baselines"


async def keep(gate: str, baseline: Baseline, python_version: str) -> None:
    """Store `baseline` as `gate`'s figures of main, replacing the ones kept before."""
    await (
        volume_shell(VOLUME, MOUNT, python_version)
        .with_new_file("/baseline.json", baseline.to_json())
        .with_exec(["cp", "/baseline.json", f"{MOUNT}/{gate}.json"])
        .sync()
    )


async def kept(gate: str, python_version: str) -> Baseline | None:
    """`gate`'s figures of main kept on this engine, or None before the first."""
    script = f'cat "{MOUNT}/{gate}.json" 2>/dev/null || true'
    text = (
        await volume_shell(VOLUME, MOUNT, python_version).with_exec(["sh", "-c", script]).stdout()
    )
    return Baseline.from_json(text) if text.strip() else None
