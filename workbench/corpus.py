"""The corpus reader: articles as crawled, with their metadata and regions.

The reader only reads and parses: it never edits the text. What is not the
article (crawl header, navigation, byline, photo credits, site boilerplate,
teasers of other stories) is kept as labelled regions, ``(start, end, label)``
offsets into the text as read.

Three page forms are recognised:

* a crawl header: the first line starts `` date YYYY-MM-DD`` and the text goes
  on on the same line (`` date 2025-03`` gives a month only: published unknown);
* a title line and a byline or dateline with a Vietnamese date near the top
  ("Thứ bảy, ngày 04/11/2023 08:25 AM (GMT+7)", "12:00 18/02/2025",
  "<author> 25/03/2025 - 06:16", "13 Tháng Hai, 2025");
* neither: the publication date is unknown and is not guessed.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from .errors import CorpusError
from .text import CREDIT

#: Files larger than this are not articles (a page of text is a few dozen kB).
DEFAULT_MAX_BYTES = 2_000_000

HEADER = re.compile(r"\A\ufeff?[ \t]*date[ \t]+(\S+)[ \t]?")
HEADER_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
HEADER_MONTH = re.compile(r"(\d{4})-(\d{2})\Z")

_MONTH_NAMES = {
    "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12,
}
_TIME = r"\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*[AP]M)?"
_DMY = r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])"
_WEEKDAY = r"(?:Thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|Chủ\s+nhật|CN|T[2-7])"
# A dateline: a full date with a clock time beside it, a weekday before it,
# or an "updated"/"published" cue; or a date standing alone on its line.
BYLINE_DMY = re.compile(
    rf"(?i:{_WEEKDAY}\s*,?\s*(?:ngày\s+)?{_DMY})"
    rf"|(?i:(?:cập nhật|đăng|ngày đăng|xuất bản)\s*:?\s*(?:lúc\s+)?(?:{_TIME}\s+)?(?:ngày\s+)?{_DMY})"
    rf"|{_TIME}\s*,?\s*(?:ngày\s+)?{_DMY}"
    rf"|{_DMY}\s*(?:[-|,]\s*)?{_TIME}"
    rf"|^\s*{_DMY}\s*$",
    re.M,
)
BYLINE_MONTH_NAME = re.compile(
    r"(?<!\d)(\d{1,2})\s+[Tt]háng\s+(Mười\s+Một|Mười\s+Hai|Mười|Một|Hai|Ba|Tư|Bốn|Năm|Sáu|Bảy|Tám|Chín"
    r"|mười\s+một|mười\s+hai|mười|một|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|\d{1,2}),?\s+(\d{4})\b"
)
#: Lines that belong to the site, not the article (navigation, counters, calls to action).
BOILERPLATE_LINE = re.compile(
    r"^\s*(?:\|?\s*Hotline:.*|MỚI NHẤT|Bình luận\s*\d*|\d[\d.,]*\s+lượt xem|news|[\d/|\s]+"
    r"|[a-z0-9]+(?:-[a-z0-9]+){3,}|Chia sẻ|Theo dõi.*trên Google News.*|Nghe đọc bài.*"
    r"|[A-ZĐÀ-Ỹ\s,]{10,}VIỆT NAM|Tin liên quan|TIN LIÊN QUAN)\s*$"
)
#: A line from which the rest of the page is the site's (related stories, calls to follow).
TRAILER_START = re.compile(
    r"^\s*(?:Mời (?:các )?bạn (?:đồng hành|theo dõi|đọc)|Tin cùng chuyên mục|Xem theo ngày|Tin liên quan"
    r"|TIN LIÊN QUAN|Bài liên quan|Đọc thêm|Xem thêm|Tin mới nhất|Tin nổi bật|Có thể bạn quan tâm)",
    re.M,
)
#: Two or more blank lines: what follows is teasers of other stories.
TEASER_GAP = re.compile(r"\n[ \t\r]*\n[ \t\r]*\n")


@dataclass
class Article:
    """One article as read, with its metadata and labelled regions.

    ``regions`` cover the text in order; labels are ``header``, ``boilerplate``,
    ``title``, ``byline``, ``body`` and ``teaser``. ``body_start``/``body_end``
    bound the article body (from the first to the last body region).
    """

    article_id: str
    file: str
    text: str
    published: str | None
    published_source: str  # header | byline | none
    title: str | None
    regions: list[tuple[int, int, str]]
    path: str = ""
    content_hash: str = ""
    flags: list[str] = field(default_factory=list)

    @property
    def body_start(self) -> int:
        starts = [s for s, _, label in self.regions if label == "body"]
        return min(starts) if starts else 0

    @property
    def body_end(self) -> int:
        ends = [e for _, e, label in self.regions if label == "body"]
        return max(ends) if ends else 0

    def region_text(self, label: str) -> str:
        """All text of the regions labelled ``label``, joined by newlines."""
        return "\n".join(self.text[s:e] for s, e, lab in self.regions if lab == label)


@dataclass(frozen=True)
class Source:
    """One file's text as read and decoded, before parsing.

    ``content_hash`` is the SHA-256 of the text (UTF-8): the key of the
    article's annotations, whatever the file is called. ``text`` is None when
    the file was not read again because its text is known (see
    :func:`iter_sources`).
    """

    file: str
    path: str
    text: str | None
    content_hash: str

    def parse(self) -> Article:
        """The :class:`Article` of this text (:class:`CorpusError` for an impossible header)."""
        if self.text is None:
            raise ValueError(f"{self.file}: the text was not read (a known text)")
        article = parse_article(self.text, self.file)
        article.path = self.path
        return article


@dataclass
class Skipped:
    """A file the reader could not load, and why."""

    file: str
    reason: str


#: File signatures of formats a crawl leaves behind under a .txt name.
_BINARY_MAGIC = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                 (b"GIF8", "a GIF image"), (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive"),
                 (b"\x1f\x8b", "gzip data"), (b"RIFF", "a RIFF (WebP/WAV) file"))
#: C0 control characters other than line breaks, tab and form feed: a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _date_or_none(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_byline_date(line: str) -> str | None:
    """The publication date a byline or dateline states, or None.

    Dates are day/month/year.

    >>> parse_byline_date("Thứ bảy, ngày 04/11/2023 08:25 AM (GMT+7)")
    '2023-11-04'
    >>> parse_byline_date("13 Tháng Hai, 2025")
    '2025-02-13'
    >>> parse_byline_date("Ngày 23/4/2025, ông Rubio không tham dự hội nghị") is None
    True
    """
    match = BYLINE_DMY.search(line)
    if match:
        day, month, year = (int(g) for g in match.groups() if g is not None)
        return _date_or_none(year, month, day)
    match = BYLINE_MONTH_NAME.search(line)
    if match and len(line.strip()) <= 60:
        name = " ".join(match.group(2).lower().split())
        month = int(name) if name.isdigit() else _MONTH_NAMES[name]
        return _date_or_none(int(match.group(3)), month, int(match.group(1)))
    return None


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line from ``start``, newline excluded, ``\\r`` kept out."""
    for match in re.finditer(r"[^\n]*", text[start:]):
        s, e = start + match.start(), start + match.end()
        if e > s and text[e - 1] == "\r":
            e -= 1
        if match.start() == match.end() and match.start() > 0 and text[start + match.start() - 1] != "\n":
            continue
        yield s, e


