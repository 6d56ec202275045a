"""Person annotator: every mention of a named person, resolved to one canonical name.

The annotator works on capitalised word runs and knowledge tables, without a
statistical tagger:

1. names listed in ``knowledge/persons.csv`` (with their spelling variants and
   Sino-Vietnamese readings) are found directly;
2. every other run of capitalised words is trimmed of titles and honorifics
   (``knowledge/titles.csv``) and of country, institution and outlet words
   (``knowledge/nonpersons.csv`` and, when present, ``knowledge/places.csv``),
   then kept when it looks like a name: a foreign name of two or more words,
   any name after a title or honorific, or a single word that refers back to a
   person already named;
3. mentions of one article are grouped into persons by surname, given name and
   guarded spelling similarity ("Kuleba"/"Kubela", "Venislavsk"/"Venislavsky").

Spans cover the name only; titles, honorifics and country words stay outside.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from .knowledge import load_table
from .model import Sentence, Span, fold

__all__ = ["find_persons"]

# A word: initials ("J.D.", "D.C."), a single initial before another word ("J. Vance"),
# or letters with inner apostrophes ("O'Brien").
_WORD = re.compile(
    r"(?:[^\W\d_]\.){2,}|[^\W\d_]\.(?=[ \u00a0]+[^\W\d_])|[^\W\d_]+(?:['’][^\W\d_]+)*"
)
# Lowercase particles that may sit inside a name ("von der Leyen", "bin Salman", "al-Thani").
_PARTICLES = frozenset(
    "bin bint ibn al el ad as van von der den de del della di da du dos das la le ter zu".split()
)
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
_VIET_SYLLABLE = re.compile(_ONSET + r"[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?")
# Words that join a title to the name it introduces: "đặc phái viên Mỹ về Trung Đông X",
# "đồng cấp người Ukraine X".
_CONNECTORS = frozenset({"về", "người", "tại", "phía"})
_PLURAL_HONORIFICS = frozenset({"hai ông", "các ông", "hai bà", "các bà", "hai vị"})
_CLAUSE_BREAK = re.compile(r"[;:!?\"“”()\[\]]")
_APPOSITION = re.compile(r",\s*$")
_COORDINATION = re.compile(r"^\s*(?:,|và|cùng)\s*$")


# ---------------------------------------------------------------- knowledge


@dataclass(frozen=True)
class _Known:
    """One row of ``persons.csv``."""

    name: str
    aliases: tuple[str, ...]
    side: str
    role: str
    wikidata: str

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class _Knowledge:
    known: dict[str, _Known]
    by_form: dict[str, str]  # folded full form -> canonical
    by_surname: dict[str, str | None]  # folded last word -> canonical (None when ambiguous)
    gazetteer: re.Pattern
    titles: re.Pattern  # a title at the end of a text
    title_kind: dict[str, str]
    title_anywhere: re.Pattern
    lexicon: re.Pattern  # countries, places, institutions, outlets
    lexicon_end: re.Pattern
    lexicon_info: dict[str, tuple[str, str]]  # folded -> (kind, side)
    heads: frozenset[str]
    stops: frozenset[str]
    tokens: frozenset[str]
    cues: frozenset[str]


def _alternation(phrases) -> str:
    """Regex alternation of literal phrases, longest first, spaces matching any run of spaces."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(re.escape(part) for part in p.split()) for p in unique)


