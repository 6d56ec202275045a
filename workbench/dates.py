"""Calendar references in Vietnamese text, resolved against the publication date.

One public function, :func:`find_dates`, reads one sentence and returns a date span for
every expression that names a calendar day, month or year:

- days: "hôm 21.10", "ngày 31/1", "ngày 4/11/2023", "Ngày 17-4", "sáng 31/1",
  "thứ Ba (2/7)", "ngày 2 tháng 7 năm 2024", "23-24/1/2026" (two days), "sáng nay 28/2";
- relative days: "hôm nay", "sáng nay", "hôm qua", "đêm qua", "ngày mai", and weekdays
  with a time cue ("hôm thứ Sáu", "vào thứ Hai", "chủ nhật vừa qua");
- months: "tháng 8", "hồi tháng 10", "tháng 10/2025", "tháng 2 năm 2022", "tháng 2-2022",
  "tháng 8 năm ngoái", "tháng trước";
- years: "năm 2022", "năm nay", "năm ngoái", "kể từ 2014".

A bare day/month ("31/1") needs a cue word before it ("ngày", "hôm", "sáng", "vào",
"từ" …) or a year after it, so scores, fractions and model names ("F-16 Block 70/72",
"24/7") are left alone. Clock times, durations ("30 ngày", "gần 4 năm") and vague spans
("tuần trước", "cuối năm nay", "trong vài năm tới") are not dates.

Year-less forms take the publication year unless a past event would then fall after the
publication date (:func:`resolve_year`); plans ("sẽ", "dự kiến") may point forward. With
no publication date, only fully specified dates are returned. Relative day words inside a
direct quotation are skipped: the speaker's "today" need not be the publication day.
"""
from __future__ import annotations

import datetime as dt
import re

from .errors import ParameterError
from .model import Span

# --- vocabulary -------------------------------------------------------------------------

#: Weekday words after "thứ" (Monday = 0), digits as written in informal text.
WEEKDAYS = {"hai": 0, "ba": 1, "tư": 2, "năm": 3, "sáu": 4, "bảy": 5,
            "2": 0, "3": 1, "4": 2, "5": 3, "6": 4, "7": 5}
#: Month names written as capitalised words ("tháng Ba", "tháng Mười Hai").
MONTH_WORDS = {"Một": 1, "Giêng": 1, "Hai": 2, "Ba": 3, "Tư": 4, "Bốn": 4, "Năm": 5, "Sáu": 6,
               "Bảy": 7, "Tám": 8, "Chín": 9, "Mười": 10, "Mười Một": 11, "Mười Hai": 12}
_MONTH_WORD = r"(?:Mười\s+Một|Mười\s+Hai|Một|Giêng|Hai|Ba|Tư|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)(?!\w)"
_WEEKDAY = r"(?:[Tt]hứ\s+(?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy|[2-7])|[Cc]hủ\s+[Nn]hật)(?!\w)"
_YEAR_WORD = r"(?i:năm)"
#: Relative year after a day or month: "tháng 8 năm ngoái", "ngày 5/8 năm nay".
_YEAR_REL = r"\s+(?i:năm)\s+(?P<yrel>(?i:nay|ngoái|trước|qua|tới|sau))(?!\w)(?!\s+(?i:đó|ấy))"

#: Words that make a following day/month a date on their own.
STRONG_CUE = re.compile(
    r"(?i)(?<!\w)(?:rạng\s+sáng|sáng\s+sớm|(?:hôm|sáng|trưa|chiều|tối|đêm)\s+(?:nay|qua|mai)|hôm\s+kia"
    r"|ngày|hôm|mùng|mồng|sáng|trưa|chiều|tối|đêm|khuya)(?:\s+|\s*[,(]\s*)(?:(?i:ngày)\s+)?$")
#: A weekday before an explicit date: "thứ Ba (2/7)", "thứ Hai, 3/3", "Chủ nhật ngày 9/3".
WEEKDAY_CUE = re.compile(_WEEKDAY + r"(?:\s+(?i:tuần\s+này|tuần\s+trước|tuần\s+tới|này|tới|vừa\s+qua))?"
                         r"\s*[,(]?\s*(?:(?i:ngày)\s+)?$")
