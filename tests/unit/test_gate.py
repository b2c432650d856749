"""The vulnerability gate over realistic Trivy JSON: severities, ignores, expiry, SARIF."""

import json
from datetime import date
from pathlib import Path

import pytest

from ci.errors import PipelineError
from ci.gate import (
    DEFAULT_SEVERITIES,
    Finding,
    GateResult,
    checked_severities,
    evaluate,
    findings,
    ignores,
    sarif,
    table,
)

REPORT = (Path(__file__).parent / "data" / "trivy-backend-image.json").read_text()
TODAY = date(2026, 11, 22)
IGNORE_GUNICORN = """
[[ignore]]
id = "CVE-2099-0001"
package = "gunicorn"
reason = "Only behind our nginx, which normalises the headers involved."
expires = {expires}
"""


def gate(ignore_file: str = "", severities: tuple[str, ...] = DEFAULT_SEVERITIES) -> GateResult:
    return evaluate(
        findings(REPORT, "backend"), ignores(ignore_file, "ignores.toml"), severities, TODAY
    )


def test_every_vulnerability_of_every_target_is_read() -> None:
    found = findings(REPORT, "backend")
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


def test_a_vulnerability_with_only_an_id_and_a_package_is_read_with_empty_details() -> None:
    report = '{"Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "p"}]}]}'
    (finding,) = findings(report, "frontend")
    # No Target: the report's name stands for it; no Severity: Trivy's own UNKNOWN.
    assert finding == Finding("CVE-1", "p", "", "", "UNKNOWN", "", "frontend", "")


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


def test_an_unexpired_ignore_lets_its_finding_pass() -> None:
    result = gate(IGNORE_GUNICORN.format(expires="2026-12-31"), ("CRITICAL",))
    assert result.passed
    ((finding, entry),) = result.ignored
    assert finding.package == "gunicorn"
    assert entry.reason.startswith("Only behind our nginx")


def test_an_ignore_expiring_today_still_counts_and_an_expired_one_does_not() -> None:
    today = gate(IGNORE_GUNICORN.format(expires="2026-11-22"), ("CRITICAL",))
    assert today.passed
    assert today.expired == []
    assert "expired" not in table(today)
    result = gate(IGNORE_GUNICORN.format(expires="2026-11-21"), ("CRITICAL",))
    assert not result.passed
    assert [e.id for e in result.expired] == ["CVE-2099-0001"]
    assert "expired ignore: CVE-2099-0001 (expired 2026-11-21) no longer counts" in table(result)


def test_an_ignore_for_another_package_does_not_cover() -> None:
    other = IGNORE_GUNICORN.replace('"gunicorn"', '"uvicorn"').format(expires="2027-01-01")
    assert not gate(other, ("CRITICAL",)).passed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[ignore]]\nid = "CVE-1"\nexpires = 2027-01-01', "needs a reason"),
        ('[[ignore]]\nid = "CVE-1"\nreason = "r"', "needs an expiry date"),
        ('[[ignore]]\nid = "CVE-1"\nreason = "r"\nexpires = "soon"', "needs an expiry date"),
        ('[[ignore]]\nid = "CVE-1"\nreason = "r"\nexpires = 2027-01-01\nuntil = 1', "unknown keys"),
        ("[[ignore]\n", "is not valid TOML"),
    ],
)
def test_a_malformed_ignore_file_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(PipelineError, match=message) as caught:
        ignores(text, "security/ignored-vulnerabilities.toml")
    assert str(caught.value).startswith("security/ignored-vulnerabilities.toml")
    assert "\n" not in str(caught.value)


GOOD_ENTRY = '[[ignore]]\nid = "CVE-1"\nreason = "r"\nexpires = 2027-01-01\n'


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            '[[ignore]]\nid = "CVE-2"\nexpires = 2027-01-01\nuntil = 1\nnote = "n"',
            "ignores.toml: ignore entry 2 (CVE-2) has unknown keys note, until.",
        ),
        (
            '[[ignore]]\nreason = "r"\nexpires = 2027-01-01\nuntil = 1',
            "ignores.toml: ignore entry 2 (no id) has unknown keys until.",
        ),
        (
            '[[ignore]]\nid = "CVE-2"\nreason = " "\nexpires = 2027-01-01',
            "ignores.toml: ignore entry 2 (CVE-2) needs a reason (a non-empty string).",
        ),
    ],
)
def test_a_bad_ignore_entry_is_named_by_its_place_and_id(second: str, message: str) -> None:
    with pytest.raises(PipelineError) as caught:
        ignores(GOOD_ENTRY + second, "ignores.toml")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "report", ["", "not json", "[1, 2]", '{"Results": [{"Vulnerabilities": [{}]}]}']
)
def test_a_malformed_report_is_one_sentence(report: str) -> None:
    with pytest.raises(PipelineError, match="The Trivy report of backend is not Trivy's JSON"):
        findings(report, "backend")


