"""What a deploy says of the migrations new since the running release (ci/migration_report.py)."""

import pytest

from ci.errors import PipelineError
from ci.migration_report import LintReport, MigrationCheck, listed, verdict

REPORT = "(store, 0002_a)... OK\n(store, 0003_b)... ERR\n\tDROPPING columns (table: t, column: c)\n"
BREAKING = LintReport(["store.0002_a", "store.0003_b"], ["store.0003_b"], REPORT)


def test_no_new_migration_says_so() -> None:
    assert verdict("production", "R1", LintReport([], [], ""), "") == MigrationCheck(
        "Migrations: none new since R1.\n"
    )


def test_new_compatible_migrations_are_named_and_pass() -> None:
    check = verdict("production", "R1", LintReport(["store.0002_a", "shop.0003_b"], [], "ok"), "")
    assert check == MigrationCheck(
        "Migrations new since R1 (store.0002_a, shop.0003_b): backward compatible "
        "(django-migration-linter).\n"
    )


def test_a_breaking_migration_is_refused_in_one_sentence_with_the_linters_report() -> None:
    with pytest.raises(PipelineError) as refused:
        verdict("production", "R1", BREAKING, "")
    sentence, *report = str(refused.value).splitlines()
    assert sentence == (
        "production refuses migrations that would break the release it runs (R1) while they "
        "apply: store.0003_b; nothing was touched. Ship the change in two releases "
        '(deploy/README.md, "Breaking schema changes"), or deploy it anyway with '
        "`dagger call deploy --env production --allow-breaking-migrations=REASON`."
    )
    assert report == REPORT.rstrip().splitlines()
    assert str(refused.value).endswith("column: c)")  # the report's last newline dropped


def test_a_reason_lets_a_breaking_migration_through_and_is_recorded() -> None:
    check = verdict("production", "R1", BREAKING, "column unused since R0")
    assert check.allowed_breaking == "store.0003_b: column unused since R0"
    assert check.line.startswith(
        "Deploying despite backward-incompatible migrations (store.0003_b): "
        "column unused since R0\n"
    )
    assert check.line.endswith("(store, 0003_b)... ERR\n\tDROPPING columns (table: t, column: c)\n")


def test_a_reason_changes_nothing_when_no_migration_breaks() -> None:
    check = verdict("production", "R1", LintReport(["store.0002_a"], [], ""), "just in case")
    assert check.allowed_breaking == ""


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            'Django says hello\n{"new": ["a.1"], "breaking": ["a.1"], "report": "r"}\n',
            LintReport(["a.1"], ["a.1"], "r"),
        ),
        ('{"new": ["old"]}\n{"new": ["a.2"]}', LintReport(["a.2"], [], "")),
        ("no report at all", LintReport([], [], "")),
        ('{"new": "a.1", "breaking": null}', LintReport([], [], "")),
    ],
)
def test_the_scripts_last_json_line_is_read_defensively(output: str, expected: LintReport) -> None:
    assert LintReport.of(output) == expected


def test_the_listing_keeps_only_migration_names() -> None:
    output = "3 objects imported automatically\nstore.0001_initial\nshop.0002_x\n\n"
    assert listed(output) == ["store.0001_initial", "shop.0002_x"]


def test_every_breaking_migration_is_named() -> None:
    both = LintReport(["store.0002_a", "store.0003_b"], ["store.0002_a", "store.0003_b"], "")
    check = verdict("production", "R1", both, "why")
    assert check.allowed_breaking == "store.0002_a, store.0003_b: why"
