"""Retarget a Debian root filesystem to another architecture without emulating it.

`images/lib.sh` builds a multi-arch stand-in once for the host's architecture (packages
installed by dpkg and apt, maintainer scripts run natively), then makes each other
architecture from a copy of that root: every installed package that is not
`Architecture: all` has its files replaced by those of the same upload (a binary-only
rebuild's `+bN` aside) built for the target architecture, downloaded by the host's apt and
unpacked by `dpkg-deb` on the host, and its dpkg status entry and info files rewritten
from the new package. What the maintainer scripts made (users, alternatives, the CA
bundle, a virtual environment) is kept, as it does not depend on the architecture; what
does (files left in the host's multiarch directories, the dynamic linker's cache) is
deleted, and the caller rebuilds the cache with the target's `ldconfig`. Nothing runs
under QEMU here, which made the arm64 images slow to build (debootstrap and dpkg under
emulation).

Usage: retarget.py ROOT ARCH
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRIPLETS = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}
# What names an architecture in a path besides its triplet (its dynamic linker's name).
ARCH_MARKERS = {"amd64": ("x86_64", "x86-64"), "arm64": ("aarch64",)}
DIVERSIONS = Path("var/lib/dpkg/diversions")
STATUS = Path("var/lib/dpkg/status")
INFO = Path("var/lib/dpkg/info")


class RetargetError(Exception):
    """A root that cannot be retargeted, with the reason."""


@dataclass
class Stanza:
    """One package's entry in dpkg's status file, fields in their original order."""

    fields: list[tuple[str, str]]

    def get(self, name: str) -> str:
        """The value of field NAME (continuation lines included), or ''."""
        return next((value for key, value in self.fields if key == name), "")

    def render(self) -> str:
        """The entry as dpkg writes it."""
        return "".join(f"{key}:{value}\n" for key, value in self.fields)


def run(args: list[str], **options: Any) -> subprocess.CompletedProcess[Any]:
    """Run a host tool (apt-get, dpkg-deb, tar) on arguments made here; fail on error."""
    return subprocess.run(args, check=True, **options)  # noqa: S603


def parse_stanzas(text: str) -> list[Stanza]:
    """Split a dpkg status (or control) text into entries."""
    stanzas: list[Stanza] = []
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            if fields:
                stanzas.append(Stanza(fields))
            fields = []
        elif line[0] in " \t" and fields:
            key, value = fields[-1]
            fields[-1] = (key, f"{value}\n{line}")
        else:
            key, _, value = line.partition(":")
            fields.append((key, value))
    if fields:
        stanzas.append(Stanza(fields))
    return stanzas


def info_name(stanza: Stanza, arch: str) -> str:
    """The name dpkg gives a package's info files: `pkg:arch` when it is Multi-Arch: same."""
    name = stanza.get("Package").strip()
    return f"{name}:{arch}" if stanza.get("Multi-Arch").strip() == "same" else name


def info_files(root: Path, name: str) -> list[Path]:
    """A package's files in dpkg's info directory (`name.list`, `name.postinst`, ...)."""
    return [
        path for path in (root / INFO).glob(f"{name}.*") if "." not in path.name[len(name) + 1 :]
    ]


def remove_package_files(root: Path, name: str) -> list[str]:
    """Delete what a package installed but its directories, and return those.

    A link to a directory counts as the directory, as with dpkg (`/var/run` is a link a
    maintainer script made where the package has a directory).
    """
    directories = []
    for line in (root / INFO / f"{name}.list").read_text().splitlines():
        path = root / line.lstrip("/")
        if path.is_dir():  # as tar, which unpacks into it, sees it
            directories.append(line)
        elif path.is_symlink() or path.exists():
            path.unlink()
    return directories


def remove_orphan_directories(root: Path, candidates: set[str]) -> None:
    """Delete the CANDIDATES that are empty and that no installed package lists."""
    listed = {
        line for listing in (root / INFO).glob("*.list") for line in listing.read_text().split("\n")
    }
    for directory in sorted(candidates - listed, key=len, reverse=True):
        path = root / directory.lstrip("/")
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()


