"""The Kemendagri code-list importer: idempotence, renames, bad lines, retirements and re-codes."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.regions.management.commands.import_regions import BUILTIN
from sigap.regions.models import Kind, Level, Region, RegionChange, kind_for
from sigap.regions.services import (
    code_version_from_filename,
    read_code_list,
    regions_import,
    regions_import_file,
    regions_import_text,
)

LONTAR = "36.04.13.2007"

SMALL = """kode,nama
36,Banten
36.04,Kabupaten Serang
36.04.13,Tirtayasa
36.04.13.2006,Sujung
36.04.13.2007,Lontar
36.04.13.2008,Susukan
"""


def import_list(text: str, version: str, *, retire_missing: bool = False):
    return regions_import(
        rows=read_code_list(io.StringIO(text)), code_version=version, retire_missing=retire_missing
    )


def level_counts() -> dict[int, int]:
    return dict(Counter(Region.objects.values_list("level", flat=True)))


# --- the built-in fixture ------------------------------------------------------------------------


@pytest.mark.django_db
def test_builtin_fixture_loads_63_units():
    report = regions_import_file(path=BUILTIN, code_version="kepmendagri_2025")

    assert report.errors == []
    assert report.rows == 63
    assert report.added == 63
    assert report.changes == 63
    assert Region.objects.count() == 63
    assert level_counts() == {1: 1, 2: 8, 3: 29, 4: 25}
    assert Region.objects.filter(parent_id="36.04.13").count() == 14  # desa of Tirtayasa
    assert Region.objects.filter(parent_id="36.04.12").count() == 11  # desa of Pontang
    assert Region.objects.filter(level=Level.REGENCY, kind=Kind.KOTA).count() == 4
    assert set(Region.objects.values_list("code_version", flat=True)) == {"kepmendagri_2025"}

    lontar = Region.objects.get(code=LONTAR)
    assert (lontar.name, lontar.name_search, lontar.level, lontar.kind) == ("Lontar", "lontar", 4, "desa")
    assert lontar.parent_id == "36.04.13"
    assert lontar.retired_in == ""
    assert Region.objects.get(code="36.04.13.2012").name_search == "alang alang"
    assert Region.objects.get(code="36").parent_id is None


@pytest.mark.django_db
def test_builtin_fixture_second_run_changes_nothing():
    regions_import_file(path=BUILTIN, code_version="kepmendagri_2025")
    events_after_first = AuditEvent.objects.count()

    again = regions_import_file(path=BUILTIN, code_version="kepmendagri_2025")

    assert again.changes == 0
    assert (again.rows, again.unchanged, again.added, again.renamed) == (63, 63, 0, 0)
    assert again.errors == []
    assert Region.objects.count() == 63
    assert RegionChange.objects.count() == 0
    # An import that changed nothing leaves no audit event.
    assert AuditEvent.objects.count() == events_after_first


@pytest.mark.django_db
def test_import_writes_one_audit_event_with_counts():
    regions_import_file(path=BUILTIN, code_version="kepmendagri_2025")

    event = AuditEvent.objects.get(action="regions.import")
    assert event.actor is None
    assert event.metadata["added"] == 63
    assert event.metadata["errors"] == 0
    assert event.metadata["source"] == "wilayah_banten_serang.csv"
    assert event.metadata["code_version"] == "kepmendagri_2025"
    assert audit_verify().ok


@pytest.mark.django_db
def test_import_regions_command_loads_the_builtin_fixture():
    out = io.StringIO()
    call_command("import_regions", stdout=out)

    assert Region.objects.count() == 63
    assert "63 rows, 63 changes (added 63," in out.getvalue()
    assert "errors 0" in out.getvalue()


# --- renames and bad lines -----------------------------------------------------------------------


@pytest.mark.django_db
def test_renamed_village_is_updated_not_duplicated():
    import_list(SMALL, "v1")

    report = import_list(SMALL.replace("36.04.13.2007,Lontar", "36.04.13.2007,Lontar Baru"), "v2")

    assert (report.renamed, report.added, report.unchanged, report.changes) == (1, 0, 5, 1)
    assert Region.objects.count() == 6
    assert Region.objects.filter(name__startswith="Lontar").count() == 1
    lontar = Region.objects.get(code=LONTAR)
    assert (lontar.name, lontar.name_search, lontar.code_version) == ("Lontar Baru", "lontar baru", "v2")
    # Untouched units keep the version they were last changed in.
    assert Region.objects.get(code="36.04.13.2006").code_version == "v1"

    change = RegionChange.objects.get()
    assert (change.region_id, change.change, change.code_version) == (LONTAR, "renamed", "v2")
    assert (change.old_value, change.new_value) == ("Lontar", "Lontar Baru")


@pytest.mark.django_db
def test_bad_lines_are_reported_with_line_numbers_and_the_rest_loads():
    text = "\n".join(
        [
            "kode,nama",  # 1: header, skipped
            "36,Banten",  # 2
            "36.04,Kabupaten Serang",  # 3
            "36.4,Kabupaten Bad Code",  # 4: malformed code
            "36.04.13,",  # 5: no name
            "36.04.12,Pontang",  # 6
            "36.04.12,Pontang Again",  # 7: duplicate
            "36.04.99.2001,Orphan",  # 8: parent 36.04.99 unknown
            "36.04.12.2001,Pontang",  # 9
            "",  # 10: blank, skipped
            "# a comment",  # 11: skipped
            "36.04.12.2003,Linduk",  # 12
        ]
    )
    with translation.override("en"):
        report = regions_import_text(text=text, code_version="v1")

    assert [line for line, _message in report.errors] == [4, 5, 7, 8]
    messages = dict(report.errors)
    assert messages[4].startswith("invalid region code")
    assert "36.4" in messages[4]
    assert messages[5] == "region 36.04.13 has no name"
    assert messages[7] == "region 36.04.12 appears twice"
    assert messages[8] == "region 36.04.99.2001 has no parent 36.04.99"
    assert report.rows == 9
    assert report.added == 5
    assert sorted(Region.objects.values_list("code", flat=True)) == [
        "36",
        "36.04",
        "36.04.12",
        "36.04.12.2001",
        "36.04.12.2003",
    ]
    # The first of two duplicate lines wins.
    assert Region.objects.get(code="36.04.12").name == "Pontang"


@pytest.mark.django_db
def test_child_of_a_rejected_parent_is_rejected_too():
    report = regions_import_text(text="36,Banten\n36.04,\n36.04.13,Tirtayasa\n", code_version="v1")

    assert [line for line, _message in report.errors] == [2, 3]
    assert list(Region.objects.values_list("code", flat=True)) == ["36"]


@pytest.mark.django_db
def test_parent_already_in_the_table_is_accepted():
    import_list(SMALL, "v1")

    report = regions_import_text(text="36.04.13.2009,Wargasara\n", code_version="v1")

    assert report.errors == []
    assert report.added == 1
    assert Region.objects.get(code="36.04.13.2009").parent_id == "36.04.13"


@pytest.mark.django_db
def test_child_before_parent_in_the_same_file_is_accepted():
    report = regions_import_text(
        text="36.04.13.2007,Lontar\n36.04,Kabupaten Serang\n36.04.13,Tirtayasa\n36,Banten\n",
        code_version="v1",
    )

    assert report.errors == []
    assert report.added == 4
    assert Region.objects.get(code=LONTAR).parent_id == "36.04.13"
    assert Region.objects.get(code="36.04.13").parent_id == "36.04"


@pytest.mark.django_db
def test_non_ascii_digits_are_not_a_code():
    report = regions_import_text(text="\u0663\u0666,Banten\n36,Banten\n", code_version="v1")

    assert [line for line, _message in report.errors] == [1]
    assert list(Region.objects.values_list("code", flat=True)) == ["36"]


@pytest.mark.django_db
def test_names_with_commas_are_kept_whole():
    report = regions_import_text(text='36,Banten\n36.04,"Serang, Kabupaten"\n', code_version="v1")

    assert report.errors == []
    assert Region.objects.get(code="36.04").name == "Serang, Kabupaten"


# --- retirements, re-codes, restorations ---------------------------------------------------------


@pytest.mark.django_db
def test_retire_missing_retires_absent_units_and_links_the_recoded_one():
    import_list(SMALL, "v1")
    # Susukan moves from 36.04.13.2008 to 36.04.13.2015; Sujung disappears altogether.
    newer = SMALL.replace("36.04.13.2008,Susukan", "36.04.13.2015,Susukan").replace(
        "36.04.13.2006,Sujung\n", ""
    )

    report = import_list(newer, "v2", retire_missing=True)

    assert (report.added, report.retired, report.recoded, report.unchanged) == (1, 2, 1, 4)
    assert Region.objects.count() == 7  # retired units are kept

    old = Region.objects.get(code="36.04.13.2008")
    assert old.retired_in == "v2"
    assert old.is_retired
    assert old.replaced_by_id == "36.04.13.2015"

    gone = Region.objects.get(code="36.04.13.2006")
    assert gone.retired_in == "v2"
    assert gone.replaced_by_id is None

    new = Region.objects.get(code="36.04.13.2015")
    assert (new.name, new.retired_in, new.replaced_by_id, new.code_version) == ("Susukan", "", None, "v2")
    assert set(Region.objects.active().values_list("code", flat=True)) == {
        "36",
        "36.04",
        "36.04.13",
        "36.04.13.2007",
        "36.04.13.2015",
    }

    changes = sorted(RegionChange.objects.values_list("region_id", "change", "old_value", "new_value"))
    assert changes == [
        ("36.04.13.2006", "retired", "", ""),
        ("36.04.13.2008", "recoded", "36.04.13.2008", "36.04.13.2015"),
        ("36.04.13.2008", "retired", "", ""),
    ]

    again = import_list(newer, "v2", retire_missing=True)
    assert again.changes == 0


@pytest.mark.django_db
def test_retiring_keeps_the_code_version_the_unit_was_last_listed_in():
    import_list(SMALL, "v1")

    import_list(SMALL.replace("36.04.13.2006,Sujung\n", ""), "v2", retire_missing=True)

    sujung = Region.objects.get(code="36.04.13.2006")
    assert (sujung.code_version, sujung.retired_in) == ("v1", "v2")


@pytest.mark.django_db
def test_renaming_refreshes_updated_at():
    import_list(SMALL, "v1")
    before = Region.objects.get(code=LONTAR).updated_at

    import_list(SMALL.replace("36.04.13.2007,Lontar", "36.04.13.2007,Lontar Baru"), "v2")

    assert Region.objects.get(code=LONTAR).updated_at > before


@pytest.mark.django_db
def test_same_name_under_another_parent_is_not_linked():
    text = SMALL + "36.04.12,Pontang\n"
    import_list(text, "v1")
    # Susukan is gone from Tirtayasa. New units named "Susukan" appear only under other parents
    # (Pontang and Tanara); with two such candidates and none under Tirtayasa, nothing is linked.
    newer = (
        text.replace("36.04.13.2008,Susukan\n", "")
        + "36.04.12.2020,Susukan\n"
        + "36.04.13.2020,Susukan Baru\n"
        + "36.04.14,Tanara\n"
        + "36.04.14.2020,Susukan\n"
    )

    report = import_list(newer, "v2", retire_missing=True)

    assert report.retired == 1
    assert report.recoded == 0
    assert Region.objects.get(code="36.04.13.2008").replaced_by_id is None


@pytest.mark.django_db
def test_recoded_kecamatan_carries_its_desa_along():
    import_list(SMALL, "v1")
    newer = SMALL.replace("36.04.13", "36.04.40")

    report = import_list(newer, "v2", retire_missing=True)

    assert (report.added, report.retired, report.recoded) == (4, 4, 4)
    links = dict(Region.objects.filter(retired_in="v2").values_list("code", "replaced_by_id"))
    assert links == {
        "36.04.13": "36.04.40",
        "36.04.13.2006": "36.04.40.2006",
        "36.04.13.2007": "36.04.40.2007",
        "36.04.13.2008": "36.04.40.2008",
    }


@pytest.mark.django_db
def test_without_retire_missing_absent_units_stay_active():
    import_list(SMALL, "v1")

    report = import_list(SMALL.replace("36.04.13.2006,Sujung\n", ""), "v2")

    assert report.retired == 0
    assert report.changes == 0
    assert Region.objects.get(code="36.04.13.2006").retired_in == ""


@pytest.mark.django_db
def test_retired_unit_that_reappears_is_restored():
    import_list(SMALL, "v1")
    import_list(SMALL.replace("36.04.13.2006,Sujung\n", ""), "v2", retire_missing=True)

    report = import_list(SMALL, "v3", retire_missing=True)

    assert (report.restored, report.added, report.retired) == (1, 0, 0)
    sujung = Region.objects.get(code="36.04.13.2006")
    assert (sujung.retired_in, sujung.code_version) == ("", "v3")
    restored = RegionChange.objects.get(change="restored")
    assert (restored.region_id, restored.old_value, restored.code_version) == ("36.04.13.2006", "v2", "v3")


# --- kinds and helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("36", Kind.PROVINSI),
        ("36.01", Kind.KABUPATEN),
        ("36.69", Kind.KABUPATEN),
        ("36.71", Kind.KOTA),
        ("36.74", Kind.KOTA),
        ("36.04.13", Kind.KECAMATAN),
        ("36.73.01.1001", Kind.KELURAHAN),
        ("36.04.13.2007", Kind.DESA),
        ("51.02.01.3001", Kind.DESA_ADAT),
    ],
)
def test_kind_for(code, kind):
    assert kind_for(code) == kind


@pytest.mark.django_db
def test_imported_kinds_follow_the_code():
    text = SMALL + "36.73,Kota Serang\n36.73.01,Serang\n36.73.01.1001,Cipare\n36.04.13.3001,Adat\n"
    import_list(text, "v1")

    kinds = dict(Region.objects.values_list("code", "kind"))
    assert kinds["36.73"] == "kota"
    assert kinds["36.04"] == "kabupaten"
    assert kinds["36.73.01.1001"] == "kelurahan"
    assert kinds["36.04.13.2007"] == "desa"
    assert kinds["36.04.13.3001"] == "desa_adat"


def test_code_version_from_filename():
    assert code_version_from_filename(Path("/x/wilayah_kepmendagri_2025.csv")) == "kepmendagri_2025"
    assert code_version_from_filename(Path("codes.csv")) == "codes"


def test_read_code_list_skips_header_comments_and_blank_lines():
    rows = list(read_code_list(io.StringIO("# note\nkode,nama\n\n 36 , Banten \n36.04\n")))

    assert rows == [(4, "36", "Banten"), (5, "36.04", "")]


# --- the national code list ----------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.django_db
def test_national_code_list(wilayah_csv):
    report = regions_import_file(path=wilayah_csv, code_version="kepmendagri_2025")

    assert report.errors == []
    assert report.added == 91_599
    assert Region.objects.count() == 91_599
    assert level_counts() == {1: 38, 2: 514, 3: 7_285, 4: 83_762}
    assert Region.objects.get(code=LONTAR).name == "Lontar"

    again = regions_import_file(path=wilayah_csv, code_version="kepmendagri_2025")
    assert again.changes == 0
    assert again.unchanged == 91_599


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_a_file_with_errors_retires_nothing():
    regions_import_text(text="36,Banten\n36.04,Kabupaten Serang\n36.73,Kota Serang\n", code_version="v1")
    report = regions_import(
        rows=read_code_list(io.StringIO("36,Banten\n36.04,\n")), code_version="v2", retire_missing=True
    )
    assert report.retired == 0
    assert any("nothing was retired" in message for _line, message in report.errors)
    assert not Region.objects.exclude(retired_in="").exists()


@pytest.mark.django_db
def test_a_restored_unit_is_no_longer_replaced():
    regions_import_text(text="36,Banten\n36.04,Serang\n", code_version="v1")
    regions_import(
        rows=read_code_list(io.StringIO("36,Banten\n36.05,Serang\n")), code_version="v2", retire_missing=True
    )
    assert Region.objects.get(code="36.04").replaced_by_id == "36.05"
    regions_import(
        rows=read_code_list(io.StringIO("36,Banten\n36.04,Serang\n36.05,Serang\n")), code_version="v3"
    )
    restored = Region.objects.get(code="36.04")
    assert restored.retired_in == "" and restored.replaced_by_id is None


@pytest.mark.django_db
def test_a_child_of_a_retired_parent_is_rejected():
    regions_import_text(text="36,Banten\n36.04,Serang\n", code_version="v1")
    regions_import(rows=read_code_list(io.StringIO("36,Banten\n")), code_version="v2", retire_missing=True)
    report = regions_import_text(text="36.04.13,Tirtayasa\n", code_version="v3")
    assert report.added == 0 and len(report.errors) == 1
