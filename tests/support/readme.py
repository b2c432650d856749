"""The `dagger` commands the READMEs show, so the CLI tier can run each exactly as written.

A command is a line starting with `dagger ` inside a ```sh (or bash, shell) block of a
README.md, indented or not (a block inside a list item is indented); a line ending in `\\`
goes on in the next one, and a trailing `# comment` is not part of it. Inline code in prose
and `console` blocks (`$ `-prompted examples that need a host) are not collected.

`readme_commands.txt` beside this file lists what is collected, README by README: a
command moved out of a block, or a new one, changes the collection and must change the
list with it (tests/unit/test_readme_commands.py).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from tests.support.process import REPO

# mutants: what `tools/dev/mutation --keep` leaves (copies of ci/, tests/, app/, their READMEs)
SKIPPED_DIRS = {"node_modules", ".venv", "sdk", ".git", "mutants"}
COMMENT = re.compile(r"\s+#\s.*$")
SHELL_FENCES = {"```sh", "```bash", "```shell"}
EXPECTED = Path(__file__).with_name("readme_commands.txt")


@dataclass(frozen=True)
class DocCommand:
    """One command line of a README, where it stands."""

    document: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.document.relative_to(REPO)}:{self.line}: {self.text}"

    def listed(self) -> str:
        """How readme_commands.txt names it: document and text, no line number."""
        return f"{self.document.relative_to(REPO)}: {self.text}"


def documents() -> list[Path]:
    """Every README.md of the repository, generated and vendored trees left out."""
    return sorted(
        path
        for path in REPO.rglob("README.md")
        if not SKIPPED_DIRS.intersection(path.relative_to(REPO).parts)
    )


def commands_in(document: Path, program: str = "dagger") -> list[DocCommand]:
    """The `program` command lines of the shell blocks of `document`."""
    found: list[DocCommand] = []
    in_block, pending, start = None, "", 0
    for number, line in enumerate(document.read_text().splitlines(), start=1):
        fence = line.strip()
        if fence.startswith("```"):
            in_block = None if in_block is not None else fence
            pending = ""
            continue
        if in_block not in SHELL_FENCES:
            continue
        text = f"{pending} {fence}" if pending else fence
        if text.endswith("\\"):
            pending, start = text.removesuffix("\\").rstrip(), start if pending else number
            continue
        first = start if pending else number
        pending = ""
        if text.startswith(f"{program} "):
            found.append(DocCommand(document, first, COMMENT.sub("", text).strip()))
    return found


def dagger_commands() -> list[DocCommand]:
    """Every `dagger` command the READMEs show."""
    return [command for document in documents() for command in commands_in(document)]


def expected_commands() -> list[str]:
    """readme_commands.txt: the commands the READMEs are meant to show, in their order."""
    lines = EXPECTED.read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]
