"""Every import command: a missing, empty, wrongly encoded or wrongly shaped file gives one clear line,
a non-zero exit, and stores nothing."""
import pytest
from django.core.management import CommandError

from boxoffice.models import Cinema
from conftest import run_command
from films.models import AuditEvent, Film
from funding.models import Grant

COMMANDS = {"import_cinemas": Cinema, "import_films": Film, "import_grants": Grant}
BAD_FILES = {
    "empty": (b"", "empty"),
    "not utf-8": ("film_code,title,Identifier\n\u041a\u0438\u043d\u043e,1,2\n".encode("cp1251"), "not UTF-8"),
    "wrong shape": (b"foo,bar\n1,2\n", "lacks the required column"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file(command, case, tmp_path):
    content, needle = BAD_FILES[case]
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run_command(command, str(path))
    message = str(error.value)
    assert needle in message and message.startswith(str(path)) and "\n" not in message
    assert not COMMANDS[command].objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("command", [*COMMANDS, "import_sales"])
def test_missing_file(command, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_command(command, str(tmp_path / "missing.csv"))


@pytest.mark.django_db
def test_folder_instead_of_file(tmp_path):
    with pytest.raises(CommandError, match="is a folder"):
        run_command("import_films", str(tmp_path))
