"""The corpus reader: header forms, bylines, regions, bad files."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from workbench.corpus import load_corpus, parse_article, parse_byline_date
from workbench.errors import CorpusError

ROOT = Path(__file__).resolve().parents[1]


def labelled(article, label):
    return [article.text[s:e] for s, e, lab in article.regions if lab == label]


@pytest.mark.parametrize("line, expected", [
    ("Thứ bảy, ngày 04/11/2023 08:25 AM (GMT+7)", "2023-11-04"),
    ("13 Tháng Hai, 2025", "2025-02-13"),
    ("12:00 18/02/2025", "2025-02-18"),
    ("Minh Anh 25/03/2025 - 06:16", "2025-03-25"),
    ("Thứ Hai, 10/3/2025 - 14:20", "2025-03-10"),
    ("Cập nhật: 08:15 ngày 05/12/2025", "2025-12-05"),
    ("Thứ 6, 18/04/2025 | 09:50:24", "2025-04-18"),
    ("Hoài Thu | 07/09/2024 16:39", "2024-09-07"),
    ("Chủ nhật, 1/6/2025", "2025-06-01"),
])
def test_corpus_byline_forms_give_the_publication_date(line, expected):
    assert parse_byline_date(line) == expected


@pytest.mark.parametrize("line", [
    "Ngày 23/4/2025, ông Lâm cho biết phái đoàn sẽ tới Geneva.",
    "Hai bên nhất trí mở lại đường bay vào tuần tới.",
    "Thứ bảy, ngày 31/02/2025 08:25 AM",  # no such day
])
def test_corpus_body_lines_are_not_bylines(line):
    assert parse_byline_date(line) is None


def test_corpus_header_form_keeps_text_on_the_first_line():
    text = " date 2025-03-14 Bộ trưởng Hòa cho biết hôm qua hai bên đã gặp nhau.\n\nĐoạn hai."
    article = parse_article(text, "a.txt")
    assert (article.published, article.published_source) == ("2025-03-14", "header")
    assert labelled(article, "header") == [" date 2025-03-14 "]
    assert article.text[article.body_start:article.body_end].startswith("Bộ trưởng Hòa")
    assert article.text == text


def test_corpus_month_only_header_leaves_published_unknown():
    article = parse_article(" date 2024-06 Phái đoàn đã tới Geneva sáng nay.", "m.txt")
    assert article.published is None and article.published_source == "none"


@pytest.mark.parametrize("header", [" date 2025-13-45 Văn bản.", " date 2025-02-30 Văn bản.", " date hôm-qua Văn bản."])
def test_corpus_impossible_header_date_is_an_error_naming_the_file(header):
    with pytest.raises(CorpusError) as info:
        parse_article(header, "bad.txt")
    assert info.value.path == "bad.txt" and "header date" in info.value.reason


def test_corpus_title_and_byline_with_navigation_before_them():
    text = ("TRANG CHỦ\nMỚI NHẤT\nHai ngoại trưởng gặp nhau ở Geneva bàn về trao đổi tù binh\n\n"
            "Thanh Hà | 02/03/2024 10:15\n"
            "Ngoại trưởng hai nước đã có cuộc gặp kéo dài ba giờ tại Geneva hôm 1/3, theo các nguồn tin.\n"
            "Tin liên quan\nMột tin khác hoàn toàn.\n")
    article = parse_article(text, "b.txt")
    assert (article.published, article.published_source) == ("2024-03-02", "byline")
    assert article.title == "Hai ngoại trưởng gặp nhau ở Geneva bàn về trao đổi tù binh"
    assert "MỚI NHẤT" in labelled(article, "boilerplate")
    assert labelled(article, "byline") == ["Thanh Hà | 02/03/2024 10:15"]
    body = article.text[article.body_start:article.body_end]
    assert body.startswith("Ngoại trưởng hai nước") and "Một tin khác" not in body


def test_corpus_byline_glued_to_the_title_line():
    text = ("Ông Lâm nói hai bên sẽ nối lại đàm phán về ngũ cốc vào tuần tới ở Istanbul 30/01/2026 05:51\n\n"
            "Ông Lâm cho biết vòng đàm phán mới sẽ diễn ra tại Istanbul.")
    article = parse_article(text, "c.txt")
    assert article.published == "2026-01-30"
    assert article.title.endswith("ở Istanbul")
    assert labelled(article, "byline") == [" 30/01/2026 05:51"]


def test_corpus_byline_beside_a_crawl_header_is_not_body_text():
    text = " date 2025-05-02 Tiêu đề bài viết về hội nghị hòa bình ở Rome\nThứ Sáu, 02/05/2025 07:00\nNội dung chính của bài."
    article = parse_article(text, "d.txt")
    assert article.published_source == "header"
    assert labelled(article, "byline") == ["Thứ Sáu, 02/05/2025 07:00"]


def test_corpus_no_date_anywhere_is_not_guessed():
    text = "Ngày 23/4/2025, ngoại trưởng hai nước đã gặp nhau tại Rome để bàn về lệnh ngừng bắn một phần trên biển và trên không, theo các nguồn tin ngoại giao tại chỗ.\n"
    article = parse_article(text, "e.txt")
    assert article.published is None and article.published_source == "none"


def test_corpus_teasers_after_a_wide_gap_and_trailer_are_cut():
    text = ("Bài chính nói về cuộc gặp.\nĐoạn thứ hai.\n\n\nTin khác số một.\nTin khác số hai.\n")
    article = parse_article(text, "f.txt")
    assert labelled(article, "teaser") == ["Tin khác số một.\nTin khác số hai.\n"]
    trailer = parse_article("Bài chính.\nMời các bạn đồng hành cùng báo trên mạng xã hội.\nTin cùng chuyên mục\n", "g.txt")
    assert trailer.text[trailer.body_start:trailer.body_end] == "Bài chính."


def test_corpus_boilerplate_only_page_has_an_empty_body_flag():
    article = parse_article("Tin cùng chuyên mục\nXem theo ngày Xem\n", "h.txt")
    assert "empty_body" in article.flags


def test_corpus_regions_slice_the_text_in_order():
    articles, skipped = load_corpus(ROOT / "data" / "raw")
    assert len(articles) == 5 and skipped == []
    for article in articles:
        ends = [0]
        for start, end, _ in article.regions:
            assert start >= ends[-1] and end <= len(article.text)
            ends.append(end)


def test_corpus_sample_has_three_header_forms_and_teasers():
    articles = {a.file: a for a in load_corpus(ROOT / "data" / "raw")[0]}
    sources = {a.published_source for a in articles.values()}
    assert sources == {"header", "byline", "none"}
    teasers = labelled(articles["004_c5071fd96cc9d4dd.txt"], "teaser")
    assert len(teasers) == 1 and teasers[0].count("\n") >= 6


def test_corpus_raw_files_are_unchanged_copies():
    shared = ROOT.parent / "shared" / "corpus"
    if not shared.is_dir():
        pytest.skip("shared corpus not beside the project")
    for path in shared.glob("*.txt"):
        mine = ROOT / "data" / "raw" / path.name
        assert hashlib.sha256(mine.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest()


def test_corpus_bad_files_are_named_and_the_rest_load(tmp_path):
    (tmp_path / "good.txt").write_text(" date 2025-01-02 Ông Lâm tới Geneva.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes("Ông Lâm".encode("utf-8")[:1] + b"\xe9t\xe9 \xe0 Gen\xe8ve")
    (tmp_path / "bad_date.txt").write_text(" date 2025-02-31 Văn bản.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ghi chú", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "copy.txt").write_text(" date 2025-01-02 Ông Lâm tới Geneva.", encoding="utf-8")
    articles, skipped = load_corpus(tmp_path)
    assert [a.file for a in articles] == ["copy.txt"]
    reasons = {s.file: s.reason for s in skipped}
    assert set(reasons) == {"empty.txt", "latin.txt", "bad_date.txt", "notes.md", "sub", "good.txt"}
    assert "UTF-8" in reasons["latin.txt"] and "empty" in reasons["empty.txt"]
    assert reasons["good.txt"] == "duplicate of copy.txt"


def test_corpus_missing_folder_is_an_error_naming_it(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_corpus_reader_never_writes_to_raw(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(" date 2025-01-02 Ông Lâm tới Geneva.\r\nĐoạn hai.", encoding="utf-8")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    articles, _ = load_corpus(tmp_path)
    assert "\r\n" in articles[0].text
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
