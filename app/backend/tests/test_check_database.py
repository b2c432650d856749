import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from store.management.commands.check_database import UNREACHABLE_EXIT_CODE


@pytest.mark.django_db
def test_reachable_database_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("check_database")
    assert "Database reachable at" in capsys.readouterr().out


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_is_one_sentence_naming_the_host() -> None:
    port = closed_port()
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": str(port)})
    try:
        with pytest.raises(CommandError) as caught:
            call_command("check_database")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    message = str(caught.value)
    assert message.startswith(
        f"Cannot reach the database at 127.0.0.1:{port} (database "
    )
    assert "Check that the host in DATABASE_URL is right" in message
    assert "\n" not in message
    assert caught.value.returncode == UNREACHABLE_EXIT_CODE
