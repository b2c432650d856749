"""The Lighthouse gate's container, read from the lazy plan (no engine)."""

import json
import shlex
import subprocess

import dagger

from ci.stages import lighthouse
from tests.support import plan
from tests.support.pipeline import make_pipeline


def run(runs: int = 3, mobile: bool = False) -> dagger.Container:
    return lighthouse.lighthouse_run(make_pipeline().lighthouse_env(), runs, mobile)


def script(container: dagger.Container) -> str:
    *_, (shell, flag, text) = plan.execs(container)
    assert (shell, flag) == ("sh", "-c")
    return text


def test_lighthouse_is_installed_from_its_lock_in_the_playwright_image() -> None:
    container = run()
    assert plan.named(container, "from")[0].args["address"] == (
        "mcr.microsoft.com/playwright:v1.65.1-noble"
    )
    (mount,) = plan.named(container, "withMountedCache")
    assert mount.args["path"] == "/root/.npm"
    assert plan.calls(mount.args["cache"])[0].args == {"key": "npm-lighthouse"}
    (package,) = plan.named(container, "withDirectory")
    assert package.args["path"] == "/lighthouse"
    files = {
        c.args["path"]: c.args["contents"]
        for c in plan.named(package.args["source"], "withNewFile")
    }
    assert set(files) == {"package.json", "package-lock.json", ".npmrc"}
    lock = json.loads(files["package-lock.json"])
    assert lock["packages"][""]["dependencies"] == {"lighthouse": "12.2.3"}
    assert lock["packages"]["node_modules/lighthouse"]["version"] == "12.2.3"
    assert "://" not in files["package-lock.json"]  # no registry host, no funding URL
    install = plan.position(container, "withExec", args=["npm", "ci", "--no-audit", "--no-fund"])
    assert plan.position(container, "withDirectory", path="/lighthouse") < install
    assert install < plan.position(container, "withServiceBinding", alias="frontend")


def test_the_end_to_end_stack_is_bound_as_the_frontend() -> None:
    pipeline = make_pipeline()
    measured = plan.bound(pipeline.lighthouse_env(), "frontend")
    end_to_end = plan.bound(pipeline.end_to_end_env(), "frontend")
    assert plan.calls(measured) == plan.calls(end_to_end)
    assert plan.bound(plan.bound(measured, "backend"), "db")


def lighthouse_argv(text: str) -> list[str]:
    (command,) = [part for part in text.split("; ") if "lighthouse http" in part]
    return shlex.split(command.removeprefix("do ").removesuffix(" done"))


def test_each_run_measures_the_frontend_in_headless_chromium_and_writes_both_reports() -> None:
    text = script(run(runs=3))
    assert text.startswith("set -e; ")
    assert "for n in $(seq 1 3); do " in text
    assert lighthouse_argv(text) == [
        "npx",
        "--no-install",
        "lighthouse",
        "http://localhost:8080/",
        "--preset=desktop",
        "--only-categories=performance,accessibility,best-practices",
        "--output=json",
        "--output=html",
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage "
        "--host-resolver-rules='MAP localhost frontend'",
        "--quiet",
        "--output-path=/lighthouse/reports/run-$n",
    ]
    assert "for n in $(seq 1 1); do " in script(run(runs=1))


def test_mobile_is_lighthouses_own_default_preset() -> None:
    desktop, mobile = lighthouse_argv(script(run())), lighthouse_argv(script(run(mobile=True)))
    assert [a for a in desktop if a not in mobile] == ["--preset=desktop"]
    assert len(mobile) == len(desktop) - 1


def test_chromium_is_the_playwright_images_own() -> None:
    # The stand-in image names Debian's Chromium; the official one has Playwright's download.
    text = script(run())
    assert text.index(lighthouse.CHROME_PATH) < text.index("lighthouse http")
    shown = f'{lighthouse.CHROME_PATH}; echo "$CHROME_PATH"'
    found = subprocess.run(
        ["sh", "-c", shown],
        env={"PLAYWRIGHT_CHROMIUM_EXECUTABLE": "/usr/bin/chromium", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout == "/usr/bin/chromium\n"
    assert "/ms-playwright/chromium-*/chrome-linux*/chrome" in lighthouse.CHROME_PATH
