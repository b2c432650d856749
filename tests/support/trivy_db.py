"""A Trivy cache directory for the tests, made by tests/engine/trivydb with the host's Go."""

import shutil
import subprocess
from pathlib import Path

from tests.support.prerequisites import require
from tests.support.process import REPO

GENERATOR = REPO / "tests/engine/trivydb"
GO_FALLBACK = Path("/usr/local/go/bin/go")


def trivy_cache(out: Path, package: str, advisory: str) -> Path:
    """Write db/ and java-db/ under `out`: one HIGH advisory `advisory` for pip `package`."""
    go = shutil.which("go") or (str(GO_FALLBACK) if GO_FALLBACK.exists() else None)
    require(
        go,
        "no Go toolchain to build the test Trivy database",
        "install Go (tools/engine needs it too)",
    )
    subprocess.run(
        [str(go), "run", ".", "-dir", str(out), "-package", package, "-id", advisory],
        cwd=GENERATOR,
        check=True,
        capture_output=True,
    )
    return out