def _is_headline(line: str) -> bool:
    stripped = line.strip()
    return (15 <= len(stripped) <= 220 and not re.search(r"[.!:;…”\"]$|\.\s+[A-ZĐÀ-Ỹ]", stripped)
            and not CREDIT.search(stripped) and not BOILERPLATE_LINE.match(stripped))


#: How many lines from the top a byline is looked for.
TOP_LINES = 14


def parse_article(text: str, file: str) -> Article:
    """Parse one article's text (already decoded) into an :class:`Article`.

    Raises
    ------
    CorpusError
        When the crawl header carries a date that is not a date.

    >>> a = parse_article(" date 2025-10-22 Hôm 21.10, ông Trump cho biết.", "x.txt")
    >>> a.published, a.published_source, a.text[a.body_start:a.body_end]
    ('2025-10-22', 'header', 'Hôm 21.10, ông Trump cho biết.')
    """
    regions: list[tuple[int, int, str]] = []
    published: str | None = None
    source = "none"
    title: str | None = None
    cursor = 0

    header = HEADER.match(text)
    if header:
        value = header.group(1)
        if HEADER_DAY.match(value):
            published = _date_or_none(*(int(g) for g in HEADER_DAY.match(value).groups()))
            if published is None:
                raise CorpusError(file, f"header date {value!r} is not a calendar date")
            source = "header"
        elif HEADER_MONTH.match(value) and 1 <= int(HEADER_MONTH.match(value).group(2)) <= 12:
            pass  # a month only: published unknown
        else:
            raise CorpusError(file, f"header date {value!r} is not YYYY-MM-DD or YYYY-MM")
        regions.append((0, header.end(), "header"))
        cursor = header.end()

    # End of the article: site trailer, then teasers after a wide gap.
    end = len(text)
    trailer = TRAILER_START.search(text, cursor)
    teaser_regions: list[tuple[int, int, str]] = []
    if trailer:
        teaser_regions.append((trailer.start(), end, "boilerplate"))
        end = trailer.start()
    gap = TEASER_GAP.search(text, cursor, end)
    if gap and text[gap.end():end].strip():
        teaser_regions.insert(0, (gap.end(), end, "teaser"))
        end = gap.start()

    # Top of the page: navigation, title and byline, looked for in the first lines.
    lines = [(s, e) for s, e in _lines(text, cursor) if s < end and text[s:e].strip()]
    top = lines[:TOP_LINES]
    byline_index = None
    for i, (s, e) in enumerate(top):
        line = text[s:e]
        if len(line) <= 220 and parse_byline_date(line):
            glued = i == 0 or _is_headline(line[: BYLINE_DMY.search(line).start()] if BYLINE_DMY.search(line) else "")
            if len(line) <= 120 or glued:
                byline_index = i
                break
        if len(line) > 220:  # the body has begun
            break
    labels = ["body"] * len(lines)
    if byline_index is not None:
        s, e = top[byline_index]
        line = text[s:e]
        byline_date = parse_byline_date(line)
        date_match = BYLINE_DMY.search(line) or BYLINE_MONTH_NAME.search(line)
        if published is None and source == "none":
            published, source = byline_date, "byline"
        before = line[: date_match.start()].rstrip(" |-–,")
        if byline_index == 0 and _is_headline(before) and len(before) > 40:
            # a byline glued to the title line: "<title> 30/01/2026 05:51"
            cut = s + len(before)
            regions_top = [(s, cut, "title"), (cut, e, "byline")]
            title = before.strip()
        else:
            regions_top = [(s, e, "byline")]
            title_index = next((j for j in range(byline_index - 1, -1, -1)
                                if _is_headline(text[top[j][0]:top[j][1]])), None)
            if title_index is not None:
                labels[title_index] = "title"
                title = text[top[title_index][0]:top[title_index][1]].strip()
                for j in range(title_index):
                    # above the title: site navigation, except photo captions
                    if not CREDIT.search(text[top[j][0]:top[j][1]]):
                        labels[j] = "boilerplate"
            for j in range(byline_index):
                if labels[j] == "body" and (BOILERPLATE_LINE.match(text[top[j][0]:top[j][1]])
                                            or text[top[j][0]:top[j][1]].strip() == title):
                    labels[j] = "boilerplate"
        labels[byline_index] = "byline"
    else:
        regions_top = []
        if not header and lines and _is_headline(text[lines[0][0]:lines[0][1]]):
            labels[0] = "title"
            title = text[lines[0][0]:lines[0][1]].strip()
    for i, (s, e) in enumerate(lines):
        if labels[i] == "body" and BOILERPLATE_LINE.match(text[s:e]):
            labels[i] = "boilerplate"

    for i, (s, e) in enumerate(lines):
        if labels[i] == "byline":
            regions.extend(regions_top)
        else:
            regions.append((s, e, labels[i]))
    regions.extend(teaser_regions)
    regions.sort()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article = Article(
        article_id=digest[:16], file=file, text=text, published=published,
        published_source=source, title=title, regions=regions, content_hash=digest,
    )
    if not any(label == "body" and text[s:e].strip() for s, e, label in regions):
        article.flags.append("empty_body")
    return article


