"""Every role × every route × an in-scope and an out-of-scope object: allow or deny, never a leak.

The expectations below are written by hand from the product rules, not derived from the code under
test. ``test_every_route_is_in_the_matrix`` fails when a URL is added without an entry here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from sigap.accounts.models import User
from sigap.accounts.roles import Role
from sigap.accounts.services import user_create
from sigap.audit.models import AuditEvent
from sigap.cases.models import Case, TriageKind
from sigap.cases.services import triage_decide
from sigap.intake.attachments import sanitise_upload
from sigap.intake.models import Channel, IdentityTier, Report
from sigap.intake.services import report_submit
from sigap.organisations.models import Organisation, OrgKind
from sigap.organisations.services import organisation_upsert
from sigap.persons.services import PersonData, person_add
from sigap.referrals.models import Referral
from sigap.referrals.services import referral_create
from sigap.regions.services import regions_import_text

ROLES = [r.value for r in Role]
ACCOUNT_OF: dict[str, str] = {
    Role.KADER: "kader.lontar",
    Role.PIMPASA: "pimpasa.tirtayasa",
    Role.SUPERVISOR: "supervisor.serang",
    Role.ANALIS: "analis.banten",
    Role.PUSAT: "pusat",
    Role.MITRA: "mitra.polres",
    Role.ADMIN: "admin",
}
ANON = "anonymous"

# Outcomes
OK = "ok"  # 200 (lists: the object is listed)
HIDDEN = "hidden"  # 200 but the object is not listed
DENY = "deny"  # 403 or 404, and nothing of the object in the body
LOGIN = "login"  # anonymous: redirect to the sign-in page (pages) or 401 (API)
REDIRECT = "redirect"  # 302 (sign-in page when signed in, sign-out, language switch)
INVALID = "invalid"  # 400/422: a public endpoint reached by everyone, refusing the sample request


def _same(outcome: str) -> dict[str, tuple[str, str]]:
    return {role: (outcome, outcome) for role in ROLES}


def _scoped(
    *, national_out: str, others_out: str, denied: tuple[str, ...] = ()
) -> dict[str, tuple[str, str]]:
    table = {}
    for role in ROLES:
        if role in denied:
            table[role] = (DENY, DENY)
        elif role in (Role.PUSAT, Role.ADMIN):
            table[role] = (OK, national_out)
        else:
            table[role] = (OK, others_out)
    return table


@dataclass
class World:
    users: dict[str, User]
    org_in: dict[str, Organisation]
    org_out: Organisation
    account_in: dict[str, User]
    account_out: User
    audit_in: AuditEvent
    audit_out: AuditEvent
    report_in: Report
    report_out: Report
    case_in: Case
    case_out: Case
    referral_in: Referral
    referral_out: Referral
    region_in: str = "36.04.13.2007"
    region_out: str = "35.78.31.1004"
    person_in: Any = None
    person_out: Any = None
    # The Desa Binaan programme (issue #6): "desa", "activity", "quiz" (its test), "contact" (a member
    # of the village network), "former" (a member who left it) and "kanim" (an indicator unit) → (in, out).
    programme: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Route:
    name: str
    expect: dict[str, tuple[str, str]]
    anonymous: str = LOGIN
    method: str = "get"
    obj: str = ""  # "org" | "account" | "audit" | "region" | "report" | "case" | "referral": what it shows
    kwargs: Callable[[Any], dict[str, Any]] | None = None  # builds URL kwargs from the object
    query: dict[str, str] = field(default_factory=dict)  # the form data of a POST route
    is_list: bool = False
    api: bool = False
    marker: Callable[[Any], str] | None = None  # what shows the object in a list (default: its URL)


def _pk(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda obj: {key: obj.pk}


ORG_VIEW = _scoped(national_out=OK, others_out=HIDDEN)
FIELD_APP = {role: ((DENY, DENY) if role == Role.MITRA else (OK, OK)) for role in ROLES}
ORG_DETAIL = _scoped(national_out=OK, others_out=DENY)
AUDIT_VIEW = _scoped(national_out=OK, others_out=HIDDEN, denied=(Role.KADER, Role.PIMPASA, Role.MITRA))
AUDIT_DETAIL = _scoped(national_out=OK, others_out=DENY, denied=(Role.KADER, Role.PIMPASA, Role.MITRA))
#: Signals and cases: the village and office officers in their territory, the national desk
#: everywhere; village focal points and partners never see the inbox or the case list.
CASE_VIEW = _scoped(national_out=OK, others_out=HIDDEN, denied=(Role.KADER, Role.MITRA))
CASE_DETAIL = _scoped(national_out=OK, others_out=DENY, denied=(Role.KADER, Role.MITRA))
#: Acting on a case's persons and screening: the officers who work the case; readers are refused.
CASE_WORK = _scoped(
    national_out=OK, others_out=DENY, denied=(Role.KADER, Role.MITRA, Role.ANALIS, Role.PUSAT)
)
#: The export page and the files without a readable marker (XLSX): every case reader.
EXPORT_PAGE = _scoped(national_out=OK, others_out=OK, denied=(Role.KADER, Role.MITRA))
#: Referrals: officers through the case's territory, the national desk everywhere, a partner's liaison
#: only the referrals to their own organisation (the in-scope one goes to Polres Serang, the
#: out-of-scope one to a police office in Surabaya); village focal points never.
REFERRAL_VIEW = _scoped(national_out=OK, others_out=HIDDEN, denied=(Role.KADER,))
REFERRAL_DETAIL = _scoped(national_out=OK, others_out=DENY, denied=(Role.KADER,))
#: The Desa Binaan programme: officers and the Kanwil analyst in their territory, a village focal
#: point their own village, the national desk everywhere, partners nothing.
PROGRAMME_VIEW = _scoped(national_out=OK, others_out=HIDDEN, denied=(Role.MITRA,))
PROGRAMME_DETAIL = _scoped(national_out=OK, others_out=DENY, denied=(Role.MITRA,))
#: Changing the programme's data (a designation, the network): the PIMPASA and the Kanim supervisor in
#: their territory, administrators everywhere; readers (kader, analyst, national desk) are refused.
PROGRAMME_CHANGE = _scoped(
    national_out=OK, others_out=DENY, denied=(Role.KADER, Role.ANALIS, Role.PUSAT, Role.MITRA)
)
#: Designating: the same roles; a village outside the territory is never found by the search.
PROGRAMME_DESIGNATE = _scoped(
    national_out=OK, others_out=HIDDEN, denied=(Role.KADER, Role.ANALIS, Role.PUSAT, Role.MITRA)
)

ROUTES: list[Route] = [
    Route("core:home", _same(OK)),
    Route("core:healthz", _same(OK), anonymous=OK),
    Route("regions:list", _same(OK), obj="region", is_list=True, query={"q": "Lontar"}),
    Route("regions:detail", _same(OK), obj="region", kwargs=lambda code: {"code": code}),
    Route("organisations:list", ORG_VIEW, obj="org", is_list=True),
    Route("organisations:detail", ORG_DETAIL, obj="org", kwargs=_pk("pk")),
    Route("accounts:login", _same(REDIRECT), anonymous=OK),
    Route("accounts:logout", _same(REDIRECT), anonymous=REDIRECT, method="post"),
    Route("accounts:2fa", _same(OK)),
    Route("accounts:profile", _same(OK)),
    Route("accounts:list", ORG_VIEW, obj="account", is_list=True),
    Route("accounts:detail", ORG_DETAIL, obj="account", kwargs=_pk("pk")),
    Route("audit:list", AUDIT_VIEW, obj="audit", is_list=True),
    Route("audit:detail", AUDIT_DETAIL, obj="audit", kwargs=_pk("pk")),
    Route("set_language", _same(REDIRECT), anonymous=REDIRECT, method="post"),
    # The public report channel: no account needed, the same for everyone.
    Route("intake:report", _same(OK), anonymous=OK),
    Route("intake:receipt", _same(OK), anonymous=OK),
    Route("intake:status", _same(OK), anonymous=OK),
    Route("intake:status_view", _same(REDIRECT), anonymous=REDIRECT),  # no report opened yet
    Route("intake:desa", _same(OK), anonymous=OK, obj="region", kwargs=lambda code: {"desa_code": code}),
    Route("intake:poster", _same(OK), anonymous=OK, obj="region", kwargs=lambda code: {"desa_code": code}),
    # The field app: every role that files reports, not partner liaisons.
    Route("education:index", _same(OK), anonymous=OK),
    Route("education:tppo", _same(OK), anonymous=OK),
    Route("education:tppm", _same(OK), anonymous=OK),
    Route("education:modus", _same(OK), anonymous=OK),
    Route("education:procedure", _same(OK), anonymous=OK),
    Route("education:what_to_do", _same(OK), anonymous=OK),
    Route("education:booklet", _same(OK), anonymous=OK),
    Route("education:check", _same(OK), anonymous=OK),
    Route("intake:field", FIELD_APP),
    Route("intake:field_sw", _same(OK), anonymous=OK),
    Route("intake:field_manifest", _same(OK), anonymous=OK),
    Route("intake:field_token", FIELD_APP, anonymous=DENY),
    Route("api:field_report_submit", _same(INVALID), method="post", api=True),
    # Partner systems authenticate with their own token; a signed-in session is not enough.
    Route("api:partner_report_submit", _same(LOGIN), method="post", api=True),
    # Gateway webhooks: only their signature or shared secret opens them, never a session.
    Route(
        "intake:whatsapp",
        _same(DENY),
        anonymous=DENY,
        query={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    ),
    Route("intake:sms", _same(DENY), anonymous=DENY, method="post"),
    Route("intake:sms_twilio", _same(DENY), anonymous=DENY, method="post"),
    Route("api:report_submit", _same(INVALID), anonymous=INVALID, method="post", api=True),
    Route("api:report_status", _same(INVALID), anonymous=INVALID, api=True),
    Route("api:openapi-json", _same(OK)),
    Route("api:openapi-view", _same(OK)),
    Route("api:me", _same(OK), api=True),
    Route(
        "api:regions", _same(OK), obj="region", is_list=True, api=True, query={"q": "Lontar", "limit": "100"}
    ),
    Route("api:region", _same(OK), obj="region", kwargs=lambda code: {"code": code}, api=True),
    Route("api:organisations", ORG_VIEW, obj="org", is_list=True, api=True, query={"limit": "1000"}),
    Route("api:organisation", ORG_DETAIL, obj="org", kwargs=_pk("org_id"), api=True),
    Route("api:accounts", ORG_VIEW, obj="account", is_list=True, api=True, query={"limit": "1000"}),
    Route("api:account", ORG_DETAIL, obj="account", kwargs=_pk("account_id"), api=True),
    Route("api:audit_events", AUDIT_VIEW, obj="audit", is_list=True, api=True, query={"limit": "1000"}),
    Route("api:audit_event", AUDIT_DETAIL, obj="audit", kwargs=_pk("event_id"), api=True),
    # Listed and searched: the text search must not reach another territory either.
    Route("cases:inbox", CASE_VIEW, obj="report", is_list=True, query={"status": "all", "q": "Sutejo"}),
    Route("cases:signal", CASE_DETAIL, obj="report", kwargs=_pk("pk")),
    Route(
        "cases:attachment",
        CASE_DETAIL,
        obj="report",
        kwargs=lambda report: {"pk": report.pk, "attachment_pk": report.attachments.get().pk},
    ),
    Route("cases:list", CASE_VIEW, obj="case", is_list=True),
    Route("cases:detail", CASE_DETAIL, obj="case", kwargs=_pk("pk")),
    Route("persons:case", CASE_DETAIL, obj="case", kwargs=_pk("pk")),
    Route("persons:add", CASE_WORK, obj="case", kwargs=_pk("pk")),
    Route("persons:screening", CASE_WORK, obj="case", kwargs=_pk("pk")),
    Route("persons:edit", CASE_WORK, obj="person", kwargs=_pk("pk")),
    Route("persons:identifiers", CASE_WORK, obj="person", kwargs=_pk("pk")),
    # Both persons share one phone number: the lookup lists only the one in reach.
    Route(
        "persons:phone",
        CASE_VIEW,
        obj="person",
        is_list=True,
        method="post",
        query={"phone": "0812-3456-7890"},
    ),
    Route("exports:index", EXPORT_PAGE),
    Route("exports:signals_csv", CASE_VIEW, obj="report", is_list=True, marker=lambda r: f"\n{r.pk},"),
    Route("exports:signals_xlsx", EXPORT_PAGE),
    Route("exports:cases_csv", CASE_VIEW, obj="case", is_list=True, marker=lambda c: f"\n{c.number},"),
    Route("exports:cases_xlsx", EXPORT_PAGE),
    Route("exports:htcds_json", CASE_VIEW, obj="case", is_list=True, marker=lambda c: f'"id": "{c.number}"'),
    Route("exports:htcds_csv", CASE_VIEW, obj="case", is_list=True, marker=lambda c: f",{c.number},"),
    Route("referrals:case", CASE_DETAIL, obj="case", kwargs=_pk("pk")),
    Route("referrals:inbox", REFERRAL_VIEW, obj="referral", is_list=True),
    Route("referrals:detail", REFERRAL_DETAIL, obj="referral", kwargs=_pk("pk")),
    Route("programme:list", PROGRAMME_VIEW, obj="desa", is_list=True),
    Route("programme:desa", PROGRAMME_DETAIL, obj="desa", kwargs=lambda db: {"code": db.desa_id}),
    # Both villages are called Lontar: the designation search finds the one in reach (listed as
    # already designated, with its link) and never the other office's.
    Route("programme:designate", PROGRAMME_DESIGNATE, obj="desa", is_list=True, query={"q": "Lontar"}),
    Route("programme:desa_edit", PROGRAMME_CHANGE, obj="desa", kwargs=lambda db: {"code": db.desa_id}),
    Route(
        "programme:contact",
        PROGRAMME_CHANGE,
        obj="contact",
        kwargs=lambda c: {"code": c.desa_binaan.desa_id, "pk": c.pk},
    ),
    # A former member's page: the form that takes them back into the network.
    Route(
        "programme:contact",
        PROGRAMME_CHANGE,
        obj="former",
        kwargs=lambda c: {"code": c.desa_binaan.desa_id, "pk": c.pk},
    ),
    Route("programme:activity", PROGRAMME_DETAIL, obj="activity", kwargs=_pk("pk")),
    Route(
        "programme:photo",
        PROGRAMME_DETAIL,
        obj="activity",
        kwargs=lambda activity: {"pk": activity.pk, "photo_pk": activity.photos.get().pk},
    ),
    # The test sheet behind the QR code and the FAQ: public, the same for everyone.
    Route("programme:quiz", _same(OK), anonymous=OK, obj="quiz", kwargs=lambda t: {"code": t.code}),
    Route(  # nothing answered yet in this session: back to the sheet
        "programme:quiz_done",
        _same(REDIRECT),
        anonymous=REDIRECT,
        obj="quiz",
        kwargs=lambda t: {"code": t.code},
    ),
    Route("programme:faq", _same(OK), anonymous=OK),
    # Indicators (issue #6, item 7): case readers only; a unit outside the territory is never listed.
    Route("programme:indicators", CASE_VIEW, obj="desa", is_list=True),
    Route(
        "programme:indicators",
        CASE_VIEW,
        obj="kanim",
        is_list=True,
        query={"tingkat": "kanim"},
        marker=lambda o: f'<th scope="row">{o.short_name or o.name}</th>',
    ),
    Route(
        "programme:indicators_csv",
        CASE_VIEW,
        obj="desa",
        is_list=True,
        marker=lambda db: f"\ndesa,{db.desa_id},",
    ),
    Route(
        "programme:indicators_csv",
        CASE_VIEW,
        obj="kanim",
        is_list=True,
        query={"tingkat": "kanim"},
        marker=lambda o: f"\nkanim,{o.pk},",
    ),
]
#: Routes that are not pages of their own (ninja's bare prefix answers 404 to everyone).
NOT_PAGES = {"api:api-root"}


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or ""), str(pattern.pattern)


def test_every_route_is_in_the_matrix() -> None:
    listed = {route.name for route in ROUTES} | NOT_PAGES
    found = {name for name, _pattern in _walk(get_resolver()) if not name.startswith("admin:")}
    unnamed = [
        pattern for name, pattern in _walk(get_resolver()) if name in ("", *(f"{ns}:" for ns in ("api",)))
    ]
    assert not unnamed, f"routes without a name cannot be checked: {unnamed}"
    assert found - listed == set(), f"add these routes to the access matrix: {sorted(found - listed)}"
    assert listed - found == set(), f"the matrix lists routes that no longer exist: {sorted(listed - found)}"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def world(demo_world) -> World:
    regions_import_text(
        text="35,Jawa Timur\n35.78,Kota Surabaya\n35.78.31,Sambikerep\n35.78.31.1004,Lontar\n",
        code_version="kepmendagri_2025",
    )
    org_out = organisation_upsert(
        name="Kantor Imigrasi Kelas I Khusus TPI Surabaya",
        kind=OrgKind.KANTOR_IMIGRASI,
        seat_code="35.78",
        jurisdiction_codes=["35.78"],
    )
    account_out = user_create(
        username="kader.surabaya", password=None, role=Role.KADER, scope_codes=["35.78.31.1004"]
    )
    users = demo_world
    kanim = Organisation.objects.get(short_name="Kanim Serang")
    polres = Organisation.objects.get(short_name="Polres Serang")
    org_in = {role: kanim for role in ROLES} | {Role.MITRA: polres}
    kader = users["kader.lontar"]
    account_in = {role: kader for role in ROLES} | {Role.MITRA: users["mitra.polres"]}
    audit_in = AuditEvent.objects.get(action="account.create", object_id=str(kader.pk))
    audit_out = AuditEvent.objects.get(action="account.create", object_id=str(account_out.pk))
    assert audit_in.region_id == "36.04.13.2007" and audit_out.region_id == "35.78.31.1004"
    report_in, report_out = (
        report_submit(
            channel=Channel.WEB,
            text=f"Calo {marker} menawarkan kerja di Kamboja, berangkat lusa.",
            identity_tier=IdentityTier.ANONIM,
            consent=True,
            desa_code=code,
            files=[sanitise_upload(name="bukti.png", data=_png())],
        ).report
        for marker, code in (("Sutejo-dalam", "36.04.13.2007"), ("Sutejo-luar", "35.78.31.1004"))
    )
    supervisor_out = user_create(
        username="supervisor.surabaya", password=None, role=Role.SUPERVISOR, organisation=org_out
    )
    case_in, case_out = (
        triage_decide(
            report=report, kind=TriageKind.OPEN_CASE, actor=actor, reason="Perlu ditangani", title=title
        ).case
        for report, actor, title in (
            (report_in, users["pimpasa.tirtayasa"], "Kasus Kamboja dalam"),
            (report_out, supervisor_out, "Kasus Kamboja luar"),
        )
    )
    assert case_in is not None and case_out is not None
    person_in, person_out = (
        person_add(case=case, actor=actor, data=PersonData(role="potential_victim", phone="0812-3456-7890"))
        for case, actor in ((case_in, users["pimpasa.tirtayasa"]), (case_out, supervisor_out))
    )
    polres_out = organisation_upsert(
        name="Polrestabes Surabaya (Satgas TPPO)",
        kind=OrgKind.POLRES,
        seat_code="35.78",
        jurisdiction_codes=["35.78"],
    )
    (referral_in,) = referral_create(
        case=case_in, partners=[polres], asked="Mohon selidiki Sutejo-dalam", actor=users["pimpasa.tirtayasa"]
    )
    (referral_out,) = referral_create(
        case=case_out, partners=[polres_out], asked="Mohon selidiki Sutejo-luar", actor=supervisor_out
    )
    world = World(
        users,
        org_in,
        org_out,
        account_in,
        account_out,
        audit_in,
        audit_out,
        report_in,
        report_out,
        case_in,
        case_out,
        referral_in,
        referral_out,
    )
    world.person_in, world.person_out = person_in, person_out
    world.programme = _programme(users["admin"], org_out)
    return world


def _programme(admin: User, org_out: Organisation) -> dict[str, tuple[Any, Any]]:
    from datetime import date

    from sigap.programme.services import (
        activity_photo_add,
        activity_record,
        contact_add,
        contact_retire,
        desa_binaan_designate,
        question_bank_load,
        test_attach,
    )

    question_bank_load()
    kanim = Organisation.objects.get(short_name="Kanim Serang")
    found: dict[str, list[Any]] = {"desa": [], "activity": [], "quiz": [], "contact": [], "former": []}
    for marker, code, office in (("dalam", "36.04.13.2007", kanim), ("luar", "35.78.31.1004", org_out)):
        db = desa_binaan_designate(
            actor=admin,
            desa_code=code,
            office=office,
            sk_number=f"SK-{marker}-2025",
            sk_date=date(2025, 10, 1),
            designated_on=date(2025, 10, 1),
            criteria=["border_coast"],
        )
        activity = activity_record(
            actor=admin,
            desa_binaan=db,
            kind="sosialisasi",
            title=f"Sosialisasi-{marker}",
            held_on=date(2025, 11, 12),
            place="Sekolah",
            materials=["modus_tppo"],
        )
        activity_photo_add(
            actor=admin, activity=activity, photo=sanitise_upload(name="foto.png", data=_png())
        )
        found["desa"].append(db)
        found["activity"].append(activity)
        found["quiz"].append(test_attach(actor=admin, activity=activity))
        found["contact"].append(
            contact_add(actor=admin, desa_binaan=db, role="sekdes", name=f"Sekdes-{marker}", phone="0812")
        )
        former = contact_add(actor=admin, desa_binaan=db, role="kader", name=f"Kader-{marker}", phone="0813")
        found["former"].append(contact_retire(actor=admin, contact=former, retired_on=date(2025, 12, 1)))
    return {key: (values[0], values[1]) for key, values in found.items()} | {"kanim": (kanim, org_out)}


def _objects(world: World, route: Route, role: str) -> tuple[Any, Any]:
    if route.obj == "org":
        return world.org_in.get(role, world.org_in[Role.ADMIN]), world.org_out
    if route.obj == "account":
        return world.account_in.get(role, world.account_in[Role.ADMIN]), world.account_out
    if route.obj == "audit":
        return world.audit_in, world.audit_out
    if route.obj == "region":
        return world.region_in, world.region_out
    if route.obj == "report":
        return world.report_in, world.report_out
    if route.obj == "case":
        return world.case_in, world.case_out
    if route.obj == "person":
        return world.person_in, world.person_out
    if route.obj == "referral":
        return world.referral_in, world.referral_out
    if route.obj in world.programme:
        return world.programme[route.obj]
    return None, None


def _marker(route: Route, obj: Any) -> str:
    """Text that appears in a response exactly when the object is shown."""
    if route.marker is not None:
        return route.marker(obj)
    if route.obj == "region":
        return f'"code": "{obj}"' if route.api else f"/wilayah/{obj}/"
    if route.obj == "person":
        return f"/kasus/{obj.case_id}/orang/"
    if route.api:
        return f'"id": {obj.pk}'
    if route.obj == "desa":
        return f"/program/desa/{obj.desa_id}/"
    if route.obj == "quiz":
        return f"/tes/{obj.code}/"
    prefix = {
        "org": "/organisasi/",
        "account": "/akun/",
        "audit": "/audit/",
        "report": "/sinyal/",
        "case": "/kasus/",
        "referral": "/rujukan/",
        "activity": "/program/kegiatan/",
    }[route.obj]
    return f"{prefix}{obj.pk}/"


def _secret(route: Route, obj: Any) -> str:
    """Content of the object itself, which a refusal must never carry."""
    return {
        "org": lambda: obj.name,
        "account": lambda: obj.username,
        "audit": lambda: obj.hash,
        "report": lambda: obj.text,
        "case": lambda: obj.title,
        "person": lambda: obj.case.title,
        "referral": lambda: obj.asked,
        "desa": lambda: obj.sk_number,
        "activity": lambda: obj.title,
        "quiz": lambda: obj.activity.title,
        "contact": lambda: f"<title>{obj.desa_binaan.desa.name} · ",  # only the member page has it
        "former": lambda: f"<title>{obj.desa_binaan.desa.name} · ",
        "kanim": lambda: obj.name,
    }[route.obj]()


def _request(client: Client, route: Route, obj: Any) -> Any:
    kwargs = route.kwargs(obj) if route.kwargs and obj is not None else {}
    url = reverse(route.name, kwargs=kwargs)
    if route.method == "post":
        return client.post(url, route.query or {"language": "en", "next": "/"})
    return client.get(url, route.query)


def _check(route: Route, outcome: str, response: Any, obj: Any, label: str) -> None:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    body = raw.decode(errors="replace")  # a PDF is not text
    if outcome == OK:
        assert response.status_code == 200, f"{label}: expected 200, got {response.status_code}"
        title = re.search(r"<title>(.*?)</title>", body, re.S)
        assert title is None or "<" not in title.group(1), f"{label}: markup in the page title"
        if route.is_list and obj is not None:
            assert _marker(route, obj) in body, f"{label}: the object should be listed"
    elif outcome == HIDDEN:
        assert response.status_code == 200, f"{label}: expected 200, got {response.status_code}"
        assert _marker(route, obj) not in body, f"{label}: LEAK, the object is listed"
    elif outcome == DENY:
        assert response.status_code in (403, 404), f"{label}: expected 403/404, got {response.status_code}"
        if obj is not None and route.obj != "region":
            assert _secret(route, obj) not in body, f"{label}: LEAK in the error body"
    elif outcome == LOGIN:
        if route.api:
            assert response.status_code == 401, f"{label}: expected 401, got {response.status_code}"
        else:
            assert response.status_code == 302, f"{label}: expected a redirect, got {response.status_code}"
            assert response["Location"].startswith(reverse("accounts:login")), label
    elif outcome == INVALID:
        assert response.status_code in (400, 422), f"{label}: expected 400/422, got {response.status_code}"
    elif outcome == REDIRECT:
        assert response.status_code == 302, f"{label}: expected 302, got {response.status_code}"
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(outcome)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_route_matrix(route: Route, world: World) -> None:
    for role in [*ROLES, ANON]:
        client = Client()
        if role != ANON:
            client.force_login(world.users[ACCOUNT_OF[role]])
        inside, outside = _objects(world, route, role) if role != ANON else _objects(world, route, Role.ADMIN)
        expected = (route.anonymous, route.anonymous) if role == ANON else route.expect[role]
        for which, obj, outcome in (
            ("in-scope", inside, expected[0]),
            ("out-of-scope", outside, expected[1]),
        ):
            if obj is None and which == "out-of-scope":
                continue
            response = _request(client, route, obj)
            _check(route, outcome, response, obj, f"{route.name} as {role} on {which} object")


def _admin_urls(world: World) -> list[str]:
    """Every admin URL: the index, each app, and each registered model's list, add and change pages."""
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse("admin:app_list", kwargs={"app_label": meta.app_label}))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.first()
        if first is not None:
            for view in ("change", "history", "delete"):
                urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[first.pk]))
    return sorted(set(urls))


