"""What `ci` runs for a GitHub event, with the run's Markdown summary kept, red or green.

The event decides (ci/events.py): a scheduled run checks what each environment runs, a
pull request runs the checks, a push to main, a v-tag or a manual run releases. A release
from the workflow takes every credential as an argument (the job's secrets), all checked
before anything runs.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from ci.choices import Suite
from ci.events import Decision, missing_arguments
from ci.flows.release import ReleaseRequest
from ci.report import collected_markdown
from ci.stages.summaries import Reports, collected_reports


@dataclass(frozen=True)
class EventRuns:
    """What an event can run, the pipeline's own functions passed in."""

    watch: Callable[[Decision], Awaitable[str]]
    checks: Callable[[Suite], Awaitable[str]]
    release: Callable[[ReleaseRequest], Awaitable[str]]


def run(decision: Decision, runs: EventRuns, request: ReleaseRequest) -> Awaitable[str]:
    """The run `decision` calls for; a release is `request` to its environment, its suite.

    A release without one of the arguments it needs fails naming each, before any run.
    """
    if decision.watch is not None:
        return runs.watch(decision)
    if decision.release_to is None:
        return runs.checks(decision.suite)
    given: dict[str, object] = {
        "--registry": request.registry,
        "--username": request.username,
        "--password": request.password,
        "--ssh-key": request.ssh_key,
        "--database-url": request.database_url,
        "--secret-key": request.secret_key,
        "--key or --identity-token": request.key or request.identity_token,
    }
    if not all(given.values()):
        raise missing_arguments(decision, given)
    return runs.release(replace(request, env=decision.release_to, suite=decision.suite))


async def summarised(
    decision: Decision, run: Awaitable[str], keep: Callable[[str, Reports], Awaitable[None]]
) -> str:
    """`run`'s output under the decision; its summary and reports handed to `keep` either way.

    The reports are those its checks handed over (ci/stages/summaries.py).
    """
    with collected_markdown() as tables, collected_reports() as reports:
        try:
            return f"{decision.why}\n{await run}"
        finally:
            done = "\n\n".join(reversed(tables))
            await keep(f"## {decision.why}\n\n{done}\n", reports)
