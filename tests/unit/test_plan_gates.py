"""`plan` shows the performance gates' settings as `ci` runs them, each with what set it."""

import json

from ci import lighthouse_report, load
from ci.profile import SourceTree, detect, plan_view
from ci.profile.model import profile_of
from ci.profile.plan_view import GateSetting

APP = {
    "backend/manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")',
    "backend/shop/settings.py": 'WSGI_APPLICATION = "shop.wsgi.application"\n',
    "backend/requirements.txt": "Django\n",
    "backend/locustfile.py": "",
    "frontend/package.json": '{"dependencies": {"react": "19"}, "scripts": {"test": "jest"}}',
    "frontend/package-lock.json": None,
}

SET = """
[load-test]
users = 20
checkout-ms = 4500
[lighthouse]
first-contentful-paint = 1500.5
"""


def settings_of(files: dict[str, str | None]) -> dict[tuple[str, str], GateSetting]:
    rows = plan_view.gate_settings(detect(SourceTree.of(files)))
    return {(row.gate, row.setting): row for row in rows}


def test_without_pipeline_toml_every_setting_is_its_default() -> None:
    rows = settings_of(APP)
    expected = {("load-test", k.replace("_", "-")): v for k, v in load.DEFAULTS.items()} | {
        ("lighthouse", k.replace("_", "-")): v for k, v in lighthouse_report.DEFAULTS.items()
    }
    assert {key: row.value for key, row in rows.items()} == expected
    assert {row.set_by for row in rows.values()} == {"default"}
    assert rows["load-test", "checkout-ms"].unit == "ms"
    assert rows["load-test", "error-rate"].unit == "%"
    assert rows["lighthouse", "time-to-interactive"].unit == "ms"
    assert rows["lighthouse", "performance"].unit == ""


def test_what_pipeline_toml_sets_wins_and_says_its_table() -> None:
    rows = settings_of(APP | {"pipeline.toml": SET})
    assert (rows["load-test", "users"].value, rows["load-test", "users"].set_by) == (
        20,
        "pipeline.toml [load-test]",
    )
    assert rows["load-test", "checkout-ms"].value == 4500
    assert rows["lighthouse", "first-contentful-paint"].set_by == "pipeline.toml [lighthouse]"
    assert rows["lighthouse", "runs"].set_by == "default"
    assert rows["load-test", "duration"].set_by == "default"


def test_the_gate_tables_travel_with_the_profile_as_written() -> None:
    profile = detect(SourceTree.of(APP | {"pipeline.toml": SET}))
    assert profile.gate_settings == {
        "load-test": {"users": 20, "checkout-ms": 4500},
        "lighthouse": {"first-contentful-paint": 1500.5},
    }
    assert profile_of(json.loads(json.dumps(profile.as_dict()))) == profile
    only_backend = detect(SourceTree.of(APP | {"pipeline.toml": "[backend]\ndir = 'backend'\n"}))
    assert only_backend.gate_settings == {}


def test_a_load_test_without_a_scenario_is_one_skipped_row() -> None:
    files = {k: v for k, v in APP.items() if k != "backend/locustfile.py"}
    rows = plan_view.gate_settings(detect(SourceTree.of(files)))
    skipped = [row for row in rows if row.gate == "load-test"]
    assert len(skipped) == 1
    assert skipped[0].skipped.startswith("no Locust scenario")
    assert len([row for row in rows if row.gate == "lighthouse"]) == len(lighthouse_report.DEFAULTS)


def test_the_text_and_json_show_the_gates() -> None:
    profile = detect(SourceTree.of(APP | {"pipeline.toml": SET}))
    text = plan_view.as_text(profile)
    assert plan_view.GATES_NOTE in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "load-test users 20 pipeline.toml [load-test]" in lines
    assert "load-test checkout-ms 4500 ms pipeline.toml [load-test]" in lines
    assert "lighthouse first-contentful-paint 1500.5 ms pipeline.toml [lighthouse]" in lines
    assert "lighthouse cumulative-layout-shift 0.1 default" in lines
    gates = json.loads(plan_view.as_json(profile))["gates"]
    assert gates[0] == {
        "gate": "load-test",
        "setting": "users",
        "value": 20,
        "unit": "",
        "set_by": "pipeline.toml [load-test]",
        "skipped": "",
    }


def test_a_skipped_gate_reads_as_skipped_with_its_reason() -> None:
    files = {k: v for k, v in APP.items() if k != "backend/locustfile.py"}
    lines = [
        " ".join(line.split())
        for line in plan_view.as_text(detect(SourceTree.of(files))).splitlines()
    ]
    assert any(line.startswith("load-test skipped no Locust scenario") for line in lines)
