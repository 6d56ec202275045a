"""Negotiation events: trigger words, status, venue, date and participants, merged within an article.

Each trigger word of ``knowledge/event_cues.csv`` in a countable sentence is a
*mention*. Status cues, dates, places and persons of the sentence are given to
the nearest trigger; a trigger after "sau", "trong", "kể từ" … takes nothing
written before that preposition. Non-negotiation meeting words ("họp báo",
"họp nội các") are triggers of their own that take the words around them.

- **status**: cancelled / postponed cues win; then a "sau cuộc", "trong cuộc"
  prefix (held); then the nearest planned or held cue; a mention with no cue
  is a weak "held". Mentions marked hypothetical ("nếu", "tiềm năng") or
  general ("bất kỳ", "sẵn sàng") are dropped.
- **venue**: a place after a venue cue ("tại", "ở", "đến", "thăm", "TP" …),
  first after the trigger, else nearest before it; "tại đây" takes the last
  venue; a site inside a city named right after it gives the city; a
  place after a conflict noun ("chiến sự ở Ukraine") is no venue; calls have none.
- **participants**: persons in the mention (speakers of a reporting verb who
  do not go on as the subject, and absentees, left out), "người đồng cấp Nga"
  resolved to the article's Russian counterpart, then English country or
  organisation names for sides with no named person.

Mentions with a date are merged first, then the others join the nearest
compatible event (participants share a side or surname, venues nested, dates
compatible, types compatible, same round and format); see
:func:`compatible`. An event must be specific: a date, a venue or a named person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .knowledge import load_table
from .model import Event, Sentence, Span, fold, surname_key
from .places import organization_info, place_chain, place_info

__all__ = ["find_events", "venues", "compatible", "event_key"]

#: Status order when mentions of one event disagree: the first wins.
STATUS_RANK = (("cancelled", "strong"), ("postponed", "strong"), ("held", "strong"),
               ("cancelled", "weak"), ("planned", "strong"), ("postponed", "weak"),
               ("planned", "weak"), ("held", "weak"))
#: Type order when mentions disagree: specific types win over meeting and talks.
TYPE_RANK = ("call", "signing", "visit", "summit", "conference")
_LEADER = re.compile(r"^(?:Tổng thống|Thủ tướng|Chủ tịch(?! Ủy ban| Hạ viện| Thượng viện| Quốc hội)|"
                     r"Quốc vương|Thái tử|Giáo hoàng|Nữ hoàng|Vua|Đức Giáo hoàng)", re.IGNORECASE)
_SIDE_CODES = {"US": "United States", "UK": "United Kingdom", "UAE": "United Arab Emirates",
               "EU": "European Union", "UN": "United Nations", "Vatican": "Vatican City"}
_COUNTERPART = re.compile(r"(?:người đồng cấp|nhà lãnh đạo|lãnh đạo)(?: người)? ")
_HERE = re.compile(r"\b(?:tại|ở) (?:đây|đó)\b")
_ORDINAL = re.compile(r"^\W*(?:\w+\W+){0,4}?(?:thứ (?P<n>hai|ba|tư|năm|sáu|bảy|\d+)|(?P<first>đầu tiên))\b")
_ORDINALS = {"hai": 2, "ba": 3, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7}
_NEXT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:mới(?! nhất)|tiếp theo|kế tiếp)\b")
_NEXT_BEFORE = re.compile(r"\bthêm (?:một |các |những |\d+ )?$")
_PRIVATE = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:riêng|kín|tay đôi|song phương)\b")
_PLURAL = re.compile(r"(?:các|những) (?:\w+ )?$")
_MULTILATERAL = re.compile(r"\b\d+ (?:nước|quốc gia)\b|\bcác nước\b|\bcác quốc gia\b|\bđa phương\b")
_RAW_DATE = re.compile(r"\b\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{4})?\b|\bhôm nay\b|\bsáng nay\b|\bhôm qua\b|"
                       r"\bđêm qua\b|\bngày mai\b|\btháng \d{1,2}\b")
_SUBORDINATE = re.compile(r"\b(?:kể từ khi|từ khi|trước khi|sau khi|kể từ năm)\b")
#: Between a person and a later one: an apposition whose head belongs to the later one.
_APPOSED_OWNER = re.compile(r"\s*,\s*[^,.;:!?\n]{1,40}?\scủa\s+[^,.;:!?\n]{0,30}")
#: Between a trigger and a distant venue: a clause boundary that gives the venue to something else.
_FAR_VENUE_BREAK = re.compile(r"[;:()\"“”]|(?<!\w)(?:sau khi|trước khi|khi|trong khi|nhưng|song|còn|rồi"
                              r"|và sau đó|để|về|nhằm)(?!\w)", re.IGNORECASE)
#: Right before a person: "theo (lời) …", the source of what the sentence reports ("tiếp theo" is "next").
_SOURCE_BEFORE = re.compile(r"(?<!tiếp )(?<!\w)theo\s+(?:lời\s+)?(?:(?!giữa\b|với\b|và\b|gặp\b)\S+\s+){0,4}$",
                            re.IGNORECASE)
_SPEAKER_SUBJECT = re.compile(r"^\W*(?:rằng\s+)?(?:ông ấy|bà ấy|ông|bà|mình)\b(?!\s+[A-ZĐÀ-Ỹ])")
_VENUE_PREFIX = re.compile(
    r"(?:\b(?:tại|ở|đến|tới|sang|thăm|thuộc|là|gồm)\s+(?:(?:thành phố|TP\.?|thủ đô|thị trấn|bang|tỉnh|đất|"
    r"khách sạn|cung điện|khu nghỉ dưỡng|dinh thự|căn cứ)\s+(?:nghỉ dưỡng\s+|cảng\s+)?)?"
    r"|\b(?:thành phố|TP\.?|thủ đô)\s+(?:nghỉ dưỡng\s+|cảng\s+)?)$", re.IGNORECASE)


@dataclass(frozen=True)
class _Cues:
    triggers: re.Pattern
    others: re.Pattern
    rows: dict[tuple[str, str], dict]


@cache
def _cues() -> _Cues:
    rows = [dict(r) for r in load_table("event_cues")]
    by_key = {(fold(r["cue"]), r["category"]): r for r in rows}

    def pattern(categories: set[str]) -> re.Pattern:
        forms = sorted({r["cue"] for r in rows if r["category"] in categories}, key=len, reverse=True)
        return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])",
                          re.IGNORECASE)

    return _Cues(pattern({"trigger", "barrier", "compound"}),
                 pattern({"status", "held", "general", "hypothetical", "internal", "reporting", "absent",
                          "compound"}),
                 by_key)


@dataclass
class _Cue:
    start: int
    end: int
    text: str
    category: str
    row: dict
    barrier: int = -1  # items ending before this offset cannot belong to the trigger


def _scan(text: str, sentence: Sentence, triggers: bool) -> list[_Cue]:
    kb = _cues()
    pattern = kb.triggers if triggers else kb.others
    order = (("trigger", "barrier", "compound") if triggers else
             ("status", "held", "general", "hypothetical", "internal", "reporting", "absent", "compound"))
    out = []
    for match in pattern.finditer(text, sentence.start, sentence.end):
        key = fold(match.group())
        row = next((kb.rows[(key, c)] for c in order if (key, c) in kb.rows), None)
        if row is None or row["category"] == "compound":
            continue
        out.append(_Cue(match.start(), match.end(), match.group(), row["category"], row))
    return out


@dataclass
class _Mention:
    trigger: _Cue
    sentence: Sentence
    index: int
    type: str
    cameo: str
    status: tuple[str, str] = ("held", "weak")
    drop: bool = False
    venue: Span | None = None
    venue_names: list[str] = field(default_factory=list)
    date: Span | None = None
    date_text: str = ""
    persons: list[Span] = field(default_factory=list)
    person_sides: list[str] = field(default_factory=list)
    sides: list[str] = field(default_factory=list)
    side_names: list[str] = field(default_factory=list)
    speakers: list[Span] = field(default_factory=list)
    round: str = ""
    private: bool = False
    plural: bool = False
    bare: bool = False
    here: bool = False
    prefixed: bool = False


def _side_name(code: str) -> str:
    """English name of a person's side code ("US" → "United States")."""
    code = (code or "").strip()
    return _SIDE_CODES.get(code, code)


