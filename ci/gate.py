"""The vulnerability gate: Trivy's JSON reports and the ignore file in, a verdict out.

Plain Python, no containers. Trivy applies the repository's `.trivyignore.yaml` itself
(`trivy convert --ignorefile --show-suppressed` of the scans' reports): its JSON lists what
it found (`Vulnerabilities`) and
what an entry suppressed (`ExperimentalModifiedFindings`, with the entry's statement). A
finding blocks when its severity is one the gate counts (CRITICAL and HIGH by default) and
Trivy did not suppress it. The gate adds what Trivy does not: every entry needs a statement
(the reason it is accepted), and entries past their `expired_at`, which Trivy drops without
a word, are named. SARIF is Trivy's own (`trivy convert`), which leaves suppressed findings
out when it applies the ignore file: it is written from the unfiltered reports, and the gate
marks in it the findings Trivy suppressed, as GitHub code scanning shows dismissed alerts.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import yaml

from ci.errors import PipelineError

SEVERITIES = ("UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL")
DEFAULT_SEVERITIES = ("CRITICAL", "HIGH")
ENTRY_KEYS = ("id", "paths", "purls", "statement", "expired_at")
SUPPRESSED = "ExperimentalModifiedFindings"


@dataclass(frozen=True)
class Finding:
    """One vulnerability Trivy found in one package of one scanned target.

    `statement` is the ignore entry's reason when Trivy suppressed the finding, else None.
    """

    id: str
    package: str
    installed: str
    fixed: str
    severity: str
    title: str
    target: str
    url: str
    statement: str | None = None


@dataclass(frozen=True)
class IgnoreEntry:
    """One `vulnerabilities` entry of `.trivyignore.yaml`: which finding, why, until when."""

    id: str
    statement: str
    expired_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        """True once `expired_at` has passed: Trivy no longer applies the entry then."""
        return self.expired_at is not None and self.expired_at < now


@dataclass
class GateResult:
    """What the gate decided about every finding, and the entries that expired."""

    blocking: list[Finding] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)
    below_threshold: list[Finding] = field(default_factory=list)
    expired: list[IgnoreEntry] = field(default_factory=list)

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


def ignore_entries(text: str, path: str) -> list[IgnoreEntry]:
    """The vulnerability entries of a .trivyignore.yaml, each with a reason, or one sentence."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PipelineError(f"{path} is not valid YAML ({_yaml_problem(exc)}).") from None
    entries = (data.get("vulnerabilities") or []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise PipelineError(
            f"{path} is not Trivy's ignore file: it needs a `vulnerabilities:` list of entries "
            "(id, statement, optional expired_at, paths, purls)."
        )
    return [_entry(entry, index, path) for index, entry in enumerate(entries, start=1)]


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's problem and line, on one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem}, line {mark.line + 1}" if mark else problem


def _entry(entry: object, index: int, path: str) -> IgnoreEntry:
    if not isinstance(entry, dict):
        raise PipelineError(f"{path}: vulnerabilities entry {index} is not a mapping (id: ...).")
    where = f"{path}: vulnerabilities entry {index} ({entry.get('id', 'no id')})"
    unknown = set(entry) - set(ENTRY_KEYS)
    if unknown:
        raise PipelineError(
            f"{where} has unknown keys {', '.join(sorted(map(str, unknown)))}: Trivy would "
            f"skip them, use {', '.join(ENTRY_KEYS)}."
        )
    if not _text(entry.get("id")):
        raise PipelineError(f"{where} needs an id, the CVE or GHSA it accepts.")
    if not _text(entry.get("statement")):
        raise PipelineError(
            f"{where} needs a statement saying why the finding is accepted: the gate takes "
            "no entry without a reason."
        )
    for key in ("paths", "purls"):
        if not isinstance(entry.get(key, []), list) or not all(map(_text, entry.get(key, []))):
            raise PipelineError(f"{where} has {key} that are not a list of strings.")
    return IgnoreEntry(entry["id"], entry["statement"], _expiry(entry.get("expired_at"), where))


def _text(value: object) -> bool:
    """Whether `value` is a string with something in it."""
    return isinstance(value, str) and bool(value.strip())


def _expiry(value: object, where: str) -> datetime | None:
    """`expired_at` as Trivy reads it: a date is its first instant, UTC; no zone means UTC."""
    if value is None:
        return None
    moment = value
    if isinstance(value, str):
        with suppress(ValueError):  # left a string, refused below
            moment = datetime.fromisoformat(value)
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if not isinstance(moment, datetime):
        raise PipelineError(f"{where} has expired_at {value!r}, not a date: write e.g. 2027-01-31.")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def merged(
    reports: Mapping[str, str], label: Callable[[str, str], str] = lambda target, _: target
) -> dict[str, Any]:
    """Trivy's JSON reports by name as one report (the first one's header, every result).

    Each result's target becomes `label(target, name)`; a report that is not Trivy's JSON
    is one sentence naming it.
    """
    documents = [_checked(text, name, label) for name, text in reports.items()]
    header = documents[0] if documents else {}
    return {**header, "Results": [result for d in documents for result in d["Results"]]}


def _checked(text: str, name: str, label: Callable[[str, str], str]) -> dict[str, Any]:
    """One report, every vulnerability in it read, its targets labelled."""
    try:
        data: dict[str, Any] = json.loads(text)
        data["Results"] = data.get("Results") or []
        for result in data["Results"]:
            result["Target"] = label(result.get("Target", name), name)
            _result_findings(result)
        return data
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise PipelineError(
            f"The Trivy report of {name} is not Trivy's JSON ({type(exc).__name__}: {exc}): "
            "run trivy with --format json."
        ) from None


def findings(report: dict[str, Any]) -> list[Finding]:
    """Every vulnerability of a report from `merged`, those Trivy suppressed with their reason."""
    return [finding for result in report["Results"] for finding in _result_findings(result)]


def _result_findings(result: dict[str, Any]) -> list[Finding]:
    target = result["Target"]
    found = [_finding(v, target) for v in result.get("Vulnerabilities") or []]
    return found + [_finding(s["Finding"], target, s["Statement"]) for s in _suppressed(result)]


def _suppressed(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The vulnerabilities of a result that Trivy's ignore file suppressed."""
    return [m for m in result.get(SUPPRESSED) or [] if m["Type"] == "vulnerability"]


def _finding(vulnerability: dict[str, Any], target: str, statement: str | None = None) -> Finding:
    return Finding(
        id=vulnerability["VulnerabilityID"],
        package=vulnerability["PkgName"],
        installed=vulnerability.get("InstalledVersion", ""),
        fixed=vulnerability.get("FixedVersion", ""),
        severity=vulnerability.get("Severity", "UNKNOWN"),
        title=vulnerability.get("Title", ""),
        target=target,
        url=vulnerability.get("PrimaryURL", ""),
        statement=statement,
    )


def evaluate(
    found: list[Finding], entries: list[IgnoreEntry], severities: Iterable[str], now: datetime
) -> GateResult:
    """Sort every finding: blocking, ignored (Trivy suppressed it) or below the threshold."""
    counted = set(severities)
    result = GateResult(expired=[e for e in entries if e.expired(now)])
    for finding in found:
        if finding.severity not in counted:
            result.below_threshold.append(finding)
        elif finding.statement is not None:
            result.ignored.append(finding)
        else:
            result.blocking.append(finding)
    return result


def table(result: GateResult) -> str:
    """A short table of the counted findings, then expired ignore entries, then the verdict."""
    rows = [(f, "BLOCKS") for f in result.blocking] + [(f, "ignored") for f in result.ignored]
    lines = [
        f"{f.severity:<9}{f.id:<20}{f.package + ' ' + f.installed:<32}"
        f"{f.fixed or '-':<14}{verdict:<8}{f.target}"
        for f, verdict in rows
    ]
    if lines:
        header = f"{'severity':<9}{'id':<20}{'package':<32}{'fixed in':<14}{'':<8}target"
        lines.insert(0, header)
    lines += [
        f"expired ignore: {e.id} (expired_at {_shown(e.expired_at)}) no longer counts: "
        f"{e.statement}"
        for e in result.expired
        if e.expired_at
    ]
    below = len(result.below_threshold)
    verdict = "passed" if result.passed else f"failed: {len(result.blocking)} blocking"
    lines.append(f"gate {verdict} ({len(result.ignored)} ignored, {below} below the threshold)")
    return "\n".join(lines)


def _shown(moment: datetime) -> str:
    """A date as written (2027-01-31) when it is the start of a UTC day, else the instant."""
    utc = moment.astimezone(UTC)
    return utc.date().isoformat() if utc.time() == time(0) else moment.isoformat()


def with_suppressions(sarif: str, report: dict[str, Any]) -> str:
    """Trivy's SARIF of the scans, each finding Trivy suppressed in `report` marked dismissed.

    A result is matched by its rule and the package lines of Trivy's message, and gets an
    external suppression whose justification is the ignore entry's statement.
    """
    statements = {
        _key(s["Finding"]["VulnerabilityID"], s["Finding"]): s["Statement"]
        for result in report["Results"]
        for s in _suppressed(result)
    }
    document = json.loads(sarif)
    for run in document["runs"]:
        for result in run["results"]:
            statement = statements.get(_sarif_key(result))
            if statement is not None:
                result["suppressions"] = [{"kind": "external", "justification": statement}]
    return json.dumps(document, indent=2)


def _key(rule: str, vulnerability: dict[str, Any]) -> tuple[str, str]:
    """The rule and the first lines Trivy's SARIF message gives a vulnerability."""
    installed = vulnerability.get("InstalledVersion", "")
    return rule, f"Package: {vulnerability['PkgName']}\nInstalled Version: {installed}"


def _sarif_key(result: dict[str, Any]) -> tuple[str, str]:
    """The same of one SARIF result that Trivy wrote."""
    return result["ruleId"], "\n".join(result["message"]["text"].split("\n")[:2])
