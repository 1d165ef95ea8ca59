"""Indonesia's administrative regions (wilayah) with Kemendagri codes."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.territory import NOTHING

if TYPE_CHECKING:
    from sigap.accounts.models import User


def normalise_name(name: str) -> str:
    """Lower-case, accents folded, punctuation to spaces, spaces collapsed: for search."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(cleaned.split())


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency/city (kabupaten/kota)")
    DISTRICT = 3, _("District (kecamatan)")
    VILLAGE = 4, _("Village (desa/kelurahan)")


class Kind(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABUPATEN = "kabupaten", _("Regency (kabupaten)")
    KOTA = "kota", _("City (kota)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
    DESA = "desa", _("Village (desa)")
    DESA_ADAT = "desa_adat", _("Customary village (desa adat)")


def kind_for(code: str) -> str:
    """The kind of unit a Kemendagri code denotes, from the code alone.

    Kabupaten/kota: 01–69 kabupaten, 71–99 kota. Desa/kelurahan: the first of the last four digits is
    1 = kelurahan, 2 = desa, 3 = desa adat.
    """
    parts = code.split(".")
    if len(parts) == 1:
        return Kind.PROVINSI
    if len(parts) == 2:
        return Kind.KOTA if int(parts[1]) >= 71 else Kind.KABUPATEN
    if len(parts) == 3:
        return Kind.KECAMATAN
    return {"1": Kind.KELURAHAN, "3": Kind.DESA_ADAT}.get(parts[3][0], Kind.DESA)


class RegionCodeField(models.CharField):
    """A Kemendagri code column compared byte by byte on every database.

    Territory checks compare codes as ranges (``"36.04." < code < "36.04/"``). That needs the
    ``C`` collation: under a linguistic collation such as glibc's ``en_US.UTF-8`` PostgreSQL ignores
    punctuation at the first level and the ranges break. SQLite's default collation is already
    binary. Foreign keys to a region copy the column type, so they are ``C`` too.
    """

    def db_type(self, connection: Any) -> str | None:
        base = super().db_type(connection)
        if connection.vendor == "postgresql" and base:
            return f'{base} COLLATE "C"'
        return base

    def rel_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)


class RegionQuerySet(RestrictedQuerySet["Region"]):
    def active(self) -> RegionQuerySet:
        return self.filter(retired_in="")


class Region(models.Model):
    """One administrative unit. The Kemendagri code is the key, so the tree needs no id lookups.

    A unit that disappears from a newer code list is *retired* (kept, because older records point at
    it); when it re-appears under a new code, ``replaced_by`` points there.
    """

    code = RegionCodeField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    name_search = models.CharField(max_length=120, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code_version = models.CharField(_("code-list version"), max_length=40)
    retired_in = models.CharField(_("retired in code-list version"), max_length=40, blank=True, default="")
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "name_search"], name="region_level_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_search = normalise_name(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_retired(self) -> bool:
        return bool(self.retired_in)

    @property
    def display_name(self) -> str:
        """The name with its kind where the code list leaves it out (kecamatan and desa names)."""
        prefix = {
            Kind.KECAMATAN: _("Kec."),
            Kind.DESA: _("Desa"),
            Kind.KELURAHAN: _("Kel."),
            Kind.DESA_ADAT: _("Desa Adat"),
        }.get(Kind(self.kind))
        return f"{prefix} {self.name}" if prefix else self.name

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        # Regions are reference data; any non-ALL reach on them means "overlapping my territory".
        from sigap.core.territory import overlaps_q

        codes = user.scope_codes()
        return overlaps_q("code", codes) if codes else NOTHING


class RegionChange(models.Model):
    """What an import changed, one row per unit: the history behind renames, re-codes and retirements."""

    class Change(models.TextChoices):
        ADDED = "added", _("added")
        RENAMED = "renamed", _("renamed")
        RETIRED = "retired", _("retired")
        RECODED = "recoded", _("re-coded")
        RESTORED = "restored", _("restored")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="changes")
    change = models.CharField(max_length=10, choices=Change.choices)
    code_version = models.CharField(max_length=40)
    old_value = models.CharField(max_length=200, blank=True, default="")
    new_value = models.CharField(max_length=200, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "region_id"]
        verbose_name = _("region change")
        verbose_name_plural = _("region changes")

    def __str__(self) -> str:
        return f"{self.region_id} {self.change} ({self.code_version})"
