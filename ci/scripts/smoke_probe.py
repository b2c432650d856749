"""Smoke checks of a deployed app, run in a container by `smoke` (standard library only).

    python smoke_probe.py URL [--health-path P] [--release ID | --no-health-release]
        [--path P]... [--requests N] [--p95-ms MS] [--warmup S]

Prints one JSON object: {"checks": [{"name", "passed", "detail"}, ...]}; exits 1 when
a check failed. The health check retries with backoff while the service warms up; it
passes on HTTP 200, and with the release in the answer (`{"status": "ok", "release":
ID}`) unless --no-health-release. Each --path (default /api/products/ and /) must answer
200; the latency burst reads the first.
"""

import argparse
import json
import statistics
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

TIMEOUT = 10.0
Check = dict[str, object]


def fetch(url: str) -> tuple[int, str, str]:
    """Status, content type and body of GET `url` (HTTP errors are answers too)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "printshop-smoke"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            body = response.read().decode("utf-8", "replace")
            return response.status, response.headers.get("Content-Type", ""), body
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def result(name: str, passed: bool, detail: str) -> Check:
    """One row of the smoke table."""
    return {"name": name, "passed": passed, "detail": detail}


def health_answer(status: int, body: str, release: str | None) -> tuple[bool, str]:
    """Whether a health answer passes, and what it said.

    `release` None: any 200 passes. Otherwise the answer must be JSON `{"status": "ok"}`
    naming `release` as its release (any release when `release` is "").
    """
    if release is None:
        return status == 200, f"HTTP {status}"
    answer = json.loads(body) if status == 200 else {}
    if answer.get("status") == "ok" and release in ("", answer.get("release")):
        return True, f"ok, release {answer.get('release')}"
    return False, f"HTTP {status}, release {answer.get('release', '?')}"


def health(base: str, path: str, release: str | None, warmup: float) -> Check:
    """`path` answers healthy (see health_answer), retried with backoff until `warmup`."""
    deadline, delay, last = time.monotonic() + warmup, 1.0, "no answer"
    while True:
        try:
            status, _, body = fetch(f"{base}{path}")
            passed, last = health_answer(status, body, release)
            if passed:
                return result("health", True, f"{path} {last}")
        except (OSError, ValueError) as error:
            last = str(error)
        if time.monotonic() + delay > deadline:
            expected = f" (expected release {release})" if release else ""
            return result("health", False, f"{path} {last}{expected} after {warmup:.0f}s")
        time.sleep(delay)
        delay = min(delay * 2, 8.0)


def page(base: str, path: str) -> Check:
    """`path` answers 200 (a JSON list is counted, so an empty one shows)."""
    status, kind, body = fetch(f"{base}{path}")
    if status != 200:
        return result(path, False, f"HTTP {status}, {body[:80]!r}")
    if kind.startswith("application/json") and isinstance(items := json.loads(body), list):
        return result(path, True, f"HTTP 200, {len(items)} items")
    return result(path, True, f"HTTP 200, {kind or 'no content type'}")


def latency(base: str, path: str, requests: int, p95_budget_ms: float) -> Check:
    """p95 of `requests` GETs of `path`, four at a time, within the budget."""

    def timed(_: int) -> float:
        start = time.perf_counter()
        fetch(f"{base}{path}")
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(max_workers=4) as pool:
        times = list(pool.map(timed, range(requests)))
    p95 = statistics.quantiles(times, n=20)[-1]
    detail = f"p95 {p95:.0f} ms of {path} over {requests} requests (budget {p95_budget_ms:.0f} ms)"
    return result("latency", p95 <= p95_budget_ms, detail)


def main() -> int:
    """Run every check; later checks run only once health has passed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--health-path", default="/api/health/")
    parser.add_argument("--release", default="")
    parser.add_argument("--no-health-release", action="store_true")
    parser.add_argument("--path", action="append", dest="paths")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--p95-ms", type=float, default=200.0)
    parser.add_argument("--warmup", type=float, default=60.0)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    paths = args.paths or ["/api/products/", "/"]
    release = None if args.no_health_release else args.release
    checks = [health(base, args.health_path, release, args.warmup)]
    if checks[0]["passed"]:
        checks += [page(base, path) for path in paths]
        checks.append(latency(base, paths[0], args.requests, args.p95_ms))
    print(json.dumps({"checks": checks}))
    return 0 if all(c["passed"] for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
