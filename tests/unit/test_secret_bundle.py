"""An environment's secrets bundle: the dotenv it is read from, and the sentences it causes.

Every value holds the canary: no message may show any part of a value.
"""

import pytest

from ci.errors import PipelineError
from ci.secret_bundle import KEYS, Source, missing, parse

CANARY = "canary5e1f"
STAGING = Source("staging")
KEY = f"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl{CANARY}\n-----END OPENSSH PRIVATE KEY-----"


def error(text: str) -> str:
    with pytest.raises(PipelineError) as caught:
        parse(text, STAGING)
    message = str(caught.value)
    assert CANARY not in message
    assert "\n" not in message
    return message


def test_each_kind_of_line_a_dotenv_file_has_is_read() -> None:
    text = f"""# staging, on this laptop
export DATABASE_URL=postgres://app:{CANARY}@db/shop
SECRET_KEY = s3cr3t-{CANARY}  # rotated in November
SSH_KEY="{KEY}"

REGISTRY_PASSWORD='p@ss "{CANARY}" \\n'
COSIGN_PASSWORD="a \\"quoted\\" {CANARY}\\nline"
COSIGN_KEY=
"""
    assert parse(text, STAGING) == {
        "DATABASE_URL": f"postgres://app:{CANARY}@db/shop",
        "SECRET_KEY": f"s3cr3t-{CANARY}",
        "SSH_KEY": KEY,
        "REGISTRY_PASSWORD": f'p@ss "{CANARY}" \\n',
        "COSIGN_PASSWORD": f'a "quoted" {CANARY}\nline',
        "COSIGN_KEY": "",
    }


def test_a_line_after_a_quoted_value_over_several_lines_is_read_as_its_own() -> None:
    entries = parse(f'SSH_KEY="{KEY}"\nSECRET_KEY=after', STAGING)
    assert entries == {"SSH_KEY": KEY, "SECRET_KEY": "after"}


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ('""', ""),
        ('"\\"x"', '"x'),
        ('"\\""', '"'),
        ('"a\\"b\\"c"', 'a"b"c'),
        ("plain #one #two", "plain"),
    ],
)
def test_quotes_escapes_and_notes_in_a_value(value: str, read: str) -> None:
    entries = parse(f'SECRET_KEY={value}\nCOSIGN_PASSWORD="z" # ends in \\', STAGING)
    assert entries == {"SECRET_KEY": read, "COSIGN_PASSWORD": "z"}


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            f"SECRET_KEY=a\n{CANARY} no equals sign",
            "The staging secrets (--staging-secrets) line 2 is not KEY=value: fix that line.",
        ),
        (
            f"DATABASE_URL=x\nSECRET_KEY=a\n\nDJANGO_KEY={CANARY}",
            "The staging secrets (--staging-secrets) hold an unknown key DJANGO_KEY on line 4: "
            f"the keys are {', '.join(KEYS)}.",
        ),
        (
            f'SECRET_KEY=a\nSSH_KEY="{CANARY}\nmore',
            "The staging secrets (--staging-secrets) open a quote on line 2 that no line "
            "closes: close it.",
        ),
        (
            f"SSH_KEY='{CANARY}\"",
            "The staging secrets (--staging-secrets) open a quote on line 1 that no line "
            "closes: close it.",
        ),
    ],
)
def test_a_malformed_bundle_is_one_sentence_without_the_value(text: str, sentence: str) -> None:
    assert error(text) == sentence


def test_a_missing_secret_says_where_to_put_it() -> None:
    configured = str(missing("SECRET_KEY", "deploy", Source("production"), configured=True))
    assert configured == (
        "The production secrets (--production-secrets) hold no SECRET_KEY, which `deploy "
        "--env production` needs: add SECRET_KEY=... to that file, or pass --secret-key."
    )
    unset = str(missing("SSH_KEY", "releases", STAGING, configured=False))
    assert unset == (
        "`releases --env staging` needs --ssh-key: pass it, or set up the staging secrets "
        "(--staging-secrets) once on this machine (.env beside dagger.json, see .env.example)."
    )


def test_a_secret_no_argument_gives_is_asked_of_the_bundle_only() -> None:
    source = Source("production")
    assert str(missing("COSIGN_KEY", "deploy", source, configured=True, argument=False)) == (
        "The production secrets (--production-secrets) hold no COSIGN_KEY, which `deploy "
        "--env production` needs: add COSIGN_KEY=... to that file."
    )
    assert str(missing("COSIGN_KEY", "deploy", source, configured=False, argument=False)) == (
        "`deploy --env production` needs COSIGN_KEY from the production secrets "
        "(--production-secrets): set them up once on this machine (.env beside dagger.json, "
        "see .env.example)."
    )


def test_a_command_that_names_the_argument_otherwise_is_told_its_own_name() -> None:
    # `release` takes the registry password as --password, not deploy's --registry-password.
    named = missing("REGISTRY_PASSWORD", "release", STAGING, configured=True, argument="--password")
    assert str(named).endswith("add REGISTRY_PASSWORD=... to that file, or pass --password.")
    unset = missing(
        "REGISTRY_PASSWORD", "release", STAGING, configured=False, argument="--password"
    )
    assert str(unset).startswith("`release --env staging` needs --password: pass it, or set up")
