"""Merging article event reports into real-world events: each merge rule, ids, the merged table."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.merge import anchor_score, event_view, merge_events, merged_table


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
