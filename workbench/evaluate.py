"""Score a gold-format summary against gold, side by side with baselines.

Scoring follows ``ANNOTATION_GUIDE.md``: an article is a set of person groups,
dates, venue groups, a publication date and negotiation events. Articles are
paired by their ``file``; an article only in the gold counts as all missed, an
article only in the prediction as all spurious.

- persons: a predicted group matches a gold group when a folded surname key
  (:func:`workbench.model.surname_key`) of any of its names equals the key of
  any name of the gold group; one-to-one.
- dates: exact set match of ISO strings.
- venues: a predicted group matches a gold group when any of its names equals
  any gold name after :func:`workbench.model.fold`; one-to-one.
- published: exact equality, ``null == null`` included.
- events: the guide's "Scoring events" (venue group, participant keys,
  compatible dates), one-to-one, closest pairs first; status, type and exact
  date accuracy on matched pairs; merging as pairwise precision / recall / F1
  over pairs of matched events in different articles.

The baselines, computed from the article texts in the same run, are:
underthesea ``ner`` PER spans as persons and LOC spans as venues, dateparser
``search_dates(text, languages=["vi"])`` results as day dates (off the shelf);
every sentence with a meeting, talks or call word as an event held on its first
date (naive trigger reading); and every report its own real-world event (the
GDELT reading of merging).

Only :func:`main` and the readers touch the disk; :func:`score` and
:func:`format_report` are pure.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from .errors import WorkbenchError
from .model import fold, surname_key

#: Fields every summary line must carry (``events`` is optional and defaults to none).
REQUIRED_FIELDS = ("file", "published", "persons", "dates", "venues")

#: Rows of the report, in order: (result key, label, kind) with kind ``prf`` or ``acc``.
ROWS = (
    ("persons", "persons", "prf"),
    ("dates", "dates", "prf"),
    ("venues", "venues", "prf"),
    ("published", "published", "acc"),
    ("events", "events", "prf"),
    ("status", "status acc", "acc"),
    ("type", "type acc", "acc"),
    ("date", "date acc", "acc"),
    ("merge", "merge", "prf"),
)

#: Words of the naive trigger reading, each with the event type it gives (first match wins).
TRIGGERS = (
    ("điện đàm", "call"),
    ("thượng đỉnh", "summit"),
    ("hội nghị", "conference"),
    ("hội đàm", "talks"),
    ("đàm phán", "talks"),
    ("cuộc họp", "meeting"),
    ("gặp", "meeting"),
)
TRIGGER_PATTERN = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(word) for word, _ in TRIGGERS) + r")(?!\w)", re.IGNORECASE
)


class EvaluationError(WorkbenchError):
    """A gold, prediction or corpus input that cannot be scored.

    Attributes
    ----------
    path : str
        The file at fault.
    line : int or None
        1-based line number in ``path``, when the fault is on one line.
    reason : str
        What is wrong, in a few words.
    """

    def __init__(self, path: str | Path, reason: str, line: int | None = None):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = str(path)
        self.line = line
        self.reason = reason


# --------------------------------------------------------------------------- readers

def _check_record(record: Any, path: str | Path, line: int, required: Sequence[str]) -> dict:
    """Validate one summary line; raise :class:`EvaluationError` naming the line."""
    if not isinstance(record, dict):
        raise EvaluationError(path, f"expected a JSON object, got {type(record).__name__}", line)
    missing = [name for name in required if name not in record]
    if missing:
        raise EvaluationError(path, f"missing field(s) {', '.join(missing)}", line)
    if not isinstance(record.get("file"), str) or not record["file"]:
        raise EvaluationError(path, "field 'file' must be a non-empty string", line)
    published = record.get("published")
    if published is not None and not isinstance(published, str):
        raise EvaluationError(path, "field 'published' must be a string or null", line)
    for name in ("persons", "venues"):
        groups = record.get(name, [])
        if not isinstance(groups, list):
            raise EvaluationError(path, f"field {name!r} must be a list of name groups", line)
        for group in groups:
            names = [group] if isinstance(group, str) else group
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise EvaluationError(path, f"field {name!r}: each group must be a list of strings", line)
    dates = record.get("dates", [])
    if not isinstance(dates, list) or not all(isinstance(d, str) for d in dates):
        raise EvaluationError(path, "field 'dates' must be a list of ISO strings", line)
    events = record.get("events", [])
    if events is None:
        events = []
    if not isinstance(events, list):
        raise EvaluationError(path, "field 'events' must be a list", line)
    for number, event in enumerate(events, 1):
        if not isinstance(event, dict):
            raise EvaluationError(path, f"event {number} must be a JSON object", line)
        participants = event.get("participants") or []
        if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
            raise EvaluationError(path, f"event {number}: 'participants' must be a list of strings", line)
        for name in ("date", "venue", "type", "status", "key"):
            if event.get(name) is not None and not isinstance(event[name], str):
                raise EvaluationError(path, f"event {number}: {name!r} must be a string or null", line)
    return record


def read_jsonl(path: str | Path, required: Sequence[str] = REQUIRED_FIELDS) -> list[dict]:
    """Read a gold or summary JSONL file, one article per line.

    Parameters
    ----------
    path : str or Path
        The file to read. Blank lines are ignored.
    required : sequence of str
        Fields every line must have.

    Returns
    -------
    list of dict
        One record per article, in file order.

    Raises
    ------
    EvaluationError
        When the file cannot be read, a line is not valid JSON, lacks a
        required field, has a field of the wrong shape, or repeats a ``file``;
        the error names the file and the line.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvaluationError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EvaluationError(path, "not UTF-8 text", line) from exc
    records: list[dict] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(content.splitlines(), 1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvaluationError(path, f"bad JSON ({exc.msg}, column {exc.colno})", number) from exc
        record = _check_record(record, path, number, required)
        if record["file"] in seen:
            raise EvaluationError(path, f"file {record['file']!r} already on line {seen[record['file']]}",
                                  number)
        seen[record["file"]] = number
        records.append(record)
    return records


def read_texts(source: str | Path) -> dict[str, str]:
    """Article texts for the baselines, by file name, cut to the body when known.

    Parameters
    ----------
    source : str or Path
        A folder of ``.txt`` articles (whole texts), or an ``articles.parquet``
        table with columns ``file`` and ``text`` (cut to
        ``text[body_start:body_end]`` when those columns are present).

    Returns
    -------
    dict
        ``{file: text}``.

    Raises
    ------
    EvaluationError
        When the source does not exist or gives no texts.
    """
    source = Path(source)
    if source.is_dir():
        texts = {}
        for file in sorted(source.glob("*.txt")):
            try:
                texts[file.name] = file.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise EvaluationError(file, f"cannot read article text: {exc}") from exc
        if not texts:
            raise EvaluationError(source, "no .txt articles in this folder")
        return texts
    if not source.is_file():
        raise EvaluationError(source, "no such file or folder")
    import pandas as pd

    try:
        frame = pd.read_parquet(source)
    except (OSError, ValueError) as exc:
        raise EvaluationError(source, f"cannot read as Parquet: {exc}") from exc
    missing = [c for c in ("file", "text") if c not in frame.columns]
    if missing:
        raise EvaluationError(source, f"articles table lacks column(s) {', '.join(missing)}")
    has_body = "body_start" in frame.columns and "body_end" in frame.columns
    texts = {}
    for row in frame.itertuples(index=False):
        text = row.text if isinstance(row.text, str) else ""
        if has_body and not (pd.isna(row.body_start) or pd.isna(row.body_end)):
            start, end = int(row.body_start), int(row.body_end)
            if end > start:
                text = text[start:end]
        texts[str(row.file)] = text
    if not texts:
        raise EvaluationError(source, "articles table is empty")
    return texts


# --------------------------------------------------------------------------- counting

def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Counts with precision, recall and F1 (``None`` when undefined)."""
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    if precision is None or recall is None:
        f1 = None if tp + fp + fn == 0 else 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def _accuracy(correct: int, total: int) -> dict[str, Any]:
    return {"correct": correct, "total": total, "accuracy": _ratio(correct, total)}


def _groups(groups: Iterable[Any]) -> list[list[str]]:
    """Name groups as lists; a bare string is a group of one name."""
    out = []
    for group in groups or []:
        names = [group] if isinstance(group, str) else list(group)
        names = [n for n in names if n.strip()]
        if names:
            out.append(names)
    return out


def max_matching(edges: list[list[int]], n_right: int) -> list[tuple[int, int]]:
    """Maximum one-to-one matching of a bipartite graph (augmenting paths).

    Parameters
    ----------
    edges : list of list of int
        ``edges[i]`` lists the right-hand nodes left node ``i`` may match.
    n_right : int
        Number of right-hand nodes.

    Returns
    -------
    list of (int, int)
        Matched ``(left, right)`` pairs, sorted by left node.

    >>> max_matching([[0], [0, 1]], 2)
    [(0, 0), (1, 1)]
    """
    owner: list[int | None] = [None] * n_right

    def augment(left: int, seen: set[int]) -> bool:
        for right in edges[left]:
            if right in seen:
                continue
            seen.add(right)
            if owner[right] is None or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(len(edges)):
        augment(left, set())
    return sorted((left, right) for right, left in enumerate(owner) if left is not None)


def match_persons(gold: list[list[str]], pred: list[list[str]]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(pred index, gold index)`` of person groups by surname key.

    >>> match_persons([["Donald Trump"], ["Volodymyr Zelensky", "Zelenskyy"]],
    ...               [["ông Trump"], ["Zelenskyy"], ["Trump"]])
    [(0, 0), (1, 1)]
    """
    gold_keys = [{surname_key(n) for n in g} - {""} for g in gold]
    edges = []
    for group in pred:
        keys = {surname_key(n) for n in group} - {""}
        edges.append([j for j, g in enumerate(gold_keys) if keys & g])
    return max_matching(edges, len(gold))


def match_venues(gold: list[list[str]], pred: list[list[str]]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(pred index, gold index)`` of venue groups by any folded name.

    >>> match_venues([["Ả Rập Xê Út", "Saudi Arabia"]], [["Riyadh", "A Rap Xe Ut"]])
    [(0, 0)]
    """
    gold_names = [{fold(n) for n in g} for g in gold]
    edges = []
    for group in pred:
        names = {fold(n) for n in group}
        edges.append([j for j, g in enumerate(gold_names) if names & g])
    return max_matching(edges, len(gold))


# --------------------------------------------------------------------------- events

def _venue_groups(venue: str | None, venues: list[list[str]], fallback: list[list[str]] = ()) -> set[int] | None:
    """Indexes of the article's gold venue groups that ``venue`` names.

    ``None`` when ``venue`` is null. A predicted venue found in no gold group is
    looked up again through the names of the predicted venue group it heads.
    """
    if venue is None or not venue.strip():
        return None
    key = fold(venue)
    found = {i for i, group in enumerate(venues) if key in {fold(n) for n in group}}
    if not found:
        for group in fallback:
            names = {fold(n) for n in group}
            if key in names:
                found = {i for i, g in enumerate(venues) if names & {fold(n) for n in g}}
                break
    return found


def _date_rank(gold: str | None, pred: str | None) -> int | None:
    """Closeness of two event dates: 3 equal, 2 one a prefix of the other,
    1 both missing, 0 one missing; ``None`` when incompatible."""
    if not gold and not pred:
        return 1
    if not gold or not pred:
        return 0
    if gold == pred:
        return 3
    if gold.startswith(pred + "-") or pred.startswith(gold + "-"):
        return 2
    return None


def event_closeness(gold: dict, pred: dict, gold_venues: list[list[str]],
                    pred_venues: list[list[str]] = ()) -> tuple | None:
    """How close a predicted event is to a gold event of the same article.

    Parameters
    ----------
    gold, pred : dict
        Events in the guide's format.
    gold_venues : list of list of str
        The article's gold ``venues`` groups.
    pred_venues : list of list of str
        The article's predicted ``venues`` groups, used to resolve a predicted
        venue named by an alternative of its group.

    Returns
    -------
    tuple or None
        ``None`` when the events do not match by the guide's rules; otherwise
        a sortable closeness (date rank, venue named, participant overlap,
        same type, same status), larger is closer.

    >>> g = {"date": "2025-08", "venue": "Anchorage", "participants": ["Vladimir Putin"]}
    >>> p = {"date": "2025-08-15", "venue": "Alaska", "participants": ["Putin"]}
    >>> event_closeness(g, p, [["Anchorage", "Alaska"]])[:2]
    (2, 1)
    """
    rank = _date_rank(gold.get("date"), pred.get("date"))
    if rank is None:
        return None
    g_venue, p_venue = gold.get("venue"), pred.get("venue")
    g_groups = _venue_groups(g_venue, gold_venues)
    p_groups = _venue_groups(p_venue, gold_venues, pred_venues)
    if g_groups is None or p_groups is None:
        if g_groups is not p_groups:
            return None
        venue_named = 0
    else:
        if g_groups or p_groups:
            if not g_groups & p_groups:
                return None
        elif fold(g_venue) != fold(p_venue):  # venue in no gold group: compare the names
            return None
        venue_named = 1
    g_keys = {surname_key(p) for p in gold.get("participants") or []} - {""}
    p_keys = {surname_key(p) for p in pred.get("participants") or []} - {""}
    if g_keys and p_keys and not g_keys & p_keys:
        return None
    overlap = len(g_keys & p_keys) / len(g_keys | p_keys) if g_keys and p_keys else 0.0
    return (rank, venue_named, overlap, int(gold.get("type") == pred.get("type")),
            int(gold.get("status") == pred.get("status")))


def match_events(gold: list[dict], pred: list[dict], gold_venues: list[list[str]],
                 pred_venues: list[list[str]] = ()) -> list[tuple[int, int]]:
    """One-to-one pairs ``(pred index, gold index)`` of events, closest pairs first.

    Ties are broken by gold order, then prediction order.
    """
    candidates = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            closeness = event_closeness(g, p, gold_venues, pred_venues)
            if closeness is not None:
                candidates.append((closeness, j, i))
    candidates.sort(key=lambda c: (tuple(-x for x in c[0]), c[1], c[2]))
    used_pred: set[int] = set()
    used_gold: set[int] = set()
    pairs = []
    for _, j, i in candidates:
        if i in used_pred or j in used_gold:
            continue
        used_pred.add(i)
        used_gold.add(j)
        pairs.append((i, j))
    return sorted(pairs)


def merge_pairs(matched: list[tuple[str, dict, dict]]) -> dict[str, Any]:
    """Pairwise merge quality over matched events in different articles.

    Parameters
    ----------
    matched : list of (str, dict, dict)
        ``(file, gold event, predicted event)`` for every matched pair.

    Returns
    -------
    dict
        Counts and precision / recall / F1 of "same real-world event": a pair
        is predicted same when both predicted ``key`` values are equal and
        non-empty, gold same when both gold ``key`` values are.
    """
    tp = fp = fn = 0
    for (file_a, gold_a, pred_a), (file_b, gold_b, pred_b) in combinations(matched, 2):
        if file_a == file_b:
            continue
        same_pred = bool(pred_a.get("key")) and pred_a.get("key") == pred_b.get("key")
        same_gold = bool(gold_a.get("key")) and gold_a.get("key") == gold_b.get("key")
        tp += same_pred and same_gold
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return _prf(tp, fp, fn)


# --------------------------------------------------------------------------- scoring

def score(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    """Score predicted article summaries against gold ones.

    Parameters
    ----------
    gold, pred : list of dict
        Records in the format of ``ANNOTATION_GUIDE.md`` (as read by
        :func:`read_jsonl`). A record without ``published`` leaves it out of
        the published accuracy.

    Returns
    -------
    dict
        ``persons``, ``dates``, ``venues``, ``events`` and ``merge`` with
        ``tp``/``fp``/``fn``/``precision``/``recall``/``f1`` (micro, over all
        articles; ``None`` where undefined); ``published``, ``status``,
        ``type`` and ``date`` with ``correct``/``total``/``accuracy``; and
        ``articles`` with the counts and the files found on one side only.

    >>> g = [{"file": "a.txt", "published": None, "persons": [["Sergey Lavrov"]],
    ...       "dates": ["2025-10-20"], "venues": []}]
    >>> p = [{"file": "a.txt", "published": None, "persons": [["Lavrốp"], ["Lavrov"]],
    ...       "dates": ["2025-10-20"], "venues": []}]
    >>> r = score(g, p)
    >>> r["persons"]["tp"], r["persons"]["fp"], r["dates"]["f1"], r["published"]["accuracy"]
    (1, 1, 1.0, 1.0)
    """
    gold_by_file = {r["file"]: r for r in gold}
    pred_by_file = {r["file"]: r for r in pred}
    files = list(gold_by_file) + [f for f in pred_by_file if f not in gold_by_file]
    counts = {name: [0, 0, 0] for name in ("persons", "dates", "venues", "events")}
    published = [0, 0]
    status, types, dates_acc = [0, 0], [0, 0], [0, 0]
    matched_events: list[tuple[str, dict, dict]] = []
    empty: dict[str, Any] = {}

    def add(name: str, tp: int, n_pred: int, n_gold: int) -> None:
        counts[name][0] += tp
        counts[name][1] += n_pred - tp
        counts[name][2] += n_gold - tp

    for file in files:
        g = gold_by_file.get(file, empty)
        p = pred_by_file.get(file, empty)
        g_persons, p_persons = _groups(g.get("persons")), _groups(p.get("persons"))
        add("persons", len(match_persons(g_persons, p_persons)), len(p_persons), len(g_persons))
        g_dates, p_dates = set(g.get("dates") or []), set(p.get("dates") or [])
        add("dates", len(g_dates & p_dates), len(p_dates), len(g_dates))
        g_venues, p_venues = _groups(g.get("venues")), _groups(p.get("venues"))
        add("venues", len(match_venues(g_venues, p_venues)), len(p_venues), len(g_venues))
        if (g is empty or "published" in g) and (p is empty or "published" in p):
            published[1] += 1
            published[0] += g is not empty and p is not empty and g["published"] == p["published"]
        g_events, p_events = list(g.get("events") or []), list(p.get("events") or [])
        pairs = match_events(g_events, p_events, g_venues, p_venues)
        add("events", len(pairs), len(p_events), len(g_events))
        for i, j in pairs:
            gold_event, pred_event = g_events[j], p_events[i]
            for tally, name in ((status, "status"), (types, "type"), (dates_acc, "date")):
                tally[0] += gold_event.get(name) == pred_event.get(name)
                tally[1] += 1
            matched_events.append((file, gold_event, pred_event))

    result: dict[str, Any] = {name: _prf(*c) for name, c in counts.items()}
    result["published"] = _accuracy(*published)
    result["status"] = _accuracy(*status)
    result["type"] = _accuracy(*types)
    result["date"] = _accuracy(*dates_acc)
    result["merge"] = merge_pairs(matched_events)
    result["articles"] = {
        "gold": len(gold_by_file), "pred": len(pred_by_file),
        "matched": sum(1 for f in gold_by_file if f in pred_by_file),
        "gold_only": [f for f in gold_by_file if f not in pred_by_file],
        "pred_only": [f for f in pred_by_file if f not in gold_by_file],
    }
    return result


# --------------------------------------------------------------------------- baselines

def _ner_spans(tokens: list[tuple], label: str) -> list[str]:
    """Texts of the ``label`` spans (BIO tags) in underthesea ``ner`` output.

    Tokens without a letter or digit (punctuation tagged inside a span) end it.
    """
    spans: list[str] = []
    current: list[str] = []
    for token in tokens:
        word, tag = token[0], token[-1]
        inside = tag in (f"B-{label}", f"I-{label}") and any(ch.isalnum() for ch in word)
        if inside and tag.startswith("B-") and current:
            spans.append(" ".join(current))
            current = []
        if inside:
            current.append(word)
        elif current:
            spans.append(" ".join(current))
            current = []
    if current:
        spans.append(" ".join(current))
    return spans


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets of ``text`` (all of it one body region)."""
    from .text import split_sentences

    return [(s.start, s.end) for s in split_sentences(text) if s.end > s.start]


def _found_dates(text: str) -> list[tuple[int, str]]:
    """dateparser's Vietnamese search over ``text``: ``(offset, YYYY-MM-DD)`` in order."""
    from dateparser.search import search_dates

    found = search_dates(text, languages=["vi"]) or []
    out = []
    cursor = 0
    for substring, moment in found:
        position = text.find(substring, cursor)
        if position < 0:
            position = text.find(substring)
        else:
            cursor = position + len(substring)
        out.append((position, moment.date().isoformat()))
    return out


def trigger_events(text: str, sentences: list[tuple[int, int]],
                   dates: list[tuple[int, str]] = ()) -> list[dict]:
    """The naive trigger reading: every sentence with a meeting, talks or call word.

    Each such sentence is one event, status ``held``, venue null, no
    participants, and the first date found inside the sentence (or null).

    >>> t = "Ông Lavrov điện đàm với ông Rubio. Trời mưa."
    >>> [(e["type"], e["status"], e["venue"]) for e in trigger_events(t, [(0, 34), (35, 44)])]
    [('call', 'held', None)]
    """
    events = []
    for start, end in sentences:
        sentence = text[start:end]
        words = {m.group(1).lower() for m in TRIGGER_PATTERN.finditer(sentence)}
        if not words:
            continue
        kind = next(t for w, t in TRIGGERS if w in words)
        date = next((d for offset, d in dates if start <= offset < end), None)
        events.append({"type": kind, "status": "held", "date": date, "venue": None,
                       "participants": [], "evidence": sentence, "key": ""})
    return events


def baseline_record(file: str, text: str) -> dict[str, Any]:
    """Baseline summary of one article: off-the-shelf sets and naive trigger events.

    Persons are the distinct texts of underthesea ``ner`` PER spans, venues
    those of LOC spans, dates every dateparser result at day precision.
    Events come from :func:`trigger_events`, each with its own empty key, so
    no two reports share a real-world event (the GDELT reading). No
    ``published`` is given: the baseline is left out of that row.
    """
    from underthesea import ner

    sentences = _sentences(text)
    persons: dict[str, None] = {}
    places: dict[str, None] = {}
    for start, end in sentences:
        tokens = ner(text[start:end])
        persons.update(dict.fromkeys(_ner_spans(tokens, "PER")))
        places.update(dict.fromkeys(_ner_spans(tokens, "LOC")))
    dates = _found_dates(text) if text.strip() else []
    return {"file": file, "persons": [[n] for n in persons], "venues": [[n] for n in places],
            "dates": sorted({d for _, d in dates}), "events": trigger_events(text, sentences, dates)}


def baseline_predictions(gold: list[dict], texts: dict[str, str]) -> tuple[list[dict], list[str]]:
    """Baseline summaries for every gold article that has a text.

    Returns
    -------
    (list of dict, list of str)
        The records, and the gold files no text was found for (scored as all missed).
    """
    records, missing = [], []
    for record in gold:
        text = texts.get(record["file"])
        if text is None:
            missing.append(record["file"])
            continue
        records.append(baseline_record(record["file"], text))
    return records, missing


# --------------------------------------------------------------------------- report

def _cell(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def _row_cells(result: dict[str, Any] | None, name: str, kind: str) -> list[str]:
    if result is None or result.get(name) is None:
        return ["", "", "    -"]
    entry = result[name]
    if kind == "acc":
        return ["", "", _cell(entry["accuracy"])]
    return [_cell(entry["precision"]), _cell(entry["recall"]), _cell(entry["f1"])]


def _gold_count(result: dict[str, Any], name: str, kind: str) -> str:
    entry = result[name]
    if kind == "acc":
        return f"{entry['correct']}/{entry['total']}"
    return str(entry["tp"] + entry["fn"])


def format_report(result: dict[str, Any], baseline: dict[str, Any] | None = None, *,
                  gold_path: str | None = None, pred_path: str | None = None,
                  notes: Sequence[str] = ()) -> str:
    """Render scores as a compact aligned table, the table last.

    Parameters
    ----------
    result : dict
        :func:`score` of the workbench prediction.
    baseline : dict, optional
        :func:`score` of the baseline prediction; its columns show ``-`` when absent.
    gold_path, pred_path : str, optional
        Shown in the first line.
    notes : sequence of str
        Extra one-line notes printed above the table.

    Returns
    -------
    str
        At most a few lines of context, then the table: one row per metric,
        columns P, R, F1 for the workbench and the baseline, and ``n`` (gold
        items, or correct/matched for the accuracy rows). Accuracies sit in
        the F1 column.
    """
    lines = []
    articles = result["articles"]
    head = f"gold {gold_path or '?'} ({articles['gold']} articles) vs {pred_path or 'prediction'}"
    lines.append(f"{head} ({articles['pred']} articles, {articles['matched']} paired)")
    for side in ("gold_only", "pred_only"):
        if articles[side]:
            shown = ", ".join(articles[side][:3]) + (" …" if len(articles[side]) > 3 else "")
            lines.append(f"{side.replace('_', ' ')}: {len(articles[side])} ({shown})")
    lines.extend(notes)
    if baseline is not None:
        lines.append("baseline: underthesea ner PER/LOC + dateparser dates; trigger-word events; "
                     "merge = every report its own event")
    header = f"{'':<11}{'workbench':^20}   {'baseline':^20}   {'n':>7}"
    lines.append(header)
    lines.append(f"{'':<11}" + f"{'P':>6} {'R':>6} {'F1':>6}" + "   "
                 + f"{'P':>6} {'R':>6} {'F1':>6}")
    for name, label, kind in ROWS:
        ours = _row_cells(result, name, kind)
        theirs = _row_cells(baseline, name, kind)
        lines.append(f"{label:<11}" + " ".join(f"{c:>6}" for c in ours) + "   "
                     + " ".join(f"{c:>6}" for c in theirs) + "   " + f"{_gold_count(result, name, kind):>7}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- command

def _baseline_texts(corpus: str | None, pred_path: Path) -> dict[str, str]:
    """Texts from ``--corpus`` or the ``articles.parquet`` beside the prediction."""
    if corpus is not None:
        return read_texts(corpus)
    table = pred_path.parent / "articles.parquet"
    if table.is_file():
        return read_texts(table)
    raise EvaluationError(table, "baselines need the article texts: no articles.parquet beside the "
                                 "prediction; pass --corpus DIR or --no-baselines")


def main(argv: list[str] | None = None) -> int:
    """``workbench evaluate GOLD.jsonl PRED_SUMMARY.jsonl``: print the scores.

    Returns the exit status: 0 when scored, 1 on an input error (reported on
    stderr, naming the file and line).
    """
    parser = argparse.ArgumentParser(
        prog="workbench evaluate",
        description="Score a summary.jsonl against gold, side by side with baselines.")
    parser.add_argument("gold", help="gold JSONL (format of ANNOTATION_GUIDE.md)")
    parser.add_argument("pred", help="predicted summary.jsonl")
    parser.add_argument("--corpus", default=None,
                        help="article texts for the baselines: a folder of .txt files or an "
                             "articles.parquet (default: articles.parquet beside PRED)")
    parser.add_argument("--no-baselines", action="store_true", help="score the prediction only")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args(argv)
    try:
        gold = read_jsonl(args.gold)
        pred = read_jsonl(args.pred)
        result = score(gold, pred)
        baseline = None
        notes: list[str] = []
        if not args.no_baselines:
            texts = _baseline_texts(args.corpus, Path(args.pred))
            records, missing = baseline_predictions(gold, texts)
            if not records:
                raise EvaluationError(args.corpus or Path(args.pred).parent / "articles.parquet",
                                      "no text for any gold article; check --corpus or use --no-baselines")
            baseline = score(gold, records)
            baseline["published"] = None
            if missing:
                notes.append(f"baseline: no text for {len(missing)} gold article(s), scored as missed")
    except WorkbenchError as exc:
        print(f"workbench evaluate: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"gold": args.gold, "pred": args.pred, "workbench": result,
                          "baseline": baseline, "notes": notes}, ensure_ascii=False, indent=1))
    else:
        print(format_report(result, baseline, gold_path=args.gold, pred_path=args.pred, notes=notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