#: Words that make a following day/month a date unless it reads as a fraction or score.
WEAK_CUE = re.compile(r"(?i)(?<!\w)(?:kể\s+từ|tính\s+đến|cho\s+đến|cho\s+tới|từ|đến|tới|vào|trước|sau|hồi)"
                      r"\s+(?:ngày\s+)?$")
#: Words before a weak cue that make it a quantity: "lên tới 2/3", "chiếm tới 1/5".
QUANTITY_LEFT = re.compile(r"(?i)(?<!\w)(?:lên|chiếm|gần|khoảng|hơn|tăng|giảm|đạt|khoảng\s+từ)\s+\w+\s+$")
#: What follows a fraction: "2/3 số", "1/5 lãnh thổ".
FRACTION_AFTER = re.compile(r"(?i)\s*(?:số|dân|lãnh\s+thổ|diện\s+tích|tổng|các|những|người|phiếu|quân"
                            r"|lực\s+lượng|trong\s+số|thành\s+viên)(?!\w)")
#: A second day in a list or range after an accepted one: "ngày 30/1 - 2/2", "23/1 và 25/1".
CONTINUATION = re.compile(r"(?i)^\s*(?:,\s*(?:và|hoặc)?|[-–]|và|hoặc|đến|tới|cho\s+đến)\s*(?:ngày\s+)?$")
#: After a day: its position against publication ("ngày 20/1 tới", "hôm 15/8 vừa qua").
DAY_POSITION = re.compile(r"(?i)\s+(vừa\s+qua|sắp\s+tới|tới\s+đây|tới|này)(?!\w)")
#: Clock times and quantities right after a number: "9.10 giờ", "1.5 triệu", "2/3%".
NOT_A_DAY_AFTER = re.compile(r"(?i)\s*(?:giờ|h(?!\w)|phút|tiếng|%|triệu|tỷ|nghìn|ngàn|km|usd|đô)")
NOT_A_DAY_LEFT = re.compile(r"(?i)(?<!\w)(?:lúc|tháng|tỷ\s+số|tỉ\s+số|tỷ\s+lệ|tỉ\s+lệ|(?:mỗi|hằng|hàng)\s+ngày)\s*$")

#: Day and month in figures, with an optional second day and year: "23-24/1/2026".
NUMERIC_DAY = re.compile(
    r"(?<![\w/.,:])(?P<d1>\d{1,2})(?:\s*(?P<conn>[-–]|và|đến|tới|hoặc)\s*(?P<d2>\d{1,2}))?"
    r"(?P<sep>[./-])(?P<m>\d{1,2})"
    r"(?:\s*[./-]\s*(?P<y>\d{4})(?!\d)|" + _YEAR_REL + r")?"
    r"(?![\w/]|[.,:]\d|-\d)")
#: ISO dates written in text: "2025-08-15".
ISO_DAY = re.compile(r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])")
#: Day and month in words: "ngày 2 tháng 7 năm 2024", "mùng 2 tháng Chín".
WORDS_DAY = re.compile(
    r"(?<!\w)(?:(?P<pre>(?i:ngày|mùng|mồng))\s+)?(?P<d1>\d{1,2})"
    r"(?:\s*(?:[-–]|và|đến)\s*(?P<d2>\d{1,2}))?\s+(?i:tháng)\s+(?P<m>\d{1,2}(?![\d/.,-]\d)|" + _MONTH_WORD + r")"
    r"(?:\s+" + _YEAR_WORD + r"\s+(?P<y>\d{4})(?!\d)|\s*,\s*(?P<ycomma>\d{4})(?!\d)|" + _YEAR_REL + r")?"
    r"(?!\w)")
