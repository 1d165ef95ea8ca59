"""Background work on reports: the engine's reading within seconds of arrival, and alerts.

``sigap worker`` calls :func:`analyse_pending` in a loop; with ``SIGAP_ANALYSE_ON_COMMIT`` (tests, or a
deployment without a worker) each submission calls it for its own report once it has committed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sigap.accounts.models import User
from sigap.cases.models import Case
from sigap.cases.services import case_refresh_risk
from sigap.core.models import NotificationEvent
from sigap.core.notify import notify_localised
from sigap.intake.models import Report
from sigap.intake.selectors import alert_recipients
from sigap.intake.services import ANALYSIS_BATCH, reports_analyse_pending


def analyse_pending(*, limit: int = ANALYSIS_BATCH, ids: list[int] | None = None) -> int:
    """Read one batch of unread reports; alert on the critical ones once the readings are stored.

    Returns how many reports were read (0: nothing was waiting)."""
    reports = reports_analyse_pending(limit=limit, ids=ids)
    if reports:
        # A case opened before its report was read takes the reading's risk (and SLA) now.
        for case in Case.objects.filter(signals__report__in=[r.pk for r in reports]).distinct():
            case_refresh_risk(case=case)
    recipients: dict[str | None, list[User]] = {}  # per desa, once per batch
    for report in reports:
        if report.risk == "critical":
            if report.desa_id not in recipients:
                recipients[report.desa_id] = list(alert_recipients(report))
            alert_critical(report, recipients=recipients[report.desa_id])
    return len(reports)


def alert_critical(report: Report, *, recipients: list[User] | None = None) -> None:
    """Tell the PIMPASA of the report's desa and the Kanim supervisors at once."""

    def message() -> tuple[str, str]:
        place = report.desa.name if report.desa_id and report.desa else _("unknown village")
        subject = _("SIGAP: emergency report #%(id)s") % {"id": report.pk}
        body = _(
            "Report #%(id)s from %(place)s reads as an emergency (%(modus)s). "
            "Open SIGAP now and call the PIMPASA on duty and the police if a person is in danger."
        ) % {"id": report.pk, "place": place, "modus": ", ".join(report.modus)}
        return subject, body

    notify_localised(
        alert_recipients(report) if recipients is None else recipients,
        message=message,
        event=NotificationEvent.CRITICAL_SIGNAL,
    )
