"""The vulnerability gate over realistic Trivy JSON: severities, ignores, expiry, SARIF."""

import json
from datetime import date
from pathlib import Path

import pytest

from ci.errors import PipelineError
from ci.gate import (
    DEFAULT_SEVERITIES,
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
    assert found[3].fixed == "23.0.1"
    assert found[0].target == "backend-linux-amd64.tar (debian 13.1)"


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


def test_an_unexpired_ignore_lets_its_finding_pass() -> None:
    result = gate(IGNORE_GUNICORN.format(expires="2026-12-31"), ("CRITICAL",))
    assert result.passed
    ((finding, entry),) = result.ignored
    assert finding.package == "gunicorn"
    assert entry.reason.startswith("Only behind our nginx")


def test_an_ignore_expiring_today_still_counts_and_an_expired_one_does_not() -> None:
    assert gate(IGNORE_GUNICORN.format(expires="2026-11-22"), ("CRITICAL",)).passed
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


@pytest.mark.parametrize(
    "report", ["", "not json", "[1, 2]", '{"Results": [{"Vulnerabilities": [{}]}]}']
)
def test_a_malformed_report_is_one_sentence(report: str) -> None:
    with pytest.raises(PipelineError, match="The Trivy report of backend is not Trivy's JSON"):
        findings(report, "backend")


def test_table_lists_counted_findings_and_the_verdict() -> None:
    lines = table(gate()).splitlines()
    assert lines[0].startswith("severity")
    assert any("CVE-2099-0001" in line and "BLOCKS" in line for line in lines)
    assert lines[-1] == "gate failed: 2 blocking (0 ignored, 2 below the threshold)"


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