def _owner(start: int, end: int, triggers: list[_Cue]) -> int | None:
    """Index of the trigger an item belongs to: the nearest one it may belong to."""
    best, best_distance = None, None
    for index, trigger in enumerate(triggers):
        if end <= trigger.barrier:
            continue
        if end <= trigger.start:
            distance = trigger.start - end
        elif trigger.end <= start:
            distance = start - trigger.end + 0.5  # ties go to the following trigger
        else:
            distance = 0
        if best_distance is None or distance < best_distance:
            best, best_distance = index, distance
    return best


def _is_venue_candidate(text: str, place: Span, floor: int) -> bool:
    if place.kind != "place":
        return False
    if place.attrs.get("kind") == "region" and not place.attrs.get("country"):
        return False  # continents and seas
    before = text[max(floor, place.start - 40):place.start]
    if not _VENUE_PREFIX.search(before):
        return False
    if re.search(r"\b(?:là|gồm)\s+$", before) and not re.search(r"địa điểm", text[floor:place.start],
                                                                   re.IGNORECASE):
        return False
    head = fold(before)
    return not any(re.search(r"\b" + re.escape(c) + r"\s+(?:\w+\s+){0,3}(?:tai|o)\s*$", head)
                   for c in _conflict_nouns())


@cache
def _conflict_nouns() -> tuple[str, ...]:
    return tuple(fold(r["cue"]) for r in load_table("event_cues") if r["category"] == "conflict")


