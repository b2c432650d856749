"""The vulnerability gate over realistic Trivy JSON and .trivyignore.yaml files.

`trivy-backend-image.json` is an image report as Trivy writes it; `-suppressed.json` and
`-suppressed.sarif` are what Trivy 0.74 made of it on the engine (`scan.converted`, with a
.trivyignore.yaml entry for gunicorn's advisory): the report filtered with the ignore file
(`--show-suppressed`), and the SARIF of the unfiltered report.
"""

import json
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ci.errors import PipelineError
from ci.gate import (
    DEFAULT_SEVERITIES,
    Finding,
    GateResult,
    IgnoreEntry,
    checked_severities,
    evaluate,
    findings,
    ignore_entries,
    merged,
    table,
    with_suppressions,
)

DATA = Path(__file__).parent / "data"
REPORT = (DATA / "trivy-backend-image.json").read_text()
SUPPRESSED = (DATA / "trivy-backend-image-suppressed.json").read_text()
TRIVY_SARIF = (DATA / "trivy-backend-image-suppressed.sarif").read_text()
NOW = datetime(2026, 11, 22, 10, 15, tzinfo=UTC)
STATEMENT = "Only behind our nginx, which normalises the headers involved."
IGNORE_GUNICORN = f"""
vulnerabilities:
  - id: CVE-2099-0001
    purls:
      - pkg:pypi/gunicorn
    statement: {STATEMENT}
    expired_at: {{expired_at}}
"""


def gate(
    report: str = REPORT,
    ignore_file: str = "",
    severities: tuple[str, ...] = DEFAULT_SEVERITIES,
) -> GateResult:
    found = findings(merged({"backend": report}))
    return evaluate(found, ignore_entries(ignore_file, ".trivyignore.yaml"), severities, NOW)


def test_every_vulnerability_of_every_target_is_read() -> None:
    found = findings(merged({"backend": REPORT}))
    assert [(f.id, f.package, f.severity) for f in found] == [
        ("CVE-2025-4802", "libc6", "HIGH"),
        ("CVE-2011-3374", "apt", "LOW"),
        ("CVE-2025-48432", "Django", "MEDIUM"),
        ("CVE-2099-0001", "gunicorn", "CRITICAL"),
    ]
    assert found[3] == Finding(
        id="CVE-2099-0001",
        package="gunicorn",
        installed="23.0.0",
        fixed="23.0.1",
        severity="CRITICAL",
        title="gunicorn: request smuggling",
        target="Python",
        url="https://github.com/advisories/GHSA-xxxx-yyyy-zzzz",
    )
    assert found[0].target == "backend-linux-amd64.tar (debian 13.1)"


def test_a_finding_trivy_suppressed_is_read_with_the_entry_statement() -> None:
    found = findings(merged({"backend": SUPPRESSED}))
    assert [(f.id, f.statement) for f in found] == [
        ("CVE-2011-3374", None),  # trivy convert sorts each target's findings
        ("CVE-2025-4802", None),
        ("CVE-2025-48432", None),
        ("CVE-2099-0001", STATEMENT),
    ]
    assert found[3].package == "gunicorn"
    assert found[3].target == "Python"


def test_other_modified_findings_than_vulnerabilities_are_not_read() -> None:
    report = json.loads(SUPPRESSED)
    report["Results"][1]["ExperimentalModifiedFindings"][0]["Type"] = "secret"
    found = findings(merged({"backend": json.dumps(report)}))
    assert "CVE-2099-0001" not in {f.id for f in found}


def test_a_vulnerability_with_only_an_id_and_a_package_is_read_with_empty_details() -> None:
    report = '{"Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "p"}]}]}'
    (finding,) = findings(merged({"frontend": report}))
    # No Target: the report's name stands for it; no Severity: Trivy's own UNKNOWN.
    assert finding == Finding("CVE-1", "p", "", "", "UNKNOWN", "", "frontend", "")


