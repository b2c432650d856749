"""Run a stage's command on this machine and fail with its output when it fails."""

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from ci.report import tail

REPO = Path(__file__).resolve().parents[2]


def environment(path_first: Sequence[Path] = (), **extra: str) -> dict[str, str]:
    """This process's environment with `path_first` at the head of PATH and `extra` set."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([*map(str, path_first), env.get("PATH", "")])
    return env | extra


def run(
    command: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """Run `command`; on a non-zero exit, fail with the end of its output."""
    done = subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, (
        f"`{' '.join(command)}` in {cwd.relative_to(REPO)} exited with {done.returncode}\n"
        f"--- stdout ---\n{tail(done.stdout)}\n--- stderr ---\n{tail(done.stderr)}"
    )
    return done
