"""What both performance gates decide: figures against budgets and main's, kept on main.

The load test and Lighthouse each measure figures (ci/budgets.py); this holds them to
their budgets and to main's last figures (ci/stages/baselines.py), and keeps a passing
run's figures when it is main's.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from ci import budgets
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
