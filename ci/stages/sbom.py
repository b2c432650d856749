"""SBOMs with syft: SPDX and CycloneDX JSON of an image, or of the app's lock files."""

import dagger
from dagger import dag

from ci import versions
from ci.layout import LOCK_FILES

# File suffix -> syft output format.
FORMATS = {"spdx.json": "spdx-json", "cdx.json": "cyclonedx-json"}
INPUT_DIR = "/in"
OUTPUT_DIR = "/tmp"  # noqa: S108 - writable whatever user the image runs as


def syft() -> dagger.Container:
    """Syft's image, kept from calling home for updates."""
    return (
        dag.container()
        .from_(versions.syft_image())
        .with_env_variable("SYFT_CHECK_FOR_APP_UPDATE", "false")
    )


def lock_files(source: dagger.Directory) -> dagger.Directory:
    """Only the app's lock files, at their paths in the repository."""
    out = dag.directory()
    for path in LOCK_FILES:
        out = out.with_file(path, source.file(path))
    return out


def image_sboms(image: dagger.Container, name: str) -> dagger.Directory:
    """NAME.spdx.json and NAME.cdx.json of one image (every package in it, once catalogued)."""
    tarball = f"{INPUT_DIR}/{name}.tar"
    scanner = syft().with_mounted_file(tarball, image.as_tarball())
    return _sboms(scanner, f"oci-archive:{tarball}", name)


def source_sboms(source: dagger.Directory, name: str = "source") -> dagger.Directory:
    """NAME.spdx.json and NAME.cdx.json of the lock files: the Python and npm dependencies.

    The frontend image holds only the bundled build, so its npm packages are named here.
    """
    scanner = syft().with_mounted_directory(INPUT_DIR, lock_files(source))
    return _sboms(scanner, f"dir:{INPUT_DIR}", name)


def _sboms(scanner: dagger.Container, target: str, name: str) -> dagger.Directory:
    outputs = [f"--output={fmt}={OUTPUT_DIR}/{name}.{suffix}" for suffix, fmt in FORMATS.items()]
    done = scanner.with_exec(
        ["scan", target, f"--source-name={name}", *outputs], use_entrypoint=True
    )
    out = dag.directory()
    for suffix in FORMATS:
        out = out.with_file(f"{name}.{suffix}", done.file(f"{OUTPUT_DIR}/{name}.{suffix}"))
    return out
