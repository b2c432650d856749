"""What the end-to-end stack serves, read from the source: health path, demo data, reports."""

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ci.errors import PipelineError
from ci.profile import Found, SourceTree, commands, detect, plan_view, skips
from ci.profile.model import ImageSource
from tests.support.profiles import REFERENCE_PROFILE as REFERENCE
from tests.unit.test_profile_backend import FRONTEND, reference_like

SETTINGS = "backend/shop/settings.py"
ROOT_URLS = "backend/shop/urls.py"
WITH_URLCONF = 'WSGI_APPLICATION = "shop.wsgi.application"\nROOT_URLCONF = "shop.urls"\n'


def served(files: Mapping[str, str | None]) -> tuple[str, str, tuple[str, ...]]:
    tree = reference_like() | {SETTINGS: WITH_URLCONF} | dict(files) | FRONTEND
    backend = detect(SourceTree.of(tree)).backend
    return backend.health_path.value, backend.health_path.source, backend.demo_data.value


@pytest.mark.parametrize(
    ("files", "path", "source"),
    [
        # included under a prefix, as the reference app routes /api/health/
        (
            {
                ROOT_URLS: 'urlpatterns = [path("api/", include("store.urls"))]',
                "backend/store/urls.py": 'urlpatterns = [path("health/", views.health)]',
            },
            "/api/health/",
            "backend/store/urls.py",
        ),
        (
            {ROOT_URLS: 'urlpatterns = [path("__heartbeat__", heartbeat)]'},
            "/__heartbeat__",
            ROOT_URLS,
        ),
        ({ROOT_URLS: 'urlpatterns = [re_path(r"^healthz/$", ok)]'}, "/healthz/", ROOT_URLS),
        # a route written with a leading slash under a prefix: one slash between them
        (
            {
                ROOT_URLS: 'urlpatterns = [path("api/", include("store.urls"))]',
                "backend/store/urls.py": 'urlpatterns = [path("/health/", views.health)]',
            },
            "/api/health/",
            "backend/store/urls.py",
        ),
        (
            {
                ROOT_URLS: 'urlpatterns = [path("api/v1/", include("shop.api"))]',
                "backend/shop/api/__init__.py": 'urlpatterns = [path("health/db/", db_health)]',
            },
            "/api/v1/health/db/",
            "backend/shop/api/__init__.py",
        ),
    ],
)
def test_the_health_route_in_the_url_modules(
    files: dict[str, str | None], path: str, source: str
) -> None:
    assert served(files)[:2] == (path, source)


def test_no_health_route_means_ready_when_the_port_answers() -> None:
    files = {ROOT_URLS: 'urlpatterns = [path("api/", include("store.urls"))]'}
    assert served(files)[:2] == ("", "no health route in backend/shop/urls.py")