def test_reports_merge_under_the_first_header_with_labelled_targets() -> None:
    lock = '{"ArtifactName": ".", "Results": [{"Target": "requirements.txt"}]}'
    report = merged(
        {"lock-files": lock, "backend": REPORT, "empty": "{}"},
        lambda target, name: f"{name}: {target}",
    )
    assert report["ArtifactName"] == "."
    assert [r["Target"] for r in report["Results"]] == [
        "lock-files: requirements.txt",
        "backend: backend-linux-amd64.tar (debian 13.1)",
        "backend: Python",
        "backend: usr/local/lib/python3.13/site-packages/rest_framework",
    ]
    assert merged({}) == {"Results": []}


def test_critical_and_high_block_by_default() -> None:
    result = gate()
    assert not result.passed
    assert {f.id for f in result.blocking} == {"CVE-2025-4802", "CVE-2099-0001"}
    assert {f.id for f in result.below_threshold} == {"CVE-2011-3374", "CVE-2025-48432"}


def test_severity_option_changes_what_counts() -> None:
    assert {f.id for f in gate(severities=("CRITICAL",)).blocking} == {"CVE-2099-0001"}
    assert len(gate(severities=("LOW", "MEDIUM", "HIGH", "CRITICAL")).blocking) == 4


def test_severity_names_are_checked() -> None:
    assert checked_severities(["critical", " high", "HIGH"]) == ("CRITICAL", "HIGH")
    with pytest.raises(PipelineError, match="--severity SEVERE is not a Trivy severity"):
        checked_severities(["SEVERE"])
    with pytest.raises(PipelineError, match="not a Trivy severity"):
        checked_severities([""])


@pytest.mark.parametrize(
    ("names", "named"), [(["severe", "HIGH", "bad"], "SEVERE,BAD"), ([" ", ""], "(empty)")]
)
def test_a_wrong_severity_list_names_the_wrong_ones_and_every_choice(
    names: list[str], named: str
) -> None:
    with pytest.raises(PipelineError) as caught:
        checked_severities(names)
    message = str(caught.value)
    assert message == (
        f"--severity {named} is not a Trivy severity: use some of "
        "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL (default CRITICAL,HIGH)."
    )
    choices = message.split("use some of ")[1].split(" ")[0].split(",")
    default = message.split("(default ")[1].removesuffix(").").split(",")
    assert checked_severities(choices) == tuple(choices)
    assert tuple(default) == DEFAULT_SEVERITIES


def test_what_trivy_suppressed_passes_as_ignored() -> None:
    result = gate(SUPPRESSED, IGNORE_GUNICORN.format(expired_at="2026-12-31"), ("CRITICAL",))
    assert result.passed
    (finding,) = result.ignored
    assert finding.package == "gunicorn"
    assert finding.statement == STATEMENT
    assert result.expired == []


def test_a_suppressed_finding_below_the_threshold_is_not_counted_as_ignored() -> None:
    result = gate(SUPPRESSED, severities=("HIGH",))
    assert result.ignored == []
    assert "CVE-2099-0001" in {f.id for f in result.below_threshold}


def test_the_entries_of_a_trivyignore_yaml_are_read() -> None:
    text = IGNORE_GUNICORN.format(expired_at="2027-01-31") + (
        "  - id: GHSA-aaaa-bbbb-cccc\n    paths: [app/backend/requirements.txt]\n"
        "    statement: Not reachable.\n"
        "misconfigurations:\n  - id: AVD-DS-0002\n"
    )
    assert ignore_entries(text, ".trivyignore.yaml") == [
        IgnoreEntry("CVE-2099-0001", STATEMENT, datetime(2027, 1, 31, tzinfo=UTC)),
        IgnoreEntry("GHSA-aaaa-bbbb-cccc", "Not reachable."),
    ]


