"""Trivy: its databases, and JSON reports of images and lock files.

Trivy needs two databases: vulnerabilities (db/) and, as soon as an image holds a JAR
(nginx's gettext does), the Java index (java-db/). They are fetched into a cache volume
(again the next day: the fetch is keyed by the date) and copied into each scan, so scans
run offline and concurrently. A given Trivy cache directory (`--db`, holding db/ and
java-db/) replaces the fetch: nothing is downloaded at all.
"""

import datetime

import dagger
from dagger import dag

from ci import versions
from ci.stages.common import with_env
from ci.stages.sbom import INPUT_DIR, lock_files

CACHE_DIR = "/trivy-cache"
DB_DIR = "/trivy-db"
CACHE_VOLUME = "trivy-db"
# Every trivy run: quiet, vulnerabilities only, nothing fetched but the database.
SETTINGS = {
    "TRIVY_CACHE_DIR": CACHE_DIR,
    "TRIVY_SCANNERS": "vuln",
    "TRIVY_QUIET": "true",
    "TRIVY_SKIP_VERSION_CHECK": "true",
    "TRIVY_DISABLE_TELEMETRY": "true",
}
OFFLINE = {
    "TRIVY_SKIP_DB_UPDATE": "true",
    "TRIVY_SKIP_JAVA_DB_UPDATE": "true",
    "TRIVY_OFFLINE_SCAN": "true",
}
DATABASES = ("db", "java-db")


def trivy() -> dagger.Container:
    """Trivy's image with the pipeline's settings (environment variables, so a shell has them)."""
    return with_env(dag.container().from_(versions.trivy_image()), SETTINGS)


def fetched_db(repository: str | None) -> dagger.Directory:
    """Today's databases (a Trivy cache directory: db/, java-db/), fetched once a day."""
    fetcher = (
        trivy()
        .with_mounted_cache(
            CACHE_DIR, dag.cache_volume(CACHE_VOLUME), sharing=dagger.CacheSharingMode.LOCKED
        )
        .with_env_variable("TRIVY_DB_DAY", datetime.date.today().isoformat())
    )
    if repository:
        fetcher = fetcher.with_env_variable("TRIVY_DB_REPOSITORY", repository)
    fetched = fetcher.with_exec(["trivy", "image", "--download-db-only"]).with_exec(
        ["trivy", "image", "--download-java-db-only"]
    )
    copies = [f"{CACHE_DIR}/{name}" for name in DATABASES]
    return (
        fetched.with_exec(["mkdir", "-p", DB_DIR])
        .with_exec(["cp", "-R", *copies, DB_DIR])
        .directory(DB_DIR)
    )


def scanner(db: dagger.Directory) -> dagger.Container:
    """Trivy offline on `db`, a Trivy cache directory holding db/ and java-db/."""
    return with_env(trivy().with_directory(CACHE_DIR, db), OFFLINE)


def with_inputs(
    scan: dagger.Container, images: dict[str, dagger.Container], source: dagger.Directory
) -> dagger.Container:
    """`scan` with each image's tarball at /in/NAME.tar and the lock files under /in."""
    scan = scan.with_mounted_directory(INPUT_DIR, lock_files(source))
    for name, image in images.items():
        scan = scan.with_mounted_file(f"{INPUT_DIR}/{name}.tar", image.as_tarball())
    return scan.with_workdir(INPUT_DIR)


def image_report(scan: dagger.Container, image: dagger.Container, name: str) -> dagger.Container:
    """Trivy's JSON report of one image (OS and language packages) on stdout."""
    tarball = f"{INPUT_DIR}/{name}.tar"
    return scan.with_mounted_file(tarball, image.as_tarball()).with_exec(
        ["trivy", "image", "--format=json", f"--input={tarball}"]
    )


def lock_files_report(scan: dagger.Container, source: dagger.Directory) -> dagger.Container:
    """Trivy's JSON report of the app's lock files (targets named by their repository path)."""
    return (
        scan.with_mounted_directory(INPUT_DIR, lock_files(source))
        .with_workdir(INPUT_DIR)
        .with_exec(["trivy", "filesystem", "--format=json", "."])
    )
