"""Calendar references in Vietnamese text, resolved against the publication date.

Days ("hôm 21.10", "ngày 31/1", "ngày 4/11/2023", "ngày 2 tháng 7 năm 2024"), months
("tháng 8", "tháng 10/2025", "tháng 2 năm 2022"), years ("năm 2022") and relative forms
("hôm nay", "hôm qua", "tháng trước", "năm ngoái") become ISO values at the precision the
text gives. Clock times, durations and vague spans are not dates.
"""
from __future__ import annotations

import datetime as dt
import re

from .model import Span

_CUE = r"(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng sáng|từ|đến|tới|vào|và|hoặc|cho tới|sáng nay|qua)"
_DAYMONTH = r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}))?"
DAY_RANGE = re.compile(r"(?<![\d/.])(\d{1,2})\s*[-–]\s*" + r"(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?(?![\d/]|\.\d)")
DAY_NUMERIC = re.compile(r"(?i:(?<![\w])(?:" + _CUE + r")\s+(?:ngày\s+)?)" + _DAYMONTH + r"(?![\d/]|[.,]\d)"
                         r"|(?<![\d/.,])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"
                         r"|\((\d{1,2})/(\d{1,2})\)")
DAY_WORDS = re.compile(r"(?i:(?<!\w)ngày\s+)(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?")
MONTH = re.compile(r"(?i:(?<!\w)tháng\s+)(\d{1,2})(?:\s*[/-]\s*(\d{4})|\s+năm\s+(\d{4}))?(?![\d/])(?!\s*(?:năm|tháng|ngày|tuần)\b)")
YEAR = re.compile(r"(?i:(?<!\w)năm\s+)(\d{4})(?!\d)")
RELATIVE = re.compile(r"(?i)(?<!\w)(hôm nay|sáng nay|trưa nay|chiều nay|tối nay|đêm nay|hôm qua|đêm qua|tối qua|"
                      r"sáng qua|ngày mai|tháng trước|tháng này|năm ngoái|năm nay|năm trước)(?!\w)")
WEEKDAY = re.compile(r"(?i)(?<!\w)(?:hôm|vào|ngày|sáng|chiều|tối)\s+(thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)"
                     r"(?:\s+(vừa qua|tuần trước|tới|tuần tới|này))?(?!\s*\()")
FUTURE = re.compile(r"(?i)(?<!\w)(sẽ|dự kiến|dự định|kế hoạch|chuẩn bị|sắp|tới đây)(?!\w)")
VAGUE_BEFORE = re.compile(r"(?i)(?:cuối|đầu|giữa|trong|suốt)\s+$")
QUOTES = "“”\"«»"
_WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5}


def _valid(year: int, month: int, day: int | None = None) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return 1 <= month <= 12


def resolve_year(month: int, day: int | None, published: dt.date, future: bool) -> int:
    """Year of a day or month written without one.

    The publication year, unless a past event would then fall after publication.

    >>> resolve_year(12, 28, dt.date(2025, 1, 5), future=False)
    2024
    """
    year = published.year
    if not future:
        if day is not None and _valid(year, month, day) and dt.date(year, month, day) > published:
            year -= 1
        elif day is None and month > published.month:
            year -= 1
    return year


def _inside_quote(text: str, start: int, sentence_start: int) -> bool:
    before = text[sentence_start:start]
    opens = before.count("“") + before.count("«")
    closes = before.count("”") + before.count("»")
    return opens > closes or before.count('"') % 2 == 1


