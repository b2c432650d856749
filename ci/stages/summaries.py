"""Keep a run's job summary and reports in the engine, for a later call of the same job.

The workflow's `ci` step may end red, and a red `dagger call` returns nothing; later steps
(`ci-summary`, `ci-reports`, run also after a red run) return what `ci` kept here: the
summary in Markdown, and the reports of the checks that only `ci` runs (the performance
gates, the scheduled load tests), which a later call could not make again without
measuring again. Cache volumes live as long as the engine, which is the job's on a hosted
runner.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import dagger

from ci.stages.common import reports_of, volume_shell

VOLUME = "ci-job-summaries"
MOUNT = "/summaries"
# Report directories handed over while a `ci` run collects them: name -> (run, its dir).
Reports = dict[str, tuple[dagger.Container, str]]
_REPORTS: ContextVar[Reports | None] = ContextVar("reports", default=None)


def _file(event: str, revision: str) -> str:
    """The file a run of `event` on `revision` keeps its summary in."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", f"{event}-{revision}") + ".md"


def _reports_dir(event: str, revision: str) -> str:
    """The directory a run of `event` on `revision` keeps its reports in."""
    return f"{MOUNT}/{_file(event, revision).removesuffix('.md')}-reports"


@contextmanager
def collected_reports() -> Iterator[Reports]:
    """Collect the reports the checks inside the block hand over (`hand_over`)."""
    reports: Reports = {}
    token = _REPORTS.set(reports)
    try:
        yield reports
    finally:
        _REPORTS.reset(token)


def hand_over(name: str, run: dagger.Container, reports_dir: str) -> None:
    """Offer the reports `run` writes in `reports_dir`, kept as `name/` when collected."""
    reports = _REPORTS.get()
    if reports is not None:
        reports[name] = (run, reports_dir)


async def keep(
    event: str,
    revision: str,
    markdown: str,
    reports: Reports,
    python_version: str,
) -> None:
    """Store `markdown` and `reports` for `event` on `revision`, replacing earlier ones.

    Each report directory gets its run's exit code; a run that failed before writing
    any (its stack did not start) has none to keep: the summary holds its error.
    """
    target = _reports_dir(event, revision)
    shell = volume_shell(VOLUME, MOUNT, python_version).with_new_file("/summary.md", markdown)
    for name, (run, reports_dir) in sorted(reports.items()):
        try:
            written = await (await reports_of(run, reports_dir)).sync()
        except dagger.QueryError:
            continue
        shell = shell.with_directory(f"/reports/{name}", written)
    script = (
        f'cp /summary.md "{MOUNT}/{_file(event, revision)}" && rm -rf "{target}" && '
        f'mkdir -p "{target}" /reports && cp -r /reports/. "{target}/"'
    )
    await shell.with_exec(["sh", "-c", script]).sync()


async def kept(event: str, revision: str, python_version: str) -> str:
    """What a run of `event` on `revision` kept, or a line saying none did on this engine."""
    missing = "No summary of this run was kept on this engine: see the job's log."
    script = f'cat "{MOUNT}/{_file(event, revision)}" 2>/dev/null || echo "{missing}"'
    return (
        await volume_shell(VOLUME, MOUNT, python_version).with_exec(["sh", "-c", script]).stdout()
    )


def kept_reports(event: str, revision: str, python_version: str) -> dagger.Directory:
    """The reports a run of `event` on `revision` kept (empty when it kept none)."""
    script = f'mkdir -p /out && cp -r "{_reports_dir(event, revision)}/." /out/ 2>/dev/null || true'
    shell = volume_shell(VOLUME, MOUNT, python_version)
    return shell.with_exec(["sh", "-c", script]).directory("/out")
