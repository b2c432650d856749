"""The vulnerability gate: Trivy's JSON reports in, a pass/fail decision and SARIF out.

Plain Python, no containers. A finding blocks when its severity is one the gate counts
(CRITICAL and HIGH by default) and no active ignore entry covers it. Ignore entries come
from a TOML file kept in the repository (`[[ignore]]` tables); each needs a reason and an
expiry date, and an expired one stops counting.
"""

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ci.errors import PipelineError

SEVERITIES = ("UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL")
DEFAULT_SEVERITIES = ("CRITICAL", "HIGH")
_SARIF_LEVEL = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning"}
_SECURITY_SEVERITY = {"CRITICAL": "9.5", "HIGH": "8.0", "MEDIUM": "5.5", "LOW": "2.0"}


@dataclass(frozen=True)
class Finding:
    """One vulnerability Trivy found in one package of one scanned target."""

    id: str
    package: str
    installed: str
    fixed: str
    severity: str
    title: str
    target: str
    url: str


@dataclass(frozen=True)
class Ignore:
    """An accepted vulnerability: why, until when, and optionally for which package."""

    id: str
    reason: str
    expires: date
    package: str | None = None

    def covers(self, finding: Finding) -> bool:
        """True when this entry is about `finding` (its id, and its package if given).

        Package names compare case-insensitively (Trivy reports `Django` from an image's
        metadata and `django` from requirements.txt).
        """
        same_package = self.package is None or self.package.lower() == finding.package.lower()
        return self.id == finding.id and same_package


@dataclass
class GateResult:
    """What the gate decided about every finding."""

    blocking: list[Finding] = field(default_factory=list)
    ignored: list[tuple[Finding, Ignore]] = field(default_factory=list)
    below_threshold: list[Finding] = field(default_factory=list)
    expired: list[Ignore] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when nothing blocks."""
        return not self.blocking


def checked_severities(names: Iterable[str]) -> tuple[str, ...]:
    """The severities the gate counts, upper-cased; unknown names are one sentence."""
    chosen = tuple(dict.fromkeys(n.strip().upper() for n in names if n.strip()))
    unknown = [n for n in chosen if n not in SEVERITIES]
    if unknown or not chosen:
        raise PipelineError(
            f"--severity {','.join(unknown) or '(empty)'} is not a Trivy severity: use some of "
            f"{','.join(SEVERITIES)} (default {','.join(DEFAULT_SEVERITIES)})."
        )
    return chosen


def findings(report: str, name: str) -> list[Finding]:
    """Every vulnerability in one Trivy JSON report (`trivy ... --format json`)."""
    try:
        data = json.loads(report)
        results = data.get("Results") or []
        return [
            _finding(vulnerability, result.get("Target", name))
            for result in results
            for vulnerability in result.get("Vulnerabilities") or []
        ]
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise PipelineError(
            f"The Trivy report of {name} is not Trivy's JSON ({type(exc).__name__}: {exc}): "
            "run trivy with --format json."
        ) from None


def _finding(vulnerability: dict[str, Any], target: str) -> Finding:
    return Finding(
        id=vulnerability["VulnerabilityID"],
        package=vulnerability["PkgName"],
        installed=vulnerability.get("InstalledVersion", ""),
        fixed=vulnerability.get("FixedVersion", ""),
        severity=vulnerability.get("Severity", "UNKNOWN"),
        title=vulnerability.get("Title", ""),
        target=target,
        url=vulnerability.get("PrimaryURL", ""),
    )


def ignores(text: str, path: str) -> list[Ignore]:
    """The entries of an ignore file (TOML, `[[ignore]]` tables: id, reason, expires[, package])."""
    try:
        entries = tomllib.loads(text).get("ignore", [])
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"{path} is not valid TOML ({exc}).") from None
    return [_ignore(entry, index, path) for index, entry in enumerate(entries, start=1)]


def _ignore(entry: dict[str, Any], index: int, path: str) -> Ignore:
    where = f"{path}: ignore entry {index} ({entry.get('id', 'no id')})"
    unknown = set(entry) - {"id", "reason", "expires", "package"}
    if unknown:
        raise PipelineError(f"{where} has unknown keys {', '.join(sorted(unknown))}.")
    for key in ("id", "reason"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise PipelineError(f"{where} needs a {key} (a non-empty string).")
    if not isinstance(entry.get("expires"), date):
        raise PipelineError(f"{where} needs an expiry date, e.g. expires = 2027-01-31.")
    return Ignore(entry["id"], entry["reason"], entry["expires"], entry.get("package"))


def evaluate(
    found: list[Finding], entries: list[Ignore], severities: Iterable[str], today: date
) -> GateResult:
    """Sort every finding: blocking, ignored (by an unexpired entry) or below the threshold."""
    counted = set(severities)
    active = [e for e in entries if e.expires >= today]
    result = GateResult(expired=[e for e in entries if e.expires < today])
    for finding in found:
        entry = next((e for e in active if e.covers(finding)), None)
        if finding.severity not in counted:
            result.below_threshold.append(finding)
        elif entry:
            result.ignored.append((finding, entry))
        else:
            result.blocking.append(finding)
    return result


def table(result: GateResult) -> str:
    """A short table of the counted findings, then expired ignore entries, then the verdict."""
    rows = [(f, "BLOCKS") for f in result.blocking] + [(f, "ignored") for f, _ in result.ignored]
    lines = [
        f"{f.severity:<9}{f.id:<20}{f.package + ' ' + f.installed:<32}"
        f"{f.fixed or '-':<14}{verdict:<8}{f.target}"
        for f, verdict in rows
    ]
    if lines:
        header = f"{'severity':<9}{'id':<20}{'package':<32}{'fixed in':<14}{'':<8}target"
        lines.insert(0, header)
    lines += [
        f"expired ignore: {e.id} (expired {e.expires.isoformat()}) no longer counts: {e.reason}"
        for e in result.expired
    ]
    below = len(result.below_threshold)
    verdict = "passed" if result.passed else f"failed: {len(result.blocking)} blocking"
    lines.append(f"gate {verdict} ({len(result.ignored)} ignored, {below} below the threshold)")
    return "\n".join(lines)


def sarif(result: GateResult) -> str:
    """SARIF 2.1.0 of the counted findings, for GitHub code scanning."""
    counted = result.blocking + [f for f, _ in result.ignored]
    rules = {f.id: f for f in counted}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Trivy",
                        "informationUri": "https://github.com/aquasecurity/trivy",
                        "rules": [_rule(f) for f in rules.values()],
                    }
                },
                "results": [_result(f, f not in result.blocking) for f in counted],
            }
        ],
    }
    return json.dumps(document, indent=2)


def _rule(finding: Finding) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": finding.id,
        "shortDescription": {"text": finding.title or finding.id},
        "properties": {
            "security-severity": _SECURITY_SEVERITY.get(finding.severity, "0.0"),
            "tags": ["security", "vulnerability", finding.severity],
        },
    }
    if finding.url:
        rule["helpUri"] = finding.url
    return rule


def _result(finding: Finding, ignored: bool) -> dict[str, Any]:
    fixed = f", fixed in {finding.fixed}" if finding.fixed else ""
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "level": _SARIF_LEVEL.get(finding.severity, "note"),
        "message": {
            "text": f"{finding.package} {finding.installed}: {finding.id} "
            f"({finding.severity}){fixed}"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.target},
                    "region": {"startLine": 1},
                }
            }
        ],
    }
    if ignored:
        result["suppressions"] = [{"kind": "external", "justification": "ignore file"}]
    return result
