"""Place and organisation annotator: gazetteer look-up with Vietnamese cues.

Places and organisations are found by their written forms in
``knowledge/places.csv`` and ``knowledge/organizations.csv`` (Vietnamese names,
transliterations and Latin spellings). A place named after a place cue
("thành phố", "TP", "thủ đô", "bang", "tỉnh", "khách sạn", "cung điện", or "tại"/"ở"
before a Latin-script name) is kept even when the tables do not list it, with
``attrs["known"] = False`` and no coordinates.

An institution that is also a building ("Nhà Trắng", "Điện Kremlin", "Lầu Năm
Góc") gives two spans over the same characters: an ``organization`` and a
``place`` of kind ``site``. A place word inside another organisation's name
("Nga" in "Bộ Ngoại giao Nga") is not a place mention of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .knowledge import load_table
from .model import Sentence, Span, fold

__all__ = ["find_places", "place_info", "organization_info", "place_chain"]

# Single-syllable names that are also common Vietnamese words or given names.
_AMBIGUOUS = frozenset({"Anh", "Đức", "Ý", "Áo", "Bỉ", "Nga", "Séc", "Úc", "Pháp", "Nam Phi"})
# What may not follow an ambiguous name: pronoun uses, religious honorifics, common compounds.
_BAD_AFTER = {
    "Anh": re.compile(r"\s+(?:ấy|ta|em|chị|cả|hai|ba|Hai|Ba)\b"),
    "Đức": re.compile(r"\s+(?:Giáo\s+[Hh]oàng|Thánh|Cha|Tổng|Phanxicô|Chúa|Mẹ|Đạt|Phật|Hồng\s+y)"),
    "Ý": re.compile(r"\s+(?:kiến|tưởng|nghĩa|định|thức|chí|muốn|đồ|niệm)\b"),
    "Áo": re.compile(r"\s+(?:khoác|dài|giáp|quần|sơ\s+mi)\b"),
}
# Outlets named after places: "Washington Post", "Kyiv Independent", "New York Times".
_OUTLET_AFTER = re.compile(r"\s+(?:Post|Times|Journal|Independent|Examiner|Herald|Tribune)\b")
# Cues before a place name, with the kind of place they introduce.
_CUES = (
    (r"thành phố|TP\.?|Tp\.?|thủ đô|thị trấn|làng|thủ phủ", "city"),
    (r"bang|tỉnh|vùng|khu vực|bán đảo", "region"),
    (r"khách sạn|cung điện|Cung điện|dinh thự|khu nghỉ dưỡng|căn cứ|Căn cứ|sân bay|trại", "site"),
    (r"tại|ở|Tại", "city"),
)
_VI_ONLY = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                      re.IGNORECASE)
_CAP_WORD = r"[A-ZĐÀ-Ỹ][\w'’.\-]*"
_LATIN_WORD = r"[A-Z][A-Za-z'’\-]*"


@dataclass(frozen=True)
class _Entry:
    name: str
    kind: str
    country: str
    parent: str
    lat: float | None
    lon: float | None
    wikidata: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Org:
    name: str
    kind: str
    country: str
    site: str
    wikidata: str
    names: tuple[str, ...]


def _float(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("|") if part.strip()]


@cache
def _places() -> dict[str, _Entry]:
    out: dict[str, _Entry] = {}
    for row in load_table("places"):
        name = row["name"].strip()
        names = [name]
        for form in _split(row.get("vi_names")) + _split(row.get("aliases")):
            if form not in names:
                names.append(form)
        out[name] = _Entry(name, row["kind"].strip(), (row.get("country") or "").strip(),
                           (row.get("parent") or "").strip(), _float(row.get("lat")),
                           _float(row.get("lon")), (row.get("wikidata") or "").strip(), tuple(names))
    return out


@cache
def _organizations() -> dict[str, _Org]:
    out: dict[str, _Org] = {}
    for row in load_table("organizations"):
        name = row["name"].strip()
        names = [name] + [f for f in _split(row.get("vi_names")) if f != name]
        out[name] = _Org(name, row["kind"].strip(), (row.get("country") or "").strip(),
                         (row.get("site") or "").strip(), (row.get("wikidata") or "").strip(), tuple(names))
    return out


def _form_pattern(form: str) -> str:
    escaped = re.escape(form)
    # Multi-word forms match whatever their capitalisation ("Các tiểu Vương quốc Arab thống nhất").
    return f"(?i:{escaped})" if " " in form else escaped


def _compile(forms: dict[str, str]) -> re.Pattern:
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(_form_pattern(f) for f in ordered) + r")(?![\w])")


@cache
def _place_index() -> tuple[re.Pattern, dict[str, str]]:
    forms: dict[str, str] = {}
    for entry in _places().values():
        for form in entry.names:
            forms.setdefault(form, entry.name)
    return _compile(forms), {fold(f): n for f, n in forms.items()}


@cache
def _org_index() -> tuple[re.Pattern, dict[str, str]]:
    forms: dict[str, str] = {}
    for org in _organizations().values():
        for form in org.names:
            forms.setdefault(form, org.name)
    return _compile(forms), {fold(f): n for f, n in forms.items()}


@cache
def _cue_pattern() -> re.Pattern:
    cues = "|".join(f"(?P<c{i}>{alts})" for i, (alts, _) in enumerate(_CUES))
    return re.compile(r"(?<![\w])(?:" + cues + r")\s+(?P<name>" + _CAP_WORD + r"(?:[ \-]" + _CAP_WORD + r"){0,3})")


def place_info(name: str) -> dict | None:
    """Knowledge about a place by canonical name or any written form.

    >>> place_info("Mát-xcơ-va")["name"]
    'Moscow'
    """
    entry = _places().get(name)
    if entry is None:
        canonical = _place_index()[1].get(fold(name))
        entry = _places().get(canonical) if canonical else None
    if entry is None:
        return None
    return {"name": entry.name, "kind": entry.kind, "country": entry.country, "parent": entry.parent,
            "lat": entry.lat, "lon": entry.lon, "wikidata": entry.wikidata, "names": list(entry.names)}


def organization_info(name: str) -> dict | None:
    """Knowledge about an organisation by canonical name or any written form.

    >>> organization_info("Liên Hợp Quốc")["name"]
    'United Nations'
    """
    org = _organizations().get(name)
    if org is None:
        canonical = _org_index()[1].get(fold(name))
        org = _organizations().get(canonical) if canonical else None
    if org is None:
        return None
    return {"name": org.name, "kind": org.kind, "country": org.country, "site": org.site,
            "wikidata": org.wikidata, "names": list(org.names)}


def place_chain(name: str) -> list[str]:
    """The place and every wider place it sits in, most specific first.

    >>> place_chain("Elmendorf-Richardson")
    ['Elmendorf-Richardson', 'Anchorage', 'Alaska', 'United States']
    """
    chain: list[str] = []
    current = place_info(name)
    while current is not None and current["name"] not in chain:
        chain.append(current["name"])
        parent = current["parent"]
        current = place_info(parent) if parent else None
        if current is None and parent and parent not in chain:
            chain.append(parent)
    return chain or [name]


def _place_attrs(entry: _Entry, known: bool = True) -> dict:
    return {"kind": entry.kind, "country": entry.country, "lat": entry.lat, "lon": entry.lon,
            "wikidata": entry.wikidata, "names": list(entry.names), "parent": entry.parent,
            "known": known}


def _previous_word(text: str, start: int, floor: int) -> re.Match | None:
    match = None
    for match in re.finditer(r"[\w'’\-]+", text[max(floor, start - 40):start]):
        pass
    return match


def _ambiguous_rejected(text: str, form: str, start: int, end: int, floor: int) -> bool:
    """An ambiguous short name used as a word or inside a person's name."""
    after = _BAD_AFTER.get(form)
    if after and after.match(text, end):
        return True
    prev = _previous_word(text, start, floor)
    if prev is None or start - 1 < floor or text[start - 1] != " " or \
            max(floor, start - 40) + prev.end() != start - 1:
        return False
    word = prev.group()
    sentence_initial = not text[floor:max(floor, start - 40) + prev.start()].strip()
    # "Tuấn Anh", "Hằng Nga": a capitalised Vietnamese word right before, not at sentence start.
    return word[:1].isupper() and bool(_VI_ONLY.search(word)) and not sentence_initial \
        and word not in ("Mỹ", "Nga", "Ukraine", "Anh", "Pháp", "Đức")