@pytest.mark.parametrize("text", ["", "# nothing accepted yet\n", "vulnerabilities:\n", "{}"])
def test_an_empty_ignore_file_accepts_nothing(text: str) -> None:
    assert ignore_entries(text, ".trivyignore.yaml") == []


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2027-01-31", datetime(2027, 1, 31, tzinfo=UTC)),
        ("'2027-01-31'", datetime(2027, 1, 31, tzinfo=UTC)),
        ("2027-01-31T12:30:00", datetime(2027, 1, 31, 12, 30, tzinfo=UTC)),
        ("2027-01-31T12:30:00+02:00", datetime(2027, 1, 31, 10, 30, tzinfo=UTC)),
        ("'2027-01-31T12:30:00Z'", datetime(2027, 1, 31, 12, 30, tzinfo=UTC)),
    ],
)
def test_expired_at_is_read_as_trivy_reads_it(written: str, read: datetime) -> None:
    (entry,) = ignore_entries(IGNORE_GUNICORN.format(expired_at=written), "x.yaml")
    assert entry.expired_at == read


def test_an_entry_is_expired_from_the_start_of_its_day_as_trivy_drops_it() -> None:
    # Trivy reads `expired_at: 2026-11-22` as 2026-11-22T00:00Z and drops the entry after it.
    today = gate(REPORT, IGNORE_GUNICORN.format(expired_at="2026-11-22"), ("CRITICAL",))
    assert not today.passed
    assert [e.id for e in today.expired] == ["CVE-2099-0001"]
    assert table(today).splitlines()[-2] == (
        f"expired ignore: CVE-2099-0001 (expired_at 2026-11-22) no longer counts: {STATEMENT}"
    )
    tomorrow = gate(SUPPRESSED, IGNORE_GUNICORN.format(expired_at="2026-11-23"), ("CRITICAL",))
    assert tomorrow.passed
    assert tomorrow.expired == []
    assert "expired" not in table(tomorrow)


def test_an_entry_expires_at_its_instant() -> None:
    entry = IgnoreEntry("CVE-1", "why", NOW)
    assert not entry.expired(NOW)
    assert entry.expired(NOW + timedelta(microseconds=1))
    assert not IgnoreEntry("CVE-1", "why").expired(NOW)


def test_an_expired_entry_with_a_time_is_shown_with_it() -> None:
    expired_at = datetime(2026, 11, 22, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    result = GateResult(expired=[IgnoreEntry("CVE-1", "why", expired_at)])
    assert table(result).splitlines()[0] == (
        "expired ignore: CVE-1 (expired_at 2026-11-22T09:30:00+02:00) no longer counts: why"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "vulnerabilities:\n  - id: CVE-1\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) needs a statement saying why "
            "the finding is accepted: the gate takes no entry without a reason.",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    statement: ' '\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) needs a statement saying why "
            "the finding is accepted: the gate takes no entry without a reason.",
        ),
        (
            "vulnerabilities:\n  - statement: why\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (no id) needs an id, the CVE or GHSA "
            "it accepts.",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    statement: why\n    expires_at: 2027-01-01\n"
            "    note: n\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) has unknown keys expires_at, "
            "note: Trivy would skip them, use id, paths, purls, statement, expired_at.",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    statement: why\n    expired_at: soon\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) has expired_at 'soon', not a "
            "date: write e.g. 2027-01-31.",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    statement: why\n    expired_at: 20270131\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) has expired_at 20270131, not a "
            "date: write e.g. 2027-01-31.",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    statement: why\n    paths: app/x.txt\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) has paths that are not a list "
            "of strings.",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    statement: why\n    purls: [pkg:pypi/a, 3]\n",
            ".trivyignore.yaml: vulnerabilities entry 1 (CVE-1) has purls that are not a list "
            "of strings.",
        ),
        (
            "vulnerabilities:\n  - CVE-1\n",
            ".trivyignore.yaml: vulnerabilities entry 1 is not a mapping (id: ...).",
        ),
        (
            "vulnerabilities:\n  id: CVE-1\n",
            ".trivyignore.yaml is not Trivy's ignore file: it needs a `vulnerabilities:` list "
            "of entries (id, statement, optional expired_at, paths, purls).",
        ),
        (
            "- id: CVE-1\n",
            ".trivyignore.yaml is not Trivy's ignore file: it needs a `vulnerabilities:` list "
            "of entries (id, statement, optional expired_at, paths, purls).",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n   statement: why\n",
            ".trivyignore.yaml is not valid YAML (expected <block end>, but found "
            "'<block mapping start>', line 3).",
        ),
    ],
)
def test_a_malformed_ignore_file_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(PipelineError) as caught:
        ignore_entries(text, ".trivyignore.yaml")
    assert str(caught.value) == message


