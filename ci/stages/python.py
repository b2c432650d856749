"""Python base containers: the image, pip's cache and a hash-locked install."""

import dagger
from dagger import dag

from ci.versions import python_image

PIP_CACHE = "/root/.cache/pip"


def python_base(version: str) -> dagger.Container:
    """A Python image with pip's download cache mounted and quiet, unbuffered defaults."""
    return (
        dag.container()
        .from_(python_image(version))
        .with_env_variable("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .with_env_variable("PIP_ROOT_USER_ACTION", "ignore")
        .with_env_variable("PYTHONDONTWRITEBYTECODE", "1")
        .with_env_variable("PYTHONUNBUFFERED", "1")
        .with_mounted_cache(PIP_CACHE, dag.cache_volume(f"pip-python{version}"))
    )


def with_locked_requirements(
    container: dagger.Container, workdir: str, lock: dagger.File, *pip_options: str
) -> dagger.Container:
    """Install a hash-pinned requirements file into `container`, before any source arrives.

    Only the lock file is copied in, so editing source code keeps this layer cached.
    `pip_options` go after the lock (`--target=...`, `--platform=...`).
    """
    return (
        container.with_workdir(workdir)
        .with_file(f"{workdir}/requirements.lock", lock)
        .with_exec(["pip", "install", "--require-hashes", "-r", "requirements.lock", *pip_options])
    )