def _refine_venue(text: str, venue: Span, places: list[Span]) -> tuple[Span, list[str]]:
    """A site followed by its city gives the city; collect the wider names written after it."""
    names = [venue.text]
    chosen = venue
    cursor = venue.end
    for place in places:
        if place.start < cursor or place.kind != "place":
            continue
        if place.start - cursor > 40:
            break
        gap = text[cursor:place.start]
        if not re.fullmatch(r"[\s,()\-–]*(?:(?:ở|tại|thuộc|của)\s+(?:(?:thành phố|TP\.?|thủ đô|bang)\s+"
                            r"(?:nghỉ dưỡng\s+)?)?)?", gap):
            break
        if place.value not in place_chain(chosen.value)[1:]:
            break
        if chosen.attrs.get("kind") == "site" and place.attrs.get("kind") == "city":
            chosen = place
        names.append(place.text)
        cursor = place.end
    return chosen, names


def _leader(person: Span) -> bool:
    return bool(_LEADER.match(person.attrs.get("role") or ""))


_PREFIX = re.compile(r"(?:\b(?:sau|trong|tại|kể từ|từ sau|khác với|ngoài|trước)\s+(?:(?:một|các|những|hai)\s+)?"
                     r"(?:cuộc\s+|chuyến\s+|vòng\s+)?|\bsau khi\s+)$", re.IGNORECASE)
_PARTY_MARKER = re.compile(
    r"(?:\b(?:giữa|với|cùng|phái đoàn|đoàn|đại diện|quan chức|giới chức|nhà ngoại giao|phía|lãnh đạo|"
    r"đồng minh|nhóm đàm phán|đại biểu|Bộ Quốc phòng|các nhóm)\s+(?:(?:của|cấp cao|quân sự|các|hai|từ|nước|"
    r"hàng đầu)\s+){0,3}|\(|^)$", re.IGNORECASE)


def _mentions(text: str, sentence: Sentence, persons: list[Span], places: list[Span],
              dates: list[Span], raw_dates: list[Span]) -> list[_Mention]:
    triggers = _scan(text, sentence, True)
    if not any(t.category == "trigger" for t in triggers):
        return []
    cues = _scan(text, sentence, False)
    for trigger in triggers:
        prefix = _PREFIX.search(text[max(sentence.start, trigger.start - 30):trigger.start])
        if prefix:
            trigger.barrier = max(sentence.start, trigger.start - 30) + prefix.start() + 1
    mentions: dict[int, _Mention] = {}
    for index, trigger in enumerate(triggers):
        if trigger.category == "trigger":
            mentions[index] = _Mention(trigger, sentence, index, trigger.row["type"], trigger.row["cameo"],
                                       prefixed=trigger.barrier >= 0)
    owned: dict[int, list] = {i: [] for i in range(len(triggers))}
    for item in [*cues, *persons, *places, *dates, *raw_dates]:
        if not (sentence.start <= item.start and item.end <= sentence.end):
            continue
        index = _owner(item.start, item.end, triggers)
        if index is not None:
            owned[index].append(item)
    out = []
    for index, mention in mentions.items():
        t = mention.trigger
        mine = owned[index]
        my_cues = [c for c in mine if isinstance(c, _Cue)]
        if any(c.category in ("general", "hypothetical", "internal") and
               min(abs(c.start - t.end), abs(t.start - c.end)) <= 40 for c in my_cues):
            mention.drop = True
        before = text[max(sentence.start, t.start - 12):t.start].lower()
        mention.plural = bool(_PLURAL.search(before)) or fold(t.text).startswith(("cac ", "nhung "))
        mention.bare = not re.search(r"(?:cuộc|vòng|chuyến|hội nghị|buổi|lễ)\s*$", before) and \
            not fold(t.text).startswith(("cuoc", "vong", "chuyen", "hoi nghi", "le ", "cac cuoc"))
        _status(mention, _own_clause(text, t, my_cues, sentence.end))
        nxt = triggers[index + 1].start if index + 1 < len(triggers) else sentence.end
        after = text[t.end:nxt]
        ordinal = _ORDINAL.match(after)
        if ordinal:
            mention.round = str(_ORDINALS.get(ordinal.group("n"), ordinal.group("n"))) \
                if ordinal.group("n") else "1"
        elif _NEXT_AFTER.match(after) or _NEXT_BEFORE.search(text[max(sentence.start, t.start - 20):t.start]):
            mention.round = "next"
        if mention.round == "next" and mention.status[1] == "weak":
            mention.status = ("planned", "weak")  # "thêm một hội nghị": one more, not yet held
        mention.private = bool(_PRIVATE.match(after))
        mention.here = bool(_HERE.search(text, t.end, min(nxt, t.end + 60)))
        reporting = [c for c in cues if c.category == "reporting"]
        absent = [c for c in cues if c.category == "absent"]
        my_places = [p for p in mine if isinstance(p, Span) and p.kind in ("place", "organization")]
        my_dates = [d for d in mine if isinstance(d, Span) and d.kind in ("date", "raw_date")]
        my_persons = [p for p in mine if isinstance(p, Span) and p.kind == "person"]
        for m in _assign_venue(text, mention, my_places, places):
            _assign_date(text, m, my_dates, reporting)
            _assign_participants(text, m, my_persons, my_places, persons, reporting, absent)
            out.append(m)
    return out


