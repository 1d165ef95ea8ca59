"""Writing regions: the idempotent importer of Kemendagri code lists (``kode,nama`` CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit.services import audit_record
from sigap.core.territory import is_valid_code, level_of, parent_code
from sigap.regions.models import Region, RegionChange, kind_for, normalise_name

BATCH = 4000


@dataclass
class ImportReport:
    code_version: str
    rows: int = 0
    added: int = 0
    renamed: int = 0
    retired: int = 0
    recoded: int = 0
    restored: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.added + self.renamed + self.retired + self.recoded + self.restored

    def as_dict(self) -> dict[str, Any]:
        return {
            "code_version": self.code_version,
            "rows": self.rows,
            "added": self.added,
            "renamed": self.renamed,
            "retired": self.retired,
            "recoded": self.recoded,
            "restored": self.restored,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


def read_code_list(stream: Iterable[str]) -> Iterator[tuple[int, str, str]]:
    """Yield (line number, code, name) from a ``kode,nama`` CSV; a header line is skipped."""
    for line_no, row in enumerate(csv.reader(stream), start=1):
        if not row or row[0].lstrip().startswith("#") or row[0].strip().lower() in {"kode", "code"}:
            continue
        code = row[0].strip()
        name = ",".join(row[1:]).strip() if len(row) > 1 else ""
        yield line_no, code, name


@transaction.atomic
def regions_import(
    *,
    rows: Iterable[tuple[int, str, str]],
    code_version: str,
    retire_missing: bool = False,
    actor: Any = None,
    source: str = "",
) -> ImportReport:
    """Bring the region table in line with a code list. Running it twice changes nothing.

    * a new code is added; a known code with a new name is renamed (not duplicated);
    * with ``retire_missing``, a code absent from the list is retired; when a retired unit's name
      re-appears under a new code with the same parent at the same level, it is linked as re-coded;
    * a bad line (malformed code, empty name, unknown parent, duplicate) is reported with its line
      number and skipped: the rest of the file is still imported.
    """
    report = ImportReport(code_version=code_version)
    existing: dict[str, tuple[str, str | None, str, str]] = {
        code: (name, parent, retired, version)
        for code, name, parent, retired, version in Region.objects.values_list(
            "code", "name", "parent_id", "retired_in", "code_version"
        )
    }
    candidates: dict[str, tuple[int, str]] = {}
    mentioned: set[str] = set()  # every code the file names, even on a rejected line
    for line_no, code, name in rows:
        report.rows += 1
        mentioned.add(code)
        if not is_valid_code(code):
            report.errors.append((line_no, _("invalid region code “%(code)s”") % {"code": code[:20]}))
        elif not name:
            report.errors.append((line_no, _("region %(code)s has no name") % {"code": code}))
        elif code in candidates:
            report.errors.append((line_no, _("region %(code)s appears twice") % {"code": code}))
        else:
            candidates[code] = (line_no, name)
    # Parents first, so a child may precede its parent in the file; a child whose parent line was
    # rejected is rejected too, so the tree never gets a hole.
    seen: dict[str, str] = {}
    for code in sorted(candidates, key=lambda c: (level_of(c), c)):
        line_no, name = candidates[code]
        parent = parent_code(code)
        parent_known = parent in seen or (parent in existing and not existing[parent][2])
        if parent is not None and not parent_known:
            report.errors.append(
                (line_no, _("region %(code)s has no parent %(parent)s") % {"code": code, "parent": parent})
            )
            continue
        seen[code] = name
    report.errors.sort()

    now = timezone.now()
    to_create: list[dict[str, Any]] = []
    to_update: dict[str, Region] = {}
    history: list[RegionChange] = []

    def changed(code: str) -> Region:
        if code not in to_update:
            name, parent, retired, version = existing[code]
            to_update[code] = Region(
                code=code,
                name=name,
                parent_id=parent,
                retired_in=retired,
                code_version=version,
                name_search=normalise_name(name),
                updated_at=now,
            )
        return to_update[code]

    for code, name in seen.items():
        parent = parent_code(code)
        if code not in existing:
            to_create.append(
                {
                    "code": code,
                    "name": name,
                    "name_search": normalise_name(name),
                    "level": level_of(code),
                    "kind": str(kind_for(code)),
                    "parent_id": parent,
                    "code_version": code_version,
                }
            )
            report.added += 1
            continue
        old_name, _old_parent, old_retired, _version = existing[code]
        touched = False
        if old_name != name:
            region = changed(code)
            region.name, region.name_search = name, normalise_name(name)
            history.append(
                RegionChange(
                    region_id=code,
                    change=RegionChange.Change.RENAMED,
                    code_version=code_version,
                    old_value=old_name,
                    new_value=name,
                )
            )
            report.renamed += 1
            touched = True
        if old_retired:
            changed(code).retired_in = ""
            changed(code).replaced_by_id = None
            history.append(
                RegionChange(
                    region_id=code,
                    change=RegionChange.Change.RESTORED,
                    code_version=code_version,
                    old_value=old_retired,
                )
            )
            report.restored += 1
            touched = True
        if touched:
            changed(code).code_version = code_version
        else:
            report.unchanged += 1

    retired_now: list[str] = []
    if retire_missing and report.errors:
        # A list with errors is not a trustworthy complete list: retire nothing from it.
        report.errors.append((0, _("nothing was retired because the file has errors")))
    elif retire_missing:
        retired_now = [c for c, (_n, _p, r, _v) in existing.items() if not r and c not in mentioned]
        for code in retired_now:
            region = changed(code)
            region.retired_in = code_version
            history.append(
                RegionChange(region_id=code, change=RegionChange.Change.RETIRED, code_version=code_version)
            )
        report.retired = len(retired_now)

    _insert_many(to_create)
    if to_update:
        Region.objects.bulk_update(
            list(to_update.values()),
            ["name", "name_search", "retired_in", "replaced_by", "code_version", "updated_at"],
            batch_size=BATCH,
        )
    if retired_now and to_create:
        _link_recoded(retired_now, to_create, code_version, history, report)
    RegionChange.objects.bulk_create(history, batch_size=BATCH)

    if report.changes:
        audit_record(
            actor=actor,
            action="regions.import",
            metadata={**report.as_dict(), "source": source},
        )
    return report


def _insert_many(regions: list[dict[str, Any]]) -> None:
    """Insert new regions (dicts of attribute values) with one prepared statement (``executemany``).

    ``bulk_create`` spends most of a national import building model instances and compiling SQL
    (SQLite's variable limit caps a batch at ~100 rows of 10 fields); one prepared INSERT fed plain
    tuples is several times faster on SQLite and PostgreSQL alike. Columns come from the model, so
    the statement follows the schema; attributes a row leaves out take the field's default.
    """
    if not regions:
        return
    fields = list(Region._meta.concrete_fields)
    defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    defaults["updated_at"] = Region._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - identifiers from the model, values bound
        qn(Region._meta.db_table),
        ", ".join(qn(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    attnames = [f.attname for f in fields]
    params = [tuple(row.get(a, defaults[a]) for a in attnames) for row in regions]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH * 5):
            cursor.executemany(sql, params[start : start + BATCH * 5])


def _link_recoded(
    retired: list[str],
    created: list[dict[str, Any]],
    code_version: str,
    history: list[RegionChange],
    report: ImportReport,
) -> None:
    """Link each retired unit to a new unit with the same name and level under an equivalent parent."""
    new_by_key: dict[tuple[int, str], list[str]] = {}
    for region in created:
        key = (region["level"], region["name_search"])
        new_by_key.setdefault(key, []).append(region["code"])
    old = (
        Region.objects.filter(code__in=retired)
        .order_by("level", "code")
        .values_list("code", "name_search", "level")
    )
    links: dict[str, str] = {}
    for code, name_search, level in old:
        candidates = new_by_key.get((level, name_search), [])
        # Prefer a candidate under the same parent, else under the parent's own replacement.
        same_parent = [c for c in candidates if parent_code(c) == parent_code(code)]
        moved_parent = [c for c in candidates if parent_code(c) == links.get(parent_code(code) or "", "")]
        # Never a same-named unit elsewhere: re-coding keeps a unit under the same (or re-coded) parent.
        choice = same_parent or moved_parent
        if len(choice) == 1:
            links[code] = choice[0]
    for old_code, new_code in links.items():
        Region.objects.filter(code=old_code).update(replaced_by_id=new_code)
        history.append(
            RegionChange(
                region_id=old_code,
                change=RegionChange.Change.RECODED,
                code_version=code_version,
                old_value=old_code,
                new_value=new_code,
            )
        )
    report.recoded = len(links)


def regions_import_file(
    *, path: Path, code_version: str, retire_missing: bool = False, actor: Any = None
) -> ImportReport:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return regions_import(
            rows=read_code_list(handle),
            code_version=code_version,
            retire_missing=retire_missing,
            actor=actor,
            source=path.name,
        )


def regions_import_text(*, text: str, code_version: str, actor: Any = None, source: str = "") -> ImportReport:
    return regions_import(
        rows=read_code_list(io.StringIO(text)), code_version=code_version, actor=actor, source=source
    )


def code_version_from_filename(path: Path) -> str:
    """``wilayah_kepmendagri_2025.csv`` → ``kepmendagri_2025``."""
    stem = path.stem
    return stem.removeprefix("wilayah_") or stem
