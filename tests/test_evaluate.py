"""The evaluator on hand-made gold/prediction pairs."""
from __future__ import annotations

import json

import pytest

from workbench.errors import WorkbenchError
from workbench.evaluate import (
    EvaluationError,
    _ner_spans,
    baseline_record,
    format_report,
    main,
    read_jsonl,
    read_texts,
    score,
    trigger_events,
)


def article(file="a.txt", published=None, persons=(), dates=(), venues=(), events=()):
    return {"file": file, "published": published, "persons": [list(g) for g in persons],
            "dates": list(dates), "venues": [list(g) for g in venues], "events": [dict(e) for e in events]}


def event(date=None, venue=None, participants=(), kind="meeting", status="held", key=""):
    return {"type": kind, "status": status, "date": date, "venue": venue,
            "participants": list(participants), "evidence": "", "key": key}


def counts(entry):
    return entry["tp"], entry["fp"], entry["fn"]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- persons

@pytest.mark.parametrize("gold_group, pred_group, matched", [
    (["Volodymyr Zelensky", "Zelenskyy"], ["Zelenskyy"], True),       # a listed variant
    (["Volodymyr Zelensky", "Zelenskyy"], ["ông Zelensky"], True),     # honorific, same last word
    (["Volodymyr Zelensky"], ["Zelenskiy"], False),                     # unlisted spelling
    (["Đỗ Văn Hùng"], ["ông Hung"], True),                              # diacritics and đ folded
    (["Xi Jinping", "Tập Cận Bình"], ["Tập Cận Bình"], True),           # Sino-Vietnamese variant
    (["Xi Jinping", "Tập Cận Bình"], ["Cận"], False),                   # not the last word
    (["Kirill Dmitriev"], ["Kirill"], False),                           # given name only
])
def test_evaluate_persons_surname_variants(gold_group, pred_group, matched):
    result = score([article(persons=[gold_group])], [article(persons=[pred_group])])
    assert counts(result["persons"]) == ((1, 0, 0) if matched else (0, 1, 1))


def test_evaluate_persons_one_to_one():
    gold = [article(persons=[["Donald Trump"], ["Marco Rubio"]])]
    pred = [article(persons=[["Donald Trump"], ["Trump"], ["Rubio"]])]
    result = score(gold, pred)
    assert counts(result["persons"]) == (2, 1, 0)
    assert result["persons"]["precision"] == pytest.approx(2 / 3)
    assert result["persons"]["recall"] == pytest.approx(1.0)
    assert result["persons"]["f1"] == pytest.approx(0.8)


def test_evaluate_persons_predicted_group_uses_every_name():
    # The first predicted group could take either gold group; the best one-to-one pairing takes both.
    gold = [article(persons=[["Donald Trump"], ["Melania Knavs"]])]
    pred = [article(persons=[["Melania Trump", "Knavs"], ["Donald Trump"]])]
    assert counts(score(gold, pred)["persons"]) == (2, 0, 0)


def test_evaluate_persons_micro_over_articles():
    gold = [article("a.txt", persons=[["Sergey Lavrov"]]), article("b.txt", persons=[["Hakan Fidan"], ["Li Hui"]])]
    pred = [article("a.txt", persons=[["Lavrov"], ["Nguyễn Văn An"]]), article("b.txt", persons=[["Fidan"]])]
    result = score(gold, pred)
    assert counts(result["persons"]) == (2, 1, 1)
    assert result["persons"]["f1"] == pytest.approx(2 / 3)


# --------------------------------------------------------------------------- venues, dates, published

@pytest.mark.parametrize("pred_venues, expected", [
    ([["A Rap Xe Ut"]], (1, 0, 0)),                         # diacritics folded, alternative name
    ([["Riyadh", "saudi arabia"]], (1, 0, 0)),              # any predicted name, case folded
    ([["Riyadh"]], (0, 1, 1)),                               # name not in the gold group
    ([["Ả Rập Xê Út"], ["Saudi Arabia"]], (1, 1, 0)),        # two groups for one gold group
    ([], (0, 0, 1)),
])
def test_evaluate_venue_any_name_folded(pred_venues, expected):
    gold = [article(venues=[["Ả Rập Xê Út", "Saudi Arabia"]])]
    assert counts(score(gold, [article(venues=pred_venues)])["venues"]) == expected


def test_evaluate_dates_exact():
    gold = [article(dates=["2025-08", "2025-08-15", "2022"])]
    pred = [article(dates=["2025-08-15", "2025-08-16", "2025", "2022", "2022"])]
    # "2025-08-16" does not count for "2025-08", nor "2025" for anything; duplicates count once.
    assert counts(score(gold, pred)["dates"]) == (2, 2, 1)