def test_admin_is_for_administrators_only(world: World) -> None:
    urls = _admin_urls(world)
    assert len(urls) > 20
    for role in ROLES:
        client = Client()
        client.force_login(world.users[ACCOUNT_OF[role]])
        for url in urls:
            status = client.get(url).status_code
            if role == Role.ADMIN:
                assert status in (200, 403), f"{url} as admin: {status}"  # 403: add/delete refused by design
            else:
                assert status == 403, f"{url} as {role}: expected 403, got {status}"
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert (
            response["Location"].startswith(reverse("accounts:login"))
            or "/admin/login/" in response["Location"]
        )


def test_admin_index_works_for_the_administrator(world: World) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:regions_region_changelist")).status_code == 200


@pytest.mark.parametrize(("name", "key"), [("signals_xlsx", "report"), ("cases_xlsx", "case")])
def test_xlsx_exports_hold_only_the_rows_in_reach(world: World, name: str, key: str) -> None:
    """The XLSX files have no readable marker for the route matrix: read them and check the rows."""
    from sigap.exports.xlsx import read_xlsx

    inside, outside = _objects(world, Route(name, {}, obj=key), Role.ADMIN)

    def ident(obj: Any) -> str:
        return str(obj.pk) if key == "report" else obj.number

    for role in ROLES:
        client = Client()
        client.force_login(world.users[ACCOUNT_OF[role]])
        response = client.get(reverse(f"exports:{name}"))
        if role in (Role.KADER, Role.MITRA):
            assert response.status_code == 403, role
            continue
        assert response.status_code == 200, role
        cells = {row[0] for row in read_xlsx(response.getvalue())[1:]}
        assert ident(inside) in cells, role
        assert (ident(outside) in cells) == (role in (Role.PUSAT, Role.ADMIN)), role