#: A month: "tháng 8", "tháng 10/2025", "tháng 2 năm 2022", "tháng 9-10/2025", "tháng 8 tới".
MONTH = re.compile(
    r"(?<!\w)(?i:tháng)\s+(?P<m>\d{1,2}|" + _MONTH_WORD + r")(?!\w|[.,]\d)"
    r"(?:\s*(?:[-–]|và|hoặc)\s*(?:(?i:tháng)\s+)?(?P<m2>\d{1,2})(?!\d|[.,]\d|\s*[.,/-]?\s*\d{1,2}\b(?!\d)))?"
    r"(?:\s*[/.-]\s*(?P<y>\d{4})(?!\d)|\s+" + _YEAR_WORD + r"\s+(?P<y2>\d{4})(?!\d)|" + _YEAR_REL +
    r"|\s+(?P<mrel>(?i:vừa\s+qua|sắp\s+tới|tới\s+đây|tới|này|qua))(?!\w))?")
#: After a year-less month, words that make it a duration or a different construction.
MONTH_STOP = re.compile(r"(?i)\s*(?:[/.-]\s*\d|ngày|tuần|tháng|năm|giờ)(?!\w)")
#: A year after "năm", with an optional second year: "năm 2022", "năm 2014 và 2022".
YEAR = re.compile(r"(?<!\w)(?i:năm)\s+(?P<y>\d{4})(?![\d.,/]\d|\d)"
                  r"(?:\s*(?:[-–]|và|đến|tới|hoặc)\s*(?:(?i:năm)\s+)?(?P<y2>\d{4})(?!\d|[.,]\d))?")
#: Before "năm 1990": a decade ("những năm 1990", "các năm 2000").
DECADE_LEFT = re.compile(r"(?i)(?<!\w)(?:những|các|thập\s+niên)\s+$")
#: A year after a time preposition, with no "năm": "kể từ 2014", "cuối 2024".
BARE_YEAR = re.compile(r"(?i)(?<!\w)(?:kể\s+từ|tính\s+đến|cho\s+đến|từ|đến|tới|hồi|vào|trước|sau|cuối|đầu|giữa"
                       r"|trong)\s+(?P<y>(?:19|20)\d{2})(?!\w|[.,/]\d)")
#: What may follow a bare year: the end of a clause or a function word (not a noun: "tới 2000 quân").
BARE_YEAR_AFTER = re.compile(r"(?i)\s*(?:$|[,.;:!?)\]”\"»–—-]|(?:và|hoặc|đến|tới|khi|thì|nhưng|là|đã|sẽ"
                             r"|nay|trở\s+đi|trở\s+lại|rồi|mới|nữa)(?!\w))")
#: Plan and strategy names: "Tầm nhìn 2030", "chiến lược đến 2030".
PLAN_NAME_LEFT = re.compile(r"(?i)(?<!\w)(?:tầm\s+nhìn|chiến\s+lược|mục\s+tiêu|chương\s+trình)\s+\S*\s*$")
#: Relative days, months and years.
RELATIVE = re.compile(
    r"(?i)(?<!\w)(?P<word>rạng\s+sáng\s+(?:nay|qua)|(?:hôm|sáng|trưa|chiều|tối|đêm)\s+(?:nay|qua)|hôm\s+kia"
    r"|(?:ngày|sáng|trưa|chiều|tối|đêm)\s+mai|tháng\s+(?:trước|này|tới|sau)|năm\s+(?:nay|ngoái|trước|tới|sau))"
    r"(?!\w)")
#: After a relative word: "tháng trước đó" (relative to the story, not to publication).
RELATIVE_STOP = re.compile(r"(?i)\s+(?:đó|ấy|nữa|kia)(?!\w)")
#: Before a relative word: quantities make it a span ("hai tháng trước", "vài năm tới", "3 năm nay").
QUANTIFIER_LEFT = re.compile(r"(?i)(?<!\w)(?:\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mấy|vài|những|các"
                             r"|nhiều|mỗi|hàng|từng|bao|nửa|suốt\s+cả)\s+$")