def decode(data: bytes, file: str, encoding: str | None = None) -> str:
    """Bytes of a corpus file as text, or :class:`CorpusError` saying why not.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as such; any
    other encoding only when the user names it.
    """
    if not data.strip():
        raise CorpusError(file, "empty file" if not data else "only whitespace")
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise CorpusError(file, f"binary data ({kind})")
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise CorpusError(file, f"not {encoding} text ({exc})") from exc
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(file, f"broken UTF-16 text ({exc.reason} at byte {exc.start})") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CorpusError(file, f"not UTF-8 text (byte {exc.start}); name its encoding with --encoding") from exc
    if "\x00" in text:
        raise CorpusError(file, "binary data (NUL bytes)")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise CorpusError(file, "binary data (control characters)")
    if not text.strip():
        raise CorpusError(file, "only whitespace")
    return text


def read_source(path: Path, root: Path | None = None, *, encoding: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read and decode one file; :class:`CorpusError` names the file and the reason."""
    name = str(path.relative_to(root)) if root else path.name
    if path.is_symlink() and not path.exists():
        raise CorpusError(name, "broken symbolic link")
    if not path.is_file():
        raise CorpusError(name, "not a regular file")
    size = path.stat().st_size
    if size > max_bytes:
        raise CorpusError(name, f"{size:,} bytes is larger than --max-bytes {max_bytes:,}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(name, f"cannot be read ({exc.strerror})") from exc
    text = decode(data, name, encoding)
    return Source(name, str(path), text, hashlib.sha256(text.encode("utf-8")).hexdigest())


def read_article(path: Path, root: Path | None = None, *, encoding: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read and parse one file; :class:`CorpusError` names the file and the reason."""
    return read_source(path, root, encoding=encoding, max_bytes=max_bytes).parse()


def iter_sources(folder: str | Path, *, encoding: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 known: Mapping[str, str] | None = None) -> Iterator[Source | Skipped]:
    """Every entry of a corpus folder, in name order: a Source (read, not parsed) or a Skipped.

    Only ``*.txt`` files are articles; anything else in the folder (subfolders,
    other extensions) is reported as skipped so that nothing goes unseen.
    ``known`` maps names of regular ``.txt`` files no larger than ``max_bytes``
    whose bytes were just read and found to be exactly the UTF-8 of a text
    the caller already has, to that text's content hash: they are yielded
    with ``text=None`` and not read again.
    """
    known = known or {}
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError(str(folder), "corpus folder does not exist" if not root.exists() else "not a folder")
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        if path.is_dir() and not path.is_symlink():
            yield Skipped(path.name, "a folder, not an article file")
            continue
        if path.suffix.lower() != ".txt":
            yield Skipped(path.name, f"not a .txt file ({path.suffix or 'no extension'})")
            continue
        if path.name in known:
            yield Source(path.name, str(path), None, known[path.name])
            continue
        try:
            yield read_source(path, root, encoding=encoding, max_bytes=max_bytes)
        except CorpusError as exc:
            yield Skipped(exc.path, exc.reason)


def iter_corpus(folder: str | Path, *, encoding: str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Skipped]:
    """Every entry of a corpus folder, in name order: an Article or a Skipped (see :func:`iter_sources`)."""
    for item in iter_sources(folder, encoding=encoding, max_bytes=max_bytes):
        if isinstance(item, Skipped):
            yield item
            continue
        try:
            yield item.parse()
        except CorpusError as exc:
            yield Skipped(exc.path, exc.reason)


def load_corpus(folder: str | Path, **options) -> tuple[list[Article], list[Skipped]]:
    """All articles of a folder and the files skipped, with reasons.

    Identical texts under two names are loaded once: the later names are
    reported as skipped duplicates of the first.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for item in iter_corpus(folder, **options):
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item.content_hash in seen:
            skipped.append(Skipped(item.file, f"duplicate of {seen[item.content_hash]}"))
        else:
            seen[item.content_hash] = item.file
            articles.append(item)
    return articles, skipped
