"""The load test's decisions: its figures against their budgets and main's, kept on main."""

import dagger

from ci import budgets, load
from ci.errors import PipelineError
from ci.flows import performance
from ci.flows.performance import Baselines
from ci.report import tail
from ci.stages.locust import STATS_CSV


async def load_tested(
    run: dagger.Container,
    planned: load.LoadRun,
    limits: load.LoadBudgets,
    main: Baselines,
    python_version: str,
) -> str:
    """What ran and the budgets table of `run` (Locust's), or the failure.

    One sentence per figure over its budget or worse than main's by more than the
    threshold, then the table.
    """
    if not await run.exists(STATS_CSV):
        raise PipelineError(
            f"Locust wrote no statistics (exit code {await run.exit_code()}): "
            f"{tail(await run.stderr(), 20)}"
        )
    measured, not_measured = load.figures(load.stats(await run.file(STATS_CSV).contents()), limits)
    failed, baseline = await performance.failures(measured, main, python_version)
    lines = [planned.described(), budgets.table(measured, baseline)]
    summary = "\n".join(line for line in [*lines, not_measured] if line)
    if failed:
        raise PipelineError("\n".join(["The load test failed:", *failed, "", summary]))
    kept = await performance.kept(measured, main, python_version)
    return "\n".join(line for line in [summary, kept] if line)
