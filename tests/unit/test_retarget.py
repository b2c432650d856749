"""tools/engine/images/retarget.py turns a host-arch Debian root into an arm64 one.

Real packages built by `dpkg-deb -b` stand for Debian's (a library built for amd64 and
for arm64, a package for all architectures) in a root laid out as dpkg leaves it; the
only thing replaced is where the arm64 packages come from (a folder instead of the
mirror), so the test needs no network.
"""

import hashlib
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "engine" / "images" / "retarget.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("retarget", SCRIPT)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["retarget"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


retarget = _load()


def _deb(
    out: Path,
    name: str,
    version: str,
    arch: str,
    files: dict[str, str],
    dirs: tuple[str, ...] = (),
    triggers: str = "",
) -> Path:
    """Build a package holding FILES (path: content) and DIRS; /etc files are conffiles."""
    tree = out / f"{name}-{arch}-tree"
    (tree / "DEBIAN").mkdir(parents=True)
    for directory in dirs:
        (tree / directory.lstrip("/")).mkdir(parents=True)
    if triggers:
        (tree / "DEBIAN" / "triggers").write_text(triggers)
    control = (
        f"Package: {name}\nVersion: {version}\nArchitecture: {arch}\n"
        "Maintainer: Test <test@example.invalid>\nDescription: stand-in package\n"
    )
    if arch != "all":
        control += "Multi-Arch: same\n"
    (tree / "DEBIAN" / "control").write_text(control)
    conffiles = [p for p in files if p.startswith("/etc/")]
    if conffiles:
        (tree / "DEBIAN" / "conffiles").write_text("".join(f"{p}\n" for p in conffiles))
    for path, content in files.items():
        (tree / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (tree / path.lstrip("/")).write_text(content)
    deb = out / f"{name}_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-b", str(tree), str(deb)],
        check=True,
        capture_output=True,
    )
    return deb


def _install(root: Path, deb: Path) -> None:
    """Install DEB into ROOT as dpkg would have, natively (no scripts to run)."""
    subprocess.run(
        ["dpkg", f"--root={root}", "--force-not-root", "--force-architecture", "-i", str(deb)],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def amd64_root(tmp_path: Path) -> Path:
    """A root with libstandin (amd64), standin-data (all) and what scripts left behind."""
    root = tmp_path / "root"
    for d in ("var/lib/dpkg/info", "var/lib/dpkg/updates", "etc", "var/cache/ldconfig"):
        (root / d).mkdir(parents=True)
    (root / "var/lib/dpkg/status").touch()
    debs = tmp_path / "amd64-debs"
    debs.mkdir()
    _install(
        root,
        _deb(
            debs,
            "libstandin1",
            "1.0-1",
            "amd64",
            {
                "/usr/lib/x86_64-linux-gnu/libstandin.so.1": "amd64 code",
                "/usr/lib64/ld-standin.so": "amd64 loader",
                "/etc/standin.conf": "setting = amd64\n",
            },
            dirs=("/var/run",),
            triggers="interest-noawait /usr/lib32\n",
        ),
    )
    _install(root, _deb(debs, "standin-data", "1.0-1", "all", {"/usr/share/standin/data": "x"}))
    # What maintainer scripts made: caches in the multiarch dir (one in a directory of its
    # own), the linker's cache, a user, and a /usr-merge diversion.
    (root / "usr/lib/x86_64-linux-gnu/standin.cache").write_text("amd64 cache")
    (root / "usr/lib/x86_64-linux-gnu/standin/1.0").mkdir(parents=True)
    (root / "usr/lib/x86_64-linux-gnu/standin/1.0/loaders.cache").write_text("amd64 cache")
    (root / "etc/ld.so.cache").write_text("amd64 linker cache")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "var/run").rmdir()
    (root / "var/run").symlink_to("/run")
    (root / "var/lib/dpkg/arch-native").write_text("amd64\n")
    (root / "lib64").symlink_to("usr/lib64")
    (root / "var/lib/dpkg/diversions").write_text(
        "/lib/x86_64-linux-gnu/libstandin.so.1\n"
        "/lib/x86_64-linux-gnu/libstandin.so.1.usr-is-merged\nlibstandin1\n"
        "/lib64/ld-linux-x86-64.so.2\n/lib64/ld-linux-x86-64.so.2.usr-is-merged\nlibstandin1\n"
        "/lib32\n/.lib32.usr-is-merged\nlibstandin1\n"
    )
    return root


@pytest.fixture
def arm64_debs(tmp_path: Path) -> Path:
    """The folder the test's arm64 packages go to, as if downloaded."""
    folder = tmp_path / "arm64-debs"
    folder.mkdir()
    return folder


