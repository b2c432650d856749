"""Both performance gates for `ci` and `release`: in order, their figures shown."""

from collections.abc import Awaitable, Callable

import pytest

from ci.errors import PipelineError
from ci.flows.performance import gates_passed
from ci.report import collected_markdown


def gate(ran: list[str], name: str, passes: bool = True) -> Callable[[], Awaitable[str]]:
    """A gate that records `name` in `ran` and passes, showing a figure, or fails."""

    async def run() -> str:
        ran.append(name)
        if not passes:
            raise PipelineError(f"{name}: p95 over budget")
        return f"| {name} figure | 9 ms |\n"

    return run


@pytest.mark.asyncio
async def test_the_gates_run_in_order_and_their_figures_follow_the_table() -> None:
    ran: list[str] = []
    with collected_markdown() as tables:
        shown = await gates_passed({"load-test": gate(ran, "load"), "lighthouse": gate(ran, "lh")})
    assert ran == ["load", "lh"]
    figures = "#### load-test\n\n| load figure | 9 ms |\n\n#### lighthouse\n\n| lh figure | 9 ms |"
    assert shown.endswith(f"\n\n{figures}")
    assert tables[0] == figures
    assert tables[1].startswith("### performance")


@pytest.mark.asyncio
async def test_a_failing_gate_stops_the_next_and_shows_the_figures_of_those_that_passed() -> None:
    ran: list[str] = []
    gates = {"load-test": gate(ran, "load"), "lighthouse": gate(ran, "lh", passes=False)}
    with collected_markdown() as tables, pytest.raises(PipelineError, match="lh: p95 over"):
        await gates_passed(gates)
    assert ran == ["load", "lh"]
    assert tables[0] == "#### load-test\n\n| load figure | 9 ms |"
    stopped = {"load-test": gate(ran, "load2", passes=False), "lighthouse": gate(ran, "lh2")}
    with pytest.raises(PipelineError):
        await gates_passed(stopped)
    assert ran[-1] == "load2"
