"""The real `dagger` CLI, run as a user runs it: a command line typed in a checkout.

Commands run through bash (`$(...)` in a documented command works as in a terminal),
with the CLI that tools/engine built first on PATH. Interactive ones (`dagger call -i`,
`... terminal`) run under a pseudo-terminal, where the test types into the shell.
"""

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import pexpect

from tests.support.process import REPO

Shell: TypeAlias = "pexpect.spawn[str]"  # a string: spawn is generic only to type checkers
# What the CLI prints when it hands the terminal to a shell in a container (`terminal`:
# "Attaching terminal", `-i`: "Exec failed, attaching terminal"), and then the shell's
# prompt ("dagger /app $ " for `terminal`, sh's "# " for `-i`). Keys typed before the
# shell is attached would go to the CLI's interface (q quits it), so tests wait for both.
SHELL_OPENS = re.compile(r"[Aa]ttaching terminal")
PROMPT = re.compile(r"[$#] ")
PROMPT_QUIET = 2.0  # seconds without output after a prompt: the shell waits for input
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
# Generous: a cold engine builds images and runs whole suites.
TIMEOUT = 1800.0


def readable(text: str) -> str:
    """`text` without terminal escape sequences."""
    return ANSI.sub("", text)


def checkout_copy(dest: Path, changes: Mapping[str, str] | None = None) -> Path:
    """A copy of this checkout's files (tracked and new, not ignored) at `dest`, as a git
    work tree, with `changes` (path -> content) written over it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    for name, content in (changes or {}).items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / name).write_text(content)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    return dest


@dataclass(frozen=True)
class Interaction:
    """How an interactive command ended, and everything the terminal showed."""

    exit_code: int | None
    transcript: str


@dataclass(frozen=True)
class DaggerCli:
    """The `dagger` binary in `bindir`, talking to the engine the environment names."""

    bindir: Path

    def environment(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """This process's environment with the CLI first on PATH, plus `extra`."""
        env = dict(os.environ) | dict(extra or {})
        env["PATH"] = f"{self.bindir}{os.pathsep}{env.get('PATH', '')}"
        return env

    def run(
        self, command: str, cwd: Path, extra_env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `command` as typed in a terminal, without one (as CI and scripts do)."""
        return subprocess.run(
            ["bash", "-c", command],
            cwd=cwd,
            env=self.environment(extra_env),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )

    def interact(
        self,
        command: str,
        cwd: Path,
        in_shell: Callable[[Shell], None],
        extra_env: Mapping[str, str] | None = None,
    ) -> Interaction:
        """Run `command` in a pseudo-terminal; each time a shell opens in a container,
        call `in_shell` with the session at its prompt (it types commands and `exit`)."""
        child = pexpect.spawn(
            "bash",
            ["-c", command],
            cwd=str(cwd),
            env=self.environment(extra_env),
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(50, 160),
            timeout=TIMEOUT,
        )
        seen: list[str] = []
        while child.expect([SHELL_OPENS, pexpect.EOF]) == 0:
            seen.append(f"{child.before}{child.after}")
            seen.append(wait_for_prompt(child))
            in_shell(child)
        seen.append(str(child.before))
        child.close()
        return Interaction(child.exitstatus, readable("".join(seen)))


def wait_for_prompt(child: Shell) -> str:
    """Wait for the shell's prompt: `$ ` or `# ` after which the terminal stays quiet.

    The CLI's progress lines can go on after the terminal is attached, and what they show
    (a file's contents, `# comments` in it) can hold the same characters as a prompt.
    """
    seen = []
    while True:
        child.expect(PROMPT)
        seen.append(f"{child.before}{child.after}")
        if child.expect([pexpect.TIMEOUT, re.compile(r".+", re.S)], timeout=PROMPT_QUIET) == 0:
            return "".join(seen)
        seen.append(f"{child.before}{child.after}")
