"""The smoke test: a probe run against a URL afresh each time, and what it found."""

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import dagger
from dagger import dag

from ci import versions
from ci.environments import SmokeSettings, Target
from ci.layout import PIPELINE_SCRIPTS
from ci.report import tail

SMOKE_SCRIPT = "/smoke/smoke_probe.py"


@dataclass(frozen=True)
class SmokeResult:
    """The smoke checks of one URL."""

    url: str
    checks: list[dict[str, object]]

    @property
    def passed(self) -> bool:
        """Whether every check passed (and there were some)."""
        return bool(self.checks) and all(c["passed"] for c in self.checks)

    def table(self) -> str:
        """One line per check."""
        lines = [f"Smoke test of {self.url}:"]
        width = max((len(str(check["name"])) for check in self.checks), default=0)
        for check in self.checks:
            mark = "PASS" if check["passed"] else "FAIL"
            lines.append(f"{mark}  {check['name']!s:<{width}}  {check['detail']}")
        return "\n".join(lines)


def smoke_env(python_version: str) -> dagger.Container:
    """Python with the smoke probe at /smoke/smoke_probe.py, run afresh each call."""
    return (
        dag.container()
        .from_(versions.python_image(python_version))
        .with_new_file(SMOKE_SCRIPT, (PIPELINE_SCRIPTS / "smoke_probe.py").read_text())
        .with_workdir("/smoke")
        .with_env_variable("SMOKE_RUN", uuid.uuid4().hex)
    )


def smoke_probe(
    url: str, release: str, settings: SmokeSettings, python_version: str
) -> dagger.Container:
    """The smoke checks run against `url`, whatever their outcome."""
    args = settings.probe_args(release)
    return smoke_env(python_version).with_exec(
        ["python", SMOKE_SCRIPT, url, *args], expect=dagger.ReturnType.ANY
    )


async def smoked(probe: dagger.Container, url: str) -> SmokeResult:
    """Run `probe`; its checks (a probe that printed nothing is one failed check)."""
    out = await probe.stdout()
    try:
        checks = json.loads(out)["checks"]
    except (ValueError, KeyError):
        checks = [{"name": "probe", "passed": False, "detail": tail(await probe.stderr(), 5)}]
    return SmokeResult(url, checks)


# (url, release the health answer must name) -> the smoke checks of that URL.
SmokeTest = Callable[[str, str], Awaitable[SmokeResult]]


async def smoke_tested(
    target: Target | None, url: str, release: str, python_version: str
) -> SmokeResult:
    """Run the smoke checks on `url` with `target`'s settings (the defaults without one)."""
    settings = target.smoke if target else SmokeSettings()
    return await smoked(smoke_probe(url, release, settings, python_version), url)
