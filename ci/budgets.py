"""Performance budgets: each figure a gate measures, held to its limit and to main's last.

A gate (the load test, Lighthouse) measures figures, e.g. `p95 GET /api/products/` in ms
or `performance` as a score. Each has a Budget (a limit, and which way is better); the
figures of the last run on main are the Baseline, and a figure worse than its baseline by
more than a threshold (a share, 0.2 = 20 %) fails the gate too, even within its budget.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ci.errors import PipelineError


@dataclass(frozen=True)
class Budget:
    """The limit of one figure: `name`, `limit` in `unit`; `higher_is_better` for scores.

    `noise` is how far the figure moves between runs of the same code (in `unit`): a
    change within it is never a regression, e.g. a blocking time of 0 ms then 20 ms.
    """

    name: str
    limit: float
    unit: str
    higher_is_better: bool = False
    noise: float = 0.0

    def met_by(self, value: float) -> bool:
        """Whether `value` is within this budget (the limit itself is)."""
        return value >= self.limit if self.higher_is_better else value <= self.limit

    def shown(self, value: float) -> str:
        """`value` with this budget's unit, e.g. `212 ms`, `0.95`."""
        number = f"{value:.0f}" if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{number} {self.unit}".rstrip()


@dataclass(frozen=True)
class Baseline:
    """The figures of the last run on main, by name, and the commit they came from."""

    commit: str
    figures: dict[str, float]

    def to_json(self) -> str:
        """The baseline as JSON, to keep."""
        return json.dumps({"commit": self.commit, "figures": self.figures}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Baseline":
        """The baseline `to_json` wrote."""
        data = json.loads(text)
        figures = {str(name): float(value) for name, value in data["figures"].items()}
        return cls(str(data["commit"]), figures)


@dataclass(frozen=True)
class Measured:
    """A figure a gate measured, with its budget."""

    budget: Budget
    value: float

    @property
    def within_budget(self) -> bool:
        """Whether the figure meets its budget."""
        return self.budget.met_by(self.value)

    def worse_by(self, baseline: float) -> float:
        """How much worse than `baseline` this figure is, as a share (negative: better)."""
        if baseline == 0:
            return 0.0 if self.value == baseline else float("inf")
        change = (self.value - baseline) / abs(baseline)
        return -change if self.budget.higher_is_better else change


def over_budget(figures: Sequence[Measured]) -> list[str]:
    """One sentence per figure outside its budget."""
    words = {False: "over", True: "under"}
    return [
        f"{m.budget.name} is {m.budget.shown(m.value)}, "
        f"{words[m.budget.higher_is_better]} its budget of {m.budget.shown(m.budget.limit)}."
        for m in figures
        if not m.within_budget
    ]


DEFAULT_THRESHOLD = 0.2  # a figure 20 % worse than main's fails


def settled(
    given: Mapping[str, float | None], settings: Mapping[str, float], defaults: Mapping[str, float]
) -> dict[str, float]:
    """Each setting as given, else as `settings` (pipeline.toml) has it, else its default.

    A name `a_b` is `a-b` in `settings`.
    """
    return {
        name: value if value is not None else settings.get(name.replace("_", "-"), defaults[name])
        for name, value in given.items()
    }


def checked_threshold(threshold: float) -> float:
    """`threshold` when it is a share of 0 or more (--regression-threshold), else one sentence."""
    if threshold < 0:
        raise PipelineError(
            f"--regression-threshold is a share of main's figure, 0.2 for 20 %, and not below 0 "
            f"(got {threshold:g})."
        )
    return threshold


def regressions(
    figures: Sequence[Measured], baseline: Baseline | None, threshold: float
) -> list[str]:
    """One sentence per figure worse than main's by more than `threshold` (a share).

    A change within the figure's noise is not one.
    """
    if baseline is None:
        return []
    found = []
    for m in figures:
        before = baseline.figures.get(m.budget.name)
        if before is None or m.worse_by(before) <= threshold:
            continue
        if abs(m.value - before) <= m.budget.noise:
            continue
        share = m.worse_by(before)
        by = f"{share:.0%} " if share != float("inf") else ""
        found.append(
            f"{m.budget.name} is {m.budget.shown(m.value)}, {by}worse "
            f"than main's {m.budget.shown(before)} (commit {baseline.commit[:12]}); "
            f"the threshold is {threshold:.0%}."
        )
    return found


def baseline_of(figures: Sequence[Measured], commit: str) -> Baseline:
    """The baseline these figures make, for a run on main at `commit`."""
    return Baseline(commit, {m.budget.name: m.value for m in figures})


def table(figures: Sequence[Measured], baseline: Baseline | None) -> str:
    """A markdown table: each figure, its budget, main's figure, and whether it passed.

    Without a baseline the table says so under it (the first run on a new engine).
    """
    main = f"Main ({baseline.commit[:12]})" if baseline else "Main"
    lines = [f"| Figure | Measured | Budget | {main} | Result |", "|---|---|---|---|---|"]
    for m in figures:
        before = baseline.figures.get(m.budget.name) if baseline else None
        kept = m.budget.shown(before) if before is not None else "-"
        limit = ("≥ " if m.budget.higher_is_better else "≤ ") + m.budget.shown(m.budget.limit)
        result = "pass" if m.within_budget else "FAIL"
        lines.append(
            f"| {m.budget.name} | {m.budget.shown(m.value)} | {limit} | {kept} | {result} |"
        )
    if baseline is None:
        lines.append("")
        lines.append("No baseline of main on this engine yet: nothing compared.")
    return "\n".join(lines)
