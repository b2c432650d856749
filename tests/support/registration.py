"""The module's type definitions, as the SDK's own registration code builds them.

The SDK registers a module by building a lazy `dagger.Module` and awaiting its
`id()` once. Offline, `registered()` runs that same code and keeps the lazy
Module instead of sending it; `read()` turns its plan into plain data. With an
engine, the id is really awaited (tests/engine does that).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

import dagger
from dagger.mod import default_module

import ci.pipeline  # noqa: F401 - importing registers the Pipeline object type
from tests.support import plan

MAIN_OBJECT = os.environ["DAGGER_MAIN_OBJECT"]  # set by tests/conftest.py


@dataclass
class Arg:
    """One function argument as registered."""

    name: str
    description: str | None
    optional: bool
    default: str | None
    default_path: str | None
    ignore: list[str] | None
    enum: str | None = None


@dataclass
class Function:
    """One function as registered."""

    name: str
    description: str | None
    check: bool = False
    cache_policy: str | None = None
    args: dict[str, Arg] = field(default_factory=dict)


@dataclass
class Registration:
    """The main object: its description, constructor and functions."""

    module_description: str | None
    object_description: str | None
    constructor: Function
    functions: dict[str, Function]


@contextmanager
def _captured_module() -> Iterator[list[dagger.Module]]:
    captured: list[dagger.Module] = []

    async def keep(self: dagger.Module) -> str:
        captured.append(self)
        return "captured"

    with patch.object(dagger.Module, "id", keep):
        yield captured


async def registered() -> dagger.Module:
    """The lazy Module the SDK would register for this project (no engine needed)."""
    module = default_module()
    with _captured_module() as captured:
        await module._typedefs()
    (lazy_module,) = captured
    return lazy_module


def read(module: dagger.Module) -> Registration:
    """Plain data from the Module's plan: the main object's constructor and functions."""
    module_description = _first_arg(module, "withDescription", "description")
    (main,) = [
        c.args["object"]
        for c in plan.named(module, "withObject")
        if _first_arg(c.args["object"], "withObject", "name") == MAIN_OBJECT
    ]
    constructor = _function(plan.named(main, "withConstructor")[0].args["function"])
    functions = [_function(c.args["function"]) for c in plan.named(main, "withFunction")]
    return Registration(
        module_description=module_description,
        object_description=_first_arg(main, "withObject", "description"),
        constructor=constructor,
        functions={f.name: f for f in functions},
    )


# The calls that give a module's parts their names, and what each part is.
_NAMING_CALLS = {
    "withObject": "object",
    "withField": "field",
    "function": "function",
    "withArg": "argument",
    "withEnum": "enum",
    "withEnumMember": "enum member",
}


def names(module: dagger.Module) -> set[tuple[str, str]]:
    """Every (kind, name) the module registers, nested type definitions included.

    Kinds: object, field, function, argument, enum, enum member and enum value
    (the member's value, what users type: `--suite quick`).
    """
    found: set[tuple[str, str]] = set()
    for call in plan.walk(module):
        kind = _NAMING_CALLS.get(call.name)
        if kind and call.args.get("name"):
            found.add((kind, call.args["name"]))
        if call.name == "withEnumMember" and call.args.get("value"):
            found.add(("enum value", call.args["value"]))
    return found


def _first_arg(obj: object, call: str, arg: str) -> Any:
    found = plan.named(obj, call)
    return found[0].args.get(arg) if found else None


def _function(fn: object) -> Function:
    (head,) = plan.named(fn, "function")
    result = Function(
        name=head.args["name"],
        description=_first_arg(fn, "withDescription", "description"),
        check=bool(plan.named(fn, "withCheck")),
        cache_policy=_first_arg(fn, "withCachePolicy", "policy"),
    )
    for call in plan.named(fn, "withArg"):
        type_def = call.args["typeDef"]
        result.args[call.args["name"]] = Arg(
            name=call.args["name"],
            description=call.args.get("description"),
            optional=bool(plan.named(type_def, "withOptional")),
            default=call.args.get("defaultValue"),
            default_path=call.args.get("defaultPath"),
            ignore=call.args.get("ignore"),
            enum=_first_arg(type_def, "withEnum", "name"),
        )
    return result