def _capitalised(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _place_rows() -> list[tuple[str, str, str]]:
    """Names and aliases from the places table, when it is installed."""
    try:
        rows = load_table("places")
    except FileNotFoundError:
        return []
    out = []
    for row in rows:
        names = [row.get("name") or ""] + (row.get("aliases") or "").split("|")
        for name in names:
            name = name.strip()
            if len(name) > 1 and name[:1].isupper():
                out.append((name, "place", ""))
    return out


@cache
def _knowledge() -> _Knowledge:
    """Load and compile the knowledge tables (once per process)."""
    known: dict[str, _Known] = {}
    by_form: dict[str, str] = {}
    surnames: dict[str, set[str]] = {}
    gazetteer_forms: list[str] = []
    for row in load_table("persons"):
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        person = _Known(row["name"].strip(), aliases, (row.get("side") or "").strip(),
                        (row.get("role") or "").strip(), (row.get("wikidata") or "").strip())
        known[person.name] = person
        for form in person.forms:
            by_form[fold(form)] = person.name
            surnames.setdefault(fold(form.split()[-1]), set()).add(person.name)
            if len(form.split()) > 1 or not _is_latin_word(form):
                gazetteer_forms.append(form)
    by_surname = {key: (next(iter(names)) if len(names) == 1 else None)
                  for key, names in surnames.items()}

    title_kind: dict[str, str] = {}
    for row in load_table("titles"):
        title_kind[fold(row["title"])] = row["kind"].strip()
    title_alts = _alternation(row["title"] for row in load_table("titles"))
    prefix = r"(?:(?:cựu|phó|tân|nguyên)\s+)?"
    titles = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[,(\-–]))" + prefix + r"(?:" + title_alts
                        + r")(?!\w)\s*$", re.IGNORECASE)
    title_anywhere = re.compile(r"(?<!\w)" + prefix + r"(?:" + title_alts + r")(?!\w)",
                                re.IGNORECASE)

    lexicon_rows = [(row["name"].strip(), row["kind"].strip(), (row.get("side") or "").strip())
                    for row in load_table("nonpersons")]
    named = [r for r in lexicon_rows if r[1] in ("country", "place", "org", "media", "other")]
    named += [r for r in _place_rows() if fold(r[0]) not in by_form]
    lexicon_info: dict[str, tuple[str, str]] = {}
    phrases = []
    for name, kind, side in named:
        lexicon_info.setdefault(fold(name), (kind, side))
        phrases += [name, _capitalised(name)]
    lex_alts = _alternation(phrases)
    lexicon = re.compile(r"(?<![\w-])(?:" + lex_alts + r")(?![\w])")
    lexicon_end = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[,(]))(?:" + lex_alts + r")\s*$")

    def kind_set(kind: str) -> frozenset[str]:
        return frozenset(fold(r[0]) for r in lexicon_rows if r[1] == kind)

    gazetteer = re.compile(r"(?<![\w-])(?:" + _alternation(gazetteer_forms) + r")(?![\w])")
    return _Knowledge(known, by_form, by_surname, gazetteer, titles, title_kind, title_anywhere,
                      lexicon, lexicon_end, lexicon_info, kind_set("head"),
                      frozenset(r[0] for r in lexicon_rows if r[1] == "stop"),
                      kind_set("token"), kind_set("cue"))


# ---------------------------------------------------------------- word classes


def _is_latin_word(word: str) -> bool:
    return all(ord(ch) < 0x250 for ch in word)


def _is_vietnamese(word: str) -> bool:
    """True when ``word`` is a possible Vietnamese syllable ("Nga", "Lý", "Dan")."""
    return _VIET_SYLLABLE.fullmatch(fold(word)) is not None


def _has_tone(word: str) -> bool:
    """True when ``word`` carries Vietnamese diacritics or đ ("Đông", "Lý")."""
    return fold(word) != word.lower()


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and "." not in word and word.isupper()


def _is_initial(word: str) -> bool:
    return word.endswith(".")


# ---------------------------------------------------------------- mentions


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    words: list[str]
    titled: bool = False  # a title or honorific stands right before the name
    plural: bool = False  # introduced by "hai ông", "các bà" …
    role: str = ""
    side: str = ""
    canonical: str | None = None  # from persons.csv
    vietnamese: bool = False

    @property
    def surname(self) -> str:
        return fold(self.words[-1])

    @property
    def given(self) -> str:
        return fold(self.words[0])


@dataclass
class _Person:
    words: list[str]
    canonical: str | None = None
    mentions: list[_Mention] = field(default_factory=list)

    def keys(self) -> set[str]:
        return {m.surname for m in self.mentions} | {fold(self.words[-1])}

    def givens(self) -> set[str]:
        return {m.given for m in self.mentions if len(m.words) > 1} | (
            {fold(self.words[0])} if len(self.words) > 1 else set())


def _words(text: str, start: int, end: int) -> list[re.Match]:
    return list(_WORD.finditer(text, start, end))


