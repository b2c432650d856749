"""The SDK's `function` and `check` decorators, typed so mypy keeps each signature.

dagger-io 0.21.11 declares them with a TypeVar mypy cannot solve, so a decorated
method's return type becomes unknown and `await pipeline.lint()` fails type
checking. These pass-throughs register exactly as the SDK's do.
"""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from dagger import check as sdk_check
from dagger import function as sdk_function

F = TypeVar("F", bound=Callable[..., Any])


def function(fn: F) -> F:
    """Expose a method as a Dagger function (the SDK's `function`)."""
    return cast(F, sdk_function(fn))


def check(fn: F) -> F:
    """Mark a function as a check that `dagger check` runs (the SDK's `check`)."""
    return cast(F, sdk_check(fn))
