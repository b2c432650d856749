"""The module as `dagger functions` will show it, from the SDK's own registration code."""

import dagger
import pytest
import pytest_asyncio

from ci.layout import SOURCE_IGNORE
from ci.lighthouse_report import FIGURES
from tests.support.registration import Registration, names, read, registered

PUBLIC_FUNCTIONS = {
    "ci",
    "ci_reports",
    "ci_summary",
    "deploy",
    "release",
    "rollback",
    "releases",
    "smoke",
    "deploy_env",
    "smoke_env",
    "sbom_env",
    "sign_env",
    "migrate_env",
    "lint",
    "backend_test",
    "backend_reports",
    "frontend_test",
    "frontend_reports",
    "migrations_check",
    "test",
    "backend_env",
    "frontend_env",
    "migrations_roundtrip",
    "end_to_end",
    "end_to_end_reports",
    "end_to_end_env",
    "load_test",
    "load_test_reports",
    "lighthouse",
    "lighthouse_reports",
    "lighthouse_env",
    "test_matrix",
    "migrate",
    "build",
    "publish",
    "sbom",
    "scan",
    "scan_reports",
    "scan_env",
    "sign",
    "verify",
    "plan",
}
# Functions with effects outside the engine, or whose answer changes with the outside.
NEVER_CACHED = {
    "ci",
    "ci_reports",
    "ci_summary",
    "migrate",
    "publish",
    "sign",
    "verify",
    "deploy",
    "release",
    "rollback",
    "releases",
    "smoke",
    # Timed afresh each call; load-test keeps main's figures in the engine.
    "load_test",
    "load_test_reports",
    "lighthouse",  # compares with, and keeps, main's figures in the engine
}
NEVER = str(dagger.FunctionCachePolicy.Never)
# Functions that read today's date, and those whose summary says what came from the cache
# in this call: Dagger would otherwise reuse a result for a week.
PER_SESSION = {
    "lint",
    "test",
    "test_matrix",
    "scan",
    "scan_reports",
    "scan_env",
    "sign_env",
    "migrate_env",
}
CHECKS = {
    "lint",
    "backend_test",
    "frontend_test",
    "migrations_check",
    "migrations_roundtrip",
    "end_to_end",
}


@pytest_asyncio.fixture
async def registration() -> Registration:
    return read(await registered())


@pytest.mark.asyncio
async def test_every_public_function_is_registered(registration: Registration) -> None:
    assert set(registration.functions) == PUBLIC_FUNCTIONS


@pytest.mark.asyncio
async def test_every_function_and_argument_is_documented(registration: Registration) -> None:
    assert registration.module_description
    assert registration.module_description.startswith("CI/CD of the print shop reference app")
    assert registration.object_description
    for fn in [registration.constructor, *registration.functions.values()]:
        for arg in fn.args.values():
            assert arg.description, f"{fn.name}: argument {arg.name} has no Doc"
    for name in PUBLIC_FUNCTIONS:
        description = registration.functions[name].description
        assert description, name
        assert len(description.splitlines()[0]) <= 100, name


@pytest.mark.asyncio
async def test_functions_with_outside_effects_are_never_cached(registration: Registration) -> None:
    never = {n for n, f in registration.functions.items() if f.cache_policy == NEVER}
    assert never == NEVER_CACHED


@pytest.mark.asyncio
async def test_functions_that_read_the_date_or_time_stages_are_cached_per_session_only(
    registration: Registration,
) -> None:
    session = str(dagger.FunctionCachePolicy.PerSession)
    per_session = {n for n, f in registration.functions.items() if f.cache_policy == session}
    assert per_session == PER_SESSION


@pytest.mark.asyncio
async def test_pull_request_gates_are_checks(registration: Registration) -> None:
    checks = {n for n, f in registration.functions.items() if f.check}
    assert checks == CHECKS
    for name in checks:
        args = registration.functions[name].args.values()
        assert all(a.optional or a.default for a in args), f"check {name} needs an argument"


@pytest.mark.asyncio
async def test_source_defaults_to_the_repository_with_an_ignore_list(
    registration: Registration,
) -> None:
    source = registration.constructor.args["source"]
    assert source.default_path == "/"
    assert source.ignore == SOURCE_IGNORE
    assert source.default is None  # one default only: the path