def _runs(text: str, words: list[re.Match]) -> list[list[re.Match]]:
    """Runs of capitalised words joined by single spaces or hyphens, particles inside."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for i, word in enumerate(words):
        token = word.group()
        capital = token[:1].isupper() and not _is_acronym(token)
        if capital and len(token) == 1 and text[word.end():word.end() + 1] in "-0123456789":
            capital = False  # "F-16", "G20"
        if current:
            gap = text[current[-1].end():word.start()]
            joined = gap in (" ", "\u00a0") or (gap == "-" and (capital or token in _PARTICLES)
                                                 or gap == "-" and current[-1].group() in _PARTICLES)
            particle = (token in _PARTICLES and i + 1 < len(words)
                        and words[i + 1].group()[:1].isupper()
                        and text[word.end():words[i + 1].start()] in (" ", "-"))
            if joined and (capital or particle):
                current.append(word)
                continue
            runs.append(current)
            current = []
        if capital:
            current = [word]
    if current:
        runs.append(current)
    return [run for run in runs if run]


def _covered(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _trim(text: str, run: list[re.Match], kb: _Knowledge,
          titles: list[tuple[int, int]], lexicon: list[tuple[int, int]]) -> list[re.Match]:
    """Drop leading titles, honorifics, country and institution words, common words."""
    changed = True
    while run and changed:
        changed = False
        first = run[0]
        token = first.group()
        if _covered(titles, first.start(), first.end()) or _covered(lexicon, first.start(), first.end()):
            run = run[1:]
            changed = True
            continue
        if token in kb.stops and len(run) > 1:
            run = run[1:]
            changed = True
            continue
        if fold(token) in kb.heads or (len(run) > 1 and
                                       f"{fold(token)} {fold(run[1].group())}" in kb.heads):
            rest = run[1:]
            while rest and _is_vietnamese(rest[0].group()):
                rest = rest[1:]
            run = rest
            changed = True
            continue
        # A Vietnamese-looking lead ("Trung Đông", "Phần Lan", "Ý") before a foreign name.
        lead = 0
        while lead < len(run) and _is_vietnamese(run[lead].group()):
            lead += 1
        if 0 < lead < len(run) and any(_has_tone(w.group()) for w in run[:lead]):
            run = run[lead:]
            changed = True
    while run and (run[-1].group() in _PARTICLES or _is_initial(run[-1].group())
                   or run[-1].group() in ("Jr", "Sr")):
        run = run[:-1]
    while run and run[0].group() in _PARTICLES:
        run = run[1:]
    return run


@dataclass
class _Context:
    titled: bool = False
    plural: bool = False
    role: str = ""
    side: str = ""
    inner_role: str = ""  # "Tổng thống" of "Đặc phái viên Tổng thống Mỹ …", kept for the office-holder


_TITLE_PREFIX = re.compile(r"^(?:cựu|phó|tân|nguyên)\s+", re.IGNORECASE)
_ABBREVIATION = re.compile(r"(?:\b[^\W\d_]|Gen|Lt|Col|Adm|Mr|Mrs|Ms|Dr|St|Sgt|Capt|Maj)\.\s*$")


def _title_kind(kb: _Knowledge, title: str) -> str:
    return kb.title_kind.get(fold(_TITLE_PREFIX.sub("", title)), "title")


def _country_side(kb: _Knowledge, phrase: str) -> str:
    for found in kb.lexicon.finditer(phrase):
        kind, side = kb.lexicon_info.get(fold(found.group()), ("", ""))
        if side and kind in ("country", "org"):
            return side
    return ""


def _context(text: str, start: int, floor: int, kb: _Knowledge,
             previous: _Mention | None) -> _Context:
    """Title, role and side stated right before the name starting at ``start``."""
    window = text[floor:start]
    out = _Context()
    role_parts: list[str] = []
    last_kind = ""
    for _ in range(12):
        stripped = window.rstrip()
        if not stripped:
            break
        if last_kind not in ("", "rank", "honorific"):
            # the nearest title decides; only ranks chain ("Tướng Gen."). A title right before it,
            # with no "của", is the head: "Đặc phái viên Tổng thống Mỹ Steve Witkoff" is the envoy
            outer = kb.titles.search(stripped)
            if outer and _title_kind(kb, outer.group().strip()) not in ("rank", "honorific"):
                out.inner_role = " ".join(role_parts)
                role_parts.insert(0, outer.group().strip())
            break
        match = kb.lexicon_end.search(stripped)
        if match and not out.titled:
            kind, side = kb.lexicon_info.get(fold(match.group().strip()), ("place", ""))
            if kind == "org":
                role_parts.insert(0, match.group().strip())
            if side and not out.side and kind in ("country", "org"):
                out.side = side
            window = stripped[:match.start()]
            continue
        last = stripped.split()[-1]
        if last in _CONNECTORS and not role_parts and not out.titled:
            if last == "tại":
                out.side = ""  # "Đại sứ Trung Quốc tại Nga": the side is the sender
            window = stripped[: len(stripped) - len(last)]
            continue
        if _is_acronym(last) and not out.titled:
            window = stripped[: len(stripped) - len(last)]
            continue
        match = kb.titles.search(stripped)
        if match:
            title = match.group().strip()
            kind = _title_kind(kb, title)
            if role_parts and kind != "rank" and last_kind == "rank":
                break
            if out.titled and kind == "honorific":
                break
            out.titled = True
            last_kind = kind
            if kind == "honorific":
                out.plural = fold(title) in {fold(p) for p in _PLURAL_HONORIFICS}
            else:
                role_parts.insert(0, title)
            window = stripped[:match.start()]
            continue
        break
    titles = [p for p in role_parts if fold(p) not in kb.lexicon_info]
    if titles:
        out.role = " ".join(role_parts)
        return out
    apposition = _APPOSITION.search(window.rstrip())
    if not apposition:
        return out
    chunk_end = floor + apposition.start()
    if previous is not None and not text[previous.end:chunk_end].strip():
        chunk_end = previous.start  # "Trợ lý của Tổng thống Nga Vladimir Putin, ông Yury Ushakov"
    chunk_start = _clause_start(text, chunk_end)
    if previous is not None and chunk_start < previous.end <= chunk_end:
        chunk_start = previous.end
    chunk = re.split(r",|\svà\s|\scùng\s", text[chunk_start:chunk_end])[-1].strip()
    head = kb.title_anywhere.match(chunk)
    if not head or _title_kind(kb, head.group()) == "honorific":
        return out
    chunk = re.sub(r"(?:\s+(?:ông|bà|của|ngài))+$", "", chunk, flags=re.IGNORECASE)
    out.titled = True
    out.side = out.side or _country_side(kb, chunk)
    if " của " not in chunk:
        lead = kb.lexicon_end.search(chunk)
        if lead and kb.lexicon_info.get(fold(lead.group().strip()), ("", ""))[0] == "country":
            chunk = chunk[:lead.start()].rstrip()
    out.role = chunk
    return out


def _clause_start(text: str, position: int) -> int:
    """Start of the clause that ends at ``position`` (a line, quote or full stop bounds it)."""
    start = position
    while start > 0:
        char = text[start - 1]
        if char == "\n" or _CLAUSE_BREAK.match(char):
            break
        if char == "." and text[start:start + 1].isspace() and not _ABBREVIATION.search(
                text, max(0, start - 6), start):
            break
        start -= 1
    return start


def _cue_before(text: str, start: int, floor: int, kb: _Knowledge) -> bool:
    words = text[floor:start].split()
    while words and _is_acronym(words[-1]):
        words.pop()  # "tàu sân bay USS Gerald R. Ford"
    words = words[-3:]
    return any(fold(" ".join(words[i:])) in kb.cues for i in range(len(words)))


def _sentence_mentions(text: str, sentence: Sentence, kb: _Knowledge,
                       state: dict) -> list[_Mention]:
    """Mentions in one sentence; ``state`` carries the previous mention across sentences."""
    s_start, s_end = sentence.start, sentence.end
    titles = [m.span() for m in kb.title_anywhere.finditer(text, s_start, s_end)]
    lexicon = [m.span() for m in kb.lexicon.finditer(text, s_start, s_end)]
    listed = [m for m in kb.gazetteer.finditer(text, s_start, s_end)]
    listed_spans = [m.span() for m in listed]
    candidates: list[tuple[int, int, list[re.Match] | None, str | None]] = []
    for match in listed:
        candidates.append((match.start(), match.end(), None, kb.by_form[fold(match.group())]))
    words = [w for w in _words(text, s_start, s_end)
             if not any(s <= w.start() < e for s, e in listed_spans)]
    runs: list[list[re.Match]] = []
    for run in _runs(text, words):
        gaps = {text[a.end():b.start()] for a, b in zip(run, run[1:])}
        # "Trump-Putin", "Nga-Mỹ": a hyphen compound names several parties, not one person.
        runs.extend([[w] for w in run] if gaps == {"-"} else [run])
    for run in runs:
        raw_start = run[0].start()
        run = _trim(text, run, kb, titles, lexicon)
        if run:
            candidates.append((run[0].start(), run[-1].end(), run, None))
            if _cue_before(text, raw_start, s_start, kb) and raw_start == run[0].start():
                candidates[-1] = (run[0].start(), run[-1].end(), [], None)
    candidates.sort(key=lambda c: c[0])

    mentions: list[_Mention] = []
    previous: _Mention | None = state.get("previous")
    floor = state.get("floor", 0)
    for start, end, run, canonical in candidates:
        if run is not None and not run:  # introduced by a place or outlet noun
            floor = end
            continue
        surface = text[start:end]
        clause = _clause_start(text, start)
        context = _context(text, start, max(floor, clause), kb, previous)
        if (previous is not None and previous.plural
                and _COORDINATION.match(text[previous.end:start])):
            context.titled = True
            context.plural = True
        words_ = surface.replace("-", " ").split() if run is None else [w.group() for w in run]
        mention = _Mention(start, end, surface, words_, context.titled, context.plural,
                           context.role, context.side, canonical)
        if canonical is None and not _accept(mention, kb):
            floor = end if fold(surface) in kb.lexicon_info else floor
            continue
        if canonical is None:
            mention.canonical = _listed_full_name(mention, kb)
        holder = kb.known.get(mention.canonical or "")
        if context.inner_role and holder and fold(holder.role) == fold(context.inner_role):
            mention.role = context.inner_role  # "con rể Tổng thống Donald Trump": he holds the office
        mentions.append(mention)
        previous = mention
        floor = end
    state["previous"], state["floor"] = previous, floor
    return mentions


def _accept(mention: _Mention, kb: _Knowledge) -> bool:
    """Whether a trimmed capitalised run is a person name (single words are decided later)."""
    words = mention.words
    folded = fold(mention.text)
    if folded in kb.lexicon_info or any(fold(w) in kb.tokens for w in words):
        return False
    if not any(len(w) > 1 and not _is_initial(w) for w in words):
        return False
    mention.vietnamese = all(_is_vietnamese(w) for w in words)
    spaced = len(mention.text.split())
    if mention.vietnamese:
        return mention.titled
    if spaced >= 2:
        return True
    return True  # one word: kept only if it refers to a person (see _resolve)


def _listed_full_name(mention: _Mention, kb: _Knowledge) -> str | None:
    """persons.csv entry for a full name whose surname and given name agree with it."""
    if len(mention.words) < 2:
        return None
    exact = kb.by_form.get(fold(mention.text))
    if exact:
        return exact
    canonical = kb.by_surname.get(mention.surname)
    if canonical:
        known = kb.known[canonical]
        givens = {fold(f.split()[0])[:1] for f in known.forms if len(f.split()) > 1}
        if mention.given[:1] in givens:
            return canonical
    return None


# ---------------------------------------------------------------- grouping


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (edits with adjacent transpositions)."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def _similar(a: str, b: str) -> bool:
    """Guarded spelling match of two folded surnames ("kuleba"/"kubela", "zelensky"/"zelenskyy")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6 or a[0] != b[0]:
        return False
    if abs(len(a) - len(b)) <= 2 and (a.startswith(b) or b.startswith(a)):
        return True
    distance = _osa(a, b)
    return distance <= 1 or (distance == 2 and sorted(a) == sorted(b))