def _fetch_from(debs: Path) -> Callable[[Path, list[str], str, Path], None]:
    def fetch(root: Path, packages: list[str], arch: str, dest: Path) -> None:
        for name in packages:
            for deb in debs.glob(f"{name}_*_{arch}.deb"):
                shutil.copy(deb, dest)

    return fetch


def _status(root: Path) -> dict[str, dict[str, str]]:
    stanzas = retarget.parse_stanzas((root / "var/lib/dpkg/status").read_text())
    return {s.get("Package").strip(): {k: v.strip() for k, v in s.fields} for s in stanzas}


def test_the_library_is_swapped_for_its_arm64_build(amd64_root: Path, arm64_debs: Path) -> None:
    conf = "setting = arm64\n"
    _deb(
        arm64_debs,
        "libstandin1",
        "1.0-1+b1",  # a binary-only rebuild on arm64: the same upload
        "arm64",
        {"/usr/lib/aarch64-linux-gnu/libstandin.so.1": "arm64 code", "/etc/standin.conf": conf},
        dirs=("/var/run",),
        triggers="interest-noawait /usr/lib64\n",
    )

    retarget.retarget(amd64_root, "arm64", fetch=_fetch_from(arm64_debs))

    assert (amd64_root / "usr/lib/aarch64-linux-gnu/libstandin.so.1").read_text() == "arm64 code"
    assert not (amd64_root / "usr/lib/x86_64-linux-gnu").exists()
    assert not (amd64_root / "usr/lib64").exists(), "a directory only amd64 had is left"
    assert not (amd64_root / "lib64").is_symlink(), "a link to it is left"
    assert (amd64_root / "var/run").is_symlink(), "a script's link to a directory is replaced"
    assert (amd64_root / "var/lib/dpkg/arch-native").read_text() == "arm64\n"
    triggers = (amd64_root / "var/lib/dpkg/triggers/File").read_text()
    assert triggers == "/usr/lib64 libstandin1:arm64/noawait\n"
    assert not (amd64_root / "etc/ld.so.cache").exists()
    assert (amd64_root / "etc/passwd").exists(), "what scripts made is kept"
    assert (amd64_root / "usr/share/standin/data").exists()
    status = _status(amd64_root)
    lib = status["libstandin1"]
    assert (lib["Architecture"], lib["Version"], lib["Status"]) == (
        "arm64",
        "1.0-1+b1",
        "install ok installed",
    )
    assert (
        lib["Conffiles"]
        == f"/etc/standin.conf {hashlib.md5(conf.encode(), usedforsecurity=False).hexdigest()}"
    )
    assert status["standin-data"]["Architecture"] == "all"
    info = {p.name for p in (amd64_root / "var/lib/dpkg/info").iterdir()}
    assert "libstandin1:arm64.list" in info
    assert "libstandin1:arm64.conffiles" in info
    assert not any(name.startswith("libstandin1:amd64") for name in info)
    listed = (amd64_root / "var/lib/dpkg/info/libstandin1:arm64.list").read_text().split()
    assert "/usr/lib/aarch64-linux-gnu/libstandin.so.1" in listed
    assert (amd64_root / "var/lib/dpkg/diversions").read_text().splitlines() == [
        "/lib/aarch64-linux-gnu/libstandin.so.1",
        "/lib/aarch64-linux-gnu/libstandin.so.1.usr-is-merged",
        "libstandin1",
        "/lib32",
        "/.lib32.usr-is-merged",
        "libstandin1",
    ]
    # dpkg itself reads the result: the package is installed for arm64.
    query = subprocess.run(
        ["dpkg-query", f"--admindir={amd64_root}/var/lib/dpkg", "-W", "libstandin1:arm64"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert query.stdout.split() == ["libstandin1:arm64", "1.0-1+b1"]


def test_another_upload_for_arm64_is_refused(amd64_root: Path, arm64_debs: Path) -> None:
    _deb(arm64_debs, "libstandin1", "1.1-1", "arm64", {"/usr/lib/aarch64-linux-gnu/x": "y"})

    with pytest.raises(retarget.RetargetError, match=r"1\.0-1 for amd64 but 1\.1-1 for arm64"):
        retarget.retarget(amd64_root, "arm64", fetch=_fetch_from(arm64_debs))


def test_a_file_under_an_absolute_link_is_refused(amd64_root: Path, arm64_debs: Path) -> None:
    """/var/run links to /run: tar would unpack the file into the host's /run."""
    _deb(arm64_debs, "libstandin1", "1.0-1", "arm64", {"/var/run/standin.pid": "1"})

    with pytest.raises(retarget.RetargetError, match=r"\./var/run/standin\.pid, under /var/run"):
        retarget.retarget(amd64_root, "arm64", fetch=_fetch_from(arm64_debs))
    assert not Path("/run/standin.pid").exists()
