"""pipeline.toml and the constructor's options over what detection finds."""

import pytest

from ci.errors import PipelineError
from ci.profile import SourceTree, detect
from ci.profile.config_file import parsed

APP = {
    "backend/manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")',
    "backend/shop/settings.py": 'WSGI_APPLICATION = "shop.wsgi.application"\n',
    "backend/requirements.txt": "Django\n",
    "frontend/package.json": '{"dependencies": {"react": "19"}, "scripts": {"test": "jest"}}',
    "frontend/package-lock.json": None,
}


def with_config(text: str, **files: str | None) -> SourceTree:
    return SourceTree.of(APP | {"pipeline.toml": text} | files)


def test_settings_of_pipeline_toml_win_and_say_so() -> None:
    profile = detect(
        with_config(
            """
            [backend]
            settings = "shop.settings_ci"
            test-runner = "pytest"
            services = ["redis"]
            linters = ["ruff"]
            [backend.test-env]
            STRIPE_KEY = "sk_test_dummy"
            [frontend]
            install-flags = ["--legacy-peer-deps"]
            [frontend.scripts]
            test = "test:ci"
            """
        )
    )
    backend, frontend = profile.backend, profile.frontend
    assert profile.config_file == "pipeline.toml"
    assert (backend.settings.value, backend.settings.source) == (
        "shop.settings_ci",
        "pipeline.toml",
    )
    assert backend.test_runner.value == "pytest"
    assert backend.services.value == ("redis",)
    assert backend.linters.value == ("ruff",)
    assert backend.test_env.value == {"STRIPE_KEY": "sk_test_dummy"}
    assert frontend.install_flags.value == ("--legacy-peer-deps",)
    assert frontend.scripts.value["test"] == "test:ci"
    assert frontend.scripts.source == "frontend/package.json (scripts), pipeline.toml"


def test_directories_of_pipeline_toml_move_detection_there() -> None:
    files = {
        "other/manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alt.settings")',
        "other/alt/wsgi.py": "",
        "other/requirements.txt": "Django\n",
    }
    backend = detect(with_config('[backend]\ndir = "./other/"\n', **files)).backend
    assert (backend.dir.value, backend.dir.source) == ("other", "pipeline.toml")
    assert backend.application.value == "alt.wsgi:application"


def test_options_win_over_the_file() -> None:
    tree = with_config('[backend]\npython = "3.11"\n')
    profile = detect(tree, backend="backend/", python="3.12", node="22")
    assert (profile.backend.dir.value, profile.backend.dir.source) == ("backend", "--backend-dir")
    assert (profile.backend.python.value, profile.backend.python.source) == (
        "3.12",
        "--python-version",
    )
    assert profile.frontend.node.value == "22"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[backend\n", "pipeline.toml is not valid TOML"),
        ("[deploy]\nx = 1\n", r"has \[deploy\], which the pipeline does not read"),
        ("[backend]\nsetings = 'x'\n", r"sets 'setings' in \[backend\], which is not a setting"),
        ("[backend]\nservices = 'redis'\n", r"\[backend\] services must be a list of strings"),
        ("[backend]\nserver = 'waitress'\n", r"server = 'waitress' is not one of gunicorn"),
        ("[frontend.scripts]\ntest = 1\n", r"\[frontend\] scripts must be a table of strings"),
    ],
)
def test_a_wrong_pipeline_toml_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(PipelineError, match=message) as caught:
        detect(with_config(text))
    assert "\n" not in str(caught.value).strip()


def test_a_directory_set_where_nothing_is_says_so() -> None:
    with pytest.raises(PipelineError, match=r"^api/manage\.py does not exist"):
        detect(with_config('[backend]\ndir = "api"\n'))


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "[deploy]\nhost = 'x'\n",
            "pipeline.toml has [deploy], which the pipeline does not read: use [backend], "
            "[frontend], [load-test] or [lighthouse].",
        ),
        (
            "[frontend]\nnpm = 'x'\n",
            "pipeline.toml sets 'npm' in [frontend], which is not a setting: use one of dir, "
            "node, scripts, build-output, install-flags, coverage-dir, image, dockerfile, "
            "dockerfile-target, "
            "dockerfile-context.",
        ),
        (
            "[backend]\nlinters = [1]\n",
            "pipeline.toml: [backend] linters must be a list of strings.",
        ),
        (
            "[load-test]\nusers = 2.5\n",
            "pipeline.toml: [load-test] users must be a whole number, 0 or more.",
        ),
        (
            "[load-test]\nduration = true\n",
            "pipeline.toml: [load-test] duration must be a whole number, 0 or more.",
        ),
        (
            "[lighthouse]\nperformance = '80'\n",
            "pipeline.toml: [lighthouse] performance must be a number, 0 or more.",
        ),
        (
            "[lighthouse]\ntotal-blocking-time = -1\n",
            "pipeline.toml: [lighthouse] total-blocking-time must be a number, 0 or more.",
        ),
        (
            "[lighthouse]\nfirst-paint = 1\n",
            "pipeline.toml sets 'first-paint' in [lighthouse], which is not a setting: use one "
            "of runs, performance, accessibility, best-practices, first-contentful-paint, "
            "largest-contentful-paint, time-to-interactive, total-blocking-time, "
            "cumulative-layout-shift, regression-threshold.",
        ),
    ],
)
def test_a_wrong_setting_is_one_whole_sentence(text: str, sentence: str) -> None:
    with pytest.raises(PipelineError) as caught:
        detect(with_config(text))
    assert str(caught.value) == sentence


def test_the_options_of_the_command_line_win_and_say_so() -> None:
    profile = detect(with_config(""), frontend=".//frontend/", node="22")
    front = profile.frontend
    assert (front.dir.value, front.dir.source) == ("frontend", "--frontend-dir")
    assert (front.node.value, front.node.source) == ("22", "--node-version")


def test_the_performance_gates_settings_are_read_as_numbers() -> None:
    settings = parsed(
        "[load-test]\nusers = 6\nspawn-rate = 0.5\nproduct-list-ms = 400\n"
        "[lighthouse]\nruns = 0\ncumulative-layout-shift = 0.25\n"
    )
    assert settings["load-test"] == {"users": 6, "spawn-rate": 0.5, "product-list-ms": 400}
    assert settings["lighthouse"] == {"runs": 0, "cumulative-layout-shift": 0.25}
    assert parsed("")["lighthouse"] == {}
