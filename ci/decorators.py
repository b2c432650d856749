"""The SDK's `function` and `check` decorators, typed so mypy keeps each signature.

dagger-io 0.21.8 declares them with a TypeVar mypy cannot solve, so a decorated
method's return type becomes unknown and `await pipeline.lint()` fails type
checking; its `function` overloads also lack the `cache` keyword. These
pass-throughs register exactly as the SDK's do.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from dagger import check as sdk_check
from dagger import function as sdk_function

F = TypeVar("F", bound=Callable[..., Any])


@overload
def function(fn: F, /) -> F: ...


@overload
def function(*, cache: str) -> Callable[[F], F]: ...


def function(fn: F | None = None, /, *, cache: str | None = None) -> F | Callable[[F], F]:
    """Expose a method as a Dagger function; `cache="never"` for outside effects."""

    def decorate(method: F) -> F:
        return cast(F, sdk_function(cache=cache)(method))  # type: ignore[call-overload]

    return decorate if fn is None else decorate(fn)


def check(fn: F) -> F:
    """Mark a function as a check that `dagger check` runs (the SDK's `check`)."""
    return cast(F, sdk_check(fn))