class Answering(BaseHTTPRequestHandler):
    """200 on /up/, 503 on anything else, with a body longer than one read."""

    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/up/" else 503)
        self.end_headers()
        self.wfile.write(b"x" * 10_000)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def backend_port() -> Iterator[int]:
    """A port on loopback where `Answering` serves, as a backend would on 8000."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()


@pytest.mark.parametrize(("path", "ready"), [("/up/", True), ("/down/", False), ("", True)])
def test_the_readiness_check_asks_the_backend_port_with_built_in_modules_only(
    backend_port: int, path: str, ready: bool
) -> None:
    command = commands.readiness_command(path)
    assert command[:4] == ["python", "-I", "-S", "-c"]
    assert "c.connect(('127.0.0.1', 8000))" in command[4]
    script = command[4].replace("8000", str(backend_port))  # where the test's server is
    done = subprocess.run([sys.executable, *command[1:4], script], check=False, timeout=10)
    assert (done.returncode == 0) == ready
    # Python's images ship no compiled standard library: the check imports none of it.
    flags = command[1:4]
    assert imported([*flags, script]) - imported([*flags, "pass"]) == {"_socket"}


def imported(arguments: list[str]) -> set[str]:
    """The modules `python *arguments` imports (-X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True
    )
    lines = done.stderr.splitlines()
    return {line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")}


def test_the_readiness_check_fails_when_nothing_listens() -> None:
    command = commands.readiness_command("/up/")
    unused = socket.socket()
    unused.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    script = command[4].replace("8000", str(unused.getsockname()[1]))
    done = subprocess.run([sys.executable, *command[1:4], script], check=False, timeout=10)
    unused.close()
    assert done.returncode != 0


def test_a_root_urlconf_that_is_not_in_the_source_is_named() -> None:
    settings = WITH_URLCONF.replace("shop.urls", "shop.routes")
    assert served({SETTINGS: settings})[:2] == ("", "no health route in shop.routes")


def test_settings_without_a_root_urlconf_name_none() -> None:
    assert served({SETTINGS: 'WSGI_APPLICATION = "shop.wsgi.application"\n'})[:2] == (
        "",
        "no ROOT_URLCONF in shop.settings",
    )


@pytest.mark.parametrize(
    ("setting", "path"),
    [('"/status/ok"', "/status/ok"), ('"healthz/"', "/healthz/"), ('""', ""), ('"/X/up"', "/X/up")],
)
def test_the_health_path_is_a_setting(setting: str, path: str) -> None:
    files = {
        ROOT_URLS: 'urlpatterns = [path("health/", ok)]',
        "pipeline.toml": f"[backend]\nhealth-path = {setting}\n",
    }
    assert served(files)[:2] == (path, "pipeline.toml")


def test_a_demo_data_command_is_found_and_run_before_serving() -> None:
    command = "backend/store/management/commands/seed.py"
    files = {command: None, "backend/store/management/commands/other.py": None}
    profile = detect(SourceTree.of(reference_like() | files | FRONTEND)).backend
    assert (profile.demo_data.value, profile.demo_data.source) == (("seed",), command)
    assert commands.backend_start(profile) == [
        ["python", "manage.py", "migrate", "--noinput"],
        ["python", "manage.py", "seed"],
        [
            "python",
            "-m",
            "gunicorn",
            "shop.wsgi:application",
            "--bind=0.0.0.0:8000",
            "--workers=2",
            "--access-logfile=-",
        ],
    ]


def test_no_demo_data_command_loads_nothing() -> None:
    profile = detect(SourceTree.of(reference_like() | FRONTEND)).backend
    assert profile.demo_data.value == ()
    assert profile.demo_data.source == (
        "no load_demo_data, seed_demo_data, demo_data, seed command in backend/*/management"
    )
    assert [c[:3] for c in commands.backend_start(profile)] == [
        ["python", "manage.py", "migrate"],
        ["python", "-m", "gunicorn"],
    ]


def test_demo_data_is_a_setting_with_its_arguments() -> None:
    files = {"pipeline.toml": '[backend]\ndemo-data = "loaddata fixtures/demo.json"\n'}
    demo = detect(SourceTree.of(reference_like() | files | FRONTEND)).backend.demo_data
    assert (demo.value, demo.source) == (("loaddata", "fixtures/demo.json"), "pipeline.toml")


def test_the_plan_says_the_stack_serves_no_demo_data_and_not_the_dockerfiles_images() -> None:
    def built_by(dockerfile: str) -> Found[ImageSource]:
        return Found(ImageSource("dockerfile", dockerfile), "pipeline.toml")

    back = replace(REFERENCE.backend, image=built_by("Dockerfile"), demo_data=Found((), "none"))
    front = replace(REFERENCE.frontend, image=built_by("web/Dockerfile"))
    parts = plan_view.served(replace(REFERENCE, backend=back, frontend=front))
    assert parts[1].endswith(", no demo data (none)")
    assert parts[-1] == (
        "not the backend and frontend Dockerfile's image: `build` makes and checks it"
    )


@pytest.mark.parametrize("server", ["gunicorn", "uvicorn", "daphne"])
def test_the_server_is_installed_only_when_the_lock_lacks_it(server: str) -> None:
    files = {"pipeline.toml": f'[backend]\nserver = "{server}"\n'}
    profile = detect(SourceTree.of(reference_like() | files | FRONTEND)).backend
    shell, flag, script = commands.server_install(profile)
    assert (shell, flag) == ("sh", "-c")
    check, install = script.split(" 2>/dev/null || ")
    assert check == f'python -c "import {server}"'
    assert install == f"pip install {server}=={commands.SERVERS[server]}"


@pytest.mark.parametrize(
    ("files", "coverage", "reports"),
    [
        (
            {"frontend/vite.config.ts": 'coverage: { reportsDirectory: "reports/coverage" }'},
            "reports/coverage",
            "reports",
        ),
        (
            {"frontend/jest.config.js": "module.exports = { coverageDirectory: './out/cov' }"},
            "out/cov",
            "out",
        ),
        (
            {
                "frontend/package.json": json.dumps(
                    {"dependencies": {"react": "19"}, "jest": {"coverageDirectory": "cov"}}
                )
            },
            "cov",
            "cov",
        ),
        ({}, "coverage", "coverage"),
        (
            {"pipeline.toml": '[frontend]\ncoverage-dir = "test-output/coverage"\n'},
            "test-output/coverage",
            "test-output",
        ),
    ],
)
def test_the_frontend_reports_are_where_its_coverage_goes(
    files: dict[str, str | None], coverage: str, reports: str
) -> None:
    frontend = detect(SourceTree.of(reference_like() | FRONTEND | files)).frontend
    assert frontend.coverage_dir.value == coverage
    if not files:
        assert frontend.coverage_dir.source == "frontend/package.json"
    assert commands.frontend_reports_dir(frontend) == reports


def scenario(files: Mapping[str, str | None]) -> tuple[str, str]:
    found = detect(SourceTree.of(reference_like() | FRONTEND | dict(files))).backend
    return found.load_scenario.value, found.load_scenario.source


@pytest.mark.parametrize(
    ("files", "path"),
    [
        ({"backend/tests/load/locustfile.py": None}, "backend/tests/load/locustfile.py"),
        # the shallowest wins
        (
            {"locustfile.py": None, "backend/tests/load/locustfile.py": None},
            "locustfile.py",
        ),
        # at one depth, the backend's, else the first by path
        (
            {"a/load/locustfile.py": None, "backend/load/locustfile.py": None},
            "backend/load/locustfile.py",
        ),
        ({"b/locustfile.py": None, "a/locustfile.py": None}, "a/locustfile.py"),
        # a folder whose name only starts like the backend's is not the backend
        (
            {"backend2/locustfile.py": None, "backend0/locustfile.py": None},
            "backend0/locustfile.py",
        ),
    ],
)
def test_the_load_scenario_is_the_shallowest_locustfile(
    files: dict[str, str | None], path: str
) -> None:
    assert scenario(files) == (path, "the shallowest locustfile.py")


def test_without_a_locustfile_the_load_test_is_skipped_saying_why() -> None:
    assert scenario({}) == ("", "no locustfile.py in the repository")
    profile = detect(SourceTree.of(reference_like() | FRONTEND))
    assert skips.load_test(profile) == (
        "no Locust scenario (no locustfile.py in the repository); add one, or set "
        "[backend] load-scenario in pipeline.toml"
    )
    found = detect(SourceTree.of(reference_like() | FRONTEND | {"locustfile.py": None}))
    assert skips.load_test(found) is None


@pytest.mark.parametrize(
    ("setting", "path"),
    [('"./perf/shop.py"', "perf/shop.py"), ('""', "")],
)
def test_the_load_scenario_is_a_setting(setting: str, path: str) -> None:
    files = {
        "perf/shop.py": None,
        "locustfile.py": None,
        "pipeline.toml": f"[backend]\nload-scenario = {setting}\n",
    }
    assert scenario(files) == (path, "pipeline.toml")


def test_a_load_scenario_set_to_a_missing_file_is_one_sentence() -> None:
    files = {"pipeline.toml": '[backend]\nload-scenario = "perf/shop.py"\n'}
    with pytest.raises(PipelineError) as caught:
        scenario(files)
    assert str(caught.value) == (
        "perf/shop.py does not exist: set [backend] load-scenario in pipeline.toml to the "
        'load test\'s Locust file, or to "" for none.'
    )
