"""Cross-article merging: article event reports → real-world events with stable ids.

Two reports are the same real-world event when their participants share a
surname or country key (or one lists none), their venues are the same or
nested (or one is missing), their dates are compatible (equal, one a prefix of
the other, either missing, or within a few days when both are held) and their
types are compatible (a call only with a call). Different rounds at one venue
stay apart: a stated round ordinal or two distinct exact dates keep them
separate. An undated report points near its publication date (back for a
held event, forward for a planned one). A report joins a real-world event
only when it is compatible with every report already in it and shares enough
with one of them (:func:`anchor_score`: persons, venue, date, type, round).
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from .events import TYPE_RANK, compatible, event_key
from .model import surname_key
from .places import organization_info, place_chain, place_info

__all__ = ["merge_events", "merged_table", "event_view"]

#: Held reports whose exact days differ by at most this many days may be one event.
CLOSE_DAYS = 3
#: An undated held report refers to an event at most this many days before publication.
RECENT_DAYS = 60
#: Anchor score two reports need to be merged (see :func:`anchor_score`); more when either
#: report has neither a date nor a publication date.
ANCHOR = 2.0
ANCHOR_UNTIMED = 4.0


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [v for v in value if v is not None and v == v]
    except TypeError:
        return []


def _attrs(row: dict) -> dict:
    attrs = row.get("attrs")
    if isinstance(attrs, dict):
        return attrs
    if isinstance(attrs, str) and attrs:
        try:
            return json.loads(attrs)
        except json.JSONDecodeError:
            return {}
    return {}


def _text(value: Any) -> str | None:
    if value is None or value != value or value == "":
        return None
    return str(value)


def event_view(row: dict) -> dict:
    """The fields merging compares, read off one row of the events table.

    >>> event_view({"type": "call", "date": "2025-10-20", "venue": None,
    ...             "participants": ["Marco Rubio"]})["participants"]
    ['Marco Rubio']
    """
    attrs = _attrs(row)
    ordinal = attrs.get("round") or ""
    return {"type": row.get("type") or "meeting", "date": _text(row.get("date")),
            "venue": _text(row.get("venue")), "participants": [str(p) for p in _as_list(row.get("participants"))],
            "sides": attrs.get("sides") or [], "person_sides": attrs.get("person_sides") or [],
            "round": "" if ordinal == "next" else str(ordinal), "private": bool(attrs.get("private")),
            "status": row.get("status") or "held", "published": _text(row.get("published"))}


def _persons(view: dict) -> set[str]:
    return {surname_key(p) for p in view["participants"] if not (place_info(p) or organization_info(p))} - {""}


def _countries(view: dict) -> set[str]:
    return {p for p in view["participants"] if place_info(p) or organization_info(p)}


def anchor_score(a: dict, b: dict) -> float:
    """How much two compatible reports positively share: persons, venue, date, type, round.

    >>> a = {"type": "summit", "date": "2025-08", "venue": "Anchorage", "participants": ["Vladimir Putin"], "round": ""}
    >>> b = {"type": "meeting", "date": None, "venue": "Alaska", "participants": ["Vladimir Putin"], "round": ""}
    >>> anchor_score(a, b)
    2.0
    """
    score = float(min(2, len(_persons(a) & _persons(b))))
    score += min(1.0, 0.5 * len(_countries(a) & _countries(b)))
    if a["venue"] and b["venue"]:
        if a["venue"] == b["venue"]:
            score += 1
        else:
            wider = b["venue"] if b["venue"] in place_chain(a["venue"]) else a["venue"]
            info = place_info(wider)
            score += 0.5 if info and info["kind"] == "country" else 1
    if a["date"] and b["date"]:
        score += 1 if a["date"] == b["date"] and len(a["date"]) == 10 else 0.5
    if a["type"] == b["type"]:
        score += 0.5
    if a["round"] and a["round"] == b["round"]:
        score += 1
    return score


def _day(value: str | None, last: bool = False) -> date | None:
    if not value:
        return None
    parts = value.split("-")
    try:
        if len(parts) == 3:
            return date.fromisoformat(value)
        if len(parts) == 2:
            first = date(int(parts[0]), int(parts[1]), 1)
            if not last:
                return first
            nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(int(parts[0]), 12 if last else 1, 31 if last else 1)
    except ValueError:
        return None


def _time_ok(a: dict, b: dict) -> bool:
    """An undated report points near its publication date: a held one back (up to
    :data:`RECENT_DAYS`), a planned one forward; two undated reports must be published close together."""
    for x, y in ((a, b), (b, a)):
        if x["date"] or not x["published"]:
            continue
        published = date.fromisoformat(x["published"])
        if y["date"]:
            low, high = _day(y["date"]), _day(y["date"], last=True)
            if low is None or high is None:
                continue
            if x["status"] == "held":
                if high < published - timedelta(days=RECENT_DAYS) or low > published + timedelta(days=1):
                    return False
            elif high < published - timedelta(days=7) or low > published + timedelta(days=365):
                return False
        elif y["published"]:
            if abs((date.fromisoformat(y["published"]) - published).days) > RECENT_DAYS:
                return False
    return True


def _pair_ok(a: dict, b: dict) -> bool:
    both_held = a["status"] == "held" and b["status"] == "held"
    if not compatible({**a, "private": False}, {**b, "private": False},
                      close_days=CLOSE_DAYS if both_held else 0):
        return False
    return not (a["round"] and b["round"] and a["round"] != b["round"])


def _timed(view: dict) -> bool:
    return bool(view["date"] or view["published"])


def merge_events(events):
    """Give every article event report the id of the real-world event it reports.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per article event: ``article_id``, ``file``, ``published``,
        ``type``, ``status``, ``date``, ``venue``, ``participants`` (list),
        ``evidence``, ``evidence_start``, ``evidence_end`` (and optionally the
        ``attrs`` JSON of :func:`workbench.summary.event_records`).

    Returns
    -------
    pandas.DataFrame
        The same rows, in the same order, with an ``event_id`` column. Ids are
        derived from the merged event's date, venue, participant surnames and
        type, with a ``-2``, ``-3`` … suffix when two events would share one;
        the same corpus always gives the same ids.

    >>> import pandas as pd
    >>> rows = pd.DataFrame([
    ...     {"article_id": "a", "file": "a.txt", "published": "2025-08-16", "type": "summit", "status": "held",
    ...      "date": "2025-08-15", "venue": "Anchorage", "participants": ["Donald Trump", "Vladimir Putin"],
    ...      "evidence": "Hai ông gặp nhau tại Anchorage.", "evidence_start": 0, "evidence_end": 31},
    ...     {"article_id": "b", "file": "b.txt", "published": "2025-10-22", "type": "meeting", "status": "held",
    ...      "date": "2025-08", "venue": "Alaska", "participants": ["Putin"],
    ...      "evidence": "kể từ cuộc gặp ở Alaska", "evidence_start": 5, "evidence_end": 28}])
    >>> list(merge_events(rows)["event_id"])
    ['2025-08-15-anchorage-putin-trump-summit', '2025-08-15-anchorage-putin-trump-summit']
    """
    import pandas as pd

    frame = events.reset_index(drop=True).copy()
    records = frame.to_dict("records")
    views = [event_view(r) for r in records]
    order = sorted(range(len(records)), key=lambda i: (
        _text(records[i].get("published")) or "9999", str(records[i].get("file") or ""),
        int(records[i].get("event_index") or 0) if str(records[i].get("event_index") or 0).isdigit() else 0, i))
    clusters: list[list[int]] = []
    for i in order:
        target = None
        for cluster in clusters:
            if any(records[j].get("article_id") == records[i].get("article_id") for j in cluster):
                continue  # one article's events are already distinct
            if all(_pair_ok(views[i], views[j]) and _time_ok(views[i], views[j]) for j in cluster) and \
                    any(anchor_score(views[i], views[j]) >= (ANCHOR if _timed(views[i]) and _timed(views[j])
                                                             else ANCHOR_UNTIMED) for j in cluster):
                target = cluster
                break
        if target is None:
            clusters.append([i])
        else:
            target.append(i)
    ids: dict[int, str] = {}
    used: dict[str, int] = {}
    for cluster in sorted(clusters, key=lambda c: min(order.index(i) for i in c)):
        summary = _summarise([records[i] for i in cluster], [views[i] for i in cluster])
        base = event_key(summary["date"], summary["venue"], summary["participants"][:3], summary["type"])
        used[base] = used.get(base, 0) + 1
        key = base if used[base] == 1 else f"{base}-{used[base]}"
        for i in cluster:
            ids[i] = key
    frame["event_id"] = pd.Series([ids[i] for i in range(len(records))], index=frame.index, dtype="object")
    return frame


def _best_date(dates: list[str]) -> str | None:
    return max(dates, key=lambda d: (len(d), d)) if dates else None


def _summarise(records: list[dict], views: list[dict]) -> dict:
    types = [v["type"] for v in views]
    etype = next((t for t in TYPE_RANK if t in types), max(set(types), key=types.count))
    dates = [v["date"] for v in views if v["date"]]
    venues = [v["venue"] for v in views if v["venue"]]
    venue = max(venues, key=lambda v: (len(place_chain(v)), venues.count(v))) if venues else None
    counts: dict[str, int] = {}
    for v in views:
        for p in v["participants"]:
            counts[p] = counts.get(p, 0) + 1
    persons = sorted(counts, key=lambda p: (-counts[p], p))
    return {"type": etype, "date": _best_date(dates), "venue": None if etype == "call" else venue,
            "participants": persons}


def merged_table(events_with_ids):
    """One row per real-world event, from the output of :func:`merge_events`.

    Columns: ``event_id``, ``type``, ``status`` (the latest report's, by
    publication date), ``statuses`` (every report's), ``date`` (best
    precision), ``venue``, ``participants`` (union), ``n_articles``,
    ``n_reports``, ``first_published``, ``last_published``, ``sources`` (one
    ``"file:evidence_start-evidence_end"`` per report, oldest first),
    ``source_spans`` (the same as ``{"file", "evidence_start", "evidence_end"}``
    records, so the table stores in Parquet) and ``conflict`` (reports give
    incompatible dates, or different statuses at the same publication date),
    with ``conflict_reason``.

    >>> import pandas as pd
    >>> rows = pd.DataFrame([
    ...     {"article_id": "a", "file": "a.txt", "published": "2025-10-17", "type": "summit",
    ...      "status": "planned", "date": None, "venue": "Budapest", "participants": ["Donald Trump"],
    ...      "evidence": "sẽ gặp tại Budapest", "evidence_start": 0, "evidence_end": 19, "event_id": "x"},
    ...     {"article_id": "b", "file": "b.txt", "published": "2025-10-22", "type": "summit",
    ...      "status": "cancelled", "date": None, "venue": "Budapest", "participants": ["Vladimir Putin"],
    ...      "evidence": "hội nghị bị hủy", "evidence_start": 3, "evidence_end": 18, "event_id": "x"}])
    >>> row = merged_table(rows).iloc[0]
    >>> str(row["status"]), int(row["n_articles"]), bool(row["conflict"])
    ('cancelled', 2, False)
    """
    import pandas as pd

    out = []
    frame = events_with_ids.reset_index(drop=True)
    for event_id, group in frame.groupby("event_id", sort=False):
        records = group.to_dict("records")
        views = [event_view(r) for r in records]
        summary = _summarise(records, views)
        dated = sorted(zip(records, views), key=lambda rv: (_text(rv[0].get("published")) or "", rv[0].get("file")))
        latest = dated[-1]
        published = [_text(r.get("published")) for r in records if _text(r.get("published"))]
        reasons = []
        dates = sorted({v["date"] for v in views if v["date"]})
        if any(not (a.startswith(b) or b.startswith(a)) for a in dates for b in dates):
            reasons.append("dates " + ", ".join(dates))
        by_day: dict[str, set[str]] = {}
        for r, v in zip(records, views):
            day = _text(r.get("published"))
            if day:
                by_day.setdefault(day, set()).add(v["status"])
        clashes = sorted(day for day, statuses in by_day.items() if len(statuses) > 1)
        if clashes:
            reasons.append("statuses on " + ", ".join(clashes))
        out.append({
            "event_id": event_id, "type": summary["type"], "status": latest[1]["status"],
            "statuses": [v["status"] for _, v in dated], "date": summary["date"], "venue": summary["venue"],
            "participants": summary["participants"],
            "n_articles": len({r.get("article_id") for r in records}), "n_reports": len(records),
            "first_published": min(published) if published else None,
            "last_published": max(published) if published else None,
            "sources": [f"{r.get('file')}:{int(r.get('evidence_start'))}-{int(r.get('evidence_end'))}"
                        for r, _ in dated],
            "source_spans": [{"file": str(r.get("file")), "evidence_start": int(r.get("evidence_start")),
                              "evidence_end": int(r.get("evidence_end"))} for r, _ in dated],
            "conflict": bool(reasons), "conflict_reason": "; ".join(reasons),
        })
    return pd.DataFrame(out)

