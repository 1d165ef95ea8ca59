"""The shared vocabulary of TAXONOMY.md for the user interface: modus codes with their labels.

The codes are the contract (the engine writes them); the labels are translated through Django i18n
(English msgids here, the taxonomy's Indonesian labels in the id catalogue).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Modus(models.TextChoices):
    ONLINE_SCAM = "online_scam", _("Recruitment into scam or online-gambling syndicates")
    IRREGULAR_MIGRANT_WORKER = "irregular_migrant_worker", _("Non-procedural migrant worker")
    FISHING_CREW = "fishing_crew", _("Fishing vessel crew")
    FAKE_INTERNSHIP = "fake_internship", _("Fake internship or student programme")
    FORCED_MARRIAGE = "forced_marriage", _("Mail-order bride or contract marriage")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    ORGAN_TRADE = "organ_trade", _("Organ trade")
    CHILD_EXPLOITATION = "child_exploitation", _("Exploitation or sale of children")
    FORCED_LABOUR_DOMESTIC = "forced_labour_domestic", _("Forced labour inside Indonesia")
    PEOPLE_SMUGGLING = "people_smuggling", _("People smuggling (TPPM)")
    FOREIGNER_CONCERN = "foreigner_concern", _("Suspicious foreigner or immigration violation")
    NONE = "none", _("Not related to TPPO/TPPM")


def modus_label(code: str) -> str:
    """The label of a modus code in the active language (an unknown code is shown as it is)."""
    return str(Modus(code).label) if code in Modus.values else code
