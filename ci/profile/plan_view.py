"""What `plan` prints: the profile, each value with what decided it, each stage, the gates."""

import io
import json
import shlex
from dataclasses import asdict, dataclass, field

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ci import lighthouse_report, load
from ci.profile import commands, skips
from ci.profile.config_file import CONFIG_FILE
from ci.profile.model import DEFAULT, AppProfile, Found, ImageSource

MIGRATE = commands.MIGRATE_COMMAND


@dataclass(frozen=True)
class PlannedStage:
    """A stage as `plan` shows it: the commands it runs and why, or why it is skipped."""

    name: str
    commands: list[list[str]] = field(default_factory=list)
    why: str = ""
    skipped: str = ""


def stages(profile: AppProfile) -> list[PlannedStage]:
    """Every stage `test` runs for this profile, in order."""
    back, front = profile.backend, profile.frontend
    install = back.install.value
    kind = install.manager + ("" if install.manager != "pip" or install.hashed else ", no hashes")
    services = ", ".join(["PostgreSQL", *(s.capitalize() for s in back.services.value)])
    lint = commands.backend_lint(back)
    planned = [
        PlannedStage(
            "backend install",
            [*commands.python_install(install, back.dir.value), *_pip(commands.report_tools(back))],
            f"{back.install.source} ({kind})",
        ),
        *(
            PlannedStage(
                f"lint: backend {name}", [command], f"{name.split('-')[0]} in {back.linters.source}"
            )
            for name, command in lint.items()
        ),
        *(
            PlannedStage(f"lint: frontend {name}", [command], _check_source(command, profile))
            for name, command in commands.frontend_checks(front).items()
        ),
        PlannedStage(
            "backend-test",
            [commands.postgres_check(), commands.backend_test(back)],
            f"{back.test_runner.value} ({back.test_runner.source}) with {back.settings.value} "
            f"against {services}",
        ),
        PlannedStage(
            "migrations-check",
            [["python", "manage.py", "makemigrations", "--check", "--dry-run"]],
            back.settings.source,
        ),
        PlannedStage(
            "migrations-roundtrip",
            [
                MIGRATE,
                *[[*MIGRATE[:3], app, "zero", "--noinput"] for app in back.migration_apps.value],
                MIGRATE,
            ],
            back.migration_apps.source,
        ),
        PlannedStage("frontend install", commands.js_install(front), front.package_manager.source),
        _optional(
            "frontend-test",
            commands.frontend_test(front),
            front.scripts.source,
            skips.frontend_test(profile),
        ),
        _optional(
            "frontend build",
            commands.frontend_build(front),
            f"{front.scripts.source}, into {front.build_output.value}/",
            None,
        ),
        _end_to_end(profile),
    ]
    reason = skips.backend_lint(profile)
    return [*([PlannedStage("lint: backend", skipped=reason)] if reason else []), *planned]


@dataclass(frozen=True)
class GateSetting:
    """A performance gate's setting as `ci` runs the gate, and what set it; or why it is skipped."""

    gate: str  # load-test or lighthouse
    setting: str = ""  # its key in the gate's table of pipeline.toml
    value: float = 0
    unit: str = ""  # "" for a score, a count or a share of main's figure
    set_by: str = ""
    skipped: str = ""


# Each performance gate's settings: their defaults and units, by the name of its function.
GATE_DEFAULTS = {
    "load-test": (load.DEFAULTS, load.UNITS),
    "lighthouse": (lighthouse_report.DEFAULTS, lighthouse_report.UNITS),
}

GATES_NOTE = (
    "Performance gates: `ci` runs them on main before a release, and on a pull request "
    "given --performance; `load-test` and `lighthouse` run one (their flags win over these)"
)


def gate_settings(profile: AppProfile) -> list[GateSetting]:
    """Every setting of each performance gate, as pipeline.toml sets it or by default.

    A gate that cannot run for this profile has one row saying why instead.
    """
    rows = []
    for gate, (defaults, units) in GATE_DEFAULTS.items():
        reason = skips.load_test(profile) if gate == "load-test" else None
        if reason:
            rows.append(GateSetting(gate, skipped=reason))
            continue
        written = profile.gate_settings.get(gate, {})
        for name, default in defaults.items():
            key = name.replace("_", "-")
            set_by = f"{CONFIG_FILE} [{gate}]" if key in written else DEFAULT
            rows.append(GateSetting(gate, key, written.get(key, default), units[name], set_by))
    return rows


def _end_to_end(profile: AppProfile) -> PlannedStage:
    """The suite, after what the backend service runs to start, and what the stack serves."""
    suite = commands.end_to_end(profile.frontend, "quick")
    if suite is None:
        return PlannedStage("end-to-end", skipped=skips.end_to_end(profile) or "")
    back = profile.backend
    started = [commands.server_install(back), *commands.backend_start(back)]
    return PlannedStage("end-to-end", [*started, suite], "; ".join(served(profile)))