#: Conjunctions that open a clause about another happening: a cue after one of them, when the
#: trigger came before it, speaks of that happening ("… được tổ chức sau khi Nga phát động …").
_OTHER_CLAUSE = re.compile(r"(?<!\w)(?:sau khi|trước khi|kể từ khi|bởi vì|trong khi|cho đến khi)(?!\w)",
                           re.IGNORECASE)


def _own_clause(text: str, trigger: _Cue, cues: list[_Cue], end: int) -> list[_Cue]:
    """The cues not cut off from the trigger by a subordinate clause that follows it."""
    cut = _OTHER_CLAUSE.search(text, trigger.end, end)
    return cues if cut is None else [c for c in cues if c.start < cut.start()]


def _status(mention: _Mention, cues: list[_Cue]) -> None:
    t = mention.trigger
    stop = [c for c in cues if c.category == "status" and c.row["status"] in ("cancelled", "postponed")]
    if stop:
        strong = [c for c in stop if c.row["strength"] == "strong"]
        chosen = min(strong or stop, key=lambda c: abs(c.start - t.start))
        mention.status = (chosen.row["status"], chosen.row["strength"])
        return
    planned_after = [c for c in cues if c.category == "status" and c.row["status"] == "planned"
                     and c.start >= t.end]
    if mention.prefixed:
        mention.status = ("planned", "strong") if planned_after else ("held", "strong")
        return
    timed = [c for c in cues if c.category in ("status", "held")]
    strong = [c for c in timed if c.row["strength"] == "strong"]
    if strong or timed:
        chosen = min(strong or timed, key=lambda c: min(abs(c.start - t.end), abs(t.start - c.end)))
        mention.status = (chosen.row["status"], chosen.row["strength"])


def _assign_venue(text: str, mention: _Mention, mine: list[Span], places: list[Span]) -> list[_Mention]:
    """Venue of a mention; a visit to several countries gives one mention per country."""
    if mention.type == "call":
        return [mention]
    s = mention.sentence
    t = mention.trigger
    candidates = [p for p in mine if _is_venue_candidate(text, p, s.start)]
    after = [p for p in candidates if p.start >= t.end and p.start - t.end <= 60]
    if not after:
        # a long object between trigger and venue ("đàm phán với phái đoàn Ukraine do Bộ trưởng … dẫn
        # đầu tại Istanbul"): the venue may come later in the same clause
        after = [p for p in candidates if p.start >= t.end and p.start - t.end <= 160
                 and not _FAR_VENUE_BREAK.search(text, t.end, p.start)]
    before = [p for p in candidates if p.end <= t.start]
    if mention.type == "visit" and after:
        listed = [after[0]]
        for place in places:
            if place.start <= listed[-1].end or place.kind != "place":
                continue
            if place.attrs.get("kind") == "country" and \
                    re.fullmatch(r"\s*(?:,|và)\s*", text[listed[-1].end:place.start]):
                listed.append(place)
            else:
                break
        if len(listed) > 1 and all(p.attrs.get("kind") == "country" for p in listed):
            out = []
            for place in listed:
                copy = _Mention(**{**mention.__dict__})
                copy.venue, copy.venue_names = place, [place.text]
                copy.side_names = [place.value]
                copy.persons, copy.speakers = [], []
                out.append(copy)
            return out
    chosen = after[0] if after else (before[-1] if before else None)
    if chosen is not None:
        mention.venue, mention.venue_names = _refine_venue(text, chosen, places)
    return [mention]


def _assign_date(text: str, mention: _Mention, mine: list[Span], reporting: list[_Cue]) -> None:
    t = mention.trigger
    status_stop = re.compile(r"(?:hoãn|hủy)\w*\s+(?:\w+\s+){0,2}$")
    best = None
    for span in sorted(mine, key=lambda d: d.start):
        if span.start >= t.end:
            gap = text[t.end:span.start]
            if _SUBORDINATE.search(gap) or status_stop.search(gap):
                continue
            if any(0 <= span.start - c.end <= 10 for c in reporting):
                continue
            best = best if best is not None and best.start >= t.end else span
        else:
            if any(span.end <= c.start and c.end <= t.start for c in reporting):
                continue
            if any(0 <= span.start - c.end <= 10 for c in reporting):
                continue  # "đưa tin ngày 17/8": the date of the report
            if best is None:
                best = span
            elif best.start < t.start and span.start > best.start:
                best = span
    if best is None:
        return
    if best.kind == "date":
        mention.date = best
    mention.date_text = best.text


def _is_party(text: str, place: Span, previous: Span | None, trigger: _Cue, floor: int) -> bool:
    before = text[max(floor, place.start - 40):place.start]
    if re.search(r"(?:" + "|".join(map(re.escape, _conflict_nouns())) + r")\s+voi\s*$", fold(before)):
        return False
    if _PARTY_MARKER.search(before):
        return True
    if previous is not None and re.fullmatch(r"\s*(?:,|và|-|–)\s*", text[previous.end:place.start]):
        return True
    gap = text[trigger.end:place.start] if place.start >= trigger.end else None
    return gap is not None and bool(re.fullmatch(r"\s*(?:(?:\d|hai|ba|bốn|năm)\s+bên\s*)?\(?", gap,
                                                 re.IGNORECASE))


