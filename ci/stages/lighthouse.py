"""Lighthouse stage: headless Chromium measuring the frontend of the end-to-end stack.

    the end-to-end stack (ci.stages.e2e.app_stack) bound as frontend -> Lighthouse

Lighthouse comes from npm at the version ci/lighthouse/package-lock.json pins, installed
with `npm ci` in the Playwright image, whose Chromium it drives. Each run writes its
JSON and HTML report to REPORTS as run-N.report.json and run-N.report.html.
"""

import shlex
from pathlib import Path

import dagger
from dagger import dag

from ci.lighthouse_report import CATEGORIES
from ci.stages import e2e, frontend
from ci.versions import playwright_image

# Lighthouse's package.json, lock and .npmrc, committed beside the pipeline's code.
PACKAGE = Path(__file__).parents[1] / "lighthouse"
PACKAGE_FILES = ("package.json", "package-lock.json", ".npmrc")
WORKDIR = "/lighthouse"
REPORTS = f"{WORKDIR}/reports"
# The frontend as localhost, which browsers (and Lighthouse's HTTPS audit) count as a
# secure origin, as the app's HTTPS address is where it is deployed: Chromium resolves
# localhost to the stack's frontend (--host-resolver-rules), on the same port.
URL = f"http://localhost:{frontend.SERVER_PORT}/"
# Chromium as root in a container: no sandbox (it needs user namespaces), headless, and
# /tmp instead of a /dev/shm that may be small.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-dev-shm-usage "
    f"--host-resolver-rules='MAP localhost {e2e.FRONTEND_ALIAS}'"
)
# The Playwright image's Chromium: the stand-in's system one (PLAYWRIGHT_CHROMIUM_EXECUTABLE),
# else the one Playwright downloaded under /ms-playwright.
CHROME_PATH = (
    'export CHROME_PATH="${CHROME_PATH:-${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-'
    '$(ls -d /ms-playwright/chromium-*/chrome-linux*/chrome 2>/dev/null | head -n 1)}}"'
)


def lighthouse_env(stack: dagger.Service) -> dagger.Container:
    """The Playwright image with Lighthouse installed and the stack bound as frontend."""
    package = dag.directory()
    for name in PACKAGE_FILES:
        package = package.with_new_file(name, (PACKAGE / name).read_text())
    return (
        dag.container()
        .from_(playwright_image())
        .with_env_variable("NPM_CONFIG_UPDATE_NOTIFIER", "false")
        .with_mounted_cache(frontend.NPM_CACHE, dag.cache_volume("npm-lighthouse"))
        .with_directory(WORKDIR, package)
        .with_workdir(WORKDIR)
        .with_exec(["npm", "ci", "--no-audit", "--no-fund"])
        .with_service_binding(e2e.FRONTEND_ALIAS, stack)
    )


def lighthouse_command(runs: int, mobile: bool) -> list[str]:
    """`runs` Lighthouse runs of URL one after the other, each writing its two reports.

    Lighthouse's desktop preset, or its default, a phone on a slow 4G network (`mobile`).
    """
    run = shlex.join(
        [
            "npx",
            "--no-install",
            "lighthouse",
            URL,
            *([] if mobile else ["--preset=desktop"]),
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--output=html",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ]
    )
    script = (
        f"set -e; {CHROME_PATH}; mkdir -p {REPORTS}; "
        f'for n in $(seq 1 {runs}); do {run} --output-path="{REPORTS}/run-$n"; done'
    )
    return ["sh", "-c", script]


def lighthouse_run(
    env: dagger.Container,
    runs: int,
    mobile: bool = False,
    expect: dagger.ReturnType = dagger.ReturnType.SUCCESS,
) -> dagger.Container:
    """`env` after `runs` Lighthouse runs; their reports are in REPORTS."""
    return env.with_exec(lighthouse_command(runs, mobile), expect=expect)
