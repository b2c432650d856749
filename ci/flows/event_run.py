"""What `ci` runs for a GitHub event, with the run's Markdown summary kept, red or green."""

from collections.abc import Awaitable, Callable

from ci.events import Decision
from ci.report import collected_markdown


async def summarised(
    decision: Decision, run: Awaitable[str], keep: Callable[[str], Awaitable[None]]
) -> str:
    """`run`'s output under the decision; its summary tables handed to `keep` either way."""
    with collected_markdown() as tables:
        try:
            return f"{decision.why}\n{await run}"
        finally:
            done = "\n\n".join(reversed(tables))
            await keep(f"## {decision.why}\n\n{done}\n")