@pytest.mark.parametrize("gold_published, pred_published, correct", [
    (None, None, 1),
    ("2025-10-22", "2025-10-22", 1),
    ("2025-10-22", None, 0),
    (None, "2025-10-22", 0),
    ("2025-10-22", "2025-10-21", 0),
])
def test_evaluate_published_null_handling(gold_published, pred_published, correct):
    result = score([article(published=gold_published)], [article(published=pred_published)])
    assert result["published"] == {"correct": correct, "total": 1, "accuracy": float(correct)}


def test_evaluate_unpaired_articles_all_missed_or_spurious():
    gold = [article("a.txt", published=None, persons=[["Donald Trump"]], dates=["2025"],
                    events=[event(date="2025")])]
    pred = [article("b.txt", published=None, venues=[["Geneva"]], events=[event()])]
    result = score(gold, pred)
    assert counts(result["persons"]) == (0, 0, 1)
    assert counts(result["dates"]) == (0, 0, 1)
    assert counts(result["venues"]) == (0, 1, 0)
    assert counts(result["events"]) == (0, 1, 1)
    assert result["published"] == {"correct": 0, "total": 2, "accuracy": 0.0}
    assert result["articles"]["gold_only"] == ["a.txt"] and result["articles"]["pred_only"] == ["b.txt"]


def test_evaluate_record_without_published_is_left_out():
    result = score([article()], [{"file": "a.txt", "persons": [], "dates": [], "venues": []}])
    assert result["published"]["total"] == 0 and result["published"]["accuracy"] is None


# --------------------------------------------------------------------------- events

VENUES = [["Anchorage", "Alaska", "Elmendorf-Richardson"], ["Budapest", "Hungary"]]


@pytest.mark.parametrize("gold_event, pred_event, matched", [
    # venue: same group by any of its names, folded; another group or one side null fails
    (event(venue="Anchorage"), event(venue="alaska"), True),
    (event(venue="Anchorage"), event(venue="Budapest"), False),
    (event(venue="Anchorage"), event(venue=None), False),
    (event(venue=None), event(venue="Anchorage"), False),
    (event(venue=None), event(venue=None), True),
    (event(venue="Anchorage"), event(venue="Geneva"), False),
    # participants: surname or country key shared, or either side lists none
    (event(participants=["Vladimir Putin", "Donald Trump"]), event(participants=["Putin"]), True),
    (event(participants=["Marco Rubio"]), event(participants=["Sergey Lavrov"]), False),
    (event(participants=["Russia", "Ukraine"]), event(participants=["ukraine"]), True),
    (event(participants=["Russia"]), event(participants=[]), True),
    (event(participants=[]), event(participants=["Đỗ Hùng"]), True),
    # dates: equal, a prefix, or either missing
    (event(date="2025-08"), event(date="2025-08-15"), True),
    (event(date="2025-08-15"), event(date="2025"), True),
    (event(date="2025-08"), event(date="2025-09"), False),
    (event(date="2025-08-15"), event(date="2025-08-16"), False),
    (event(date="2025-1"), event(date="2025-10"), False),      # a prefix of the string, not of the date
    (event(date="2025-08-15"), event(date=None), True),
    (event(date=None), event(date="2025-08-15"), True),
])
def test_evaluate_events_matching_rules(gold_event, pred_event, matched):
    result = score([article(venues=VENUES, events=[gold_event])], [article(events=[pred_event])])
    assert counts(result["events"]) == ((1, 0, 0) if matched else (0, 1, 1))


def test_evaluate_events_venue_through_predicted_group():
    # A predicted venue named by a site of its own group still finds the gold group.
    gold = [article(venues=[["Anchorage", "Alaska"]], events=[event(venue="Anchorage")])]
    pred = [article(venues=[["Căn cứ Elmendorf", "Anchorage"]], events=[event(venue="Căn cứ Elmendorf")])]
    assert counts(score(gold, pred)["events"]) == (1, 0, 0)