def test_a_report_that_is_no_json_says_why_and_what_to_do() -> None:
    with pytest.raises(PipelineError) as caught:
        findings("not json", "backend")
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
    result = gate(IGNORE_GUNICORN.format(expires="2027-01-01"))
    assert table(result).splitlines() == [
        "severity id                  package                         fixed in              target",
        "HIGH     CVE-2025-4802       libc6 2.41-12                   -             BLOCKS  "
        "backend-linux-amd64.tar (debian 13.1)",
        "CRITICAL CVE-2099-0001       gunicorn 23.0.0                 23.0.1        ignored Python",
        "gate failed: 1 blocking (1 ignored, 2 below the threshold)",
    ]


def test_table_of_a_passing_gate_says_passed() -> None:
    result = gate(IGNORE_GUNICORN.format(expires="2027-01-01"), ("CRITICAL",))
    assert table(result).splitlines()[-1] == "gate passed (1 ignored, 3 below the threshold)"
    assert table(gate(severities=("UNKNOWN",))) == "gate passed (0 ignored, 4 below the threshold)"


def test_sarif_is_well_formed_for_code_scanning() -> None:
    result = gate(IGNORE_GUNICORN.format(expires="2027-01-01"))
    document = json.loads(sarif(result))
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"CVE-2025-4802", "CVE-2099-0001"}
    assert rules["CVE-2099-0001"]["properties"]["security-severity"] == "9.5"
    for item in run["results"]:
        assert item["ruleId"] in rules
        assert item["level"] in {"error", "warning", "note"}
        assert item["message"]["text"]
        (location,) = item["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"]
    suppressed = [r["ruleId"] for r in run["results"] if "suppressions" in r]
    assert suppressed == ["CVE-2099-0001"]


def code_scanning_alerts(text: str) -> list[dict[str, object]]:
    """What GitHub code scanning shows of a SARIF upload: each result with its rule's fields."""
    document = json.loads(text)
    assert document["$schema"].endswith(f"/sarif-{document['version']}.json")
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
                "tool": driver["name"],
                "rule": rule["id"],
                "title": rule["shortDescription"]["text"],
                "help": rule.get("helpUri"),
                "security-severity": rule["properties"]["security-severity"],
                "tags": rule["properties"]["tags"],
                "level": result["level"],
                "message": result["message"]["text"],
                "where": (physical["artifactLocation"]["uri"], physical["region"]["startLine"]),
                "dismissed": [
                    (s["kind"], s["justification"]) for s in result.get("suppressions", [])
                ],
            }
        )
    return alerts


def test_code_scanning_shows_each_counted_finding_with_its_rule() -> None:
    alerts = code_scanning_alerts(sarif(gate(IGNORE_GUNICORN.format(expires="2027-01-01"))))
    assert alerts == [
        {
            "tool": "Trivy",
            "rule": "CVE-2025-4802",
            "title": "glibc: static setuid binary dlopen may incorrectly search LD_LIBRARY_PATH",
            "help": "https://avd.aquasec.com/nvd/cve-2025-4802",
            "security-severity": "8.0",
            "tags": ["security", "vulnerability", "HIGH"],
            "level": "error",
            "message": "libc6 2.41-12: CVE-2025-4802 (HIGH)",
            "where": ("backend-linux-amd64.tar (debian 13.1)", 1),
            "dismissed": [],
        },
        {
            "tool": "Trivy",
            "rule": "CVE-2099-0001",
            "title": "gunicorn: request smuggling",
            "help": "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz",
            "security-severity": "9.5",
            "tags": ["security", "vulnerability", "CRITICAL"],
            "level": "error",
            "message": "gunicorn 23.0.0: CVE-2099-0001 (CRITICAL), fixed in 23.0.1",
            "where": ("Python", 1),
            "dismissed": [("external", "ignore file")],
        },
    ]


def test_code_scanning_levels_follow_the_severity_and_a_bare_finding_names_its_id() -> None:
    bare = json.dumps(
        {
            "Results": [
                {"Target": "t", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "p"}]}
            ]
        }
    )
    found = findings(REPORT, "backend") + findings(bare, "frontend")
    result = evaluate(found, [], ("UNKNOWN", "LOW", "MEDIUM"), TODAY)
    alerts = {a["rule"]: a for a in code_scanning_alerts(sarif(result))}
    assert {rule: (a["level"], a["security-severity"]) for rule, a in alerts.items()} == {
        "CVE-2011-3374": ("note", "2.0"),
        "CVE-2025-48432": ("warning", "5.5"),
        "CVE-1": ("note", "0.0"),
    }
    assert alerts["CVE-1"]["title"] == "CVE-1"
    assert alerts["CVE-1"]["help"] is None
    assert alerts["CVE-1"]["message"] == "p : CVE-1 (UNKNOWN)"
    assert alerts["CVE-2025-48432"]["message"] == (
        "Django 5.2.1: CVE-2025-48432 (MEDIUM), fixed in 5.2.2, 5.1.10, 4.2.22"
    )
