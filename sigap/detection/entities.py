"""Entities named in a report: phones (E.164), countries (ISO 3166-1), organisations, accounts,
URLs and rupiah amounts."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from sigap.detection.normalise import Normalised
from sigap.detection.prefilter import trie_regex
from sigap.detection.types import Entities

PHONE_HINT_RE = re.compile(r"\d[\d\s().\-]{6}")  # seven digits or separators in a row
ORG_HINT_RE = re.compile(r"\b(?:pt|cv|yayasan|lpk|pjtki|p3mi|ud|koperasi|agensi|agency)\b")
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']{2,200}|\bwa\.me/\+?\d{6,15}\b|\bt\.me/\w{3,64}\b", re.I)
ACCOUNT_RE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
PHONE_CANDIDATE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().\-]{6,18}\d(?!\w)")
ORG_RE = re.compile(
    r"\b(?:PT|CV|Yayasan|LPK|PJTKI|P3MI|UD|Koperasi|Agensi|Agency)\.?\s+"
    r"((?:[A-Z0-9][\w&'.-]{0,30})(?:\s+(?:[A-Z0-9][\w&'.-]{0,30}|dan|&)){0,5})"
)
ORG_PREFIX_RE = re.compile(r"^(PT|CV|Yayasan|LPK|PJTKI|P3MI|UD|Koperasi|Agensi|Agency)\.?$", re.I)
MONEY_RE = re.compile(
    r"(?:rp|idr)\.?\s?(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,]\d+)?\s?(juta|jt|ribu|rb|miliar|m)?\b"
    r"|(\d{1,4}(?:[.,]\d{1,3})?)\s?(juta|jt|ribu|rb|miliar)\b"
)
NUMBER_WORDS = {
    "satu": 1,
    "se": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
}
WORD_MONEY_RE = re.compile(
    r"\b((?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|se)(?:\s?(?:puluh|belas))?"
    r"(?:\s(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan))?)\s?(juta|ratus ribu|ribu)\b",
    re.I,
)
MULTIPLIER = {
    "juta": 1_000_000,
    "jt": 1_000_000,
    "ribu": 1_000,
    "rb": 1_000,
    "miliar": 1_000_000_000,
    "m": 1_000_000,
    "ratus ribu": 100_000,
}

# Countries by Indonesian and English names, common misspellings and well-known cities.
COUNTRY_NAMES: dict[str, str] = {
    "kamboja": "KH",
    "cambodia": "KH",
    "kambodja": "KH",
    "kamboya": "KH",
    "phnom penh": "KH",
    "pnom penh": "KH",
    "sihanoukville": "KH",
    "sihanouk": "KH",
    "poipet": "KH",
    "bavet": "KH",
    "myanmar": "MM",
    "burma": "MM",
    "birma": "MM",
    "myawaddy": "MM",
    "myawadi": "MM",
    "shwe kokko": "MM",
    "yangon": "MM",
    "kk park": "MM",
    "laos": "LA",
    "vientiane": "LA",
    "golden triangle": "LA",
    "thailand": "TH",
    "thailan": "TH",
    "bangkok": "TH",
    "mae sot": "TH",
    "pattaya": "TH",
    "filipina": "PH",
    "philippines": "PH",
    "manila": "PH",
    "pampanga": "PH",
    "vietnam": "VN",
    "malaysia": "MY",
    "malaysi": "MY",
    "kuala lumpur": "MY",
    "johor": "MY",
    "johor bahru": "MY",
    "penang": "MY",
    "sabah": "MY",
    "sarawak": "MY",
    "tawau": "MY",
    "kuching": "MY",
    "selangor": "MY",
    "singapura": "SG",
    "singapore": "SG",
    "brunei": "BN",
    "arab saudi": "SA",
    "saudi arabia": "SA",
    "saudi": "SA",
    "riyadh": "SA",
    "riyad": "SA",
    "jeddah": "SA",
    "jedah": "SA",
    "jiddah": "SA",
    "mekah": "SA",
    "makkah": "SA",
    "mecca": "SA",
    "madinah": "SA",
    "dammam": "SA",
    "uni emirat arab": "AE",
    "uae": "AE",
    "dubai": "AE",
    "abu dhabi": "AE",
    "qatar": "QA",
    "doha": "QA",
    "kuwait": "KW",
    "oman": "OM",
    "bahrain": "BH",
    "yordania": "JO",
    "jordan": "JO",
    "turki": "TR",
    "turkey": "TR",
    "irak": "IQ",
    "iraq": "IQ",
    "suriah": "SY",
    "syria": "SY",
    "mesir": "EG",
    "egypt": "EG",
    "taiwan": "TW",
    "taipei": "TW",
    "kaohsiung": "TW",
    "hongkong": "HK",
    "hong kong": "HK",
    "jepang": "JP",
    "japan": "JP",
    "tokyo": "JP",
    "osaka": "JP",
    "nagoya": "JP",
    "korea selatan": "KR",
    "korsel": "KR",
    "south korea": "KR",
    "korea": "KR",
    "seoul": "KR",
    "busan": "KR",
    "china": "CN",
    "cina": "CN",
    "tiongkok": "CN",
    "tiongkok daratan": "CN",
    "beijing": "CN",
    "shanghai": "CN",
    "guangzhou": "CN",
    "shenzhen": "CN",
    "jerman": "DE",
    "germany": "DE",
    "belanda": "NL",
    "polandia": "PL",
    "poland": "PL",
    "inggris": "GB",
    "australia": "AU",
    "pulau christmas": "AU",
    "new zealand": "NZ",
    "selandia baru": "NZ",
    "amerika": "US",
    "amerika serikat": "US",
    "usa": "US",
    "kanada": "CA",
    "canada": "CA",
    "timor leste": "TL",
    "dili": "TL",
    "papua nugini": "PG",
    "bangladesh": "BD",
    "india": "IN",
    "afghanistan": "AF",
    "sri lanka": "LK",
    "srilanka": "LK",
    "nigeria": "NG",
    "fiji": "FJ",
    "peru": "PE",
    "afrika selatan": "ZA",
    "mauritius": "MU",
    "somalia": "SO",
    "rusia": "RU",
}
# Words that match a country name but usually mean something else in a report.
COUNTRY_AMBIGUOUS = {"jordan", "peru", "oman", "korea"}


@lru_cache(maxsize=1)
def _country_re() -> re.Pattern[str]:
    return re.compile(r"\b(" + trie_regex(frozenset(COUNTRY_NAMES)) + r")\b")


def _phones(text: str, links: list[str]) -> list[str]:
    found: list[str] = []
    for link in links:
        lowered = link.lower()
        if "wa.me/" in lowered:
            digits = re.sub(r"\D", "", lowered.split("wa.me/", 1)[1])
            _add_phone(found, "+" + digits)
    for match in PHONE_CANDIDATE_RE.finditer(text):
        raw = match.group()
        digits = re.sub(r"\D", "", raw)
        if len(digits) < 8 or len(digits) > 15:
            continue
        if raw.startswith("00"):
            raw = "+" + raw[2:]
        elif digits.startswith("62") and not raw.startswith("+"):
            raw = "+" + digits
        _add_phone(found, raw)
    return found


def _add_phone(found: list[str], raw: str) -> None:
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        return
    if not phonenumbers.is_valid_number(number):
        return
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if e164 not in found:
        found.append(e164)


def _money(norm: Normalised) -> list[int]:
    amounts: list[int] = []
    for match in MONEY_RE.finditer(norm.text):
        if match.start() and norm.text[match.start() - 1].isalnum():
            continue  # "grip 5", "12345 juta" in the middle of a token: not an amount
        number, unit = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        unit = (unit or "").lower()
        if unit and unit in MULTIPLIER:
            value = (
                float(number.replace(".", "").replace(",", "."))
                if "," in number and "." not in number
                else None
            )
            if value is None:
                # "1.5 juta" (decimal) vs "1.500.000" (thousands): thousands groups have 3 digits.
                parts = re.split(r"[.,]", number)
                value = (
                    float(number.replace(",", "."))
                    if len(parts) == 2 and len(parts[1]) != 3
                    else float("".join(parts))
                )
            amount = round(value * MULTIPLIER[unit])
        else:
            amount = (
                int(re.sub(r"[.,]", "", number)) if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+|\d+", number) else 0
            )
        if 0 < amount < 10**13 and amount not in amounts:
            amounts.append(amount)
    if "juta" not in norm.text and "ribu" not in norm.text:
        return amounts
    for match in WORD_MONEY_RE.finditer(norm.text):
        value = _number_words(match.group(1))
        if value:
            amount = value * MULTIPLIER[match.group(2).lower()]
            if amount not in amounts:
                amounts.append(amount)
    return amounts


def _number_words(phrase: str) -> int:
    words = (
        phrase.lower().replace("se", "se ", 1).split()
        if phrase.lower().startswith("se")
        else phrase.lower().split()
    )
    total, current = 0, 0
    for word in words:
        if word in ("puluh",):
            current = (current or 1) * 10
        elif word == "belas":
            current = (current or 1) + 10
        elif word in NUMBER_WORDS:
            current += NUMBER_WORDS[word] if word != "se" else 1
        else:
            return 0
    return total + current


def _organisations(text: str) -> list[str]:
    found: list[str] = []
    for match in ORG_RE.finditer(text):
        words = match.group(0).split()
        prefix = words[0].rstrip(".")
        name_words = []
        for word in words[1:]:
            cleaned = word.rstrip(".,;:")
            if ORG_PREFIX_RE.match(cleaned):
                break
            name_words.append(cleaned)
            if cleaned != word:
                break
        if not name_words:
            continue
        name = f"{prefix.upper() if len(prefix) <= 5 else prefix.capitalize()} {' '.join(name_words)}"
        if name not in found:
            found.append(name)
    return found


def extract(norm: Normalised) -> Entities:
    text = norm.original
    countries: list[str] = []
    for match in _country_re().finditer(norm.text):
        name = match.group(1)
        if name in COUNTRY_AMBIGUOUS and not re.search(
            r"\b(?:ke|di|dari|negara|asal)\s+$", norm.text[: match.start()]
        ):
            continue
        code = COUNTRY_NAMES[name]
        if code not in countries:
            countries.append(code)
    lowered = norm.text
    urls: list[str] = []
    # Each extractor runs only when its cheap sign is in the text (most reports have few entities).
    has_link = "http" in lowered or "www." in lowered or ".me/" in lowered
    links = [m.group() for m in URL_RE.finditer(text)] if has_link else []
    for link in links:
        url = link.rstrip(".,;:)!?")
        if url.lower().startswith("www.") or not url.lower().startswith("http"):
            url = "https://" + url
        if url not in urls:
            urls.append(url)
    accounts = []
    for match in ACCOUNT_RE.finditer(text) if "@" in text else ():
        account = match.group().lower()
        if account not in accounts:
            accounts.append(account)
    return Entities(
        phones=_phones(text, links) if PHONE_HINT_RE.search(text) else [],
        countries=countries,
        organisations=_organisations(text) if ORG_HINT_RE.search(lowered) else [],
        accounts=accounts,
        urls=urls,
        money_idr=_money(norm),
    )
