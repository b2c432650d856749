"""Read what a lazy Dagger object would do: the chain of API calls it has recorded.

SDK objects record each selection (type, field, arguments) in `obj._ctx.selections`
without an engine; arguments may be SDK objects with chains of their own.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dagger


@dataclass(frozen=True)
class Call:
    """One recorded API call: `Container.withExec(args=[...])`."""

    type_name: str
    name: str
    args: dict[str, Any]


def is_sdk_object(value: object) -> bool:
    """True for lazy SDK objects (Container, Service, CacheVolume, Secret, ...)."""
    return hasattr(value, "_ctx") and hasattr(value._ctx, "selections")


def calls(obj: object) -> list[Call]:
    """The calls recorded on `obj` itself, first to last."""
    assert is_sdk_object(obj), f"not a lazy Dagger object: {obj!r}"
    selections = obj._ctx.selections  # type: ignore[attr-defined]
    return [Call(s.type_name, s.name, dict(s.args)) for s in selections]


def named(obj: object, name: str) -> list[Call]:
    """The calls named `name` (GraphQL name, e.g. withExec) on `obj` itself."""
    return [c for c in calls(obj) if c.name == name]


def position(obj: object, name: str, /, **match: Any) -> int:
    """Index of the first call named `name` whose arguments include `match`."""
    for index, call in enumerate(calls(obj)):
        if call.name == name and all(call.args.get(k) == v for k, v in match.items()):
            return index
    raise AssertionError(f"no {name}({match}) in plan:\n{render(obj)}")


def execs(obj: object) -> list[list[str]]:
    """The argv of every withExec on `obj`, in order."""
    return [c.args["args"] for c in named(obj, "withExec")]


def env(obj: object) -> dict[str, str]:
    """Environment variables set on a container with withEnvVariable."""
    return {c.args["name"]: c.args["value"] for c in named(obj, "withEnvVariable")}


def walk(obj: object) -> Iterator[Call]:
    """Every call in the plan, nested objects' calls included (depth first)."""
    for call in calls(obj):
        yield call
        for value in call.args.values():
            for item in value if isinstance(value, list | tuple) else [value]:
                if is_sdk_object(item):
                    yield from walk(item)


def bound(obj: object, alias: str) -> object:
    """The service bound under `alias` on `obj` (a Container or a Service's container)."""
    for call in walk(obj):
        if call.name == "withServiceBinding" and call.args["alias"] == alias:
            return call.args["service"]
    raise AssertionError(f"nothing bound as {alias!r} in plan:\n{render(obj)}")


def values(obj: object, *, skip: tuple[type, ...] = (dagger.Secret,)) -> Iterator[Any]:
    """Every argument value in the plan, descending into nested objects but not into `skip`.

    A Secret carries its own value by design (set_secret), so leak checks skip it.
    """
    for call in calls(obj):
        for value in call.args.values():
            yield from _flatten(value, skip)


def _flatten(value: Any, skip: tuple[type, ...]) -> Iterator[Any]:
    if isinstance(value, skip):
        return
    if is_sdk_object(value):
        yield from values(value, skip=skip)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item, skip)
    else:
        yield value


def render(obj: object, indent: int = 0) -> str:
    """A readable, indented rendering of the whole plan, for assertion messages."""
    pad = "  " * indent
    lines = []
    for call in calls(obj):
        simple = {k: v for k, v in call.args.items() if not is_sdk_object(v)}
        lines.append(f"{pad}{call.type_name}.{call.name}({_args(simple)})")
        for key, value in call.args.items():
            if is_sdk_object(value):
                lines.append(f"{pad}  {key} =")
                lines.append(render(value, indent + 2))
    return "\n".join(lines)


def _args(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())
