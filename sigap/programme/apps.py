from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "sigap.programme"
    label = "programme"
    verbose_name = _("Desa Binaan programme")
