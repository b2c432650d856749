"""The load test's runner: Locust, installed from the module's hash-pinned lock.

    the end-to-end stack (its own, named STACK) or an environment's URL
    <- Locust, headless, running the app's scenario (ci/load.py says how)

The stack is reached as a browser reaches it: through the frontend's nginx, the API
proxied under /api/.
"""

import posixpath
import uuid

import dagger
from dagger import dag

from ci.layout import PIPELINE_SCRIPTS
from ci.load import LoadRun, locust_command
from ci.stages import e2e, frontend
from ci.stages.python import python_base, with_locked_requirements

LOCK = PIPELINE_SCRIPTS / "locust" / "requirements.txt"
WORKDIR = "/load"
SCENARIO_DIR = f"{WORKDIR}/scenario"
REPORTS_DIR = f"{WORKDIR}/reports"
# Locust writes <prefix>_stats.csv (per request), _failures.csv, _exceptions.csv, ...
CSV_PREFIX = f"{REPORTS_DIR}/locust"
STATS_CSV = f"{CSV_PREFIX}_stats.csv"
HTML_REPORT = f"{REPORTS_DIR}/locust.html"
# The stack's release and its database's owner: not end-to-end's, which may run beside.
STACK = "load-test"
STACK_URL = f"http://{e2e.FRONTEND_ALIAS}:{frontend.SERVER_PORT}"


def locust_env(source: dagger.Directory, scenario: str, python_version: str) -> dagger.Container:
    """Python with Locust installed (before the scenario arrives) and the scenario's folder.

    The folder whole, so modules beside the locustfile import.
    """
    lock = dag.directory().with_new_file("requirements.lock", LOCK.read_text())
    installed = with_locked_requirements(
        python_base(python_version), WORKDIR, lock.file("requirements.lock")
    )
    return installed.with_directory(
        SCENARIO_DIR, source.directory(posixpath.dirname(scenario) or ".")
    ).with_workdir(SCENARIO_DIR)


def with_stack(runner: dagger.Container, stack: dagger.Service) -> dagger.Container:
    """`runner` with the app's stack bound where STACK_URL reaches its frontend."""
    return runner.with_service_binding(e2e.FRONTEND_ALIAS, stack)


def locust_run(runner: dagger.Container, scenario: str, run: LoadRun) -> dagger.Container:
    """`run` of the scenario in `runner`, afresh each time, whatever Locust's exit code.

    Locust exits 1 when any request failed; the figures (ci/load.py) judge instead.
    """
    name = posixpath.basename(scenario)
    command = locust_command(f"{SCENARIO_DIR}/{name}", run, CSV_PREFIX, HTML_REPORT)
    return (
        runner.with_env_variable("LOAD_RUN", uuid.uuid4().hex)
        .with_exec(["mkdir", "-p", REPORTS_DIR])
        .with_exec(command, expect=dagger.ReturnType.ANY)
    )