def download(root: Path, packages: list[str], arch: str, dest: Path) -> None:
    """Fetch PACKAGES built for ARCH into DEST with the host's apt.

    apt reads the root's own sources and keys and takes each package's candidate version.
    """
    state = dest / "apt"
    (state / "lists" / "partial").mkdir(parents=True)
    (state / "archives" / "partial").mkdir(parents=True)
    (state / "status").touch()
    options = [
        f"Dir::Etc={root / 'etc/apt'}",
        f"Dir::State={state}",
        f"Dir::State::Lists={state / 'lists'}",
        f"Dir::State::status={state / 'status'}",
        f"Dir::Cache={state}",
        f"APT::Architecture={arch}",
        f"APT::Architectures={arch}",
        "APT::Sandbox::User=root",
        "Acquire::Languages=none",
    ]
    apt = ["apt-get", "-q"] + [arg for option in options for arg in ("-o", option)]
    run([*apt, "update"], stdout=sys.stderr)
    wanted = [f"{name}:{arch}" for name in packages]
    run([*apt, "download", *wanted], cwd=dest, stdout=sys.stderr)


def same_upload(version: str, other: str) -> bool:
    """Whether two versions are one upload built for two architectures.

    A binary-only rebuild adds `+bN` to the version on one architecture only.
    """
    return re.sub(r"\+b\d+$", "", version) == re.sub(r"\+b\d+$", "", other)


def absolute_link_on_the_way(root: Path, member: str) -> str:
    """The first of MEMBER's parents that is a link to an absolute path in ROOT, or ''.

    tar resolves such a link on the host, so unpacking MEMBER would write there.
    """
    parts = Path(member).parts
    for depth in range(1, len(parts)):
        parent = root.joinpath(*parts[:depth])
        if parent.is_symlink() and os.readlink(parent).startswith("/"):
            return "/".join(parts[:depth])
    return ""


def unpack(root: Path, deb: Path, control: Path) -> list[str]:
    """Unpack DEB's files into ROOT and its control files into CONTROL.

    Returns the paths it installed as dpkg lists them (`/.`, `/usr`, `/usr/bin/x`).
    """
    control.parent.mkdir(parents=True, exist_ok=True)
    run(["dpkg-deb", "-e", str(deb), str(control)])
    files = run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True).stdout
    members = run(["tar", "-t"], input=files, capture_output=True).stdout.decode().splitlines()
    for member in members:
        link = absolute_link_on_the_way(root, member.removeprefix("./").rstrip("/"))
        if link:
            raise RetargetError(
                f"{deb.name} has {member}, under /{link}, a link to an absolute path that"
                " tar would follow out of the root"
            )
    untar = ["tar", "-C", str(root), "--numeric-owner", "--keep-directory-symlink", "-xvf", "-"]
    names = run(untar, input=files, capture_output=True).stdout
    return [
        "/" + name.removeprefix("./").rstrip("/") if name != "./" else "/."
        for name in names.decode().splitlines()
    ]


def conffiles_field(root: Path, control: Path) -> str:
    """The status entry's Conffiles value for a package just unpacked ('' if none)."""
    listing = control / "conffiles"
    if not listing.exists():
        return ""
    lines = []
    for path in listing.read_text().split("\n"):
        if path.startswith("/"):
            digest = hashlib.md5(
                (root / path.lstrip("/")).read_bytes(), usedforsecurity=False
            ).hexdigest()
            lines.append(f"\n {path} {digest}")
    return "".join(lines)


@dataclass
class Swap:
    """A package replaced by its build for the target architecture.

    Its info names before and after, its new status entry, the directories it listed.
    """

    old_name: str
    new_name: str
    stanza: Stanza
    directories: list[str]


def swap_package(root: Path, old: Stanza, deb: Path, arch: str, work: Path) -> Swap:
    """Replace one installed package with DEB, the same package built for ARCH."""
    old_name = info_name(old, old.get("Architecture").strip())
    directories = remove_package_files(root, old_name)
    for path in info_files(root, old_name):
        path.unlink()
    control = work / "control" / deb.name
    installed = unpack(root, deb, control)
    new = parse_stanzas((control / "control").read_text())[0]
    name = info_name(new, arch)
    (root / INFO / f"{name}.list").write_text("\n".join(installed) + "\n")
    for part in control.iterdir():
        if part.name != "control":
            shutil.copy2(part, root / INFO / f"{name}.{part.name}")
    fields = [new.fields[0], ("Status", old.get("Status")), *new.fields[1:]]
    if old.get("Config-Version"):
        fields.append(("Config-Version", old.get("Config-Version")))
    conffiles = conffiles_field(root, control)
    if conffiles:
        fields.append(("Conffiles", conffiles))
    return Swap(old_name, name, Stanza(fields), directories)