def _absent_after(text: str, span: Span, absent: list[_Cue]) -> bool:
    """Whether an absence cue follows ``span`` right away ("… vắng mặt", "… không được mời")."""
    return any(c.start >= span.end and re.fullmatch(r"[\s,]*(?:đã\s+|cũng\s+)?", text[span.end:c.start])
               for c in absent)


def _assign_participants(text: str, mention: _Mention, mine: list[Span], my_places: list[Span],
                         article_persons: list[Span], reporting: list[_Cue], absent: list[_Cue]) -> None:
    s = mention.sentence
    t = mention.trigger
    chosen: list[Span] = []
    ordered = sorted(mine, key=lambda p: p.start)
    for person in mine:
        before = [p for p in ordered if p.end <= person.start]
        if before and _APPOSED_OWNER.fullmatch(text, before[-1].end, person.start):
            continue  # "ông Yuri Ushakov, trợ lý của Tổng thống Putin": Putin only describes Ushakov
        if _SOURCE_BEFORE.search(text, max(s.start, person.start - 40), person.start):
            mention.speakers.append(person)  # "…, theo ông Orban": the source of the report
            continue
        speaker = next((c for c in reporting if person.end <= c.start and
                        re.fullmatch(r"[\s,]*(?:\w+\s+){0,2}", text[person.end:c.start])), None)
        passive = re.search(r"\bđược\s+(?:\w+\s+){0,4}$", text[max(s.start, person.start - 40):person.start])
        quoted = person.start > t.end and re.search(r"[”\"»]", text[t.end:person.start])
        if speaker is not None and (speaker.end <= t.start or passive or quoted):
            if passive or quoted or not _SPEAKER_SUBJECT.match(text[speaker.end:t.start]):
                mention.speakers.append(person)
                continue
        if _absent_after(text, person, absent):
            continue
        chosen.append(person)
    for match in _COUNTERPART.finditer(text, s.start, s.end):
        if _owner(match.start(), match.end(), [mention.trigger]) is None:
            continue
        place = next((p for p in my_places if p.start == match.end() and p.kind == "place"), None)
        if place is None:
            continue
        country = place.value
        roles = {p.attrs.get("role") for p in chosen}
        candidates = [p for p in article_persons if _side_name(p.attrs.get("side", "")) == country]
        if not candidates:
            mention.side_names.append(country)
            continue
        best = max(candidates, key=lambda p: (p.attrs.get("role") in roles, _leader(p),
                                              sum(q.value == p.value for q in article_persons)))
        chosen.append(best)
    seen: set[str] = set()
    mention.persons = []
    for person in chosen:
        if person.value not in seen:
            seen.add(person.value)
            mention.persons.append(person)
    mention.person_sides = sorted({_side_name(p.attrs.get("side", "")) for p in mention.persons} - {""})
    previous = None
    counterpart_places = {m.end() for m in _COUNTERPART.finditer(text, s.start, s.end)}
    for place in sorted(my_places, key=lambda p: p.start):
        if place is mention.venue or place.text in mention.venue_names[1:] or place.start in counterpart_places:
            continue
        if place.kind == "place" and place.attrs.get("kind") != "country" and place.value != "Europe":
            continue
        if place.kind == "organization" and place.attrs.get("kind") not in ("intergovernmental", "alliance"):
            continue
        if any(0 <= p.start - place.end <= 2 for p in article_persons):
            continue  # "Ngoại trưởng Nga Sergei Lavrov": the country is the person's
        if _is_venue_candidate(text, place, s.start) or _absent_after(text, place, absent):
            continue  # a venue, or "Nga không được mời tham dự": not a party
        if not _is_party(text, place, previous, t, s.start):
            continue
        previous = place
        if place.value not in mention.side_names:
            mention.side_names.append(place.value)
    mention.sides = sorted(set(mention.person_sides) | set(mention.side_names))


def _round_ok(a: str, b: str) -> bool:
    if not a or not b:
        return True
    return a == b and a != "next" or (a == b == "next")


