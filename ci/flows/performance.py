"""What both performance gates decide: figures against budgets and main's, kept on main.

The load test and Lighthouse each measure figures (ci/budgets.py); this holds them to
their budgets and to main's last figures (ci/stages/baselines.py), and keeps a passing
run's figures when it is main's. `gates_passed` runs both for `ci` and `release`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ci import budgets
from ci.concurrency import Stage, run_in_order
from ci.report import add_markdown, require_passed
from ci.stages import baselines


@dataclass(frozen=True)
class Baselines:
    """Main's figures: under which key (`gate`), the threshold, and whether to keep these.

    `keep`: this run is main's; its figures become the baseline when it passes, as from
    `commit`.
    """

    gate: str
    threshold: float
    keep: bool
    commit: str

    def __post_init__(self) -> None:
        budgets.checked_threshold(self.threshold)


async def failures(
    figures: Sequence[budgets.Measured], main: Baselines, python_version: str
) -> tuple[list[str], budgets.Baseline | None]:
    """One sentence per figure over its budget or worse than main's, and main's figures."""
    baseline = await baselines.kept(main.gate, python_version)
    found = budgets.over_budget(figures) + budgets.regressions(figures, baseline, main.threshold)
    return found, baseline


async def kept(figures: Sequence[budgets.Measured], main: Baselines, python_version: str) -> str:
    """Keep a passing run's figures when it is main's; the line saying so, or ""."""
    if not main.keep:
        return ""
    await baselines.keep(main.gate, budgets.baseline_of(figures, main.commit), python_version)
    return f"Kept as main's figures (commit {main.commit})."


async def gates_passed(gates: Mapping[str, Stage]) -> str:
    """The gates one after the other (each measures the machine); their table and figures.

    The figures of each gate that passed follow the table, in the run's summary too: a
    job's summary shows main's figures, not only that they passed.
    """
    results = await run_in_order(gates)
    figures = "\n\n".join(f"#### {r.name}\n\n{r.output.strip()}" for r in results if r.passed)
    if figures:
        add_markdown(figures)
    return f"{require_passed('performance', results)}\n\n{figures}".rstrip()