def retarget_triggers(root: Path, swaps: list[Swap]) -> None:
    """Register the swapped packages' trigger interests for their new builds.

    File triggers are read anew from each package (they differ between architectures:
    arm64's base-files watches /usr/lib64); the named triggers' lists get the new names.
    """
    renamed = {swap.old_name: swap.new_name for swap in swaps}
    triggers = root / "var/lib/dpkg/triggers"
    file_triggers = triggers / "File"
    lines = file_triggers.read_text().splitlines() if file_triggers.exists() else []
    kept = [line for line in lines if line.split(" ")[-1].split("/")[0] not in renamed]
    for swap in swaps:
        declared = root / INFO / f"{swap.new_name}.triggers"
        for line in declared.read_text().splitlines() if declared.exists() else []:
            kind, _, name = line.partition(" ")
            if kind.startswith("interest") and name.startswith("/"):
                noawait = "/noawait" if kind == "interest-noawait" else ""
                kept.append(f"{name} {swap.new_name}{noawait}")
    if kept or file_triggers.exists():
        file_triggers.write_text("".join(f"{line}\n" for line in kept))
    for named in triggers.iterdir() if triggers.exists() else []:
        if named.name not in ("File", "Lock", "Unincorp"):
            interested = named.read_text().splitlines()
            named.write_text("".join(f"{renamed.get(p, p)}\n" for p in interested))


def retarget_records(root: Path, host_arch: str, arch: str) -> None:
    """Name ARCH where dpkg, apt and debconf recorded the host's architecture."""
    native = root / "var/lib/dpkg/arch-native"
    if native.exists():
        native.write_text(f"{arch}\n")
    replacements = {
        "var/lib/apt/extended_states": (f"Architecture: {host_arch}\n", f"Architecture: {arch}\n"),
        "var/cache/debconf/config.dat": (f":{host_arch}", f":{arch}"),
        "var/cache/debconf/templates.dat": (f":{host_arch}", f":{arch}"),
    }
    for name, (before, after) in replacements.items():
        path = root / name
        if path.exists():
            path.write_text(path.read_text().replace(before, after))


def retarget_diversions(root: Path, swapped: set[str], host_arch: str, arch: str) -> list[str]:
    """Carry the diversions of the swapped packages over to ARCH.

    They are Debian's /usr-merge protective diversions: a path in the host's multiarch
    directory moves to ARCH's, one naming the host's architecture otherwise (its dynamic
    linker) is dropped, the rest are kept. Returns what was dropped.
    """
    path = root / DIVERSIONS
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    kept: list[str] = []
    dropped = []
    for start in range(0, len(lines) - 2, 3):
        diverted, target, package = lines[start : start + 3]
        if package in swapped:
            diverted = diverted.replace(TRIPLETS[host_arch], TRIPLETS[arch])
            target = target.replace(TRIPLETS[host_arch], TRIPLETS[arch])
            if any(marker in diverted for marker in ARCH_MARKERS[host_arch]):
                dropped.append(f"{diverted} (by {package})")
                continue
        kept += [diverted, target, package]
    path.write_text("".join(f"{line}\n" for line in kept))
    return dropped


def drop_host_arch_files(root: Path, host_arch: str) -> list[str]:
    """Delete what maintainer scripts made for the host's architecture; return it.

    That is the files and links still under its multiarch directories (caches) and the
    dynamic linker's cache.
    """
    triplet = TRIPLETS[host_arch]
    dropped = []
    for top, dirs, files in os.walk(root):
        for name in files + [d for d in dirs if Path(top, d).is_symlink()]:
            path = Path(top, name)
            if triplet in str(path.relative_to(root)):
                path.unlink()
                dropped.append(f"/{path.relative_to(root)}")
    for cache in ("etc/ld.so.cache", "var/cache/ldconfig/aux-cache"):
        if (root / cache).exists():
            (root / cache).unlink()
            dropped.append(f"/{cache}")
    return dropped