def compatible(a: dict, b: dict, close_days: int = 0) -> bool:
    """Whether two event reports can be the same real-world event.

    ``a`` and ``b`` carry ``type``, ``date``, ``venue``, ``participants`` and
    optionally ``sides``, ``round``, ``private``, ``date_text``.

    >>> compatible({"type": "summit", "date": "2025-08", "venue": "Anchorage", "participants": ["Donald Trump"]},
    ...            {"type": "meeting", "date": "2025-08-15", "venue": "Alaska", "participants": []})
    True
    >>> compatible({"type": "call", "date": None, "venue": None, "participants": ["Donald Trump"]},
    ...            {"type": "meeting", "date": None, "venue": None, "participants": ["Donald Trump"]})
    False
    """
    if (a["type"] == "call") != (b["type"] == "call"):
        return False
    if (a["type"] == "signing") != (b["type"] == "signing"):
        return False
    if not _dates_ok(a.get("date"), b.get("date"), close_days):
        return False
    if not a.get("date") and not b.get("date") and not _date_texts_ok(a.get("date_text"), b.get("date_text")):
        return False
    if not _venues_ok(a.get("venue"), b.get("venue")):
        return False
    if not _round_ok(a.get("round", ""), b.get("round", "")):
        return False
    if not _parties_ok(a, b):
        return False
    people_a, people_b = set(a.get("person_sides") or []), set(b.get("person_sides") or [])
    persons_a = {p for p in a["participants"] if not (place_info(p) or organization_info(p))}
    persons_b = {p for p in b["participants"] if not (place_info(p) or organization_info(p))}
    if len(persons_a) == len(persons_b) == 2 and len(people_a) == len(people_b) == 2 and people_a != people_b:
        return False  # Trump-Putin and Trump-Zelensky are two events
    if (a.get("round") == "next" and b.get("held")) or (b.get("round") == "next" and a.get("held")):
        return False  # "thêm một cuộc gặp", "vòng đàm phán mới": not the one already held
    sides_a, sides_b = set(a.get("sides") or []), set(b.get("sides") or [])
    for x, y in ((a, b), (b, a)):
        if x.get("private") and not y.get("private") and sides_a and sides_b and not \
                set(y.get("sides") or []) <= set(x.get("sides") or []):
            return False
    return True


def _date_texts_ok(a: str | None, b: str | None) -> bool:
    """Unresolved day expressions: two numeric days, or a numeric day and "hôm nay"/"hôm qua",
    name different days when they differ; a future word ("ngày mai") may be any numeric day."""
    if not a or not b or fold(a) == fold(b):
        return True
    future = {"ngay mai"}
    if fold(a) in future or fold(b) in future:
        return True
    day = re.compile(r"(\d{1,2})[/.\-](\d{1,2})")
    da, db = day.search(a), day.search(b)
    if da and db:
        return (int(da.group(1)), int(da.group(2))) == (int(db.group(1)), int(db.group(2)))
    return False


def _keys(event: dict) -> set[str]:
    return {surname_key(p) for p in event.get("participants") or []} - {""}


def _parties_ok(a: dict, b: dict) -> bool:
    """Participants share a surname or country key, or a country one lists is the side of a
    person the other names; either listing none is compatible."""
    keys_a, keys_b = _keys(a), _keys(b)
    if not keys_a or not keys_b or keys_a & keys_b:
        return True
    countries_a = {p for p in a.get("participants") or [] if place_info(p) or organization_info(p)}
    countries_b = {p for p in b.get("participants") or [] if place_info(p) or organization_info(p)}
    return bool(countries_a & set(b.get("person_sides") or []) or countries_b & set(a.get("person_sides") or []))


def _dates_ok(a: str | None, b: str | None, close_days: int = 0) -> bool:
    if not a or not b or a == b or a.startswith(b + "-") or b.startswith(a + "-"):
        return True
    if close_days and len(a) == len(b) == 10:
        from datetime import date

        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days) <= close_days
    return False


def _venues_ok(a: str | None, b: str | None) -> bool:
    if not a or not b or a == b:
        return True
    return a in place_chain(b) or b in place_chain(a)


@dataclass
class _Group:
    mentions: list[_Mention]

    def view(self) -> dict:
        return {"type": self.type, "date": self.date, "venue": self.venue,
                "participants": self.participants, "sides": self.sides, "round": self.round,
                "private": any(m.private for m in self.mentions), "date_text": self.date_text,
                "person_sides": sorted({x for m in self.mentions for x in m.person_sides}),
                "held": any(m.status == ("held", "strong") for m in self.mentions)}

    @property
    def type(self) -> str:
        specific = [m for m in self.mentions if m.persons or m.venue or m.date]
        types = [m.type for m in (specific or self.mentions)]
        for kind in TYPE_RANK:
            if kind in types:
                return kind
        return types[0]

    @property
    def date(self) -> str | None:
        values = [m.date.value for m in self.mentions if m.date is not None]
        return max(values, key=len) if values else None

    @property
    def date_text(self) -> str:
        return next((m.date_text for m in self.mentions if m.date_text), "")

    @property
    def venue(self) -> str | None:
        values = [m.venue.value for m in self.mentions if m.venue is not None]
        if not values:
            return None
        return max(values, key=lambda v: len(place_chain(v)))

    @property
    def participants(self) -> list[str]:
        names: list[str] = []
        for m in self.mentions:
            for p in m.persons:
                if p.value not in names:
                    names.append(p.value)
        covered = {_side_name(p.attrs.get("side", "")) for m in self.mentions for p in m.persons}
        for m in self.mentions:
            for side in m.side_names:
                if side not in covered and side not in names and side != "Europe":
                    names.append(side)
        return names

    @property
    def sides(self) -> list[str]:
        return sorted({s for m in self.mentions for s in m.sides})

    @property
    def round(self) -> str:
        return next((m.round for m in self.mentions if m.round and m.round != "next"),
                    next((m.round for m in self.mentions if m.round), ""))

    @property
    def status(self) -> str:
        found = [m.status for m in self.mentions]
        for rank in STATUS_RANK:
            if rank in found:
                return rank[0]
        return "held"


