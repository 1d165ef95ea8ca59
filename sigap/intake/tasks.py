"""Background work on reports: the engine's reading within seconds of arrival, and alerts."""

from __future__ import annotations

from django_tasks import task

from sigap.intake.selectors import alert_recipients
from sigap.intake.services import report_store_analysis


@task()
def analyse_report(report_id: int) -> str:
    """Analyse one report with ``sigap.detection``; a critical one alerts its PIMPASA and supervisor."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from sigap.core.notify import notify_users
    from sigap.detection import analyze
    from sigap.detection.engine import get_engine
    from sigap.intake.models import Report

    report = Report.objects.get(pk=report_id)
    engine = get_engine()
    record = analyze(report.text, id=report.pk, now=report.created_at).to_record()
    version = f"{engine.catalogue.version}/{engine.model.version if engine.model else 'rules'}"
    report = report_store_analysis(report=report, record=record, engine_version=version)
    if report.risk != "critical":
        return report.risk
    with translation.override("id"):
        place = report.desa.name if report.desa else _("unknown village")
        subject = _("SIGAP: emergency report #%(id)s") % {"id": report.pk}
        body = _(
            "Report #%(id)s from %(place)s reads as an emergency (%(modus)s). "
            "Open SIGAP now and call the PIMPASA on duty and the police if a person is in danger."
        ) % {"id": report.pk, "place": place, "modus": ", ".join(report.modus)}
    notify_users(alert_recipients(report), subject=subject, body=body)
    return report.risk