def _resolve(mentions: list[_Mention], kb: _Knowledge) -> list[_Person]:
    persons: list[_Person] = []
    by_canonical: dict[str, _Person] = {}

    def attach(person: _Person, mention: _Mention) -> None:
        person.mentions.append(mention)

    def listed(canonical: str) -> _Person:
        if canonical not in by_canonical:
            person = _Person(kb.known[canonical].name.split(), canonical)
            by_canonical[canonical] = person
            persons.append(person)
        return by_canonical[canonical]

    full = [m for m in mentions if len(m.words) > 1 or m.canonical]
    single = [m for m in mentions if not (len(m.words) > 1 or m.canonical)]
    for mention in full:
        if mention.canonical:
            attach(listed(mention.canonical), mention)
            continue
        match = None
        for person in persons:
            if person.canonical and any(
                    fold(f.split()[-1]) == mention.surname and fold(f)[:1] == mention.given[:1]
                    for f in kb.known[person.canonical].forms):
                match = person
                break
            if any(_similar(mention.surname, key) for key in person.keys()) and (
                    mention.given in person.givens() or not person.givens()):
                match = person
                break
        if match is None:
            match = _Person(mention.words)
            persons.append(match)
        attach(match, mention)
    for mention in single:
        match = _find_single(mention, persons, kb)
        if match is None:
            canonical = kb.by_surname.get(mention.surname) or _similar_listed(mention.surname, kb)
            if canonical:
                match = listed(canonical)
            elif mention.titled and not mention.vietnamese:
                match = _Person(mention.words)
                persons.append(match)
            else:
                continue
        attach(match, mention)
    return [p for p in persons if p.mentions]