def _shares(a: dict, b: dict) -> bool:
    """Whether two compatible reports positively share a participant, the venue or the date."""
    keys_a, keys_b = _keys(a), _keys(b)
    if keys_a & keys_b:
        return True
    if a.get("venue") and b.get("venue"):
        return True
    return bool(a.get("date") and a.get("date") == b.get("date"))


def _specific(group: _Group) -> bool:
    if group.date or group.venue or group.date_text:
        return True
    if any(m.persons or m.speakers for m in group.mentions):
        return True
    return False


def _general(mention: _Mention) -> bool:
    """Talks in general: a plural or bare mention with no venue, no date and nothing held about it;
    a plural mention with no date and no status cue at all ("các cuộc thảo luận dựa trên …")."""
    if mention.plural and mention.status[1] == "weak" and not (mention.date or mention.date_text):
        return True
    if mention.venue or mention.date or mention.date_text:
        return False
    if mention.type == "call" and mention.persons:
        return False
    if mention.plural and mention.status != ("held", "strong"):
        return True
    return mention.bare and mention.type == "talks" and not mention.persons


def _one_sided(mention: _Mention, text: str) -> bool:
    """A meeting ("cuộc họp") of one side only, with no counterpart word: not a negotiation."""
    if len(set(mention.sides)) != 1 or fold(mention.trigger.text) not in ("cuoc hop", "hop"):
        return False
    sentence = text[mention.sentence.start:mention.sentence.end]
    return not re.search(r"\b(?:với|giữa|hai bên|các bên|đồng cấp|phái đoàn|đại diện|\d bên|ba bên|hai nước|"
                         r"hai nhà lãnh đạo|hai ông|gặp nhau|các nước|quốc gia)\b", sentence, re.IGNORECASE)


_TODAY = frozenset({"hom nay", "sang nay", "chieu nay", "toi nay", "trua nay"})
_TODAY_DATED = re.compile(r"\b(?:hôm nay|sáng nay|chiều nay|tối nay|trưa nay)\s*\(?\s*(?:ngày\s+)?"
                          r"(\d{1,2}[/.\-]\d{1,2})\b", re.IGNORECASE)


def _relative_aliases(text: str) -> dict[str, str]:
    """"sáng nay 28/2": the article's "today" words name that numeric day."""
    match = _TODAY_DATED.search(text)
    if not match:
        return {}
    return {word: match.group(1) for word in _TODAY}


def _raw_dates(text: str, sentence: Sentence, dates: list[Span]) -> list[Span]:
    """Day and month expressions no date span covers (an unknown publication date leaves them
    unresolved); they still tell two reports apart."""
    out = []
    for match in _RAW_DATE.finditer(text, sentence.start, sentence.end):
        if any(d.start < match.end() and match.start() < d.end for d in dates):
            continue
        out.append(Span(match.start(), match.end(), match.group(), "raw_date", match.group()))
    return out


def find_events(text: str, sentences: list[Sentence], persons: list[Span], places: list[Span],
                dates: list[Span], published: str | None) -> list[Event]:
    """Negotiation events reported by an article, one per real event.

    Parameters
    ----------
    text : str
        The article text as read.
    sentences : list of Sentence
        Its sentences; only countable ones are read.
    persons, places, dates : list of Span
        The article's person, place/organisation and date spans.
    published : str or None
        Publication date (dates are already resolved against it).

    Returns
    -------
    list of Event
        In order of first mention; ``key`` is a provisional id from
        :func:`event_key` (the corpus merge replaces it).

    >>> from workbench.model import Sentence, Span
    >>> t = "Ông Trump sẽ gặp ông Putin tại Budapest."
    >>> ps = [Span(4, 9, "Trump", "person", "Donald Trump", {"side": "US"}),
    ...       Span(21, 26, "Putin", "person", "Vladimir Putin", {"side": "Russia"})]
    >>> pl = [Span(31, 39, "Budapest", "place", "Budapest", {"kind": "city", "country": "Hungary"})]
    >>> [(e.type, e.status, e.venue, e.participants) for e in find_events(t, [Sentence(0, len(t), "body")], ps, pl, [], None)]
    [('meeting', 'planned', 'Budapest', ['Donald Trump', 'Vladimir Putin'])]
    """
    all_mentions: list[_Mention] = []
    person_spans = [p for p in persons if p.kind == "person"]
    for sentence in sentences:
        if not sentence.countable:
            continue
        raw = _raw_dates(text, sentence, dates)
        for mention in _mentions(text, sentence, person_spans, places, dates, raw):
            if not mention.drop:
                all_mentions.append(mention)
    aliases = _relative_aliases(text)
    for mention in all_mentions:
        key = fold(mention.date_text)
        mention.date_text = aliases.get(key, "hom nay" if key in _TODAY else mention.date_text)
    # "tại đây": the last venue named before
    last_venue: Span | None = None
    for mention in all_mentions:
        if mention.venue is None and mention.here and last_venue is not None and mention.type != "call":
            mention.venue, mention.venue_names = last_venue, [last_venue.text]
        if mention.venue is not None:
            last_venue = mention.venue
    kept = []
    for mention in all_mentions:
        if _general(mention) or _one_sided(mention, text):
            continue
        leaders = [p for p in mention.persons if _leader(p)]
        if mention.type in ("meeting", "talks") and len({p.value for p in leaders}) >= 2 and \
                not fold(mention.trigger.text).endswith(("dam phan", "tiep xuc", "thao luan")):
            mention.type = "summit"
        if mention.type == "meeting" and fold(mention.trigger.text) in ("cuoc hop", "hop") and \
                _MULTILATERAL.search(text, mention.sentence.start, mention.sentence.end):
            mention.type = "conference"
        kept.append(mention)
    groups: list[_Group] = []
    dated = [m for m in kept if m.date is not None or m.date_text]
    undated = [m for m in kept if m.date is None and not m.date_text]
    for mention in dated:
        view = _Group([mention]).view()
        target = next((g for g in groups if compatible(g.view(), view)), None)
        if target is None:
            groups.append(_Group([mention]))
        else:
            target.mentions.append(mention)
    for mention in undated:
        view = _Group([mention]).view()
        fitting = [g for g in groups if compatible(g.view(), view)]
        if not fitting:
            groups.append(_Group([mention]))
            continue
        position = mention.trigger.start

        def distance(group: _Group) -> tuple[int, int, int]:
            shared = _shares(group.view(), view)
            starts = [m.trigger.start for m in group.mentions]
            preceding = [position - s for s in starts if s <= position]
            if preceding:
                return (not shared, 0, min(preceding))
            return (not shared, 1, min(s - position for s in starts))

        min(fitting, key=distance).mentions.append(mention)
    events = []
    for group in sorted(groups, key=lambda g: min(m.trigger.start for m in g.mentions)):
        if not _specific(group):
            continue
        events.append(_to_event(text, group))
    return events


