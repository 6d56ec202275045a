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

import hashlib
import json
import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

from .events import TYPE_RANK, compatible, event_key
from .model import surname_key
from .places import organization_info, place_chain, place_info

__all__ = ["Reports", "merge_events", "merge_events_resumable", "merged_table", "event_view", "report_key"]

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
    return merge_events_resumable(events, keep_state=False)[0]


#: Version of the stored merge state; a state of another version is never resumed.
STATE_VERSION = 1


def _plain(value: Any) -> Any:
    """A JSON-serialisable form of an array or NumPy scalar (for :func:`report_key`)."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    return repr(value)


def report_key(record: dict) -> bytes:
    """A stable key of one report: the sha256 of its JSON-serialised content (file, article, event, …).

    >>> report_key({"file": "a.txt", "type": "call"}) == report_key({"type": "call", "file": "a.txt"})
    True
    """
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).digest()


def _visit_order(records: list[dict]) -> list[int]:
    """The fixed order reports are visited in: (published or "9999", file, event_index, row)."""
    return sorted(range(len(records)), key=lambda i: (
        _text(records[i].get("published")) or "9999", str(records[i].get("file") or ""),
        int(records[i].get("event_index") or 0) if str(records[i].get("event_index") or 0).isdigit() else 0, i))


def _resumable(state: Any, keys: list[bytes]) -> list[list[int]] | None:
    """The stored clusters (as positions in the visit order) when ``state`` is a well-formed state whose
    report keys are a prefix of ``keys``; else None."""
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return None
    stored, clusters = state.get("keys"), state.get("clusters")
    if not isinstance(stored, list) or not isinstance(clusters, list) or not stored:
        return None
    if len(stored) > len(keys) or stored != keys[:len(stored)]:
        return None
    # the clusters must be a partition of the prefix, each in visit order, in creation order
    seen = 0
    covered = [False] * len(stored)
    last_first = -1
    for members in clusters:
        if not isinstance(members, list) or not members:
            return None
        previous = last_first
        for position in members:
            if type(position) is not int or not previous < position < len(stored) or covered[position]:
                return None
            covered[position] = True
            previous = position
        if members[0] <= last_first:
            return None
        last_first = members[0]
        seen += len(members)
    return clusters if seen == len(stored) else None


def merge_events_resumable(events, state: Any = None, keep_state: bool = True) -> tuple:
    """:func:`merge_events`, resumed from a stored clustering ``state`` when it applies.

    Returns ``(frame, new_state, resumed)``: the same frame as :func:`merge_events` (always identical
    to a merge from scratch), the state to store for the next run (the report keys in visit order and
    the clusters as lists of positions in it), and whether ``state`` was resumed from. A state applies
    when its report keys are exactly the first keys of this run's visit order; the greedy clustering
    after that prefix depends only on the reports in it, so it goes on from there with the rest.
    With ``keep_state=False`` (nothing to store it in) no keys are computed and the state is None.
    """
    import pandas as pd

    frame = events.reset_index(drop=True).copy()
    reports = Reports.of_frame(frame, keep_keys=keep_state or state is not None)
    ids, new_state, resumed = reports.merge(state, keep_state=keep_state)
    frame["event_id"] = pd.Series(ids, index=frame.index, dtype="object")
    return frame, new_state, resumed


class Reports:
    """Event reports gathered one at a time, as a run annotates its articles, and merged at once.

    What merging reads of a report (its :func:`event_view`, the facts the candidate index keeps, its
    :func:`report_key`) is worked out when it is added with ``prepare=True``, while a run waits for
    its workers, or else when :meth:`merge` needs it (a run that finds the whole merge in its cache
    needs none of it).

    >>> reports = Reports(keep_keys=False)
    >>> for file, day in (("a.txt", "2025-08-15"), ("b.txt", None)):
    ...     reports.add({"article_id": file, "file": file, "published": "2025-08-16", "type": "summit",
    ...                  "status": "held", "date": day, "venue": "Anchorage", "participants": ["Vladimir Putin"],
    ...                  "evidence": "…", "evidence_start": 0, "evidence_end": 1})
    >>> ids, _, _ = reports.merge()
    >>> ids
    ['2025-08-15-anchorage-putin-summit', '2025-08-15-anchorage-putin-summit']
    >>> int(reports.table(ids).iloc[0]["n_articles"])
    2
    """

    def __init__(self, keep_keys: bool = True):
        self.keep_keys = keep_keys
        self.records: list[dict] = []
        self._views: list[dict | None] = []
        self._facts: list[tuple | None] = []
        self._keys: list[bytes | None] = []

    def __len__(self) -> int:
        return len(self.records)

    @classmethod
    def of_frame(cls, events, keep_keys: bool = True) -> "Reports":
        """The reports of an events table (one row each, in row order)."""
        reports = cls(keep_keys)
        for record in events.reset_index(drop=True).to_dict("records"):
            reports.add(record, prepare=False)
        return reports

    def add(self, record: dict, prepare: bool = True, prepared: tuple | None = None,
            key: bytes | None = None) -> None:
        """Add one row of the events table (a dict as :func:`workbench.summary.event_records` gives).

        ``prepared`` is :func:`prepare_report` of it, when already known; ``key`` stands for its
        :func:`report_key` (any bytes that name this report and no other).
        """
        self.records.append(record)
        if prepared is None and prepare:
            prepared = prepare_report(record)
        view, facts = prepared if prepared is not None else (None, None)
        self._views.append(view)
        self._facts.append(facts)
        if key is None and prepare and self.keep_keys:
            key = report_key(record)
        self._keys.append(key)

    @property
    def views(self) -> list[dict]:
        views = self._views
        for i, view in enumerate(views):
            if view is None:
                views[i] = event_view(self.records[i])
        return views

    def _prepared(self) -> tuple[list[dict], list[tuple]]:
        views, facts = self.views, self._facts
        for i, known in enumerate(facts):
            if known is None:
                facts[i] = _report_facts(views[i])
        return views, facts

    def merge(self, state: Any = None, keep_state: bool = True) -> tuple[list[str], dict | None, bool]:
        """``(event ids in report order, the state to store, whether state was resumed)``: see
        :func:`merge_events_resumable`."""
        records = self.records
        views, facts = self._prepared()
        order = _visit_order(records)
        keys: list[bytes] = []
        if keep_state or state is not None:
            known = self._keys
            keys = [known[i] if known[i] is not None else report_key(records[i]) for i in order]
        clusters = _Clusters(views, [record.get("article_id") for record in records], facts)
        stored = _resumable(state, keys) if state is not None else None
        start = 0
        if stored is not None:
            for members in stored:
                clusters.restore([order[p] for p in members])
            start = len(state["keys"])
        for i in order[start:]:
            clusters.add(i)
        ids: list[str] = [""] * len(records)
        used: dict[str, int] = {}
        # Clusters are created in visiting order, so creation order is the order of their first report.
        for cluster in clusters.members:
            summary = _summarise([views[i] for i in cluster])
            base = event_key(summary["date"], summary["venue"], summary["participants"][:3], summary["type"])
            used[base] = used.get(base, 0) + 1
            key = base if used[base] == 1 else f"{base}-{used[base]}"
            for i in cluster:
                ids[i] = key
        if not keep_state:
            return ids, None, stored is not None
        position = {i: p for p, i in enumerate(order)}
        new_state = {"version": STATE_VERSION, "keys": keys,
                     "clusters": [[position[i] for i in members] for members in clusters.members]}
        return ids, new_state, stored is not None

    def table(self, ids: list) -> Any:
        """The merged table of :func:`merged_table` for these reports given their event ids (a missing
        id, None or NaN, leaves a report out)."""
        return _merged_rows(self.records, self.views, ids)


# -- exact candidate blocking -------------------------------------------------------------------------------
#
# The greedy rule (each report joins the first cluster, in creation order, whose every member passes
# ``_pair_ok`` and ``_time_ok`` with it and one of whose members reaches the anchor score) is kept as it is;
# clusters that cannot pass are skipped without testing, and repeated tests are not redone:
#
# * ``compatible`` requires the same "call" and "signing" flags as every member: clusters are kept apart
#   by that class.
# * ``_time_ok`` and ``_dates_ok`` must hold for every member, so for the first: clusters are bucketed by
#   their first member's days, and a report looks only at the buckets its own admissible days touch
#   (:func:`_close` is the necessary condition), plus the clusters whose first member gives no time
#   constraint (no date and no publication date, or ones that do not parse), which are always tested.
# * ``_pair_ok`` and ``anchor_score`` read only the :func:`_pair_signature` of a view: a cluster keeps one
#   member per distinct signature, and results are memoised by signature pair.
# * ``_time_ok`` with every member is decided from a few bounds kept per cluster (:class:`_TimeBounds`):
#   the earliest end and latest start of the members' dates, and the earliest and latest publication
#   dates of its undated held and undated other members.

#: Width in days of the time buckets clusters are indexed by.
_BUCKET_DAYS = 16
_DATE_FORM = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return ("dict", tuple((_freeze(k), _freeze(v)) for k, v in value.items()))
    return value


def _pair_signature(view: dict) -> tuple:
    """Every field ``_pair_ok`` (through ``compatible``) and ``anchor_score`` read; ``private`` is
    overridden by ``_pair_ok``, and neither reads the publication date."""
    return (view["type"], view["date"], view["venue"], _freeze(view["participants"]), _freeze(view["sides"]),
            _freeze(view["person_sides"]), view["round"], view["status"])


_INF = float("inf")


def _time_facts(view: dict) -> tuple:
    """What ``_time_ok`` reads of one view, as day ordinals: ``(low, high)`` of its date (None when it has
    no date or one ``_day`` cannot read), its publication day when it has no date (None when it has a date,
    no publication date or one that does not parse), and whether it is held."""
    span = None
    if view["date"]:
        low, high = _day(view["date"]), _day(view["date"], last=True)
        if low is not None and high is not None:
            span = (low.toordinal(), high.toordinal())
    published = None
    if not view["date"] and view["published"]:
        try:
            published = date.fromisoformat(view["published"]).toordinal()
        except ValueError:
            published = None
    return span, published, view["status"] == "held"


class _TimeBounds:
    """``_time_ok`` of a report with every member of a cluster at once.

    ``_time_ok(x, y)`` constrains only an undated report with a publication day ``P``: a dated partner's
    days must touch ``P - RECENT_DAYS … P + 1`` (held) or ``P - 7 … P + 365`` (other statuses), and an
    undated partner with a publication day must be published within ``RECENT_DAYS`` of ``P``. Holding
    for every member is holding for the members' extremes, which are kept here.
    """

    __slots__ = ("min_high", "max_low", "held_min", "held_max", "other_min", "other_max")

    def __init__(self):
        self.min_high, self.max_low = _INF, -_INF
        self.held_min, self.held_max, self.other_min, self.other_max = _INF, -_INF, _INF, -_INF

    def add(self, facts: tuple) -> None:
        span, published, held = facts
        if span is not None:
            self.min_high = min(self.min_high, span[1])
            self.max_low = max(self.max_low, span[0])
        elif published is not None:
            if held:
                self.held_min, self.held_max = min(self.held_min, published), max(self.held_max, published)
            else:
                self.other_min, self.other_max = min(self.other_min, published), max(self.other_max, published)

    def admits(self, facts: tuple) -> bool:
        """Whether ``_time_ok`` holds between a report with these facts and every member."""
        span, published, held = facts
        if published is not None:
            low, high = (published - RECENT_DAYS, published + 1) if held else (published - 7, published + 365)
            if self.min_high < low or self.max_low > high:
                return False
            return max(self.held_max, self.other_max) <= published + RECENT_DAYS and \
                min(self.held_min, self.other_min) >= published - RECENT_DAYS
        if span is not None:
            low, high = span
            return high >= self.held_max - RECENT_DAYS and low <= self.held_min + 1 and \
                high >= self.other_max - 7 and low <= self.other_min + 365
        return True


def _time_class(view: dict) -> tuple:
    """``("dated", low, high)`` day ordinals of a well-formed date, ``("undated", published, held)`` for an
    undated report with a publication date, else ``("free",)``: no time constraint is derived."""
    if view["date"]:
        value = view["date"]
        if _DATE_FORM.fullmatch(value):
            low, high = _day(value), _day(value, last=True)
            if low is not None and high is not None:
                return ("dated", low.toordinal(), high.toordinal())
        return ("free",)
    if view["published"]:
        try:
            published = date.fromisoformat(view["published"])
        except ValueError:
            return ("free",)
        return ("undated", published.toordinal(), view["status"] == "held")
    return ("free",)


def _undated_window(undated: tuple) -> tuple[int, int]:
    """The days a date must touch to pass ``_time_ok`` with an undated report published on ``undated[1]``."""
    published, held = undated[1], undated[2]
    return (published - RECENT_DAYS, published + 1) if held else (published - 7, published + 365)


def _close(a: tuple, b: tuple) -> bool:
    """A necessary condition of ``_pair_ok(a, b) and _time_ok(a, b)`` on their time classes alone."""
    if a[0] == "free" or b[0] == "free":
        return True
    if a[0] == "dated" and b[0] == "dated":
        # equal dates, one inside the other (a prefix) or exact days at most CLOSE_DAYS apart
        return a[1] <= b[2] + CLOSE_DAYS and b[1] <= a[2] + CLOSE_DAYS
    if a[0] == "undated" and b[0] == "undated":
        return abs(a[1] - b[1]) <= RECENT_DAYS
    dated, undated = (a, b) if a[0] == "dated" else (b, a)
    low, high = _undated_window(undated)
    return dated[2] >= low and dated[1] <= high


def prepare_report(record: dict) -> tuple[dict, tuple]:
    """What merging reads of one report: its :func:`event_view` and the facts the candidate index keeps."""
    view = event_view(record)
    return view, _report_facts(view)


def _report_facts(view: dict) -> tuple:
    """What the candidate index keeps of one view: its pair signature, time facts, time class, whether
    it is timed, and its class (call, signing)."""
    return (_pair_signature(view), _time_facts(view), _time_class(view), _timed(view),
            (view["type"] == "call", view["type"] == "signing"))


class _Interner:
    """A number per distinct hashable key; an unhashable key gets a negative number of its own."""

    def __init__(self):
        self.ids: dict[Any, int] = {}
        self.unique = 0

    def __call__(self, key: Any) -> int:
        try:
            return self.ids.setdefault(key, len(self.ids))
        except TypeError:
            self.unique -= 1
            return self.unique


def _memoised(memo: dict, a: int, b: int, compute):
    """``compute()``, kept in ``memo`` by signature pair unless a signature is unhashable (negative)."""
    result = memo.get((a, b))
    if result is None:
        result = compute()
        if a >= 0 and b >= 0:
            memo[(a, b)] = result
    return result


class _Clusters:
    """The greedy clusters of :func:`merge_events`, indexed so a report tests only clusters it may join."""

    def __init__(self, views: list[dict], articles: list, facts: list[tuple] | None = None):
        self.views = views
        self.articles = articles
        facts = facts if facts is not None else [_report_facts(v) for v in views]
        pair_ids = _Interner()
        self.pair_sig = [pair_ids(f[0]) for f in facts]
        self.time_facts = [f[1] for f in facts]
        self.times = [f[2] for f in facts]
        self.timed = [f[3] for f in facts]
        self.classes = [f[4] for f in facts]
        self.members: list[list[int]] = []
        self.pair_reps: list[dict[int, list]] = []   # cluster → pair signature → [member, any timed, any untimed]
        self.bounds: list[_TimeBounds] = []            # cluster → its members' time bounds
        self.seen_articles: list[set] = []
        self.first_low: list[int] = []   # cluster → its first member's first day (dated) or publication day
        self.first_high: list[int] = []  # cluster → its first member's last day (dated) or publication day
        self.always: dict[tuple, list[int]] = {}                   # class → clusters, first member "free"
        self.dated: dict[tuple, dict[int, list[int]]] = {}         # class → bucket → clusters, first dated
        self.undated: dict[tuple, dict[int, list[int]]] = {}       # (class, held) → bucket → clusters
        self.pair_memo: dict[tuple[int, int], bool] = {}
        self.score_memo: dict[tuple[int, int], float] = {}

    def _candidates(self, i: int) -> list[int]:
        """Clusters ``i`` may join, in creation order: a superset of those it passes the exact test with.

        The clusters in the time buckets a report's admissible days touch are kept when :func:`_close`
        holds between the report's time class and the cluster's first member's (written out here)."""
        cls, time = self.classes[i], self.times[i]
        found = list(self.always.get(cls, ()))
        dated = self.dated.get(cls, {})
        held, other = self.undated.get((cls, True), {}), self.undated.get((cls, False), {})
        if time[0] == "free":
            for buckets in (dated, held, other):
                for clusters in buckets.values():
                    found.extend(clusters)
            return sorted(set(found))
        lows, highs, width = self.first_low, self.first_high, _BUCKET_DAYS
        if time[0] == "dated":
            low, high = time[1], time[2]
            if dated:  # a dated cluster spans several buckets: counted once
                found.extend({c for bucket in range((low - CLOSE_DAYS) // width, (high + CLOSE_DAYS) // width + 1)
                              for c in dated.get(bucket, ())
                              if lows[c] <= high + CLOSE_DAYS and low <= highs[c] + CLOSE_DAYS})
            for bucket in range((low - 1) // width, (high + RECENT_DAYS) // width + 1) if held else ():
                found.extend([c for c in held.get(bucket, ()) if high >= lows[c] - RECENT_DAYS and low <= lows[c] + 1])
            for bucket in range((low - 365) // width, (high + 7) // width + 1) if other else ():
                found.extend([c for c in other.get(bucket, ()) if high >= lows[c] - 7 and low <= lows[c] + 365])
            return sorted(found)
        published = time[1]
        low, high = _undated_window(time)
        if dated:
            found.extend({c for bucket in range(low // width, high // width + 1) for c in dated.get(bucket, ())
                          if highs[c] >= low and lows[c] <= high})
        for buckets in (held, other):
            for bucket in range((published - RECENT_DAYS) // width, (published + RECENT_DAYS) // width + 1) \
                    if buckets else ():
                found.extend([c for c in buckets.get(bucket, ()) if abs(lows[c] - published) <= RECENT_DAYS])
        return sorted(found)

    def add(self, i: int) -> None:
        """Put report ``i`` into the first cluster that takes it, or into a new one.

        It joins a cluster when it comes from another article, ``_time_ok`` holds with every member
        (:class:`_TimeBounds`), ``_pair_ok`` holds with one member of each pair signature, and one of
        them reaches the anchor score (``ANCHOR`` when both are timed, else ``ANCHOR_UNTIMED``)."""
        views, view, article = self.views, self.views[i], self.articles[i]
        facts, pi = self.time_facts[i], self.pair_sig[i]
        timed_need = ANCHOR if self.timed[i] else ANCHOR_UNTIMED
        try:
            hash(article)
            hashable = article == article  # NaN equals no other id
        except TypeError:
            hashable = None
        pair_memo, score_memo = self.pair_memo, self.score_memo
        for c in self._candidates(i):
            if hashable:
                if article in self.seen_articles[c]:
                    continue  # one article's events are already distinct
            elif hashable is None and any(self.articles[j] == article for j in self.members[c]):
                continue
            if not self.bounds[c].admits(facts):
                continue
            reps = self.pair_reps[c]
            if not all(_memoised(pair_memo, pi, p, lambda: _pair_ok(view, views[j])) for p, (j, _, _) in reps.items()):
                continue
            for p, (j, timed, untimed) in reps.items():
                # the lowest score any member with this signature asks for
                need = min(timed_need, ANCHOR_UNTIMED) if timed and untimed else timed_need if timed else ANCHOR_UNTIMED
                if _memoised(score_memo, pi, p, lambda: anchor_score(view, views[j])) >= need:
                    self._enter(c, i)
                    return
        self._create(i)

    def _enter(self, c: int, i: int) -> None:
        self.members[c].append(i)
        rep = self.pair_reps[c].setdefault(self.pair_sig[i], [i, False, False])
        rep[1 if self.timed[i] else 2] = True
        self.bounds[c].add(self.time_facts[i])
        try:
            self.seen_articles[c].add(self.articles[i])
        except TypeError:
            pass

    def restore(self, members: list[int]) -> None:
        """Append a cluster known to hold ``members`` (in visiting order), without testing: the indexes
        are rebuilt as :meth:`add` built them (the memos are only caches)."""
        c = self._create(members[0])
        for i in members[1:]:
            self._enter(c, i)

    def _create(self, i: int) -> int:
        c = len(self.members)
        self.members.append([])
        self.pair_reps.append({})
        self.bounds.append(_TimeBounds())
        self.seen_articles.append(set())
        self._enter(c, i)
        cls, time = self.classes[i], self.times[i]
        self.first_low.append(time[1] if time[0] != "free" else 0)
        self.first_high.append(time[2] if time[0] == "dated" else time[1] if time[0] == "undated" else 0)
        if time[0] == "free":
            self.always.setdefault(cls, []).append(c)
        elif time[0] == "dated":
            buckets = self.dated.setdefault(cls, {})
            for bucket in range(time[1] // _BUCKET_DAYS, time[2] // _BUCKET_DAYS + 1):
                buckets.setdefault(bucket, []).append(c)
        else:
            self.undated.setdefault((cls, time[2]), {}).setdefault(time[1] // _BUCKET_DAYS, []).append(c)
        return c


def _best_date(dates: list[str]) -> str | None:
    return max(dates, key=lambda d: (len(d), d)) if dates else None


def _summarise(views: list[dict]) -> dict:
    types = [v["type"] for v in views]
    etype = next((t for t in TYPE_RANK if t in types), max(set(types), key=types.count))
    dates = [v["date"] for v in views if v["date"]]
    venues = [v["venue"] for v in views if v["venue"]]
    ranks = {v: (len(place_chain(v)), n) for v, n in Counter(venues).items()}  # count once per venue
    venue = max(venues, key=ranks.__getitem__) if venues else None
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
    frame = events_with_ids.reset_index(drop=True)
    return Reports.of_frame(frame, keep_keys=False).table(frame["event_id"].tolist())


def _merged_rows(rows: list[dict], all_views: list[dict], ids: list) -> Any:
    import pandas as pd

    out = []
    groups: dict[Any, list[int]] = {}  # as groupby(sort=False): first appearance order, missing ids left out
    for index, event_id in enumerate(ids):
        if not pd.isna(event_id):
            groups.setdefault(event_id, []).append(index)
    for event_id, indices in groups.items():
        records = [rows[k] for k in indices]
        views = [all_views[k] for k in indices]
        summary = _summarise(views)
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

