"""The village finder that works without JavaScript: type a name, press "Find village", choose.

Used by the public report form and by the national desk placing a signal; the page posts the same
form again with ``find_village`` to list the matches, keeping everything typed so far.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _


class VillageFinderForm(forms.Form):
    desa_query = forms.CharField(
        label=_("Village (desa/kelurahan)"),
        help_text=_("Type the name of the village and press 'Find village'."),
        required=False,
        max_length=80,
    )
    desa_code = forms.ChoiceField(label=_("Choose the village"), required=False, choices=[])

    def set_villages(self, choices: list[tuple[str, str]]) -> None:
        """The villages to choose from: (code, label), after the "choose" placeholder."""
        cast(forms.ChoiceField, self.fields["desa_code"]).choices = [
            ("", _("— choose from the list —")),
            *choices,
        ]