def _to_event(text: str, group: _Group) -> Event:
    mentions = sorted(group.mentions, key=lambda m: m.trigger.start)
    first = mentions[0]
    evidence_mention = next((m for m in mentions if m.venue is not None or m.date is not None), first)
    venue_mention = next((m for m in mentions if m.venue is not None and m.venue.value == group.venue), None)
    status = group.status
    etype = group.type
    venue = None if etype == "call" else group.venue
    cameo = _cameo(etype, status, venue, group.sides)
    names: list[str] = []
    if venue_mention is not None:
        names = list(venue_mention.venue_names)
    attrs = {"mentions": [[m.trigger.start, m.trigger.end] for m in mentions],
             "triggers": [m.trigger.text for m in mentions], "sides": group.sides,
             "person_sides": sorted({x for m in mentions for x in m.person_sides}),
             "round": group.round, "private": any(m.private for m in mentions),
             "date_text": group.date_text,
             "status_cues": [list(m.status) for m in mentions]}
    event = Event(type=etype, status=status, date=group.date, venue=venue, participants=group.participants,
                  evidence_start=evidence_mention.sentence.start, evidence_end=evidence_mention.sentence.end,
                  evidence=text[evidence_mention.sentence.start:evidence_mention.sentence.end],
                  cameo=cameo, trigger=first.trigger.text, venue_names=names, attrs=attrs)
    event.key = event_key(event.date, event.venue, event.participants, event.type)
    return event


def _cameo(etype: str, status: str, venue: str | None, sides: list[str]) -> str:
    if status == "planned":
        return "036"
    if etype == "call":
        return "041"
    if etype == "visit":
        return "042"
    if etype == "signing":
        return "057"
    if etype == "talks":
        return "046"
    if venue:
        info = place_info(venue)
        country = info["country"] if info else ""
        if country and sides and country not in sides:
            return "044"
    return "040"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def event_key(date: str | None, venue: str | None, participants: list[str], etype: str) -> str:
    """Readable id of an event from its date, venue, participant surnames and type.

    >>> event_key("2025-08-15", "Anchorage", ["Vladimir Putin", "Donald Trump"], "summit")
    '2025-08-15-anchorage-putin-trump-summit'
    """
    parts = [date or "undated"]
    if venue:
        parts.append(_slug(venue))
    surnames = sorted({_slug(surname_key(p)) for p in participants if p})[:4]
    parts += surnames
    parts.append(etype)
    return "-".join(p for p in parts if p)


def venues(events: list[Event], places: list[Span]) -> list[list[str]]:
    """The article's venue groups: most specific name first, then written and wider names.

    >>> from workbench.model import Event
    >>> e = Event("summit", "held", "2025-08", "Anchorage", [], 0, 0, "", venue_names=["Anchorage", "Alaska"])
    >>> venues([e], [])
    [['Anchorage', 'Alaska', 'United States']]
    """
    groups: dict[str, list[str]] = {}
    for event in events:
        if not event.venue or event.type == "call":
            continue
        group = groups.setdefault(event.venue, [event.venue])
        written = [p.text for p in places if p.kind == "place" and p.value == event.venue]
        for name in [*event.venue_names, *written[:1], *place_chain(event.venue)[1:]]:
            info = place_info(name)
            for candidate in (name, info["name"] if info else None):
                if candidate and candidate not in group:
                    group.append(candidate)
    return list(groups.values())