def find_dates(text: str, start: int, end: int, published: str | None) -> list[Span]:
    """Every calendar reference in ``text[start:end]``, as date spans with absolute offsets.

    >>> [s.value for s in find_dates("Hôm 21.10, ông Trump nói.", 0, 25, "2025-10-22")]
    ['2025-10-21']
    """
    pub = dt.date.fromisoformat(published) if published else None
    segment = text[start:end]
    future = bool(FUTURE.search(segment))
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(s: int, e: int, value: str, precision: str, relative: bool) -> None:
        spans.append(Span(start + s, start + e, text[start + s:start + e], "date", value,
                          {"precision": precision, "relative": relative, "expression": segment[s:e]}))

    def day_value(d: int, m: int, y: int | None) -> tuple[str, bool] | None:
        relative = y is None
        if y is None:
            if pub is None:
                return None
            y = resolve_year(m, d, pub, future)
        if not _valid(y, m, d):
            return None
        return dt.date(y, m, d).isoformat(), relative

    for match in DAY_RANGE.finditer(segment):
        d1, d2, m = int(match.group(1)), int(match.group(2)), int(match.group(3))
        y = int(match.group(4)) if match.group(4) else None
        first, second = day_value(d1, m, y), day_value(d2, m, y)
        if first and second and d1 < d2:
            add(match.start(), match.end(), first[0], "day", first[1])
            add(match.start(), match.end(), second[0], "day", second[1])
            taken.append(match.span())
    for match in DAY_WORDS.finditer(segment):
        if not free(*match.span()):
            continue
        got = day_value(int(match.group(1)), int(match.group(2)), int(match.group(3)) if match.group(3) else None)
        if got:
            add(match.start(), match.end(), got[0], "day", got[1])
            taken.append(match.span())
    for match in DAY_NUMERIC.finditer(segment):
        if not free(*match.span()):
            continue
        groups = match.groups()
        if groups[0]:
            d, m, y = groups[0], groups[1], groups[2]
        elif groups[3]:
            d, m, y = groups[3], groups[4], groups[5]
        else:
            d, m, y = groups[6], groups[7], None
        got = day_value(int(d), int(m), int(y) if y else None)
        if got:
            add(match.start(), match.end(), got[0], "day", got[1])
            taken.append(match.span())
    for match in MONTH.finditer(segment):
        if not free(*match.span()):
            continue
        m = int(match.group(1))
        y = match.group(2) or match.group(3)
        if not 1 <= m <= 12:
            continue
        if y is None:
            if pub is None:
                continue
            year = resolve_year(m, None, pub, future)
        else:
            year = int(y)
        add(match.start(), match.end(), f"{year:04d}-{m:02d}", "month", y is None)
        taken.append(match.span())
    for match in YEAR.finditer(segment):
        if free(*match.span()) and 1900 <= int(match.group(1)) <= 2100:
            add(match.start(), match.end(), match.group(1), "year", False)
            taken.append(match.span())
    if pub is not None:
        for match in RELATIVE.finditer(segment):
            if not free(*match.span()) or _inside_quote(text, start + match.start(), start):
                continue
            word = match.group(1).lower()
            if word.startswith(("năm", "tháng")) and VAGUE_BEFORE.search(segment[:match.start()]):
                continue  # "cuối năm nay", "đầu tháng này": a vague span
            if word.endswith(("nay",)) and not word.startswith(("tháng", "năm")):
                value, precision = pub.isoformat(), "day"
            elif word.endswith("qua") or word == "hôm qua":
                value, precision = (pub - dt.timedelta(days=1)).isoformat(), "day"
            elif word == "ngày mai":
                value, precision = (pub + dt.timedelta(days=1)).isoformat(), "day"
            elif word == "tháng trước":
                first = pub.replace(day=1) - dt.timedelta(days=1)
                value, precision = f"{first.year:04d}-{first.month:02d}", "month"
            elif word == "tháng này":
                value, precision = f"{pub.year:04d}-{pub.month:02d}", "month"
            elif word in ("năm ngoái", "năm trước"):
                value, precision = str(pub.year - 1), "year"
            else:
                value, precision = str(pub.year), "year"
            add(match.start(), match.end(), value, precision, True)
            taken.append(match.span())
        for match in WEEKDAY.finditer(segment):
            if not free(*match.span()):
                continue
            name = match.group(1).lower().split()
            target = 6 if name[0] == "chủ" else _WEEKDAYS[name[1]]
            ahead = (match.group(2) or "").lower() in ("tới", "tuần tới") or (future and not match.group(2))
            delta = (target - pub.weekday()) % 7 if ahead else -((pub.weekday() - target) % 7)
            add(match.start(), match.end(), (pub + dt.timedelta(days=delta)).isoformat(), "day", True)
            taken.append(match.span())
    spans.sort(key=lambda s: (s.start, s.value))
    return spans
