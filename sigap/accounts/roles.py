"""Roles and the one table that says what each role may read or change, and how far.

``ACCESS[model][action][role] = Reach``. A role missing from an action has no access. This table is
what ``restrict(user, action)`` reads, and what the role × route test enumerates.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach


class Role(models.TextChoices):
    KADER = "kader", _("Village focal point (kader desa)")
    PIMPASA = "pimpasa", _("Village immigration officer (PIMPASA)")
    SUPERVISOR = "supervisor", _("Immigration office supervisor (Kanim)")
    ANALIS = "analis", _("Regional analyst (Kanwil)")
    PUSAT = "pusat", _("National (Ditjen Imigrasi)")
    MITRA = "mitra", _("Partner agency liaison (mitra)")
    ADMIN = "admin", _("Administrator")


class KaderKind(models.TextChoices):
    PERANGKAT_DESA = "perangkat_desa", _("Village apparatus (perangkat desa)")
    BABINSA = "babinsa", _("Babinsa (TNI village officer)")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas (community police officer)")
    GURU = "guru", _("Teacher (guru)")
    TOKOH = "tokoh", _("Community or religious leader (tokoh masyarakat)")


#: Officer roles must use two-factor sign-in where SIGAP_REQUIRE_2FA is on (always in production).
OFFICER_ROLES = frozenset({Role.PIMPASA, Role.SUPERVISOR, Role.ANALIS, Role.PUSAT, Role.MITRA, Role.ADMIN})
#: Roles whose territory is the whole country.
NATIONAL_ROLES = frozenset({Role.PUSAT, Role.ADMIN})

ALL, TERRITORY, OWN = Reach.ALL, Reach.TERRITORY, Reach.OWN
_EVERY_ROLE: dict[str, Reach] = {role: ALL for role in Role}

_CASE_READERS: dict[str, Reach] = {
    Role.PIMPASA: TERRITORY,
    Role.SUPERVISOR: TERRITORY,
    Role.ANALIS: TERRITORY,
    Role.PUSAT: ALL,
    Role.ADMIN: ALL,
}
_CASE_WORKERS: dict[str, Reach] = {
    Role.PIMPASA: TERRITORY,
    Role.SUPERVISOR: TERRITORY,
    Role.ADMIN: ALL,
}

_PROGRAMME_READERS = dict(_CASE_READERS)

ACCESS: dict[str, dict[str, dict[str, Reach]]] = {
    # Reference data: the administrative map is public knowledge.
    "regions.region": {
        "view": dict(_EVERY_ROLE),
        "change": {Role.ADMIN: ALL},
    },
    "organisations.organisation": {
        "view": {
            Role.KADER: TERRITORY,
            Role.PIMPASA: TERRITORY,
            Role.SUPERVISOR: TERRITORY,
            Role.ANALIS: TERRITORY,
            Role.PUSAT: ALL,
            Role.MITRA: OWN,
            Role.ADMIN: ALL,
        },
        "change": {Role.ADMIN: ALL},
    },
    # Accounts carry contact details: least data, widest for the national roles only.
    "accounts.user": {
        "view": {
            Role.KADER: OWN,
            Role.PIMPASA: TERRITORY,
            Role.SUPERVISOR: TERRITORY,
            Role.ANALIS: TERRITORY,
            Role.PUSAT: ALL,
            Role.MITRA: OWN,
            Role.ADMIN: ALL,
        },
        "change": {Role.ADMIN: ALL},
    },
    # Community reports: a kader sees what they filed; officers see their territory's reports.
    # Partners see only what is referred to them (cases, issue #5), never the raw signals.
    "intake.report": {
        "view": {
            Role.KADER: OWN,
            Role.PIMPASA: TERRITORY,
            Role.SUPERVISOR: TERRITORY,
            Role.ANALIS: TERRITORY,
            Role.PUSAT: ALL,
            Role.ADMIN: ALL,
        },
        "change": {
            Role.PIMPASA: TERRITORY,
            Role.SUPERVISOR: TERRITORY,
            Role.ADMIN: ALL,
        },
        # A signal that came without a village is seen only nationally: the national desk places it
        # in a village (cases.services.signal_place), and the officers of that territory decide on it.
        "place": {Role.PUSAT: ALL, Role.ADMIN: ALL},
    },
    # Triage and cases (issue #5): the village officers and the Kanim supervisor work them in their
    # territory, the Kanwil analyst reads them there, the national desk reads everywhere. Village
    # focal points never see cases; partners will see only what is referred to them (part 2).
    # Notes, tasks and the case history follow their case; each is read through its own entry.
    "cases.case": {
        "view": dict(_CASE_READERS),
        "change": dict(_CASE_WORKERS),
    },
    "cases.triagedecision": {
        "view": dict(_CASE_READERS),
        "change": dict(_CASE_WORKERS),
    },
    "cases.signalplacement": {"view": dict(_CASE_READERS)},
    "cases.casetransition": {"view": dict(_CASE_READERS)},
    "cases.casenote": {"view": dict(_CASE_READERS)},
    "cases.casetask": {"view": dict(_CASE_READERS)},
    # Persons involved and screenings follow their case; showing a person's identifiers needs the
    # "change" reach (the officers who work the case). Exports read through these same entries.
    "persons.person": {"view": dict(_CASE_READERS), "change": dict(_CASE_WORKERS)},
    "persons.screening": {"view": dict(_CASE_READERS), "change": dict(_CASE_WORKERS)},
    # Referrals (issue #5): officers follow their case; a partner's liaison sees and answers only the
    # referrals to their own organisation ("respond"). Immigration actions are the case workers'.
    "referrals.referral": {
        "view": dict(_CASE_READERS) | {Role.MITRA: OWN},
        "change": dict(_CASE_WORKERS),
        "respond": {Role.MITRA: OWN},
    },
    "referrals.referralupdate": {"view": dict(_CASE_READERS) | {Role.MITRA: OWN}},
    "referrals.immigrationaction": {
        "view": dict(_CASE_READERS),
        "change": dict(_CASE_WORKERS),
    },
    # The Desa Binaan programme (issue #6): officers and the Kanwil analyst in their territory, the
    # national desk everywhere; a village focal point reads their own village's registry entry and
    # activities (its scope is the village), never the network's contacts nor the reasons recorded
    # for a change of the village's status; partners nothing.
    # Contacts' names and phones are shown ("reveal", audited) to the territory's officers only.
    **{
        f"programme.{name}": {"view": dict(_PROGRAMME_READERS) | kader, "change": dict(_CASE_WORKERS)}
        for name, kader in (
            ("desabinaan", {Role.KADER: TERRITORY}),
            ("desastatuschange", {}),
            ("pimpasaassignment", {Role.KADER: TERRITORY}),
            ("networkcontact", {}),
            ("networkabsence", {}),
            ("activity", {Role.KADER: TERRITORY}),
            ("activityphoto", {Role.KADER: TERRITORY}),
            ("participantcount", {Role.KADER: TERRITORY}),
            ("questionanswer", {Role.KADER: TERRITORY}),
            ("knowledgetest", {Role.KADER: TERRITORY}),
            ("testresponse", {Role.KADER: TERRITORY}),
        )
    },
    "audit.auditevent": {
        "view": {
            Role.SUPERVISOR: TERRITORY,
            Role.ANALIS: TERRITORY,
            Role.PUSAT: ALL,
            Role.ADMIN: ALL,
        },
    },
}
ACCESS["programme.networkcontact"]["reveal"] = {
    Role.PIMPASA: TERRITORY,
    Role.SUPERVISOR: TERRITORY,
    Role.ANALIS: TERRITORY,
    Role.ADMIN: ALL,
}