def find_places(text: str, sentences: list[Sentence]) -> list[Span]:
    """Places and organisations named in the countable sentences of ``text``.

    Parameters
    ----------
    text : str
        The article text as read.
    sentences : list of Sentence
        Its sentences; only ``countable`` ones (title, body, caption) are read.

    Returns
    -------
    list of Span
        ``place`` spans (value = canonical English name; attrs ``kind``,
        ``country``, ``lat``, ``lon``, ``wikidata``, ``names``, ``parent``,
        ``known``) and ``organization`` spans (attrs ``kind``, ``country``,
        ``wikidata``, ``site``), in text order.

    >>> from workbench.model import Sentence
    >>> t = "Hai bên gặp nhau tại Mát-xcơ-va, sau đó Nhà Trắng ra tuyên bố."
    >>> [(s.kind, s.value) for s in find_places(t, [Sentence(0, len(t), "body")])]
    [('place', 'Moscow'), ('organization', 'White House'), ('place', 'White House')]
    """
    place_re, place_forms = _place_index()
    org_re, org_forms = _org_index()
    places, orgs = _places(), _organizations()
    out: list[Span] = []
    for sentence in sentences:
        if not sentence.countable:
            continue
        s, e = sentence.start, sentence.end
        org_spans: list[Span] = []
        for match in org_re.finditer(text, s, e):
            org = orgs[org_forms[fold(match.group())]]
            if _OUTLET_AFTER.match(text, match.end()):
                continue
            org_spans.append(Span(match.start(), match.end(), match.group(), "organization", org.name,
                                  {"kind": org.kind, "country": org.country, "wikidata": org.wikidata,
                                   "site": org.site}))
        place_spans: list[Span] = []
        for match in place_re.finditer(text, s, e):
            form = match.group()
            entry = places[place_forms[fold(form)]]
            if _OUTLET_AFTER.match(text, match.end()):
                continue
            if form in _AMBIGUOUS and _ambiguous_rejected(text, form, match.start(), match.end(), s):
                continue
            inside = [o for o in org_spans if o.start <= match.start() and match.end() <= o.end]
            if any(not (o.attrs["site"] and (o.start, o.end) == (match.start(), match.end()))
                   for o in inside):
                continue
            place_spans.append(Span(match.start(), match.end(), form, "place", entry.name,
                                    _place_attrs(entry)))
        taken = [(p.start, p.end) for p in place_spans + org_spans]
        for match in _cue_pattern().finditer(text, s, e):
            start, end = match.start("name"), match.end("name")
            if any(a < end and start < b for a, b in taken):
                continue
            name = match.group("name").rstrip(".-")
            end = start + len(name)
            cue_index = next(i for i in range(len(_CUES)) if match.group(f"c{i}"))
            if cue_index == len(_CUES) - 1:  # "tại"/"ở": only an unmistakably Latin-script name
                latin = re.match(_LATIN_WORD + r"(?: " + _LATIN_WORD + r"){0,2}", name)
                if not latin or _VI_ONLY.search(latin.group()):
                    continue
                name = latin.group()
                end = start + len(name)
            if len(name) < 3:
                continue
            kind = _CUES[cue_index][1]
            entry = _Entry(name, kind, "", "", None, None, "", (name,))
            place_spans.append(Span(start, end, text[start:end], "place", name, _place_attrs(entry, False)))
            taken.append((start, end))
        out.extend(place_spans + org_spans)
    out.sort(key=lambda span: (span.start, span.end, span.kind))
    return out
