"""Traffic on a deployed app while it changes: a bounded request loop, and one slow request.

The deploy tests measure what users would see of a deploy or a rollback: every request
of the loop must get a 200, and a slow request in flight when the proxy switches must
complete on the release that took it.
"""

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self


@dataclass
class Answer:
    """What one request got: an HTTP status and the release that answered, or an error;
    when it started (time.monotonic) and how long it took."""

    status: int | str
    release: str
    started: float
    seconds: float


def health(url: str, timeout: float) -> Answer:
    """GET `url` (a health answer naming its release); the status or the error."""
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (test URL)
            release = json.loads(response.read()).get("release", "")
            return Answer(response.status, release, start, time.monotonic() - start)
    except (OSError, ValueError) as error:  # refused, reset, timed out, HTTP 5xx, not JSON
        return Answer(f"{type(error).__name__}: {error}", "", start, time.monotonic() - start)


class InBackground:
    """Runs `run` in a thread while in its `with` block; `run` ends when `stopped` is set."""

    def __enter__(self) -> Self:
        self.stopped = threading.Event()
        self._thread = threading.Thread(target=self.run, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopped.set()
        self._thread.join()

    def run(self) -> None:
        """What the thread does."""
        raise NotImplementedError


@dataclass
class RequestLoop(InBackground):
    """GETs `url` every `interval` seconds (20 a second by default) while in its block."""

    url: str
    interval: float = 0.05
    timeout: float = 2.0
    answers: list[Answer] = field(default_factory=list)

    def run(self) -> None:
        """Request until stopped."""
        while not self.stopped.wait(self.interval):
            self.answers.append(health(self.url, self.timeout))

    @property
    def failed(self) -> list[Answer]:
        """The requests that did not get a 200."""
        return [answer for answer in self.answers if answer.status != 200]

    @property
    def releases(self) -> list[str]:
        """The releases that answered, in the order they first did."""
        return list(dict.fromkeys(answer.release for answer in self.answers if answer.release))


@dataclass
class SlowRequestAtSwitch(InBackground):
    """Starts one slow request when `ready()` turns true (the host is about to switch), and
    records whether `switched()` was already true when its answer came."""

    url: str
    ready: Callable[[], bool]
    switched: Callable[[], bool]
    answer: Answer | None = None
    switched_before_answer: bool = False

    def run(self) -> None:
        """Wait for `ready`, then request once."""
        while not self.ready():
            if self.stopped.wait(0.05):
                return
        self.answer = health(self.url, 30.0)
        self.switched_before_answer = self.switched()