def host_arch_directories(root: Path, host_arch: str) -> set[str]:
    """The directories under the host's multiarch directories, as dpkg lists them."""
    triplet = TRIPLETS[host_arch]
    return {
        f"/{Path(top, name).relative_to(root)}"
        for top, dirs, _ in os.walk(root)
        for name in dirs
        if triplet in str(Path(top, name).relative_to(root))
    }


def drop_dangling_top_links(root: Path) -> list[str]:
    """Delete the links at the root that lead nowhere now (amd64's `/lib64`); return them."""
    dropped = []
    for link in root.iterdir():
        if link.is_symlink() and not (root / os.readlink(link).lstrip("/")).exists():
            link.unlink()
            dropped.append(f"/{link.name}")
    return dropped


Fetch = Callable[[Path, list[str], str, Path], None]


def deb_version(deb: Path) -> str:
    """The version a package file holds."""
    query = ["dpkg-deb", "-f", str(deb), "Version"]
    return str(run(query, capture_output=True, text=True).stdout).strip()


def retarget(root: Path, arch: str, fetch: Fetch = download) -> None:
    """Make ROOT, a Debian root filesystem of the host's architecture, one of ARCH.

    FETCH puts the packages' ARCH builds in a folder (default: the host's apt).
    """
    if arch not in TRIPLETS:
        raise RetargetError(f"unknown architecture {arch}; known: {', '.join(TRIPLETS)}")
    stanzas = parse_stanzas((root / STATUS).read_text())
    installed = [s for s in stanzas if s.get("Status").strip().endswith(" installed")]
    arches = {s.get("Architecture").strip() for s in installed} - {"all"}
    if len(arches) != 1:
        raise RetargetError(
            f"expected packages of one architecture besides 'all', found {sorted(arches)}"
        )
    host_arch = arches.pop()
    swapped = [s for s in installed if s.get("Architecture").strip() == host_arch]
    with tempfile.TemporaryDirectory(prefix="retarget-") as tmp:
        work = Path(tmp)
        debs = work / "debs"
        debs.mkdir()
        fetch(root, [s.get("Package").strip() for s in swapped], arch, debs)
        by_name = {deb.name.split("_")[0]: deb for deb in debs.glob("*.deb")}
        for stanza in swapped:
            name, version = stanza.get("Package").strip(), stanza.get("Version").strip()
            if name not in by_name:
                raise RetargetError(f"no {name} was downloaded for {arch}")
            if not same_upload(version, deb_version(by_name[name])):
                raise RetargetError(
                    f"{name} is {version} for {host_arch} but {deb_version(by_name[name])}"
                    f" for {arch}: the mirror changed since the {host_arch} root was built;"
                    " build the image again"
                )
        swaps = [
            swap_package(root, s, by_name[s.get("Package").strip()], arch, work) for s in swapped
        ]
    replaced = {swap.stanza.get("Package").strip(): swap.stanza for swap in swaps}
    status = [replaced.get(s.get("Package").strip(), s) for s in stanzas]
    (root / STATUS).write_text("\n".join(s.render() for s in status))
    retarget_triggers(root, swaps)
    retarget_records(root, host_arch, arch)
    for diversion in retarget_diversions(root, set(replaced), host_arch, arch):
        print(f"retarget: dropped the diversion of {diversion}", file=sys.stderr)
    dropped = drop_host_arch_files(root, host_arch)
    emptied = {d for swap in swaps for d in swap.directories}
    remove_orphan_directories(root, emptied | host_arch_directories(root, host_arch))
    for path in dropped + drop_dangling_top_links(root):
        print(f"retarget: deleted {path} (made for {host_arch})", file=sys.stderr)
    print(f"retarget: {len(swapped)} packages replaced by their {arch} builds", file=sys.stderr)


def main(argv: list[str]) -> int:
    """Command line: retarget.py ROOT ARCH."""
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        retarget(Path(argv[1]), argv[2])
    except RetargetError as error:
        print(f"retarget: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(
            f"retarget: {error.cmd[0]} {error.cmd[-1]} failed (exit {error.returncode})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
