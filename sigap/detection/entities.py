"""Entities named in a report: phones (E.164), countries (ISO 3166-1), organisations, accounts,
URLs and rupiah amounts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

import phonenumbers

from sigap.detection.normalise import Normalised
from sigap.detection.prefilter import WordIndex
from sigap.detection.types import Entities

PHONE_HINT_RE = re.compile(r"\d[\d\s().\-]{6}")  # seven digits or separators in a row
# The words before an organisation's name, as whole words of the normalised text.
ORG_HINT = WordIndex(
    frozenset({"pt", "cv", "yayasan", "lpk", "pjtki", "p3mi", "ud", "koperasi", "agensi", "agency"})
)
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']{2,200}|\bwa\.me/\+?\d{6,15}\b|\bt\.me/\w{3,64}\b", re.I)
ACCOUNT_RE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
PHONE_CANDIDATE_RE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().\-]{6,40}\d(?!\w)")
AMOUNT_BEFORE_RE = re.compile(r"(?:(?:rp|idr)\.?|(?:rek|rekening|norek|no\.? rek)\.?(?:\s+[a-z]{2,10})?)\s*$")
THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")
DATE_RE = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_ORG_PREFIXES = r"PT|CV|Yayasan|LPK|PJTKI|P3MI|UD|Koperasi|Agensi|Agency"
ORG_RE = re.compile(
    rf"\b(?:{_ORG_PREFIXES})\.?\s+"
    rf"((?:[A-Z0-9][\w&'.-]{{0,30}})(?:\s+(?!(?:{_ORG_PREFIXES})\b)(?:[A-Z0-9][\w&'.-]{{0,30}}|dan|&)){{0,5}})"
)
# ORG_RE cannot match without one of its prefixes, written as such (capitals are rare: re skips
# ahead to them at C speed).
ORG_PREFIX_PRESENT_RE = re.compile(_ORG_PREFIXES)
ORG_PREFIX_RE = re.compile(r"^(PT|CV|Yayasan|LPK|PJTKI|P3MI|UD|Koperasi|Agensi|Agency)\.?$", re.I)
# "Rp 18.000.000", "Rp15 jt", "Rp 2,5 jt", "18jt", "1,5 juta", "2 juta 500 ribu", "Rp 3 M".
NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d{1,2})?"
UNIT = r"juta|jt|ribu|rb|miliar|milyar|m"
# Starts with a digit, so re can skip quickly to candidates; "rp"/"idr" before it is read separately.
MONEY_RE = re.compile(
    rf"(?<![0-9.,])(?P<num>{NUMBER})\s?(?P<unit>{UNIT})?\b(?:\s(?P<num2>\d{{1,3}})\s?(?P<unit2>ribu|rb)\b)?"
)
RP_BEFORE_RE = re.compile(r"(?:^|[^a-z])(?:rp|idr)\.?\s?$")
# MONEY_RE's look-behind keeps re from skipping ahead to a digit, so finditer tries every position.
# In ASCII text an amount can only start at a digit that is not inside a run of [0-9.,]: the first
# digit of each match of DIGITS_RE that no "." or "," precedes. A pattern that begins with a
# character class is scanned for at C speed.
DIGITS_RE = re.compile(r"[0-9][0-9.,]*")
# Every amount _money counts names one of these: a number counts after "rp"/"idr" or with a unit
# other than "m" (which counts only after "rp"), and a worded amount ends in juta, ribu or miliar. A
# text without any of them has no amount, and most reports have none.
MONEY_HINT_RE = re.compile(r"rp|idr|jt|rb|juta|ribu|mil[iy]ar")
NUMBER_WORDS = {
    "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100, "setengah": 0.5,
}  # fmt: skip
WORD_MONEY_RE = re.compile(
    r"\b((?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|se)"
    r"(?:\s?(?:puluh|belas|ratus))?(?:\s(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan))?"
    r"(?:\s(?:setengah))?)\s(juta|ribu|miliar)\b"
)
MULTIPLIER = {
    "juta": 1_000_000, "jt": 1_000_000, "ribu": 1_000, "rb": 1_000, "miliar": 1_000_000_000,
    "milyar": 1_000_000_000, "m": 1_000_000_000,
}  # fmt: skip


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
    "arab": "SA",
    "afrika selatan": "ZA",
    "mauritius": "MU",
    "somalia": "SO",
    "rusia": "RU",
}
# Words that match a country name but usually mean something else in a report.
COUNTRY_AMBIGUOUS = {"jordan", "peru", "oman", "korea", "arab"}


COUNTRY_INDEX = WordIndex(frozenset(COUNTRY_NAMES))
# Before an ambiguous name, these words make it a place: "ke Korea", "di Jordan".
PLACE_BEFORE_RE = re.compile(r"\b(?:ke|di|dari|negara|asal)\s+$")
PLACE_WORD_MAX = len("negara")


def _named_as_place(text: str, start: int) -> bool:
    """``PLACE_BEFORE_RE.search(text[:start])``, searched only where it can match: the word just
    before the whitespace that ends at ``start`` (over the whole prefix, a 20,000-character text
    repeating "korea" took a third of a second)."""
    space = start
    while space and text[space - 1].isspace():  # str.isspace is re's \s
        space -= 1
    return PLACE_BEFORE_RE.search(text, max(0, space - PLACE_WORD_MAX), start) is not None


def _phones(text: str, links: list[str]) -> list[str]:
    """Phone numbers in E.164, deduplicated, in order of appearance (wa.me links included)."""
    found: list[tuple[int, str]] = []
    for link in links:
        lowered = link.lower()
        if "wa.me/" in lowered:
            digits = re.sub(r"\D", "", lowered.split("wa.me/", 1)[1])
            found.extend((text.find(link), e) for e in _e164("+" + digits))
    for match in PHONE_CANDIDATE_RE.finditer(text):
        raw = match.group()
        before = text[max(0, match.start() - 20) : match.start()].lower()
        if AMOUNT_BEFORE_RE.search(before) or THOUSANDS_RE.fullmatch(raw.strip()) or DATE_RE.match(raw):
            continue  # "Rp 21.500.000", "rek 2171234567", "21-05-2024 08:00" are not phones
        for piece in _split_run(raw):
            found.extend((match.start(), e) for e in _e164(piece))
    ordered: list[str] = []
    for _position, number in sorted(found, key=lambda item: item[0]):
        if number not in ordered:
            ordered.append(number)
    return ordered


def _split_run(raw: str) -> list[str]:
    """Two numbers written one after the other ("0812 3456 7890 0813 9876 5432") come apart."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) <= 15:
        return [raw]
    return [p for p in re.split(r"(?=\b(?:\+62|62|08)\d)", raw) if re.sub(r"\D", "", p)]


