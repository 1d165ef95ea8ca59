"""Repair the designation rows that a corrected designation date left behind.

Until ``desa_binaan_update`` moved the history's first row (the designation, ``from_status`` "") with a
corrected ``designated_on``, a correction left that row at the day first typed. Each such row is moved
to the village's ``designated_on``, unless that would put the designation after a later status change
of the same village (the history would then be out of order): that row is left as it is, for an
officer to look at. A village without a designation row (designated before the history existed) gets
none. Moving it back is not possible (the wrong day is not kept), so the reverse does nothing.
"""

from django.db import migrations
from django.db.models import Min


def designation_rows_follow_designated_on(apps, schema_editor):
    DesaBinaan = apps.get_model("programme", "DesaBinaan")
    DesaStatusChange = apps.get_model("programme", "DesaStatusChange")
    designated_on = dict(DesaBinaan.objects.values_list("pk", "designated_on"))
    first_change = dict(  # the earliest step after the designation, per village
        DesaStatusChange.objects.exclude(from_status="")
        .order_by()
        .values("desa_binaan_id")
        .annotate(first=Min("changed_on"))
        .values_list("desa_binaan_id", "first")
    )
    for row in DesaStatusChange.objects.filter(from_status="").order_by("pk"):
        day = designated_on[row.desa_binaan_id]
        later = first_change.get(row.desa_binaan_id)
        if row.changed_on == day or (later is not None and day > later):
            continue
        row.changed_on = day
        row.save(update_fields=["changed_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0003_registry_history"),
    ]

    operations = [
        migrations.RunPython(designation_rows_follow_designated_on, migrations.RunPython.noop),
    ]