def test_programme_ids_cannot_be_guessed_across_villages(world: World) -> None:
    """An officer who changes their own village's data cannot reach another office's by swapping an
    id or a code into their own pages: not found, nothing changed, nothing of it in the answer."""
    from datetime import date

    from sigap.programme.models import DesaBinaan, NetworkContact

    regions_import_text(text="35.78.31.1005,Bringin\n", code_version="kepmendagri_2025")
    desa_in, desa_out = world.programme["desa"]
    _contact_in, contact_out = world.programme["contact"]
    _former_in, former_out = world.programme["former"]
    for username in ("pimpasa.tirtayasa", "supervisor.serang"):
        client = Client()
        client.force_login(world.users[username])
        # the other village's member under this village's code (GET, change, retire, reveal)
        url = reverse("programme:contact", kwargs={"code": desa_in.desa_id, "pk": contact_out.pk})
        assert client.get(url).status_code == 404
        edit = client.post(url, {"action": "edit", "role": "guru", "name": "Disusupkan"})
        retire = client.post(url, {"action": "retire", "retired_on": "2026-01-01"})
        assert edit.status_code == retire.status_code == 404
        # the other village's former member under this village's code (GET, take back)
        url = reverse("programme:contact", kwargs={"code": desa_in.desa_id, "pk": former_out.pk})
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "reinstate", "rejoined_on": "2026-01-01"}).status_code == 404
        reveal = client.post(
            reverse("programme:desa", kwargs={"code": desa_in.desa_id}),
            {"action": "reveal", "contact": contact_out.pk},
        )
        assert reveal.status_code == 404 and "Sekdes-luar" not in reveal.content.decode()
        # the other village's designation by its code
        changed = client.post(
            reverse("programme:desa_edit", kwargs={"code": desa_out.desa_id}),
            {"sk_number": "DIUBAH", "status": "berakhir", "status_on": "2026-01-01", "status_reason": "x"},
        )
        assert changed.status_code == 404 and desa_out.sk_number not in changed.content.decode()
        # designating a village of another office (not designated yet) by posting its code
        posted = client.post(
            reverse("programme:designate"),
            {
                "desa_code": "35.78.31.1005",
                "office": str(world.org_out.pk),
                "sk_number": "SK-SUSUPAN",
                "sk_date": "2026-01-01",
                "designated_on": "2026-01-01",
                "status": "aktif",
            },
        )
        assert posted.status_code == 400 and "35.78.31.1005" not in posted.content.decode()
    out = NetworkContact.objects.get(pk=contact_out.pk)
    assert out.role == "sekdes" and out.retired_on is None
    assert NetworkContact.objects.get(pk=former_out.pk).retired_on == date(2025, 12, 1)
    assert DesaBinaan.objects.get(pk=desa_out.pk).sk_number == desa_out.sk_number
    assert not DesaBinaan.objects.filter(sk_number="SK-SUSUPAN").exists()