#: Before "năm tới"/"năm nay": "thứ" makes it a weekday ("thứ Năm tới" is next Thursday, not next year).
WEEKDAY_THU_LEFT = re.compile(r"(?i)(?<!\w)thứ\s+$")
#: Before a relative month or year: a part of it ("cuối năm nay", "đầu tháng này").
VAGUE_LEFT = re.compile(r"(?i)(?<!\w)(?:cuối|đầu|giữa|nửa\s+đầu|nửa\s+cuối)\s+(?:của\s+)?$")
#: A weekday with an optional cue before and position after.
WEEKDAY = re.compile(
    r"(?<!\w)(?:(?P<cue>(?i:rạng\s+sáng|cho\s+đến|hôm|vào|ngày|sáng|trưa|chiều|tối|đêm|từ|đến|trước))\s+)?"
    r"(?P<name>" + _WEEKDAY + r")"
    r"(?:\s+(?P<rel>(?i:vừa\s+qua|tuần\s+trước|tuần\s+qua|tuần\s+này|tuần\s+tới|tuần\s+sau|sắp\s+tới"
    r"|tới\s+đây|tới|này|qua)))?(?!\w)")
#: After a weekday: an explicit date that wins over it, or an ordinal reading ("thứ hai của").
WEEKDAY_STOP = re.compile(r"(?i)\s*(?:[,(]\s*)?(?:ngày\s+)?\d{1,2}\s*[./-]\s*\d{1,2}"
                          r"|\s+(?:của|liên\s+tiếp|kể\s+từ|trong|trở|là|được|sau\s+khi)(?!\w)")
#: Before a weekday: the date it explains ("ngày 17/2 (thứ Hai)").
DATED_LEFT = re.compile(r"\d\s*[(,]\s*$")
#: After a relative day word, an explicit date that wins over it: "hôm qua (27/2)".
RELATIVE_DATED = re.compile(r"\s*[,(]?\s*(?i:ngày\s+)?\d{1,2}\s*[./-]\s*\d{1,2}")

#: Tense cues: plans point forward, past markers pin an event on or before publication.
FUTURE_CUE = re.compile(r"(?i)(?<!\w)(?:sẽ|dự\s+kiến|dự\s+định|dự\s+trù|lên\s+kế\s+hoạch|có\s+kế\s+hoạch"
                        r"|theo\s+kế\s+hoạch|lên\s+lịch|chuẩn\s+bị|sắp|tới\s+đây)(?!\w)")
PAST_CUE = re.compile(r"(?i)(?<!\w)(?:đã|vừa|từng|hôm|hồi|trước\s+đó)(?!\w)")
PAST_RIGHT_BEFORE = re.compile(r"(?i)(?<!\w)(?:đã|vừa)\s+$")
CLAUSE_BREAK = re.compile(r"(?i)[,;:–—()]|\s-\s|(?<!\w)(?:rằng|nhưng|song|khi|trong\s+khi|sau\s+khi)(?!\w)")
#: Reporting verbs end the look-ahead for a fronted date: "Ngày 12/7, ông A cho biết … sẽ …".
REPORTING = re.compile(r"(?i)(?<!\w)(?:cho\s+biết|cho\s+hay|nói|tuyên\s+bố|khẳng\s+định|thông\s+báo"
                       r"|nhấn\s+mạnh|xác\s+nhận|phát\s+biểu|đưa\s+tin|viết)(?!\w)|[.;!?]")
#: Words that may stand before a fronted date with nothing else: "Vào ngày 28/12, …".
FRONTED = re.compile(r"(?i)\s*(?:(?:vào|từ|đến|trong|tới|cho\s+đến|kể\s+từ|và|hoặc)\s*)?$")

QUOTE_CHARS = "“”\"«»"
_LEFT_WINDOW = 40
#: A plan may name a day this many days before publication in the same year.
_PLAN_SLACK_DAYS = 31
#: An unmarked sentence may name a day this many days after publication.
_UNMARKED_AHEAD_DAYS = 14


# --- pure helpers -------------------------------------------------------------------------