def test_a_bad_second_entry_is_named_by_its_place_and_id() -> None:
    text = IGNORE_GUNICORN.format(expired_at="2027-01-01") + "  - id: CVE-2\n"
    with pytest.raises(PipelineError, match=r"entry 2 \(CVE-2\) needs a statement"):
        ignore_entries(text, ".trivyignore.yaml")


def test_yaml_that_fails_without_a_place_still_says_why() -> None:
    with pytest.raises(PipelineError) as caught:
        ignore_entries("a: !!python/name:os.system\n", "x.yaml")
    assert str(caught.value).startswith("x.yaml is not valid YAML (could not determine")
    with pytest.raises(PipelineError) as caught:
        ignore_entries("vulnerabilities:\x07\n", "x.yaml")
    assert str(caught.value) == (
        "x.yaml is not valid YAML (unacceptable character #x0007: special characters are not "
        "allowed)."
    )


def test_a_date_is_shown_as_written_whatever_the_machines_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "JST-9")  # POSIX form: no tzdata needed
    time.tzset()
    try:
        result = GateResult(
            expired=[IgnoreEntry("CVE-1", "why", datetime(2026, 11, 21, tzinfo=UTC))]
        )
        assert "(expired_at 2026-11-21)" in table(result)
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    "report", ["", "not json", "[1, 2]", '{"Results": [{"Vulnerabilities": [{}]}]}']
)
def test_a_malformed_report_is_one_sentence(report: str) -> None:
    with pytest.raises(PipelineError, match="The Trivy report of backend is not Trivy's JSON"):
        merged({"lock-files": REPORT, "backend": report})


def test_a_report_that_is_no_json_says_why_and_what_to_do() -> None:
    with pytest.raises(PipelineError) as caught:
        merged({"backend": "not json"})
    assert str(caught.value) == (
        "The Trivy report of backend is not Trivy's JSON (JSONDecodeError: Expecting value: "
        "line 1 column 1 (char 0)): run trivy with --format json."
    )


def test_table_lists_counted_findings_and_the_verdict() -> None:
    lines = table(gate()).splitlines()
    assert lines[0].startswith("severity")
    assert any("CVE-2099-0001" in line and "BLOCKS" in line for line in lines)
    assert lines[-1] == "gate failed: 2 blocking (0 ignored, 2 below the threshold)"


def test_table_rows_say_what_blocks_what_is_ignored_and_what_fixes_it() -> None:
    result = gate(SUPPRESSED, IGNORE_GUNICORN.format(expired_at="2027-01-01"))
    assert table(result).splitlines() == [
        "severity id                  package                         fixed in              target",
        "HIGH     CVE-2025-4802       libc6 2.41-12                   -             BLOCKS  "
        "backend-linux-amd64.tar (debian 13.1)",
        "CRITICAL CVE-2099-0001       gunicorn 23.0.0                 23.0.1        ignored Python",
        "gate failed: 1 blocking (1 ignored, 2 below the threshold)",
    ]


def test_table_of_a_passing_gate_says_passed() -> None:
    result = gate(SUPPRESSED, IGNORE_GUNICORN.format(expired_at="2027-01-01"), ("CRITICAL",))
    assert table(result).splitlines()[-1] == "gate passed (1 ignored, 3 below the threshold)"
    assert table(gate(severities=("UNKNOWN",))) == "gate passed (0 ignored, 4 below the threshold)"


