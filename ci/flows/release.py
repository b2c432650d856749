"""What a push to main does, step by step: test, performance, scan, publish, sign, deploy.

The steps run in order and the first failure stops the rest; a webhook, when given, is
told the outcome either way. Each step is the pipeline's own function, passed in.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ci.concurrency import Stage, run_in_order
from ci.report import require_passed


@dataclass(frozen=True)
class Published:
    """The digest reference of each image `publish` pushed, and the tags it gave them."""

    backend: str
    frontend: str
    tags: list[str]

    @property
    def digests(self) -> list[str]:
        """Both digest references, backend first."""
        return [self.backend, self.frontend]

    def lines(self) -> str:
        """One line per image: its name, digest reference and tags."""
        tags = ", ".join(self.tags)
        return "\n".join(
            f"{name} {ref} (tags: {tags})"
            for name, ref in (("backend", self.backend), ("frontend", self.frontend))
        )


@dataclass(frozen=True)
class ReleaseSteps:
    """The steps of a release; `sign` is None when no signing key or token was given.

    `performance` (the load test and Lighthouse, keeping main's figures) is None when the
    release was not asked to run them.
    """

    test: Callable[[], Awaitable[str]]
    scan: Callable[[], Awaitable[str]]
    publish: Callable[[], Awaitable[Published]]
    sign: Callable[[Published], Awaitable[str]] | None
    deploy: Callable[[Published], Awaitable[str]]
    performance: Callable[[], Awaitable[str]] | None = None


async def released(
    steps: ReleaseSteps,
    environment: str,
    notify: Callable[[str], Awaitable[None]] | None,
) -> str:
    """Run the steps in order; the summary, or the first failure (notify told either way)."""
    published: list[Published] = []

    async def publish() -> str:
        published.append(await steps.publish())
        return published[0].lines()

    ordered: dict[str, Stage] = {"test": steps.test}
    if steps.performance is not None:
        ordered["performance"] = steps.performance
    ordered |= {"scan": steps.scan, "publish": publish}
    if steps.sign is not None:
        sign = steps.sign
        ordered["sign"] = lambda: sign(published[0])
    ordered[f"deploy {environment}"] = lambda: steps.deploy(published[0])
    results = await run_in_order(ordered)
    failed = [r.name for r in results if not r.passed]
    if notify is not None:
        await notify(f"failed at {failed[0]}" if failed else f"deployed to {environment}")
    return require_passed("release", results)