def _find_single(mention: _Mention, persons: list[_Person], kb: _Knowledge) -> _Person | None:
    key = mention.surname
    for person in persons:
        if key in person.keys():
            return person
    for person in persons:
        forms = kb.known[person.canonical].forms if person.canonical else ()
        if any(fold(f.split()[-1]) == key for f in forms):
            return person
    if mention.titled:
        for person in persons:
            if key in person.givens():
                return person
    for person in persons:
        if any(_similar(key, k) for k in person.keys()):
            return person
    return None


def _similar_listed(key: str, kb: _Knowledge) -> str | None:
    found = {name for surname, name in kb.by_surname.items() if name and _similar(key, surname)}
    return found.pop() if len(found) == 1 else None


def _canonical(person: _Person, kb: _Knowledge) -> str:
    if person.canonical:
        return person.canonical
    longest = max(person.mentions, key=lambda m: (len(m.words), -m.start))
    if len(longest.words) == 1:
        counts = Counter(m.text for m in person.mentions)
        return counts.most_common(1)[0][0]
    surnames = Counter(m.words[-1] for m in person.mentions)
    best = max(surnames, key=lambda s: (surnames[s], s == longest.words[-1]))
    return " ".join(longest.text.split()[:-1] + [best])


# ---------------------------------------------------------------- public API