@pytest.mark.asyncio
async def test_versions_and_layout_are_optional_arguments_with_defaults(
    registration: Registration,
) -> None:
    args = registration.constructor.args
    # Empty: detected from the repository (`plan` shows what and from which file).
    assert {n: a.default for n, a in args.items() if n != "source"} == {
        "python_version": '""',
        "node_version": '""',
        "postgres_version": '"17"',
        "backend_dir": '""',
        "frontend_dir": '""',
    }


@pytest.mark.asyncio
async def test_lighthouse_budgets_are_arguments_defaulting_to_each_figures_limit(
    registration: Registration,
) -> None:
    args = registration.functions["lighthouse"].args
    settings = [f.option for f in FIGURES] + ["runs", "regression_threshold"]
    # Optional: left out, pipeline.toml's [lighthouse] sets it, else the figure's limit.
    assert {name: args[name].default for name in settings} == dict.fromkeys(settings, "null")
    for figure in FIGURES:
        key = figure.option.replace("_", "-")
        assert str(args[figure.option].description).endswith(
            f"(default: pipeline.toml [lighthouse] {key}, else {figure.default:g})"
        )
    assert str(args["runs"].description).endswith("[lighthouse] runs, else 3)")
    assert str(args["regression_threshold"].description).endswith("regression-threshold, else 0.2)")
    assert args["mobile"].default == "false"
    assert args["keep_baseline"].default == "false"
    assert args["commit"].default == '"unknown"'
    assert registration.functions["lighthouse_reports"].args["runs"].default == "null"


@pytest.mark.asyncio
async def test_no_registered_name_has_a_digit() -> None:
    registered_names = names(await registered())
    # The walk reaches every kind of name (so an empty result would not pass unnoticed).
    assert {
        ("function", "end_to_end"),
        ("argument", "end_to_end_suite"),
        ("field", "python_version"),
        ("enum value", "quick"),
    } <= registered_names
    with_digits = sorted(
        f"{kind} {name}" for kind, name in registered_names if any(c.isdigit() for c in name)
    )
    assert not with_digits, (
        "Names with a digit break in module mode on Dagger v0.21.8, the engine we pin: it "
        "converts names with strcase twice, so a function e2e is shown and called as e-2-e and "
        'an argument e2e_suite becomes e2ESuite (`dagger call test` fails: find arg "e2ESuite"). '
        f"Rename without digits: {', '.join(with_digits)}"
    )


@pytest.mark.asyncio
async def test_every_enum_argument_has_a_value_as_default_or_none_at_all(
    registration: Registration,
) -> None:
    # Dagger v0.21.8 will not load a module whose enum argument defaults to None
    # ("failed to patch module: enum name \"\" not found"): every command fails.
    enum_args = [
        (fn.name, arg)
        for fn in registration.functions.values()
        for arg in fn.args.values()
        if arg.enum
    ]
    assert enum_args
    for name, arg in enum_args:
        assert arg.default != "null", f"{name}: --{arg.name} defaults to None"
        assert not arg.optional or arg.default, f"{name}: --{arg.name} is optional, no default"


@pytest.mark.asyncio
async def test_the_load_test_takes_its_run_budgets_and_baseline_with_the_issues_defaults(
    registration: Registration,
) -> None:
    # Issue 28's targets: 100 users, product listing under 200 ms, checkout under 3 s;
    # each optional, pipeline.toml's [load-test] setting it when left out.
    args = registration.functions["load_test"].args
    targets = {
        "users": "100",
        "spawn-rate": "10",
        "duration": "60",
        "product-list-ms": "200",
        "product-page-ms": "200",
        "checkout-ms": "3000",
        "error-rate": "1",
        "regression-threshold": "0.2",
    }
    for key, default in targets.items():
        arg = args[key.replace("-", "_")]
        assert arg.default == "null", key
        assert str(arg.description).endswith(
            f"(default: pipeline.toml [load-test] {key}, else {default})"
        )
    assert {n: args[n].default for n in ("env", "keep_baseline", "commit")} == {
        "env": '"STACK"',
        "keep_baseline": "false",
        "commit": '"unknown"',
    }
    assert args["env"].enum == "LoadTarget"
    reports = registration.functions["load_test_reports"].args
    assert {n: a.default for n, a in reports.items()} == {
        n: args[n].default for n in ("env", "users", "spawn_rate", "duration")
    }