def parse_iso(value: str) -> dt.date:
    """Parse an ISO day (``YYYY-MM-DD``, a longer timestamp is cut to its date).

    Raises
    ------
    ParameterError
        When ``value`` does not start with a valid ISO day.

    >>> parse_iso("2025-11-20")
    datetime.date(2025, 11, 20)
    """
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError) as exc:
        raise ParameterError("published", value, "not an ISO date YYYY-MM-DD") from exc


def _publication(published: str | None) -> dt.date | None:
    """The publication day, or None when unknown or given only to the month or year."""
    if published is None or re.fullmatch(r"\d{4}(?:-\d{2})?", published.strip()):
        return None
    return parse_iso(published.strip())


def _valid(year: int, month: int, day: int | None = None) -> bool:
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return False
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True


def resolve_year(day: int | None, month: int, published: dt.date, future: bool | None = False) -> int:
    """Year of a day or month written without one.

    Parameters
    ----------
    day : int or None
        Day of the month, or None for a month reference.
    month : int
        Month, 1–12.
    published : datetime.date
        Publication date of the article.
    future : bool or None
        True for a plan ("sẽ", "dự kiến"): a date well before publication moves to the
        next year. False for a past event: a date after publication moves to the year
        before. None when the sentence marks no tense: past, but a day up to two weeks
        (a month: the next month) after publication keeps the publication year.

    Returns
    -------
    int
        The publication year, the year before or the year after.

    >>> resolve_year(28, 12, dt.date(2025, 1, 5), future=False)  # "đã gặp ngày 28/12"
    2024
    >>> resolve_year(None, 1, dt.date(2025, 11, 20), future=True)  # "sẽ gặp vào tháng 1"
    2026
    """
    year = published.year
    if day is not None and not _valid(year, month, day):  # 29/2 outside a leap year
        return year
    if future:
        if day is not None:
            if (published - dt.date(year, month, day)).days > _PLAN_SLACK_DAYS:
                return year + 1
        elif published.month - month > 1:
            return year + 1
        return year
    if day is not None:
        ahead = (dt.date(year, month, day) - published).days
        limit = 0 if future is False else _UNMARKED_AHEAD_DAYS
        return year - 1 if ahead > limit else year
    limit = 0 if future is False else 1
    return year - 1 if month - published.month > limit else year


def weekday_date(weekday: int, published: dt.date, future: bool | None = False,
                 position: str | None = None) -> dt.date:
    """The day a weekday names, counted from the publication date.

    ``position`` is the word after the weekday: "tuần trước"/"tuần qua" (last week's),
    "tuần này"/"này" (this week's, weeks start on Monday), "tuần tới"/"tuần sau" (next
    week's), "tới"/"sắp tới" (the next one after publication), "vừa qua"/"qua" (the last
    one on or before). Without one: on or after publication for a plan, on or before it
    otherwise.

    >>> weekday_date(4, dt.date(2025, 10, 22))  # "hôm thứ Sáu", published on a Wednesday
    datetime.date(2025, 10, 17)
    """
    today = published.weekday()
    monday = published - dt.timedelta(days=today)
    position = " ".join(position.lower().split()) if position else None
    if position in ("tuần trước", "tuần qua"):
        return monday + dt.timedelta(days=weekday - 7)
    if position in ("tuần này", "này"):
        return monday + dt.timedelta(days=weekday)
    if position in ("tuần tới", "tuần sau"):
        return monday + dt.timedelta(days=weekday + 7)
    if position in ("tới", "sắp tới", "tới đây"):
        return published + dt.timedelta(days=(weekday - today) % 7 or 7)
    if future and position is None:
        return published + dt.timedelta(days=(weekday - today) % 7)
    return published - dt.timedelta(days=(today - weekday) % 7)


