"""The smoke probe against a real HTTP server on loopback, run as `smoke` runs it."""

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PROBE = Path(__file__).parents[2] / "ci" / "scripts" / "smoke_probe.py"
PAGES = {
    "/api/health/": (200, "application/json", '{"status": "ok", "release": "r1"}'),
    "/api/products/": (200, "application/json", '[{"slug": "mug"}]'),
    "/": (200, "text/html", '<html><div id="root"></div></html>'),
}


class App(BaseHTTPRequestHandler):
    pages = PAGES

    def do_GET(self) -> None:
        status, kind, body = self.pages.get(self.path, (404, "text/plain", "no"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def app() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), App)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    App.pages = PAGES


def probe(url: str, *args: str) -> tuple[int, dict[str, dict[str, object]]]:
    done = subprocess.run(
        [sys.executable, str(PROBE), url, "--warmup=2", "--requests=20", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    return done.returncode, checks


def test_a_healthy_app_passes_every_check(app: str) -> None:
    code, checks = probe(app, "--release=r1")
    assert code == 0
    assert list(checks) == ["health", "/api/products/", "/", "latency"]
    assert all(c["passed"] for c in checks.values())
    assert "release r1" in str(checks["health"]["detail"])


def test_another_release_fails_health_and_stops_there(app: str) -> None:
    code, checks = probe(app, "--release=r2")
    assert code == 1
    assert list(checks) == ["health"]
    assert "expected release r2" in str(checks["health"]["detail"])


def test_a_broken_product_list_fails(app: str) -> None:
    App.pages = {**PAGES, "/api/products/": (500, "text/html", "Server Error")}
    code, checks = probe(app)
    assert code == 1
    assert not checks["/api/products/"]["passed"]
    assert checks["/"]["passed"]


def test_latency_over_budget_fails(app: str) -> None:
    code, checks = probe(app, "--p95-ms=0")
    assert code == 1
    assert not checks["latency"]["passed"]
    assert "budget 0 ms" in str(checks["latency"]["detail"])


def test_nothing_listening_fails_health() -> None:
    code, checks = probe("http://127.0.0.1:9")
    assert code == 1
    assert not checks["health"]["passed"]


def test_the_health_path_and_the_paths_read_are_options(app: str) -> None:
    App.pages = {
        "/__heartbeat__": (200, "text/plain", "ok"),
        "/api/v1/items/": (200, "application/json", "[1, 2, 3]"),
    }
    args = ["--health-path=/__heartbeat__", "--no-health-release", "--path=/api/v1/items/"]
    code, checks = probe(app, *args)
    assert code == 0, checks
    assert list(checks) == ["health", "/api/v1/items/", "latency"]
    assert checks["/api/v1/items/"]["detail"] == "HTTP 200, 3 items"
    assert "of /api/v1/items/" in str(checks["latency"]["detail"])


def test_a_health_answer_must_name_the_release_unless_told_otherwise(app: str) -> None:
    App.pages = {**PAGES, "/api/health/": (200, "text/plain", "ok")}
    code, checks = probe(app, "--release=r1")
    assert (code, list(checks)) == (1, ["health"])
    code, checks = probe(app, "--release=r1", "--no-health-release")
    assert code == 0, checks
    assert checks["health"]["detail"] == "/api/health/ HTTP 200"