def served(profile: AppProfile) -> list[str]:
    """What the end-to-end stack serves, and why: the suite, the backend, the frontend."""
    back, front = profile.backend, profile.frontend
    health = back.health_path
    ready = f"ready when {health.value} answers" if health.value else "ready when its port answers"
    demo = back.demo_data
    loaded = f"demo data by manage.py {shlex.join(demo.value)}" if demo.value else "no demo data"
    dockerfiles = [
        part
        for part, image in (("backend", back.image.value), ("frontend", front.image.value))
        if image.kind == "dockerfile"
    ]
    backend = (
        f"the backend installed as backend-test installs it, served by {back.server.value} "
        f"({back.server.source}), {ready} ({health.source}), {loaded} ({demo.source})"
    )
    if front.image.value.reason:
        nginx = "the pipeline's own nginx config, /api/ and /admin/ proxied"
        why = f"the recipe's nginx files are missing: {front.image.source}"
        frontend = f"the build in {front.build_output.value}/ under {nginx} ({why})"
    else:
        frontend = f"the recipe's frontend image ({front.image.source})"
    parts = [f"Playwright ({front.end_to_end.source})", backend, frontend]
    if dockerfiles:
        parts.append(
            f"not the {' and '.join(dockerfiles)} Dockerfile's image: `build` makes and checks it"
        )
    return parts


def _check_source(command: list[str], profile: AppProfile) -> str:
    """Why a frontend check runs: its script, or the tool the package.json depends on."""
    front = profile.frontend
    if command[:1] != ["npx"]:
        return front.scripts.source
    tool = command[2]
    return f"{tool} in {front.linter.source if tool != 'tsc' else front.typescript.source}"


def _pip(tools: list[str]) -> list[list[str]]:
    return [["pip", "install", *tools]] if tools else []


def _optional(name: str, command: list[str] | None, why: str, reason: str | None) -> PlannedStage:
    if command is None:
        return PlannedStage(name, skipped=reason or "nothing to run")
    return PlannedStage(name, [command], why)


def as_json(profile: AppProfile) -> str:
    """The profile, the stages and the gates as JSON: {"profile", "stages", "gates"}."""
    data = {
        "profile": profile.as_dict(),
        "stages": [asdict(s) for s in stages(profile)],
        "gates": [asdict(g) for g in gate_settings(profile)],
    }
    return json.dumps(data, indent=2)


def as_text(profile: AppProfile) -> str:
    """The profile as a table (value, decided by), each stage's commands and why, the gates."""
    found = Table("Part", "Setting", "Value", "Decided by", box=box.SIMPLE_HEAD, pad_edge=False)
    for part, values in (("backend", profile.backend), ("frontend", profile.frontend)):
        for name, value in vars(values).items():
            row = (part, name.replace("_", "-"), _shown(value), _decided_by(value))
            found.add_row(*map(escape, row))
    planned = Table("Stage", "Runs", "Why", box=box.SIMPLE_HEAD, pad_edge=False)
    for stage in stages(profile):
        runs = "\n".join(shlex.join(c) for c in stage.commands) or "skipped"
        planned.add_row(*map(escape, (stage.name, runs, stage.skipped or stage.why)))
    gates = Table("Gate", "Setting", "Value", "Set by", box=box.SIMPLE_HEAD, pad_edge=False)
    for setting in gate_settings(profile):
        gates.add_row(*map(escape, _gate_row(setting)))
    config = profile.config_file or "none (pipeline.toml sets what is wrong: see the README)"
    shown = [_render(found), f"Settings file: {config}", _render(planned), GATES_NOTE]
    return "\n\n".join([*shown, _render(gates)])


def _gate_row(setting: GateSetting) -> tuple[str, str, str, str]:
    """A gate's row in the text: its setting, the value with its unit, what set it."""
    if setting.skipped:
        return setting.gate, "skipped", setting.skipped, ""
    value = " ".join(filter(None, (f"{setting.value:g}", setting.unit)))
    return setting.gate, setting.setting, value, setting.set_by


def _decided_by(value: Found[object]) -> str:
    """The file or setting that decided `value`; for an image source, also why."""
    inner = value.value
    if isinstance(inner, ImageSource) and inner.reason:
        return f"{value.source} ({inner.reason})"
    return value.source


def _shown(value: Found[object]) -> str:
    inner = value.value
    if isinstance(inner, ImageSource):
        built = [
            f"context {inner.context or '.'}",
            *([f"target {inner.target}"] if inner.target else []),
        ]
        return f"{inner.dockerfile} ({', '.join(built)})" if inner.dockerfile else inner.kind
    if isinstance(inner, dict):
        return ", ".join(f"{k}={v}" for k, v in inner.items()) or "(none)"
    if isinstance(inner, tuple):
        return ", ".join(str(v) for v in inner) or "(none)"
    if hasattr(inner, "manager"):
        return f"{inner.manager}: {', '.join(inner.files)}"  # type: ignore[attr-defined]
    return str(inner) if inner not in ("", None) else "(none)"


def _render(table: Table) -> str:
    out = io.StringIO()
    Console(file=out, width=200, color_system=None, force_terminal=False).print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines() if line.strip())
