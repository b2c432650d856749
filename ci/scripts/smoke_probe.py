"""Smoke checks of a deployed app, run in a container by `smoke` (standard library only).

    python smoke_probe.py URL [--release ID] [--requests N] [--p95-ms MS] [--warmup S]

Prints one JSON object: {"checks": [{"name", "passed", "detail"}, ...]}; exits 1 when
a check failed. The health check retries with backoff while the service warms up.
"""

import argparse
import json
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Callable
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


def health(base: str, release: str, warmup: float) -> Check:
    """/api/health/ answers ok (with `release`, when given), retried with backoff."""
    deadline, delay, last = time.monotonic() + warmup, 1.0, "no answer"
    while True:
        try:
            status, _, body = fetch(f"{base}/api/health/")
            answer = json.loads(body) if status == 200 else {}
            if answer.get("status") == "ok" and release in ("", answer.get("release")):
                return result("health", True, f"ok, release {answer.get('release')}")
            last = f"HTTP {status}, release {answer.get('release', '?')}"
        except (OSError, ValueError) as error:
            last = str(error)
        if time.monotonic() + delay > deadline:
            expected = f" (expected release {release})" if release else ""
            return result("health", False, f"{last}{expected} after {warmup:.0f}s")
        time.sleep(delay)
        delay = min(delay * 2, 8.0)


def products(base: str) -> Check:
    """/api/products/ answers with a product list (empty on a new database)."""
    status, _, body = fetch(f"{base}/api/products/")
    items = json.loads(body) if status == 200 else None
    if isinstance(items, list):
        return result("products", True, f"{len(items)} products")
    return result("products", False, f"HTTP {status}, {body[:80]!r}")


def frontend(base: str) -> Check:
    """The root serves the app's page."""
    status, kind, body = fetch(f"{base}/")
    passed = status == 200 and kind.startswith("text/html") and 'id="root"' in body
    return result("frontend", passed, f"HTTP {status}, {kind or 'no content type'}")


def latency(base: str, requests: int, p95_budget_ms: float) -> Check:
    """p95 of `requests` GETs of /api/products/, four at a time, within the budget."""

    def timed(_: int) -> float:
        start = time.perf_counter()
        fetch(f"{base}/api/products/")
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(max_workers=4) as pool:
        times = list(pool.map(timed, range(requests)))
    p95 = statistics.quantiles(times, n=20)[-1]
    detail = f"p95 {p95:.0f} ms over {requests} requests (budget {p95_budget_ms:.0f} ms)"
    return result("latency", p95 <= p95_budget_ms, detail)


def main() -> int:
    """Run every check; later checks run only once health has passed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--release", default="")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--p95-ms", type=float, default=200.0)
    parser.add_argument("--warmup", type=float, default=60.0)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    checks = [health(base, args.release, args.warmup)]
    if checks[0]["passed"]:
        later: list[Callable[[], Check]] = [
            lambda: products(base),
            lambda: frontend(base),
            lambda: latency(base, args.requests, args.p95_ms),
        ]
        checks += [check() for check in later]
    print(json.dumps({"checks": checks}))
    return 0 if all(c["passed"] for c in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
