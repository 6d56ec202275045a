"""Dates: each construction, the year rule, relative forms, what is not a date."""
from __future__ import annotations

import pytest

from workbench.dates import find_dates, resolve_year


def values(sentence, published="2025-10-22"):
    return [s.value for s in find_dates(sentence, 0, len(sentence), published)]


@pytest.mark.parametrize("sentence, expected", [
    ("Hôm 21.10, ông Lâm cho biết.", ["2025-10-21"]),
    ("Hai bên đã gặp nhau ngày 3/10.", ["2025-10-03"]),
    ("Phái đoàn tới nơi ngày 23-1.", ["2025-01-23"]),
    ("Cuộc gặp diễn ra ngày 4/11/2023 ở Geneva.", ["2023-11-04"]),
    ("Vòng đàm phán diễn ra ngày 23-24/1/2026.", ["2026-01-23", "2026-01-24"]),
    ("Họ bắt tay nhau vào ngày 2 tháng 7 năm 2024.", ["2024-07-02"]),
    ("Ông tới Rome hồi tháng 8.", ["2025-08"]),
    ("Hai bên điện đàm tháng 10/2025.", ["2025-10"]),
    ("Chiến sự bắt đầu vào tháng 2 năm 2022.", ["2022-02"]),
    ("Chiến sự bắt đầu tháng 2-2022.", ["2022-02"]),
    ("Hội nghị được tổ chức năm 2019.", ["2019"]),
    ("Ông đã tới Kiev sáng nay.", ["2025-10-22"]),
    ("Ông đã tới Kiev hôm qua.", ["2025-10-21"]),
    ("Ông sẽ tới Kiev ngày mai.", ["2025-10-23"]),
    ("Hai bên gặp nhau vào tháng trước.", ["2025-09"]),
    ("Đàm phán đổ vỡ năm ngoái.", ["2024"]),
    ("Sáng 19.8. giờ Việt Nam, phái đoàn rời đi.", ["2025-08-19"]),
])
def test_dates_constructions(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Cuộc gặp bắt đầu lúc 10 giờ sáng theo giờ địa phương.",
    "Lệnh ngừng bắn kéo dài 30 ngày.",
    "Cuộc xung đột kéo dài gần 4 năm.",
    "Dự thảo gồm 28 điểm và 20 máy bay F-16 Block 70/72.",
    "Các bên sẽ gặp lại vào tuần trước hoặc trong vài năm tới.",
    "Họ hy vọng tổ chức hội nghị vào cuối năm nay.",
    "Đây là vòng đàm phán thứ hai trong nhiệm kỳ thứ hai.",
    "Đã có hơn 68.000 binh sĩ và 43,9 tỷ USD.",
    "Hai bên gặp nhau ngày 32/1.",
])
def test_dates_not_dates(sentence):
    assert values(sentence) == []


def test_dates_year_rule_moves_a_past_event_to_the_year_before():
    assert values("Hai bên đã gặp nhau ngày 28/12.", "2025-01-05") == ["2024-12-28"]
    assert values("Ông đã tới Kiev hồi tháng 11.", "2025-01-05") == ["2024-11"]


def test_dates_future_plans_may_point_forward():
    assert values("Hai bên sẽ gặp nhau ngày 28/12.", "2025-01-05") == ["2025-12-28"]
    assert resolve_year(12, 28, __import__("datetime").date(2025, 1, 5), future=True) == 2025


@pytest.mark.parametrize("sentence, expected", [
    ("Hai ông đã điện đàm hôm thứ Sáu.", ["2025-10-17"]),   # published Wed 2025-10-22
    ("Phái đoàn sẽ tới Geneva vào thứ Hai tới.", ["2025-10-27"]),
    ("Hai bên gặp nhau chủ nhật vừa qua.", []),             # no time cue before
    ("Ông tới Kiev vào thứ Ba (2/7).", ["2025-07-02"]),
])
def test_dates_weekdays(sentence, expected):
    assert values(sentence) == expected


def test_dates_unknown_publication_keeps_only_full_dates():
    sentence = "Ngày 23/4/2025, hai bên gặp nhau; hôm qua và ngày 5/8 họ lại gặp, tháng 9/2025 nữa."
    assert values(sentence, None) == ["2025-04-23", "2025-09"]


def test_dates_relative_words_in_quotes_are_not_listed():
    assert values("“Hôm nay chúng ta đã có cuộc thảo luận tốt”, ông nói.") == []


def test_dates_offsets_slice_the_text():
    text = "Mở đầu. Hôm 16.10, ông Lâm nói rằng tháng 8/2024 là mốc."
    spans = find_dates(text, 8, len(text), "2025-10-22")
    assert [(s.text, s.value, s.attrs["precision"]) for s in spans] == [
        ("Hôm 16.10", "2025-10-16", "day"), ("tháng 8/2024", "2024-08", "month")]
    assert all(text[s.start:s.end] == s.text for s in spans)
