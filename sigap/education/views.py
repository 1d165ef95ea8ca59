"""Public education pages, the Buku Saku PDF and Cek Tawaran Kerja (no account, no JavaScript needed).

Long prose lives in per-language templates (``education/pages/<lang>/<slug>.html``), chosen by the
active language; short interface strings go through the gettext catalogues as everywhere else.

Cek Tawaran Kerja stores nothing: no model, no session, no log line and no cache entry holds the
pasted text or the answers. The only cache entry it touches is the per-address rate-limit counter,
keyed by a digest of the address. The text goes back to the browser in the result page and, only if
the person presses "Laporkan", travels to the normal report form, where it is stored once they submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sigap.cases import display
from sigap.cases.display import Piece
from sigap.core.cache import rate_limited
from sigap.core.middleware import client_ip
from sigap.detection import analyze
from sigap.detection.engine import get_engine
from sigap.detection.types import RISK_LEVELS
from sigap.education.booklet import booklet_pdf
from sigap.education.forms import QUESTIONS, CheckForm
from sigap.education.meanings import meaning
from sigap.intake.views import hotlines

PAGES = ("index", "tppo", "tppm", "modus", "procedure", "what_to_do")
#: Checks per address (count, seconds): far above what one person needs, well below a flood.
CHECK_LIMIT = (30, 10 * 60)


def language() -> str:
    active = (translation.get_language() or "id")[:2]
    return active if active in ("id", "en") else "id"


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in PAGES:
        raise Http404
    context = {"slug": slug, "body": f"education/pages/{language()}/{slug}.html", "hotlines": hotlines()}
    return render(request, "education/page.html", context)


@lru_cache(maxsize=4)
def _booklet(lines: tuple[tuple[str, str], ...], lang: str) -> bytes:
    """The booklet depends only on the configured hotlines and the language: drawn once per process."""
    return booklet_pdf(hotlines=list(lines), language=lang)


@require_GET
def booklet(request: HttpRequest) -> HttpResponse:
    pdf = _booklet(tuple(hotlines()), language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="buku-saku-sigap.pdf"'
    return response


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    meaning: str
    strength: str
    evidence: str = ""


def _limited(request: HttpRequest) -> bool:
    return rate_limited("check", client_ip(request) or "unknown", CHECK_LIMIT, hit=True)


def _answers_risk(codes: list[str], strength: dict[str, str]) -> str:
    """Risk from the questions alone: a strong sign or three signs is high, one sign medium."""
    if not codes:
        return "low"
    if any(strength.get(c) == "strong" for c in codes) or len(codes) >= 3:
        return "high"
    return "medium"


def _report_text(text: str, yes: list[str]) -> str:
    """What "Laporkan" carries to the report form: the pasted offer and the questions answered yes."""
    labels = dict(QUESTIONS)
    parts = [text.strip()] if text.strip() else []
    if yes:
        parts.append(_("Answered yes in Cek Tawaran Kerja:"))
        parts += [f"- {labels[c]}" for c in yes]
    return "\n".join(parts)


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "education/check.html", {"form": CheckForm(), "hotlines": hotlines()})
    form = CheckForm(request.POST)
    if _limited(request):
        form.is_valid()
        form.add_error(
            None, _("Too many checks from this connection. Please wait a few minutes and try again.")
        )
        return render(request, "education/check.html", {"form": form, "hotlines": hotlines()}, status=429)
    if not form.is_valid():
        return render(request, "education/check.html", {"form": form, "hotlines": hotlines()}, status=400)

    lang = language()
    # The engine's catalogue, compiled once per process (``analyze`` uses the same one).
    indicators = {i.code: i for i in get_engine().catalogue.indicators}
    text: str = form.cleaned_data["text"] or ""
    yes = form.answered_yes()
    flags: list[Flag] = []
    pieces: list[Piece] = []
    risk = "low"
    if text.strip():
        analysis = analyze(text)
        risk = analysis.risk
        pieces = display.pieces(text, display.findings(analysis.to_record(), text))
        for hit in analysis.indicators:
            label = indicators[hit.code].label_in(lang) if hit.code in indicators else hit.code
            flags.append(Flag(hit.code, label, meaning(hit.code, lang), hit.strength, hit.evidence))
    found = {f.code for f in flags}
    for code in yes:
        if code not in found and code in indicators:
            indicator = indicators[code]
            flags.append(Flag(code, indicator.label_in(lang), meaning(code, lang), indicator.strength))
    answers_risk = _answers_risk(yes, {c: i.strength for c, i in indicators.items()})
    risk = max(risk, answers_risk, key=RISK_LEVELS.index)
    context = {
        "form": form,
        "flags": flags,
        "pieces": pieces,
        "risk": risk,
        "report_text": _report_text(text, yes),
        "hotlines": hotlines(),
    }
    return render(request, "education/check_result.html", context)
