"""Trivy: its databases, JSON reports of images and lock files, and SARIF of those reports.

Trivy needs two databases: vulnerabilities (db/) and, as soon as an image holds a JAR
(nginx's gettext does), the Java index (java-db/). They are fetched into a cache volume
(again the next day: the fetch is keyed by the date) and copied into each scan, so scans
run offline and concurrently. A given Trivy cache directory (`--db`, holding db/ and
java-db/) replaces the fetch: nothing is downloaded at all. The repository's
`.trivyignore.yaml` is Trivy's to apply, by `trivy convert` of the scans' reports.
"""

import datetime

import dagger
from dagger import dag

from ci import versions
from ci.stages.common import with_env
from ci.stages.sbom import tarball_path, with_lock_files, with_tarball

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
IGNORE_PATH = "/trivy-ignore/.trivyignore.yaml"
REPORT_DIR = "/report"


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


def scanner(db: dagger.Directory | None, repository: str | None) -> dagger.Container:
    """Trivy, offline, on its databases.

    `db` is a Trivy cache directory (db/ and java-db/); without it, today's databases are
    fetched (from `repository` when given).
    """
    databases = db if db is not None else fetched_db(repository)
    return with_env(trivy().with_directory(CACHE_DIR, databases), OFFLINE)


def with_inputs(
    scan: dagger.Container, images: dict[str, dagger.Container], locks: dagger.Directory
) -> dagger.Container:
    """`scan` in /in, with the lock files and each image's tarball (/in/NAME.tar)."""
    scan = with_lock_files(scan, locks)
    for name, image in images.items():
        scan = with_tarball(scan, image, name)
    return scan


def image_report(scan: dagger.Container, image: dagger.Container, name: str) -> dagger.Container:
    """Trivy's JSON report of one image (OS and language packages) on stdout."""
    return with_tarball(scan, image, name).with_exec(
        ["trivy", "image", "--format=json", f"--input={tarball_path(name)}"]
    )


def lock_files_report(scan: dagger.Container, locks: dagger.Directory) -> dagger.Container:
    """Trivy's JSON report of the app's lock files (targets named by their repository path)."""
    return with_lock_files(scan, locks).with_exec(["trivy", "filesystem", "--format=json", "."])


def converted(
    report: str, ignores: dagger.File | None, severities: tuple[str, ...], now: str
) -> dagger.Directory:
    """A JSON report as Trivy filters it with `ignores`, and Trivy's SARIF of it (`trivy convert`).

    trivy.json: every finding, those an entry of the ignore file (a .trivyignore.yaml)
    suppressed listed apart with its statement (`--show-suppressed`). trivy.sarif: the
    findings of `severities`, suppressed ones included. The scans never see the ignore
    file, so editing it scans nothing again. `now` (the gate's) keeps the engine from
    reusing an older conversion: Trivy drops expired entries by its clock when it runs.
    """
    convert = (
        trivy()
        .with_env_variable("SCAN_CHECKED_AT", now)
        .with_new_file(f"{REPORT_DIR}/scan.json", report)
        .with_workdir(REPORT_DIR)
    )
    ignoring = []
    if ignores is not None:
        convert = convert.with_mounted_file(IGNORE_PATH, ignores)
        ignoring = [f"--ignorefile={IGNORE_PATH}"]
    to_json = ["trivy", "convert", "--format=json", "--show-suppressed", *ignoring]
    to_sarif = ["trivy", "convert", "--format=sarif", f"--severity={','.join(severities)}"]
    return (
        convert.with_exec([*to_json, "--output=trivy.json", "scan.json"])
        .with_exec([*to_sarif, "--output=trivy.sarif", "scan.json"])
        .directory(REPORT_DIR)
    )