def _shift_month(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _month_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return MONTH_WORDS.get(" ".join(token.split()), 0)


def _in_quote(segment: str, pos: int) -> bool:
    """Whether ``segment[pos]`` lies inside a direct quotation, from the quote marks.

    A sentence with an odd number of marks whose first mark closes a quotation
    (“…” split across sentences) starts inside it.
    """
    marks = [i for i, ch in enumerate(segment) if ch in QUOTE_CHARS]
    if not marks:
        return False
    first = segment[marks[0]]
    starts_inside = len(marks) % 2 == 1 and (
        first in "”»" or (first == '"' and (marks[0] + 1 >= len(segment) or not segment[marks[0] + 1].isalnum())))
    before = sum(1 for i in marks if i < pos)
    return (before % 2 == 1) != starts_inside


def _tense(segment: str, start: int, end: int) -> bool | None:
    """Tense of the clause around ``segment[start:end]``: True plan, False past, None unmarked."""
    own = segment[start:end].lower()
    if own.startswith(("hôm ", "hồi ")):
        return False
    clause = 0
    for brk in CLAUSE_BREAK.finditer(segment, 0, start):
        clause = brk.end()
    before = segment[clause:start]
    future = past = None
    for cue in FUTURE_CUE.finditer(before):
        if not PAST_RIGHT_BEFORE.search(before, 0, cue.start()):  # "đã chuẩn bị": done, not planned
            future = cue.start()
    for cue in PAST_CUE.finditer(before):
        past = cue.start()
    if future is not None and (past is None or future > past):
        return True
    if past is not None:
        return False
    if FRONTED.fullmatch(before):  # "Ngày 28/12, hai bên sẽ gặp nhau"
        stop = REPORTING.search(segment, end)
        after = segment[end:stop.start() if stop else len(segment)]
        f_cue, p_cue = FUTURE_CUE.search(after), PAST_CUE.search(after)
        if f_cue and (p_cue is None or f_cue.start() < p_cue.start()):
            return True
        if p_cue:
            return False
    return None


# --- the annotator ------------------------------------------------------------------------

class _Collector:
    """Spans found in one sentence, with the ranges already taken."""

    def __init__(self, text: str, start: int, end: int, published: dt.date | None):
        self.text = text
        self.offset = start
        self.segment = text[start:end]
        self.pub = published
        self.taken: list[tuple[int, int]] = []
        self.spans: list[Span] = []

    def free(self, s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in self.taken)

    def add(self, s: int, e: int, values: list[tuple[str, str]], relative: bool) -> None:
        a, b = self.offset + s, self.offset + e
        surface = self.text[a:b]
        for value, precision in values:
            self.spans.append(Span(a, b, surface, "date", value,
                                   {"precision": precision, "relative": relative, "expression": surface}))
        self.taken.append((s, e))

    def year_of(self, day: int | None, month: int, explicit: str | None, rel: str | None,
                s: int, e: int, future: bool | None | str = "unmarked") -> int | None:
        """The year of a day or month: written, relative ("năm ngoái") or resolved."""
        if explicit:
            return int(explicit)
        if self.pub is None:
            return None
        if rel:
            rel = rel.lower()
            return self.pub.year + (0 if rel == "nay" else 1 if rel in ("tới", "sau") else -1)
        if future == "unmarked":  # read the tense from the clause
            future = _tense(self.segment, s, e)
        return resolve_year(day, month, self.pub, future)


def _day_values(col: _Collector, days: list[int], month: int, year_text: str | None, rel: str | None,
                s: int, e: int) -> list[tuple[str, str]] | None:
    if not 1 <= month <= 12 or any(not 1 <= d <= 31 for d in days):
        return None
    position = DAY_POSITION.match(col.segment, e)
    future: bool | str = "unmarked"
    if position:
        future = not position.group(1).lower().startswith("vừa")
    values = []
    for day in days:
        year = col.year_of(day, month, year_text, rel, s, e, future)
        if year is None or not _valid(year, month, day):
            return None
        values.append((dt.date(year, month, day).isoformat(), "day"))
    return values


def _numeric_days(col: _Collector) -> None:
    segment = col.segment
    last_end = -1
    for match in NUMERIC_DAY.finditer(segment):
        s, e = match.span()
        if not col.free(s, e):
            continue
        left = segment[max(0, s - _LEFT_WINDOW):s]
        if NOT_A_DAY_AFTER.match(segment, e) or NOT_A_DAY_LEFT.search(left):
            continue
        span_start = s
        cue = STRONG_CUE.search(left)
        accepted = cue is not None
        if cue and not re.search(r"[,(]", cue.group()):  # "hôm qua (27/2)": the span is the figures
            span_start = s - len(left) + cue.start()
        elif WEEKDAY_CUE.search(left):
            accepted = True
        elif last_end >= 0 and CONTINUATION.match(segment[last_end:s]):
            accepted = True
        elif match.group("y"):
            accepted = True
        else:
            weak = WEAK_CUE.search(left)
            if weak and not FRACTION_AFTER.match(segment, e) and not QUANTITY_LEFT.search(left[:weak.start()]):
                accepted = True
                word = re.search(r"(?i)ngày\s+$", left)
                if word:
                    span_start = s - len(left) + word.start()
        if not accepted:
            continue
        d1, month = int(match.group("d1")), int(match.group("m"))
        days = [d1]
        if match.group("d2"):
            d2 = int(match.group("d2"))
            if d2 <= d1:
                continue
            days.append(d2)
        values = _day_values(col, days, month, match.group("y"), match.group("yrel"), span_start, e)
        if values:
            col.add(span_start, e, values, match.group("y") is None)
            last_end = e


def _word_days(col: _Collector) -> None:
    segment = col.segment
    for match in WORDS_DAY.finditer(segment):
        s, e = match.span()
        if not col.free(s, e):
            continue
        year_text = match.group("y") or match.group("ycomma")
        left = segment[max(0, s - _LEFT_WINDOW):s]
        if not (match.group("pre") or year_text or STRONG_CUE.search(left) or WEAK_CUE.search(left)):
            continue
        days = [int(match.group("d1"))] + ([int(match.group("d2"))] if match.group("d2") else [])
        if len(days) == 2 and days[1] <= days[0]:
            continue
        values = _day_values(col, days, _month_number(match.group("m")), year_text, match.group("yrel"), s, e)
        if values:
            col.add(s, e, values, year_text is None)


def _iso_days(col: _Collector) -> None:
    for match in ISO_DAY.finditer(col.segment):
        y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        if col.free(*match.span()) and _valid(y, m, d):
            col.add(match.start(), match.end(), [(dt.date(y, m, d).isoformat(), "day")], False)


def _months(col: _Collector) -> None:
    segment = col.segment
    for match in MONTH.finditer(segment):
        s, e = match.span()
        if not col.free(s, e):
            continue
        year_text = match.group("y") or match.group("y2")
        rel, mrel = match.group("yrel"), match.group("mrel")
        if not (year_text or rel or mrel) and MONTH_STOP.match(segment, e):
            continue
        months = [_month_number(match.group("m"))]
        if match.group("m2"):
            months.append(int(match.group("m2")))
        if any(not 1 <= m <= 12 for m in months) or (len(months) == 2 and months[1] <= months[0]):
            continue
        future: bool | None | str = "unmarked"
        if mrel:
            mrel = " ".join(mrel.lower().split())
            future = True if mrel in ("tới", "sắp tới", "tới đây") else False if mrel in ("vừa qua", "qua") else None
        values = []
        for month in months:
            if mrel == "này" and col.pub is not None:
                year: int | None = col.pub.year
            else:
                year = col.year_of(None, month, year_text, rel, s, e, future)
            if year is None:
                break
            values.append((f"{year:04d}-{month:02d}", "month"))
        else:
            col.add(s, e, values, year_text is None)


def _years(col: _Collector) -> None:
    segment = col.segment
    for match in YEAR.finditer(segment):
        if not col.free(*match.span()):
            continue
        if DECADE_LEFT.search(segment[max(0, match.start() - _LEFT_WINDOW):match.start()]):
            continue
        years = [match.group("y")] + ([match.group("y2")] if match.group("y2") else [])
        if all(1900 <= int(y) <= 2100 for y in years):
            col.add(match.start(), match.end(), [(y, "year") for y in years], False)
    for match in BARE_YEAR.finditer(segment):
        s, e = match.span()
        if not col.free(s, e) or not BARE_YEAR_AFTER.match(segment, e):
            continue
        if PLAN_NAME_LEFT.search(segment[max(0, s - _LEFT_WINDOW):s]):
            continue
        col.add(s, e, [(match.group("y"), "year")], False)


def _relatives(col: _Collector) -> None:
    pub, segment = col.pub, col.segment
    if pub is None:
        return
    for match in RELATIVE.finditer(segment):
        s, e = match.span()
        if not col.free(s, e) or RELATIVE_STOP.match(segment, e):
            continue
        word = " ".join(match.group("word").lower().split())
        head, tail = word.rsplit(" ", 1)
        left = segment[max(0, s - _LEFT_WINDOW):s]
        if head in ("tháng", "năm"):
            if QUANTIFIER_LEFT.search(left) or VAGUE_LEFT.search(left) or WEEKDAY_THU_LEFT.search(left):
                continue
            if head == "tháng":
                shift = {"trước": -1, "này": 0}.get(tail, 1)
                year, month = _shift_month(pub, shift)
                col.add(s, e, [(f"{year:04d}-{month:02d}", "month")], True)
            else:
                shift = {"nay": 0, "ngoái": -1, "trước": -1}.get(tail, 1)
                col.add(s, e, [(str(pub.year + shift), "year")], True)
            continue
        if _in_quote(segment, s) or RELATIVE_DATED.match(segment, e):
            continue
        shift = {"nay": 0, "qua": -1, "kia": -2, "mai": 1}[tail]
        col.add(s, e, [((pub + dt.timedelta(days=shift)).isoformat(), "day")], True)


def _weekdays(col: _Collector) -> None:
    pub, segment = col.pub, col.segment
    if pub is None:
        return
    for match in WEEKDAY.finditer(segment):
        s, e = match.span()
        if not (match.group("cue") or match.group("rel")) or not col.free(s, e):
            continue
        if WEEKDAY_STOP.match(segment, e) or DATED_LEFT.search(segment, 0, s) or _in_quote(segment, s):
            continue
        name = match.group("name").lower().split()
        target = 6 if name[0] == "chủ" else WEEKDAYS[name[1]]
        future = None if match.group("rel") else _tense(segment, s, e)
        day = weekday_date(target, pub, future, match.group("rel"))
        col.add(s, e, [(day.isoformat(), "day")], True)


def find_dates(text: str, start: int, end: int, published: str | None) -> list[Span]:
    """Every calendar reference in ``text[start:end]`` (one sentence), as date spans.

    Parameters
    ----------
    text : str
        The article text; offsets of the returned spans index it.
    start, end : int
        Bounds of the sentence inside ``text``.
    published : str or None
        The article's ISO publication day, or None when unknown (a month-only value
        such as ``"2025-03"`` counts as unknown). Without it only fully specified dates
        are returned.

    Returns
    -------
    list of Span
        Spans of kind ``date`` sorted by offset, ``value`` an ISO day, month or year and
        ``attrs`` holding ``precision`` (day, month, year), ``relative`` (resolved against
        the publication date) and ``expression`` (the surface form). A range ("23-24/1")
        gives one span per day, on the same offsets.

    >>> text = "Hôm 21.10, ông Trump nói sẽ gặp ông Putin vào tháng 12."
    >>> [(s.text, s.value) for s in find_dates(text, 0, len(text), "2025-10-22")]
    [('Hôm 21.10', '2025-10-21'), ('tháng 12', '2025-12')]
    """
    col = _Collector(text, start, end, _publication(published))
    _iso_days(col)
    _numeric_days(col)
    _word_days(col)
    _months(col)
    _years(col)
    _relatives(col)
    _weekdays(col)
    col.spans.sort(key=lambda span: (span.start, span.value))
    return col.spans