def find_persons(text: str, sentences: list[Sentence]) -> list[Span]:
    """Every person mention in the countable sentences of ``text``.

    Parameters
    ----------
    text : str
        The article text; span offsets index it.
    sentences : list of Sentence
        Sentences of ``text``; only those with ``countable`` True are read.

    Returns
    -------
    list of Span
        One ``person`` span per mention (full name, surname or given name alone),
        in text order. ``value`` is the canonical name shared by all mentions of
        one person; ``attrs`` holds ``surname_key``, ``role``, ``side``,
        ``variants`` (surface forms seen in the article) and ``wikidata``.

    Examples
    --------
    >>> from workbench.text import split_sentences
    >>> text = "Ngoại trưởng Nga Sergei Lavrov gặp ông Rubio. Ông Lavrov nói."
    >>> [(s.text, s.value, s.attrs["side"]) for s in find_persons(text, split_sentences(text))]
    [('Sergei Lavrov', 'Sergey Lavrov', 'Russia'), ('Rubio', 'Marco Rubio', 'US'), ('Lavrov', 'Sergey Lavrov', 'Russia')]
    """
    kb = _knowledge()
    mentions: list[_Mention] = []
    state: dict = {}
    for sentence in sentences:
        if sentence.countable:
            mentions.extend(_sentence_mentions(text, sentence, kb, state))
    spans: list[Span] = []
    for person in _resolve(mentions, kb):
        canonical = _canonical(person, kb)
        known = kb.known.get(canonical)
        variants = list(dict.fromkeys(m.text for m in sorted(person.mentions, key=lambda m: m.start)))
        stated_role = next((m.role for m in sorted(person.mentions, key=lambda m: m.start) if m.role), "")
        stated_side = next((m.side for m in sorted(person.mentions, key=lambda m: m.start) if m.side), "")
        side = stated_side or (known.side if known else "")
        for mention in person.mentions:
            attrs = {
                "surname_key": fold(canonical.split()[-1]),
                "role": mention.role or stated_role,
                "side": mention.side or side,
                "variants": variants,
                "wikidata": known.wikidata if known else "",
            }
            spans.append(Span(mention.start, mention.end, text[mention.start:mention.end],
                              "person", canonical, attrs))
    spans.sort(key=lambda s: s.start)
    return spans
