"""The `sigap` console command maps friendly names onto management commands."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from sigap import cli


def test_dashes_become_underscores() -> None:
    with mock.patch.object(cli, "django_main") as run:
        cli.main(["import-regions", "file.csv", "--retire-missing"])
    run.assert_called_once_with(["sigap", "import_regions", "file.csv", "--retire-missing"])


def test_no_arguments_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main([])
    assert "sigap serve" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_regions_command_reports_and_is_idempotent() -> None:
    out = StringIO()
    call_command("import_regions", stdout=out)
    assert "63 rows, 63 changes" in out.getvalue()
    out = StringIO()
    call_command("import_regions", stdout=out)
    assert "63 rows, 0 changes" in out.getvalue()


@pytest.mark.django_db
def test_demo_command_prints_the_logins(settings) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    for username in (
        "admin",
        "pusat",
        "analis.banten",
        "supervisor.serang",
        "pimpasa.tirtayasa",
        "kader.lontar",
        "mitra.polres",
    ):
        assert username in text
    assert "sigap-demo-2026" in text


@pytest.mark.django_db
def test_demo_command_refuses_production(settings) -> None:
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
