"""The Lighthouse gate's decisions: the median figures against their budgets and main's."""

from collections.abc import Mapping

import dagger

from ci import lighthouse_report
from ci.budgets import table
from ci.errors import PipelineError
from ci.flows import performance
from ci.flows.performance import Baselines
from ci.report import failure_text, tail
from ci.stages.lighthouse import REPORTS


async def lighthouse_checked(
    run: dagger.Container,
    runs: int,
    limits: Mapping[str, float],
    main: Baselines,
    python_version: str,
) -> str:
    """The figures table of `run` (Lighthouse's `runs` runs) and what ran, or the failure.

    One sentence per figure over its budget or worse than main's by more than the
    threshold, then the table.
    """
    measured_runs = await _runs(run, runs)
    figures = lighthouse_report.measured(measured_runs, limits)
    failed, baseline = await performance.failures(figures, main, python_version)
    shown = f"{table(figures, baseline)}\n\n{lighthouse_report.what_ran(measured_runs)}."
    if failed:
        raise PipelineError("\n".join([*failed, "", shown]))
    kept = await performance.kept(figures, main, python_version)
    return f"{shown}\n{kept}" if kept else shown


async def _runs(run: dagger.Container, runs: int) -> list[lighthouse_report.Run]:
    """Each run's figures, read from its JSON report; a failed run is one sentence.

    `run` ran whatever Lighthouse's exit code (its reports are kept either way).
    """
    try:
        code = await run.exit_code()
        if code != 0:
            raise PipelineError(
                f"Lighthouse failed (exit code {code}): {tail(await run.stderr(), 20)}"
            )
        reports = run.directory(REPORTS)
        names = [f"run-{n}.report.json" for n in range(1, runs + 1)]
        texts = [await reports.file(name).contents() for name in names]
    except dagger.ExecError as exc:
        raise PipelineError(f"Lighthouse failed: {failure_text(exc)}") from None
    return [lighthouse_report.read_run(t, n) for t, n in zip(texts, names, strict=True)]
