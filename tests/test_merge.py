"""Merging article event reports into real-world events: each merge rule, ids, the merged table."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.merge import anchor_score, event_view, merge_events, merge_events_resumable, merged_table


def _row(article: str, published: str | None, etype: str, status: str, date: str | None, venue: str | None,
         participants: list[str], evidence: str = "Hai bên đã gặp nhau.", **attrs) -> dict:
    return {"article_id": article, "file": f"{article}.txt", "published": published, "type": etype,
            "status": status, "date": date, "venue": venue, "participants": participants,
            "evidence": evidence, "evidence_start": 0, "evidence_end": len(evidence), "event_index": 0,
            "attrs": json.dumps(attrs, ensure_ascii=False)}


def _ids(*rows: dict) -> list[str]:
    return list(merge_events(pd.DataFrame(list(rows)))["event_id"])


def _same(*rows: dict) -> bool:
    return len(set(_ids(*rows))) == 1


SUMMIT = _row("a", "2025-08-16", "summit", "held", "2025-08-15", "Anchorage",
              ["Donald Trump", "Vladimir Putin"], "Ông Trump gặp ông Putin tại Anchorage hôm qua.")


@pytest.mark.parametrize("other", [
    _row("b", "2025-10-22", "summit", "held", "2025-08", "Anchorage", ["Donald Trump", "Vladimir Putin"]),
    _row("b", "2025-08-19", "meeting", "held", None, "Alaska", ["Vladimir Putin"]),
    _row("b", "2025-08-17", "summit", "held", "2025-08-15", "Anchorage", []),
    _row("b", "2025-08-20", "summit", "held", "2025-08-16", "Anchorage", ["Donald Trump", "Vladimir Putin"]),
])
def test_merge_compatible_reports_share_an_id(other):
    assert _same(SUMMIT, other)


@pytest.mark.parametrize("other, rule", [
    (_row("b", "2025-08-16", "call", "held", "2025-08-15", None, ["Donald Trump", "Vladimir Putin"]),
     "a call never merges with a meeting"),
    (_row("b", "2025-08-16", "summit", "held", "2025-08-15", "Budapest", ["Donald Trump", "Vladimir Putin"]),
     "another venue"),
    (_row("b", "2025-08-16", "summit", "held", "2025-08-15", "Anchorage", ["Marco Rubio", "Sergey Lavrov"]),
     "no shared participant"),
    (_row("b", "2025-12-01", "summit", "held", "2025-11-28", "Anchorage", ["Donald Trump", "Vladimir Putin"]),
     "distinct exact dates"),
    (_row("b", "2026-03-01", "summit", "held", None, None, ["Donald Trump", "Vladimir Putin"]),
     "an undated report points near its publication date"),
])
def test_merge_incompatible_reports_stay_apart(other, rule):
    assert not _same(SUMMIT, other), rule


def test_merge_rounds_at_one_venue_stay_apart():
    first = _row("a", "2025-05-17", "talks", "held", None, "Istanbul", ["Russia", "Ukraine"], round="1")
    second = _row("b", "2025-06-03", "talks", "held", None, "Istanbul", ["Russia", "Ukraine"], round="2")
    again = _row("c", "2025-06-04", "talks", "held", None, "Istanbul", ["Russia", "Ukraine"], round="2")
    ids = _ids(first, second, again)
    assert ids[0] != ids[1] and ids[1] == ids[2]


def test_merge_planned_report_does_not_take_an_earlier_round():
    held = _row("a", "2026-01-24", "talks", "planned", "2026-01-23", "Abu Dhabi", ["United States", "Ukraine"])
    later = _row("b", "2026-02-01", "talks", "planned", None, "Abu Dhabi", ["Russia", "Ukraine"])
    assert not _same(held, later)


def test_merge_planned_then_cancelled_is_one_event_with_the_latest_status():
    planned = _row("a", "2025-10-17", "summit", "planned", None, "Budapest", ["Donald Trump", "Vladimir Putin"],
                   "Ông Trump sẽ gặp ông Putin tại Budapest.")
    cancelled = _row("b", "2025-10-22", "summit", "cancelled", None, "Hungary", ["Donald Trump", "Vladimir Putin"],
                     "Hội nghị tại Hungary đã bị hủy.")
    merged = merge_events(pd.DataFrame([cancelled, planned]))
    assert merged["event_id"].nunique() == 1
    table = merged_table(merged)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["status"] == "cancelled" and row["venue"] == "Budapest"
    assert int(row["n_articles"]) == 2 and not bool(row["conflict"])
    assert [s["file"] for s in row["source_spans"]] == ["a.txt", "b.txt"]
    assert row["sources"][0] == f"a.txt:0-{len(planned['evidence'])}"


def test_merge_reports_of_one_article_keep_their_own_ids():
    a = _row("a", "2025-10-22", "call", "held", "2025-10-20", None, ["Marco Rubio", "Sergey Lavrov"])
    b = {**a, "event_index": 1}
    assert len(set(_ids(a, b))) == 2


def test_merge_ids_are_stable_and_readable():
    rows = [SUMMIT, _row("b", "2025-10-22", "summit", "held", "2025-08", "Alaska", ["Vladimir Putin"])]
    first = _ids(*rows)
    assert first == _ids(*rows) == _ids(*reversed(rows))[::-1]
    assert first[0] == "2025-08-15-anchorage-putin-trump-summit"


def test_merge_ids_are_deduplicated_with_a_suffix():
    a = _row("a", "2025-03-01", "talks", "held", "2025-02-27", "Istanbul", ["Russia", "United States"], round="1")
    b = _row("b", "2025-04-15", "talks", "held", "2025-02-27", "Istanbul", ["Russia", "United States"], round="2")
    ids = _ids(a, b)
    assert ids[0] != ids[1] and ids[1] == ids[0] + "-2"


def test_merge_table_flags_conflicting_reports():
    a = _row("a", "2025-10-22", "meeting", "planned", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"])
    b = _row("b", "2025-10-22", "meeting", "cancelled", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"])
    table = merged_table(merge_events(pd.DataFrame([a, b])))
    assert len(table) == 1 and bool(table.iloc[0]["conflict"])
    assert "2025-10-22" in table.iloc[0]["conflict_reason"]


def test_merge_table_keeps_the_best_date_precision():
    a = _row("a", "2025-09-01", "summit", "held", "2025-08", "Anchorage", ["Vladimir Putin"])
    b = _row("b", "2025-08-16", "summit", "held", "2025-08-15", "Anchorage", ["Vladimir Putin", "Donald Trump"])
    table = merged_table(merge_events(pd.DataFrame([a, b])))
    assert table.iloc[0]["date"] == "2025-08-15"
    assert set(table.iloc[0]["participants"]) == {"Vladimir Putin", "Donald Trump"}


def test_merge_accepts_participants_as_arrays_and_missing_attrs():
    row = _row("a", None, "call", "held", None, None, ["Donald Trump"])
    row.pop("attrs")
    frame = pd.DataFrame([row])
    frame["participants"] = frame["participants"].apply(lambda v: pd.array(v, dtype="object"))
    assert event_view(frame.iloc[0].to_dict())["participants"] == ["Donald Trump"]
    assert list(merge_events(frame)["event_id"]) == ["undated-trump-call"]


def test_merge_anchor_score_counts_what_reports_share():
    a = event_view(SUMMIT)
    b = event_view(_row("b", "2025-08-19", "meeting", "held", None, "Alaska", ["Vladimir Putin"]))
    assert anchor_score(a, b) == pytest.approx(2.0)


# -- the blocked merge gives exactly what the plain greedy loop gives ------------------------------------------

def _summarise_reference(views: list[dict]) -> dict:
    from workbench.events import TYPE_RANK
    from workbench.merge import _best_date
    from workbench.places import place_chain

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


def _merge_events_reference(events) -> list[str]:
    """The original O(reports × clusters) greedy loop of ``merge_events``, kept as the specification."""
    from workbench.events import event_key
    from workbench.merge import ANCHOR, ANCHOR_UNTIMED, _pair_ok, _text, _time_ok, _timed

    records = events.reset_index(drop=True).to_dict("records")
    views = [event_view(r) for r in records]
    order = sorted(range(len(records)), key=lambda i: (
        _text(records[i].get("published")) or "9999", str(records[i].get("file") or ""),
        int(records[i].get("event_index") or 0) if str(records[i].get("event_index") or 0).isdigit() else 0, i))
    clusters: list[list[int]] = []
    for i in order:
        target = None
        for cluster in clusters:
            if any(records[j].get("article_id") == records[i].get("article_id") for j in cluster):
                continue
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
        summary = _summarise_reference([views[i] for i in cluster])
        base = event_key(summary["date"], summary["venue"], summary["participants"][:3], summary["type"])
        used[base] = used.get(base, 0) + 1
        key = base if used[base] == 1 else f"{base}-{used[base]}"
        for i in cluster:
            ids[i] = key
    return [ids[i] for i in range(len(records))]


_TYPES = ("summit", "talks", "meeting", "call", "signing", "visit", "conference")
_STATUSES = ("held", "held", "held", "planned", "cancelled", "postponed")
_COUNTRIES = ("United States", "Russia", "Ukraine", "European Union", "Saudi Arabia", "Turkey")


def _random_reports(seed: int, n: int) -> pd.DataFrame:
    """Synthetic report rows: noisy reports of a few underlying events (dates at every precision or none,
    venues widened or dropped, participants subsets or countries) among unrelated ones, several per article,
    articles published near the event, undated, years apart, or twice under one id."""
    import datetime as dt
    import random

    from workbench.knowledge import load_table
    from workbench.places import place_chain

    rng = random.Random(seed)
    persons = [(r["name"], r["side"]) for r in load_table("persons")]
    places = [r["name"] for r in load_table("places")]
    sides = {"US": "United States", "UK": "United Kingdom", "EU": "European Union"}
    origin = dt.date(2025, 1, 1)

    def day(offset: int) -> dt.date:
        return origin + dt.timedelta(days=offset)

    def event() -> dict:
        far = rng.random() < 0.15  # years apart
        people = rng.sample(persons[:25] if rng.random() < 0.8 else persons, rng.choice((1, 2, 2, 3)))
        return {"type": rng.choice(_TYPES), "day": day(rng.randint(-3000, -400) if far else rng.randint(0, 420)),
                "venue": rng.choice(places[:40] if rng.random() < 0.7 else places), "people": people,
                "round": rng.choice(("", "", "", "1", "2"))}

    events = [event() for _ in range(max(4, n // 15))]
    rows: list[dict] = []
    article = 0
    while len(rows) < n:
        article += 1
        anchor = rng.choice(events)
        published = anchor["day"] + dt.timedelta(days=rng.randint(-20, 90))
        published_text = None if rng.random() < 0.08 else published.isoformat()
        reports = []
        for _ in range(rng.choice((1, 2, 3, 4, 6))):
            source = rng.choice(events) if rng.random() < 0.5 else anchor
            if rng.random() < 0.15:
                source = event()
            etype = source["type"] if rng.random() < 0.7 else rng.choice(_TYPES)
            precision = rng.choice((10, 10, 7, 4, 0, 0))
            when = source["day"] + dt.timedelta(days=rng.choice((0, 0, 0, 1, -2, 3, 5, 40)))
            date_text = when.isoformat()[:precision] or None
            if rng.random() < 0.01:
                date_text = rng.choice(("2025-W40", "20251017", "2025-1"))
            venue = source["venue"]
            roll = rng.random()
            if roll < 0.3:
                venue = rng.choice(place_chain(venue))
            elif roll < 0.5:
                venue = None
            elif roll < 0.55:
                venue = rng.choice(places)
            people = [p for p in source["people"] if rng.random() < 0.75]
            names = [name for name, _ in people]
            if rng.random() < 0.2:
                names.append(rng.choice(_COUNTRIES))
            if rng.random() < 0.1:
                names = [rng.choice(_COUNTRIES), rng.choice(_COUNTRIES)]
            person_sides = sorted({sides.get(side, side) for _, side in people})
            attrs = {"round": rng.choice((source["round"], source["round"], "", "next", "3")),
                     "sides": person_sides, "person_sides": person_sides, "private": rng.random() < 0.1}
            status = rng.choice(_STATUSES)
            reports.append({"type": etype, "status": status, "date": date_text, "venue": venue,
                            "participants": list(dict.fromkeys(names)),
                            "attrs": json.dumps(attrs, ensure_ascii=False)})
        if rng.random() < 0.05:
            reports.append(dict(reports[0]))  # the same report twice in one article
        copies = 2 if rng.random() < 0.03 else 1  # the same article twice, under two files
        for copy in range(copies):
            for index, report in enumerate(reports):
                rows.append({"article_id": f"art{article}", "file": f"art{article}_{copy}.txt",
                             "published": published_text, "event_index": index, "evidence": "Hai bên gặp nhau.",
                             "evidence_start": index, "evidence_end": index + 17, **report})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed, n", [(0, 1500), (1, 1500), (2, 1500), (3, 3000)])
def test_merge_blocked_merge_equals_the_greedy_reference(seed, n):
    events = _random_reports(seed, n)
    reference = _merge_events_reference(events)
    assert 0.05 * len(events) < len(set(reference)) < 0.9 * len(events)  # reports do merge, not all
    merged = merge_events(events)
    assert list(merged["event_id"]) == reference
    assert list(merged.drop(columns="event_id").columns) == list(events.columns)


def test_merge_edge_cases_equal_the_reference():
    rows = [
        _row("a", None, "meeting", "held", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"]),
        _row("b", None, "meeting", "held", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"]),
        _row("c", "2025-10-22", "meeting", "held", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"]),
        _row("d", "2021-10-22", "meeting", "held", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"]),
        _row("e", "2025-10-23", "meeting", "held", "2021-10", "Geneva", ["Marco Rubio", "Sergey Lavrov"]),
        _row("f", "2025-10-23", "meeting", "planned", "2021", "Geneva", ["Sergey Lavrov"]),
        _row("g", "2022-01-05", "meeting", "cancelled", None, None, ["Sergey Lavrov"]),
        _row("h", None, "meeting", "held", "2021-10-20", "Switzerland", ["Lavrov"]),
        _row("h", None, "meeting", "held", "2021-10-20", "Switzerland", ["Lavrov"]),
        _row("i", "2025-10-24", "signing", "held", None, "Geneva", ["Marco Rubio", "Sergey Lavrov"]),
        _row("j", "2025-10-25", "call", "held", None, None, ["Marco Rubio", "Sergey Lavrov"]),
        _row("k", "2025-10-26", "meeting", "held", "2025-W43", "Geneva", ["Marco Rubio"]),
    ]
    rows[8] = {**rows[8], "event_index": 1}
    frame = pd.DataFrame(rows + [dict(r, file="copy.txt") for r in rows[:3]])
    assert list(merge_events(frame)["event_id"]) == _merge_events_reference(frame)


# -- resuming from a stored clustering state ------------------------------------------------------------------

def _split_by_date(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An old part and a new part whose reports are all visited after the old ones (later publication
    dates, or none: an undated report is visited last)."""
    dated = sorted(d for d in events["published"] if isinstance(d, str))
    cutoff = dated[len(dated) // 2]
    old = events["published"].map(lambda d: isinstance(d, str) and d < cutoff)
    return events[old], events[~old]


@pytest.mark.parametrize("seed, n", [(0, 1500), (1, 1500), (3, 3000)])
def test_merge_resumed_with_later_reports_equals_the_merge_from_scratch(seed, n):
    old, new = _split_by_date(_random_reports(seed, n))
    assert len(old) and len(new)
    _, state, resumed = merge_events_resumable(old)
    assert not resumed and len(state["keys"]) == len(old)
    grown = pd.concat([new, old], ignore_index=True)  # row order differs from the visit order
    merged, grown_state, resumed = merge_events_resumable(grown, state)
    assert resumed
    scratch, scratch_state, _ = merge_events_resumable(grown)
    assert list(merged["event_id"]) == list(scratch["event_id"]) == list(merge_events(grown)["event_id"])
    assert merged.equals(scratch)
    assert grown_state == scratch_state
    # the same corpus again: everything is resumed, nothing added
    again, _, resumed = merge_events_resumable(grown, grown_state)
    assert resumed and list(again["event_id"]) == list(scratch["event_id"])


@pytest.mark.parametrize("seed", [0, 2])
def test_merge_with_an_earlier_new_report_falls_back_and_equals_the_merge_from_scratch(seed):
    old, new = _split_by_date(_random_reports(seed, 1500))
    _, state, _ = merge_events_resumable(old)
    first = old.sort_values("published").iloc[0]
    early = dict(first, file="aaa_early.txt", article_id="early")  # visited before every old report
    grown = pd.concat([old, new, pd.DataFrame([early])], ignore_index=True)
    merged, _, resumed = merge_events_resumable(grown, state)
    assert not resumed
    assert list(merged["event_id"]) == list(merge_events(grown)["event_id"])
    # a changed old report (same place in the order, other content) also falls back
    changed = grown.copy()
    row = changed.index[changed["file"] == first["file"]][0]
    changed.at[row, "venue"] = "Somewhere Else"
    merged, _, resumed = merge_events_resumable(changed[changed["file"] != "aaa_early.txt"], state)
    assert not resumed
    assert list(merged["event_id"]) == list(merge_events(changed[changed["file"] != "aaa_early.txt"])["event_id"])


def test_merge_stale_or_malformed_state_is_not_resumed(tmp_path):
    from workbench.cache import AnnotationCache

    old, new = _split_by_date(_random_reports(1, 600))
    grown = pd.concat([old, new], ignore_index=True)
    scratch = list(merge_events(grown)["event_id"])
    _, state, _ = merge_events_resumable(old)
    _, other, _ = merge_events_resumable(_random_reports(5, 300))  # another corpus's state
    stale_key = {**state, "keys": [b"\0" * 32] + state["keys"][1:]}
    unsorted = {**state, "clusters": [sorted(state["clusters"][0] + state["clusters"][1], reverse=True)]
                + state["clusters"][2:]}
    missing = {**state, "clusters": state["clusters"][1:]}
    longer = {**state, "keys": state["keys"] + state["keys"]}
    for bad in (other, stale_key, unsorted, missing, longer, {**state, "version": 0}, None, "junk",
                {"version": 1, "keys": "abc", "clusters": []}, {**state, "clusters": [[0.5]]}):
        merged, _, resumed = merge_events_resumable(grown, bad)
        assert not resumed
        assert list(merged["event_id"]) == scratch
    # damage to the stored entry is caught by its checksum
    cache = AnnotationCache(tmp_path, "f")
    cache.put_merge_state("k", state)
    assert cache.get_merge_state() == state
    path = cache.path_for("merge-state-k")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert cache.get_merge_state() is None
