"""A read-only snapshot of the repository: which files exist, and the text of those read."""

import fnmatch
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ci.errors import PipelineError

# The files detection looks at, by name, wherever they are (their text is read when small).
NAMES_READ = (
    "manage.py",
    "package.json",
    "pyproject.toml",
    "Pipfile",
    "setup.cfg",
    "pytest.ini",
    "tox.ini",
    ".python-version",
    "runtime.txt",
    ".nvmrc",
    ".node-version",
    ".npmrc",
    "pipeline.toml",
    "settings.py",
    "wsgi.py",
    "asgi.py",
    "urls.py",
    "jest.config.js",
    "jest.config.ts",
    "jest.config.cjs",
    "jest.config.mjs",
    "vite.config.ts",
    "vite.config.js",
    "vite.config.mts",
    "vite.config.mjs",
)
# Read too: every requirements*.txt, Dockerfile*, settings package module, and these patterns.
PATTERNS_READ = (
    "requirements*.txt",
    "requirements/*.txt",
    "Dockerfile*",
    "settings/*.py",
    "settings_*.py",
)
# Only their presence matters: by path pattern, then by name.
PATTERNS_SEEN = (
    "migrations/__init__.py",
    "commands/*.py",
    "nginx/nginx.conf",
    "nginx/default.conf.template",
)
NAMES_SEEN = (
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    "tsconfig.json",
    "biome.json",
    "biome.jsonc",
    "playwright.config.ts",
    "playwright.config.js",
    "playwright.config.mjs",
    "cypress.config.ts",
    "cypress.config.js",
    "cypress.json",
    "next.config.js",
    "next.config.mjs",
    "next.config.ts",
    "conftest.py",
    ".trivyignore.yaml",
    "locustfile.py",
)


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether `path` ends in one of `patterns` (a file name, or `dir/name` patterns)."""
    name = path.rsplit("/", 1)[-1]
    tail = "/".join(path.split("/")[-2:])
    return any(fnmatch.fnmatch(tail if "/" in p else name, p) for p in patterns)


def wanted(path: str) -> bool:
    """Whether detection looks at `path` at all."""
    return _matches(path, (*NAMES_READ, *NAMES_SEEN, *PATTERNS_READ, *PATTERNS_SEEN))


def read(path: str) -> bool:
    """Whether detection reads the text of `path` (not only its presence)."""
    return _matches(path, (*NAMES_READ, *PATTERNS_READ))


@dataclass(frozen=True)
class SourceTree:
    """Paths (relative to the repository root, `/`-separated) and the text of those read."""

    paths: frozenset[str]
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, files: Mapping[str, str | None]) -> "SourceTree":
        """A tree from path -> text (None: the file exists, its text was not read)."""
        texts = {path: text for path, text in files.items() if text is not None}
        return cls(frozenset(files), texts)

    def has(self, path: str) -> bool:
        """Whether `path` is a file of the tree."""
        return normal(path) in self.paths

    def text(self, path: str) -> str:
        """The text of `path`, or "" when it is absent or was not read."""
        return self.texts.get(normal(path), "")

    def required(self, path: str, setting: str) -> str:
        """`path` if the tree has it, else one sentence: set `setting` to where it is."""
        if not self.has(path):
            raise PipelineError(
                f"{normal(path)} does not exist: set {setting} in pipeline.toml to the "
                f"directory of its {posixpath.basename(path)}."
            )
        return normal(path)

    def named(self, *names: str) -> list[str]:
        """Paths whose file name is one of `names`, shallowest first."""
        return by_depth(p for p in self.paths if posixpath.basename(p) in names)

    def under(self, directory: str) -> list[str]:
        """Paths inside `directory` ("" is the root), shallowest first."""
        prefix = f"{normal(directory)}/" if normal(directory) else ""
        return by_depth(p for p in self.paths if p.startswith(prefix))


def shallowest(found: list[str], what: str, setting: str) -> str:
    """The one shallowest of `found` (marker files of `what`), or one sentence naming `setting`.

    None found, or several at the same depth, is for the user to settle with `setting`.
    """
    if not found:
        raise PipelineError(
            f"No {what} in the source: pass --source=<your checkout>, or set {setting} in "
            "pipeline.toml."
        )
    first = by_depth(found)
    same = [p for p in first if p.count("/") == first[0].count("/")]
    if len(same) > 1:
        raise PipelineError(
            f"Several {what}s in the source ({', '.join(same)}): set {setting} in "
            "pipeline.toml to the one to use."
        )
    return first[0]


def normal(path: str) -> str:
    """`path` without a leading `./` or `/` and with no `.` parts (`""` is the root)."""
    parts = [part for part in path.strip("/").split("/") if part not in ("", ".")]
    return "/".join(parts)


def join(directory: str, name: str) -> str:
    """`name` inside `directory` ("" is the root)."""
    return normal(f"{directory}/{name}")


def parent(path: str) -> str:
    """The directory holding `path` ("" for a top-level file)."""
    return posixpath.dirname(normal(path))


def ancestors(directory: str) -> list[str]:
    """`directory`, its parent, and so on up to the root (""), nearest first."""
    chain = [normal(directory)]
    while chain[-1]:
        chain.append(posixpath.dirname(chain[-1]))
    return chain


def by_depth(paths: Iterable[str]) -> list[str]:
    """`paths` sorted shallowest first, then by name."""
    return sorted(paths, key=lambda p: (p.count("/"), p))