def _e164(raw: str) -> list[str]:
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 8 or len(digits) > 15:
        return []
    if raw.lstrip().startswith("00"):
        raw = "+" + raw.lstrip()[2:]
    elif digits.startswith("62") and not raw.lstrip().startswith("+"):
        raw = "+" + digits
    out: list[str] = []
    _add_phone(out, raw)
    return out


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


def _parse_number(text: str) -> float:
    """ "18.000.000" and "18,000,000" are thousands; "2,5" and "2.5" are decimals."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


def _money_matches(text: str) -> Iterator[re.Match[str]]:
    """What ``MONEY_RE.finditer(text)`` yields, trying only where a run of digits starts."""
    if not text.isascii():
        yield from MONEY_RE.finditer(text)  # \d also matches the digits of other scripts
        return
    resume = 0
    for run in DIGITS_RE.finditer(text):
        start = run.start()
        if start < resume or (start and text[start - 1] in ".,"):
            continue
        match = MONEY_RE.match(text, start)
        if match is not None:
            yield match
            resume = match.end()


def _money(norm: Normalised) -> list[int]:
    """Rupiah amounts in order of appearance. A bare number counts only with "rp"/"idr" or a unit."""
    return _amounts(norm.text) if MONEY_HINT_RE.search(norm.text) else []


def _amounts(text: str) -> list[int]:
    """``_money`` of a text, read in full."""
    found: list[tuple[int, int]] = []
    for match in _money_matches(text):
        unit = match.group("unit")
        inside = match.start() and text[match.start() - 1].isalpha()  # "grip5", "abc12 juta"
        # Inside a token, without a unit or with "m" (metres), a number is money only as rupiah.
        if (inside or not unit or unit == "m") and not RP_BEFORE_RE.search(
            text, max(0, match.start() - 5), match.start()
        ):
            continue
        value = _parse_number(match.group("num")) * (MULTIPLIER[unit] if unit else 1)
        if match.group("num2") and unit in ("juta", "jt"):
            value += int(match.group("num2")) * 1_000  # "2 juta 500 ribu"
        found.append((match.start(), round(value)))
    if "juta" in text or "ribu" in text or "miliar" in text:
        for match in WORD_MONEY_RE.finditer(text):
            value = _number_words(match.group(1))
            if value:
                found.append((match.start(), round(value * MULTIPLIER[match.group(2)])))
    amounts: list[int] = []
    for _position, amount in sorted(found):
        if 0 < amount < 10**13 and amount not in amounts:
            amounts.append(amount)
    return amounts


def _number_words(phrase: str) -> float:
    """ "dua puluh" → 20, "tiga ratus" → 300, "satu setengah" → 1.5, "seratus" → 100."""
    words = phrase.lower().split()
    if words and words[0].startswith("se") and words[0] not in NUMBER_WORDS:
        return 0
    current: float = 0
    for word in words:
        if word == "puluh":
            current = (current or 1) * 10
        elif word == "belas":
            current = (current or 1) + 10
        elif word == "ratus":
            current = (current or 1) * 100
        elif word in NUMBER_WORDS:
            current += NUMBER_WORDS[word]
        else:
            return 0
    return current


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
        while name_words and name_words[-1].lower() in ("dan", "&"):
            name_words.pop()
        if not name_words:
            continue
        name = f"{prefix.upper() if len(prefix) <= 5 else prefix.capitalize()} {' '.join(name_words)}"
        if name not in found:
            found.append(name)
    return found


def extract(norm: Normalised, occurrences: Mapping[str, list[int]] | None = None) -> Entities:
    """``occurrences``: ``PrefixIndex.occurrences(norm.text)`` of an index holding the country
    names, when the caller has scanned the text already."""
    text = norm.original
    countries: list[str] = []
    named = (
        COUNTRY_INDEX.find(norm.text)
        if occurrences is None
        else COUNTRY_INDEX.find_in(norm.text, occurrences)
    )
    for start, name in named:
        if norm.text[max(0, start - 8) : start].endswith("bahasa "):
            continue  # "bisa bahasa Inggris" names a language, not a destination
        if name in COUNTRY_AMBIGUOUS and not _named_as_place(norm.text, start):
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
        organisations=(
            _organisations(text) if ORG_PREFIX_PRESENT_RE.search(text) and ORG_HINT.find(lowered) else []
        ),
        accounts=accounts,
        urls=urls,
        money_idr=_money(norm),
    )
