"""Why a stage does not run for an app: shown in the summary as skipped, never a failure."""

from ci.profile.django_app import LINTERS
from ci.profile.js_app import SCRIPTS
from ci.profile.model import AppProfile


def backend_lint(profile: AppProfile) -> str | None:
    """The reason the backend has no lint stage, or None when it has one."""
    if profile.backend.linters.value:
        return None
    return (
        f"the backend's dependencies ({profile.backend.install.source}) install none of "
        f"{', '.join(LINTERS)}; set [backend] linters in pipeline.toml to run some"
    )


def frontend_test(profile: AppProfile) -> str | None:
    """The reason the frontend's unit tests do not run, or None when they do."""
    if "test" in profile.frontend.scripts.value:
        return None
    return (
        f"{profile.frontend.dir.value or '.'}/package.json has no test script "
        f"({', '.join(SCRIPTS['test'])}); set [frontend.scripts] test in pipeline.toml"
    )


def end_to_end(profile: AppProfile) -> str | None:
    """The reason the end-to-end suite does not run, or None when it does."""
    kind, source = profile.frontend.end_to_end.value, profile.frontend.end_to_end.source
    if kind == "playwright":
        return None
    if kind == "cypress":
        return f"a Cypress suite ({source}): the pipeline runs Playwright suites only, for now"
    return (
        f"no Playwright config (playwright.config.ts) in "
        f"{profile.frontend.dir.value or 'the root'} or at the root"
    )


def load_test(profile: AppProfile) -> str | None:
    """The reason the load test does not run, or None when it does."""
    scenario = profile.backend.load_scenario
    if scenario.value:
        return None
    return (
        f"no Locust scenario ({scenario.source}); add one, or set [backend] load-scenario "
        "in pipeline.toml"
    )
