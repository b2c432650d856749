"""Which Python and Node.js a repository's version files and ranges choose, and their errors.

Supported: Python 3.11 to 3.14 (default 3.13), Node.js 22 and 24 (default 24). A range
chooses the default when it allows it, else the newest version it allows.
"""

import json

import pytest

from tests.support.small_app import detected, refused


def requiring_python(spec: str) -> dict[str, str | None]:
    return {"pyproject.toml": f'[project]\nrequires-python = "{spec}"\n'}


def requiring_node(spec: str) -> dict[str, str | None]:
    return {
        "web/package.json": json.dumps({"dependencies": {"react": "19"}, "engines": {"node": spec}})
    }


@pytest.mark.parametrize(
    ("spec", "python"),
    [
        (">=3.11", "3.13"),
        (">=3.14", "3.14"),
        (">= 3.11 , < 3.13", "3.12"),
        (">=3.11 <3.13", "3.12"),
        (">3.12", "3.13"),
        (">3.13.1", "3.13"),
        ("<3.12", "3.11"),
        ("<=3.12", "3.12"),
        ("<=3.12.0", "3.11"),  # 3.12 stands for its newest patch
        ("<3.13.0", "3.12"),
        ("3.12", "3.12"),
        ("==3.12.*", "3.12"),
        ("3.12.*", "3.12"),
        ("==v3.12", "3.12"),
        ("!=3.13.*,>=3.11", "3.14"),
        ("!=3.13", "3.14"),
        ("~=3.11", "3.13"),
        ("~=3.11.2", "3.11"),
        ("~=3", "3.13"),
        ("^3.12", "3.13"),
        ("^3.12.1", "3.13"),
        ("~3.12", "3.12"),
        ("~3.12.1", "3.12"),
        ("~3", "3.13"),
        ("*", "3.13"),
        (">=3.10,,<3.12", "3.11"),
    ],
)
def test_requires_python_chooses_the_default_else_the_newest_it_allows(
    spec: str, python: str
) -> None:
    found = detected(requiring_python(spec)).backend.python
    assert (found.value, found.source) == (python, "pyproject.toml")


@pytest.mark.parametrize("spec", [">=3.15", "<3.11", "==3.10.*", "~=3.10.0", "python3", "==3.12.4"])
def test_a_python_range_no_supported_version_meets_is_one_sentence(spec: str) -> None:
    assert refused(requiring_python(spec)) == (
        f"pyproject.toml asks for Python {spec!r}, which no supported version meets "
        "(3.11, 3.12, 3.13, 3.14): set the version in pipeline.toml."
    )


@pytest.mark.parametrize(
    ("text", "python"),
    [("3.14\n", "3.14"), ("python-3.11.9\n3.12\n", "3.11"), ("  3.12.1  ", "3.12")],
)
def test_a_python_version_file_names_the_version(text: str, python: str) -> None:
    found = detected({"runtime.txt": text}).backend.python
    assert (found.value, found.source) == (python, "runtime.txt")


@pytest.mark.parametrize("text", ["3", "3.10", "pypy", "2.7.18"])
def test_an_unsupported_python_version_file_is_one_sentence(text: str) -> None:
    assert refused({".python-version": text}) == (
        f".python-version names Python {text!r}, which the pipeline does not support "
        "(3.11, 3.12, 3.13, 3.14): set [backend] python in pipeline.toml."
    )


@pytest.mark.parametrize(
    ("spec", "node"),
    [
        (">=18", "24"),
        ("^22", "22"),
        ("^22.1.0", "22"),
        ("~=22", "22"),
        ("~22", "22"),
        ("22", "22"),
        ("v22", "22"),
        ("18 || 22", "22"),
        ("18 || ^22 || ", "22"),
        (">=20 <23", "22"),
        ("<=22", "22"),
        ("<24", "22"),
        (">22", "24"),
        ("*", "24"),
        ("||", "24"),
    ],
)
def test_engines_node_chooses_the_default_else_the_newest_it_allows(spec: str, node: str) -> None:
    found = detected(requiring_node(spec)).frontend.node
    assert (found.value, found.source) == (node, "web/package.json")


@pytest.mark.parametrize("spec", [">=26", ">24", "18 || 20", "^20.1"])
def test_an_engines_node_no_supported_version_meets_is_one_sentence(spec: str) -> None:
    assert refused(requiring_node(spec)) == (
        f"web/package.json asks for Node.js {spec!r}, which no supported version meets "
        "(22, 24): set the version in pipeline.toml."
    )


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("v22.11.0\n", "22"),
        ("24", "24"),
        ("lts/jod\n", "24"),
        ("lts", "24"),
        ("node", "24"),
        ("latest", "24"),
        (" lts/* ", "24"),
    ],
)
def test_an_nvmrc_names_the_node_version_or_the_current_lts(text: str, node: str) -> None:
    found = detected({"web/.nvmrc": text}).frontend.node
    assert (found.value, found.source) == (node, "web/.nvmrc")


@pytest.mark.parametrize("text", ["v20.1.0", "iron", "0.22"])
def test_an_unsupported_nvmrc_is_one_sentence(text: str) -> None:
    assert refused({".node-version": text}) == (
        f".node-version names Node.js {text!r}, which the pipeline does not support "
        "(22, 24): set [frontend] node in pipeline.toml."
    )
