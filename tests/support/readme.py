"""The `dagger` commands the READMEs show, so the CLI tier can run each exactly as written.

A command is a line starting with `dagger ` inside a ```sh block of a README.md; a trailing
`# comment` is not part of it. Inline code in prose is not collected.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from tests.support.process import REPO

# mutants: what `tools/dev/mutation --keep` leaves (copies of ci/, tests/ and their READMEs)
SKIPPED_DIRS = {"node_modules", ".venv", "sdk", ".git", "mutants"}
COMMENT = re.compile(r"\s+#\s.*$")


@dataclass(frozen=True)
class DocCommand:
    """One command line of a README, where it stands."""

    document: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.document.relative_to(REPO)}:{self.line}: {self.text}"


def documents() -> list[Path]:
    """Every README.md of the repository, generated and vendored trees left out."""
    return sorted(
        path
        for path in REPO.rglob("README.md")
        if not SKIPPED_DIRS.intersection(path.relative_to(REPO).parts)
    )


def commands_in(document: Path, program: str = "dagger") -> list[DocCommand]:
    """The `program` command lines of the sh blocks of `document`."""
    found, in_sh = [], False
    for number, line in enumerate(document.read_text().splitlines(), start=1):
        fence = line.strip()
        if fence.startswith("```"):
            in_sh = not in_sh and fence in {"```sh", "```bash", "```console"}
            continue
        if in_sh and line.startswith(f"{program} "):
            found.append(DocCommand(document, number, COMMENT.sub("", line).strip()))
    return found


def dagger_commands() -> list[DocCommand]:
    """Every `dagger` command the READMEs show."""
    return [command for document in documents() for command in commands_in(document)]