def test_evaluate_events_one_to_one_closest_first():
    gold = [article(venues=VENUES, events=[event(date="2025-08-15", venue="Anchorage", kind="summit"),
                                           event(date=None, venue="Anchorage", kind="meeting")])]
    # In prediction order the undated report would take the dated gold event first.
    pred = [article(events=[event(date=None, venue="Alaska", kind="meeting", status="planned"),
                            event(date="2025-08-15", venue="Anchorage", kind="summit"),
                            event(date="2025-08-15", venue="Anchorage", kind="summit")])]
    result = score(gold, pred)
    assert counts(result["events"]) == (2, 1, 0)
    assert result["date"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert result["type"]["accuracy"] == pytest.approx(1.0)
    assert result["status"] == {"correct": 1, "total": 2, "accuracy": 0.5}


def test_evaluate_events_date_accuracy_is_exact():
    gold = [article(events=[event(date="2025-08"), event(date=None, participants=["Rubio"])])]
    pred = [article(events=[event(date="2025-08-15"), event(date=None, participants=["Rubio"])])]
    result = score(gold, pred)
    assert counts(result["events"]) == (2, 0, 0)
    assert result["date"] == {"correct": 1, "total": 2, "accuracy": 0.5}


def _three_articles(pred_keys):
    gold_keys = {"a.txt": ["K1"], "b.txt": ["K1", "K2"], "c.txt": ["K1", "K2"]}
    participants = {"K1": ["Donald Trump"], "K2": ["Marco Rubio"]}
    gold, pred = [], []
    for file, keys in gold_keys.items():
        gold.append(article(file, events=[event(participants=participants[k], key=k) for k in keys]))
        pred.append(article(file, events=[event(participants=participants[k], key=p)
                                          for k, p in zip(keys, pred_keys[file])]))
    return gold, pred


def test_evaluate_merge_pairwise_three_articles():
    # Gold same-event pairs across articles: K1 a-b, a-c, b-c; K2 b-c (4).
    gold, pred = _three_articles({"a.txt": ["X"], "b.txt": ["X", "Y"], "c.txt": ["Y", "Y"]})
    pred[2]["events"].append(event(participants=["Lavrov"], key="X"))  # spurious, never matched
    result = score(gold, pred)
    assert counts(result["events"]) == (5, 1, 0)
    # Predicted same pairs: X a-b (right), Y b2-c1 (wrong: K2 vs K1), Y b2-c2 (right).
    # c1-c2 share Y inside one article and are not counted.
    assert counts(result["merge"]) == (2, 1, 2)
    assert result["merge"]["precision"] == pytest.approx(2 / 3)
    assert result["merge"]["recall"] == pytest.approx(0.5)


def test_evaluate_merge_every_report_its_own_event():
    gold, pred = _three_articles({"a.txt": [""], "b.txt": ["", ""], "c.txt": ["", ""]})
    merge = score(gold, pred)["merge"]
    assert counts(merge) == (0, 0, 4)
    assert merge["precision"] is None and merge["recall"] == 0.0 and merge["f1"] == 0.0


# --------------------------------------------------------------------------- baselines

def test_evaluate_trigger_events_naive_reading():
    text = "Ông Lavrov điện đàm với ông Rubio hôm 20/10. Trời mưa. Hội nghị thượng đỉnh bị hủy."
    sentences = [(0, 44), (45, 55), (56, len(text))]
    events = trigger_events(text, sentences, [(38, "2025-10-20")])
    assert [(e["type"], e["status"], e["date"], e["venue"], e["participants"]) for e in events] == [
        ("call", "held", "2025-10-20", None, []), ("summit", "held", None, None, [])]


def test_evaluate_ner_spans_drop_punctuation():
    tokens = [("Nga", "Np", "B-NP", "B-PER"), ("Vladimir Putin", "Np", "B-NP", "I-PER"),
              ("tại", "E", "B-PP", "O"), ("Anchorage", "Np", "B-NP", "B-LOC"),
              (",", "CH", "O", "B-LOC"), ("Alaska", "Np", "B-NP", "I-LOC")]
    assert _ner_spans(tokens, "PER") == ["Nga Vladimir Putin"]
    assert _ner_spans(tokens, "LOC") == ["Anchorage", "Alaska"]


def test_evaluate_baseline_record_small_input():
    # Runs underthesea ner and dateparser on two short sentences only.
    record = baseline_record("a.txt", "Ông Donald Trump gặp ông Putin tại Anchorage. Trời mưa.")
    assert any(name.split()[-1] == "Trump" for group in record["persons"] for name in group)
    assert all(len(group) == 1 for group in record["persons"] + record["venues"])
    assert [(e["type"], e["status"], e["key"]) for e in record["events"]] == [("meeting", "held", "")]


def test_evaluate_read_texts_parquet_body(tmp_path):
    pd = pytest.importorskip("pandas")
    table = tmp_path / "articles.parquet"
    pd.DataFrame({"file": ["a.txt", "b.txt"], "text": ["Menu. Ông Trump gặp ông Putin.", "Tin khác"],
                  "body_start": [6, 0], "body_end": [30, 8], "published": [None, "2025-01-02"]}
                 ).to_parquet(table)
    assert read_texts(table) == {"a.txt": "Ông Trump gặp ông Putin.", "b.txt": "Tin khác"}


def test_evaluate_read_texts_folder(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2025-01-02 Ông Trump gặp ông Putin.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    assert read_texts(tmp_path) == {"a.txt": " date 2025-01-02 Ông Trump gặp ông Putin."}
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EvaluationError, match="no .txt"):
        read_texts(empty)
    with pytest.raises(EvaluationError, match="no such file"):
        read_texts(tmp_path / "missing")


# --------------------------------------------------------------------------- bad files

@pytest.mark.parametrize("bad_line, reason", [
    ('{"file": "b.txt", "published": null, "persons": [', "bad JSON"),
    ('{"file": "b.txt", "published": null, "persons": [], "dates": []}', "missing field(s) venues"),
    ('["b.txt"]', "expected a JSON object"),
    ('{"file": "b.txt", "published": null, "persons": "Trump", "dates": [], "venues": []}', "'persons'"),
    ('{"file": "b.txt", "published": null, "persons": [], "dates": [2025], "venues": []}', "'dates'"),
    ('{"file": "a.txt", "published": null, "persons": [], "dates": [], "venues": []}', "already on line 1"),
    ('{"file": "b.txt", "published": null, "persons": [], "dates": [], "venues": [], "events": [{"date": 5}]}',
     "event 1"),
])
def test_evaluate_bad_file_names_file_and_line(tmp_path, bad_line, reason):
    path = tmp_path / "gold.jsonl"
    good = json.dumps(article("a.txt"))
    path.write_text(f"{good}\n\n{bad_line}\n", encoding="utf-8")
    with pytest.raises(EvaluationError) as caught:
        read_jsonl(path)
    assert caught.value.path == str(path) and caught.value.line == 3
    assert str(caught.value).startswith(f"{path}:3: ") and reason in str(caught.value)
    assert isinstance(caught.value, WorkbenchError)


def test_evaluate_main_reports_bad_file(tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", [article()])
    pred = tmp_path / "summary.jsonl"
    pred.write_text("{not json}\n", encoding="utf-8")
    assert main([str(gold), str(pred), "--no-baselines"]) == 1
    assert f"{pred}:1: bad JSON" in capsys.readouterr().err


def test_evaluate_main_missing_texts(tmp_path, capsys):
    gold = write_jsonl(tmp_path / "gold.jsonl", [article()])
    pred = write_jsonl(tmp_path / "summary.jsonl", [article()])
    assert main([str(gold), str(pred)]) == 1
    err = capsys.readouterr().err
    assert "articles.parquet" in err and "--no-baselines" in err


# --------------------------------------------------------------------------- report and command

def test_evaluate_report_compact_table_last():
    gold = [article(persons=[["Donald Trump"]], events=[event(key="K")])]
    result = score(gold, [article(persons=[["Trump"], ["Putin"]])])
    text = format_report(result, None, gold_path="gold.jsonl", pred_path="summary.jsonl")
    lines = text.splitlines()
    assert len(lines) <= 20
    assert [line.split()[0] for line in lines[-9:]] == ["persons", "dates", "venues", "published",
                                                      "events", "status", "type", "date", "merge"]
    persons = lines[-9].split()
    assert persons[1:4] == ["0.500", "1.000", "0.667"] and persons[4] == "-"


def test_evaluate_main_with_baselines(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Ông Donald Trump hội đàm với ông Putin tại Alaska.", encoding="utf-8")
    gold = write_jsonl(tmp_path / "gold.jsonl", [article(
        "a.txt", persons=[["Donald Trump"], ["Vladimir Putin"]], venues=[["Anchorage", "Alaska"]],
        events=[event(venue="Anchorage", kind="talks", key="K")])])
    pred = write_jsonl(tmp_path / "summary.jsonl", [article(
        "a.txt", persons=[["Donald Trump"], ["Vladimir Putin"]], venues=[["Anchorage", "Alaska"]],
        events=[event(venue="Alaska", kind="talks", key="K")])])
    assert main([str(gold), str(pred), "--corpus", str(corpus), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["workbench"]["persons"]["f1"] == pytest.approx(1.0)
    assert out["workbench"]["events"]["f1"] == pytest.approx(1.0)
    assert out["baseline"]["published"] is None
    # The naive reading gives a held event with no venue: it cannot match the Anchorage talks.
    assert counts(out["baseline"]["events"]) == (0, 1, 1)
