"""Sentence splitting: offsets into the original text, captions and credits."""
from __future__ import annotations

import pytest

from workbench.text import split_sentences


def texts(text, sentences):
    return [(text[s.start:s.end], s.region) for s in sentences]


def test_text_sentences_slice_the_original_text():
    text = "Ông Lâm tới Geneva hôm qua.  Hai bên  đã gặp nhau!\r\nĐoạn hai: họ sẽ gặp lại."
    got = texts(text, split_sentences(text))
    assert got == [("Ông Lâm tới Geneva hôm qua.", "body"), ("Hai bên  đã gặp nhau!", "body"),
                   ("Đoạn hai: họ sẽ gặp lại.", "body")]


@pytest.mark.parametrize("line, caption, credit", [
    ("Ông Lâm bắt tay ông Hòa tại Geneva hôm 2/3 (Ảnh: AP)", "Ông Lâm bắt tay ông Hòa tại Geneva hôm 2/3", "(Ảnh: AP)"),
    ("Ông Lâm bắt tay ông Hòa tại Geneva ẢNH: REUTERS", "Ông Lâm bắt tay ông Hòa tại Geneva", "ẢNH: REUTERS"),
    ("Phái đoàn tới Geneva ngày 2/6. (Ảnh: AA/TTXVN)", "Phái đoàn tới Geneva ngày 2/6.", "(Ảnh: AA/TTXVN)"),
    ("Ông Lâm phát biểu tại Rome. Ảnh Getty", "Ông Lâm phát biểu tại Rome.", "Ảnh Getty"),
])
def test_text_photo_credit_is_split_from_its_caption(line, caption, credit):
    got = texts(line, split_sentences(line))
    assert got == [(caption, "caption"), (credit, "credit")]


def test_text_regions_are_kept_and_non_countable_regions_flagged():
    text = "Tiêu đề\nMột câu.\nTin khác."
    sentences = split_sentences(text, [(0, 7, "title"), (8, 16, "body"), (17, 26, "teaser")])
    assert [(s.region, s.countable) for s in sentences] == [("title", True), ("body", True), ("teaser", False)]
    assert [s.index for s in sentences] == [0, 1, 2]


def test_text_ordinary_word_anh_is_not_a_credit():
    line = "Ông nói về ảnh hưởng của lệnh ngừng bắn tới người dân."
    assert texts(line, split_sentences(line)) == [(line, "body")]