def code_scanning_alerts(text: str) -> list[dict[str, object]]:
    """What GitHub code scanning shows of a SARIF upload: each result with its rule's fields."""
    document = json.loads(text)
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    rules = {rule["id"]: rule for rule in driver["rules"]}
    alerts: list[dict[str, object]] = []
    for result in run["results"]:
        rule = rules[result["ruleId"]]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        alerts.append(
            {
                "rule": rule["id"],
                "title": rule["shortDescription"]["text"],
                "security-severity": rule["properties"]["security-severity"],
                "level": result["level"],
                "where": (physical["artifactLocation"]["uri"], physical["region"]["startLine"]),
                "dismissed": [
                    (s["kind"], s["justification"]) for s in result.get("suppressions", [])
                ],
            }
        )
    return alerts


def test_code_scanning_shows_what_trivy_suppressed_as_dismissed_with_its_statement() -> None:
    marked = with_suppressions(TRIVY_SARIF, merged({"backend": SUPPRESSED}))
    alerts = {a["rule"]: a for a in code_scanning_alerts(marked)}
    assert set(alerts) == {"CVE-2011-3374", "CVE-2025-4802", "CVE-2025-48432", "CVE-2099-0001"}
    assert alerts["CVE-2099-0001"] == {
        "rule": "CVE-2099-0001",
        "title": "gunicorn: request smuggling",
        "security-severity": "9.5",
        "level": "error",
        "where": ("usr/local/lib/python3.13/site-packages/gunicorn-23.0.0.dist-info/METADATA", 1),
        "dismissed": [("external", STATEMENT)],
    }
    others = [a for rule, a in alerts.items() if rule != "CVE-2099-0001"]
    assert all(a["dismissed"] == [] for a in others)
    assert alerts["CVE-2025-4802"]["level"] == "error"


def test_marking_keeps_the_rest_of_trivys_sarif() -> None:
    marked = json.loads(with_suppressions(TRIVY_SARIF, merged({"backend": SUPPRESSED})))
    original = json.loads(TRIVY_SARIF)
    for result in marked["runs"][0]["results"]:
        result.pop("suppressions", None)
    assert marked == original
    unmarked = with_suppressions(TRIVY_SARIF, merged({"backend": REPORT}))
    assert unmarked == json.dumps(original, indent=2)


def test_a_suppressed_finding_without_an_installed_version_is_marked() -> None:
    # Trivy writes `Installed Version: ` (Go's %v of an empty string) when it has none.
    report = json.loads(SUPPRESSED)
    del report["Results"][1]["ExperimentalModifiedFindings"][0]["Finding"]["InstalledVersion"]
    sarif = TRIVY_SARIF.replace("Installed Version: 23.0.0", "Installed Version: ")
    marked = with_suppressions(sarif, merged({"backend": json.dumps(report)}))
    dismissed = [a["rule"] for a in code_scanning_alerts(marked) if a["dismissed"]]
    assert dismissed == ["CVE-2099-0001"]


def test_a_suppressed_package_of_another_version_is_not_marked() -> None:
    report = json.loads(SUPPRESSED)
    report["Results"][1]["ExperimentalModifiedFindings"][0]["Finding"]["InstalledVersion"] = "22"
    marked = with_suppressions(TRIVY_SARIF, merged({"backend": json.dumps(report)}))
    assert all(a["dismissed"] == [] for a in code_scanning_alerts(marked))


def test_a_date_is_not_a_datetime_for_the_gate() -> None:
    # PyYAML reads `2027-01-31` as a date; the gate compares instants, as Trivy does.
    (entry,) = ignore_entries(IGNORE_GUNICORN.format(expired_at="2027-01-31"), "x.yaml")
    assert isinstance(entry.expired_at, datetime)
    assert entry.expired_at.date() == date(2027, 1, 31)
