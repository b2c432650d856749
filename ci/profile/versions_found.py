"""Python and Node.js versions as repositories write them, mapped to the supported ones."""

import re

from ci import versions
from ci.errors import PipelineError

_CLAUSE = re.compile(r"^\s*(~=|==|!=|<=|>=|<|>|\^|~)?\s*v?(\d+(?:\.\d+)*)(\.\*)?\s*$")


def release(text: str) -> tuple[int, ...] | None:
    """The version numbers in `text` ("python-3.12.4", "3.12", "v22.1.0", "python:3.12-slim")."""
    match = re.search(r"(\d+(?:\.\d+)+|\d+)", text)
    return tuple(int(n) for n in match.group(1).split(".")) if match else None


def satisfies(candidate: tuple[int, ...], spec: str) -> bool:
    """Whether `candidate` meets every clause of a specifier like `>=3.11,<3.14` or `^3.12`."""
    for clause in re.split(r"[,\s]+(?=[<>=!~^])|,", spec):
        if not clause.strip() or clause.strip() == "*":
            continue
        match = _CLAUSE.match(clause)
        if not match:
            return False
        op, number = match.group(1) or "==", match.group(2)
        bound = tuple(int(n) for n in number.split("."))
        if not _meets(candidate, op, bound):
            return False
    return True


def _meets(candidate: tuple[int, ...], op: str, bound: tuple[int, ...]) -> bool:
    # A trailing `.*` changes nothing: the candidate's head is compared with the bound, and a
    # bound longer than the candidate is unequal to it either way.
    head = candidate[: len(bound)]
    if op in ("==", "!="):
        equal = head == bound
        return equal if op == "==" else not equal
    if op in ("~=", "^", "~"):
        fixed = bound[:-1] if op == "~=" and len(bound) > 1 else bound[:1]
        if op == "~" and len(bound) > 1:
            fixed = bound[:2]
        return candidate[: len(fixed)] == fixed and _padded(candidate) >= _padded(bound)
    comparisons = {
        ">=": _padded(candidate) >= _padded(bound),
        ">": _padded(head) > _padded(bound),
        "<=": _padded(head) <= _padded(bound),
        "<": _padded(candidate) < _padded(bound),
    }
    return comparisons[op]


def _padded(numbers: tuple[int, ...]) -> tuple[int, ...]:
    return (*numbers, 0, 0, 0)[:3]


def supported_python(text: str, where: str) -> str:
    """The supported Python `major.minor` that `text` (a version) names, or one sentence."""
    found = release(text)
    name = ".".join(str(n) for n in found[:2]) if found else ""
    return _checked("Python", name, text, where, versions.PYTHON_VERSIONS, "[backend] python")


def python_in_range(spec: str, where: str) -> str:
    """The default Python if `spec` allows it, else the newest supported one it allows."""
    return _in_range("Python", spec, where, versions.PYTHON_VERSIONS, versions.DEFAULT_PYTHON)


def supported_node(text: str, where: str) -> str:
    """The supported Node.js major that `text` names ("22", "v24.1.0"), or one sentence."""
    if text.strip().startswith("lts/") or text.strip() in ("lts", "node", "latest"):
        return versions.DEFAULT_NODE
    found = release(text)
    return _checked(
        "Node.js",
        str(found[0]) if found else "",
        text,
        where,
        versions.NODE_VERSIONS,
        "[frontend] node",
    )


def node_in_range(spec: str, where: str) -> str:
    """The default Node.js if `spec` (engines.node) allows it, else the newest it allows."""
    return _in_range("Node.js", spec, where, versions.NODE_VERSIONS, versions.DEFAULT_NODE)


def _in_range(kind: str, spec: str, where: str, supported: tuple[str, ...], default: str) -> str:
    alternatives = [part for part in spec.split("||") if part.strip()] or ["*"]
    allowed = [v for v in supported if any(satisfies(_probe(v), a) for a in alternatives)]
    if default in allowed:
        return default
    if allowed:
        return allowed[-1]
    raise PipelineError(
        f"{where} asks for {kind} {spec.strip()!r}, which no supported version meets "
        f"({', '.join(supported)}): set the version in pipeline.toml."
    )


def _probe(version: str) -> tuple[int, ...]:
    """A version's newest patch stands in for the whole line (3.13 -> 3.13.99)."""
    numbers = tuple(int(n) for n in version.split("."))
    return (*numbers, 99) if len(numbers) == 2 else (*numbers, 99, 0)


def _checked(
    kind: str, name: str, text: str, where: str, supported: tuple[str, ...], setting: str
) -> str:
    if name in supported:
        return name
    raise PipelineError(
        f"{where} names {kind} {text.strip()!r}, which the pipeline does not support "
        f"({', '.join(supported)}): set {setting} in pipeline.toml."
    )
