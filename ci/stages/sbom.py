"""SBOMs with syft: SPDX and CycloneDX JSON of an image, or of the app's lock files."""

import dagger
from dagger import dag

from ci import versions
from ci.stages.common import tool_shell

# File suffix -> syft output format.
FORMATS = {"spdx.json": "spdx-json", "cdx.json": "cyclonedx-json"}
INPUT_DIR = "/in"
OUTPUT_DIR = "/tmp"  # noqa: S108 - writable whatever user the image runs as


SYFT_BINARY = "/syft"  # in the official image, its entrypoint


def syft(for_terminal: bool = False) -> dagger.Container:
    """Syft's image (or syft in a shell, for a terminal), kept from calling home."""
    image = versions.syft_image()
    container = tool_shell(image, SYFT_BINARY) if for_terminal else dag.container().from_(image)
    return container.with_env_variable("SYFT_CHECK_FOR_APP_UPDATE", "false")


def lock_files(source: dagger.Directory, paths: tuple[str, ...]) -> dagger.Directory:
    """Only the app's lock files (`paths` in `source`), at their paths in the repository."""
    out = dag.directory()
    for path in paths:
        out = out.with_file(path, source.file(path))
    return out


def tarball_path(name: str) -> str:
    """Where a tool reads image NAME as an OCI tarball."""
    return f"{INPUT_DIR}/{name}.tar"


def with_tarball(
    container: dagger.Container, image: dagger.Container, name: str
) -> dagger.Container:
    """`container` with `image` as an OCI tarball at tarball_path(name)."""
    return container.with_mounted_file(tarball_path(name), image.as_tarball())


def with_lock_files(container: dagger.Container, locks: dagger.Directory) -> dagger.Container:
    """`container` in INPUT_DIR, which holds the lock files (see lock_files)."""
    return container.with_mounted_directory(INPUT_DIR, locks).with_workdir(INPUT_DIR)


def image_sboms(image: dagger.Container, name: str) -> dagger.Directory:
    """NAME.spdx.json and NAME.cdx.json of one image (every package in it, once catalogued)."""
    scanner = with_tarball(syft(), image, name)
    return _sboms(scanner, f"oci-archive:{tarball_path(name)}", name)


def source_sboms(locks: dagger.Directory, name: str = "source") -> dagger.Directory:
    """NAME.spdx.json and NAME.cdx.json of the lock files: the Python and npm dependencies.

    The frontend image holds only the bundled build, so its npm packages are named here.
    """
    return _sboms(with_lock_files(syft(), locks), f"dir:{INPUT_DIR}", name)


def _sboms(scanner: dagger.Container, target: str, name: str) -> dagger.Directory:
    outputs = [f"--output={fmt}={OUTPUT_DIR}/{name}.{suffix}" for suffix, fmt in FORMATS.items()]
    done = scanner.with_exec(
        ["scan", target, f"--source-name={name}", *outputs], use_entrypoint=True
    )
    out = dag.directory()
    for suffix in FORMATS:
        out = out.with_file(f"{name}.{suffix}", done.file(f"{OUTPUT_DIR}/{name}.{suffix}"))
    return out
