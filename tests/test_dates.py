"""Dates: each construction, the year rule, weekdays, quotes, what is not a date, offsets."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from workbench.dates import find_dates, parse_iso, resolve_year, weekday_date
from workbench.errors import ParameterError

PUBLISHED = "2025-10-22"  # a Wednesday


def values(sentence, published=PUBLISHED):
    return [s.value for s in find_dates(sentence, 0, len(sentence), published)]


def texts(sentence, published=PUBLISHED):
    return [(s.text, s.value) for s in find_dates(sentence, 0, len(sentence), published)]


@pytest.mark.parametrize("sentence, expected", [
    ("Hôm 21.10, ông Lâm cho biết như vậy.", ["2025-10-21"]),
    ("Hai bên đã gặp nhau ngày 3/10.", ["2025-10-03"]),
    ("Phái đoàn tới nơi ngày 23-1.", ["2025-01-23"]),
    ("Ông Hùng trở về hôm 29-1.", ["2025-01-29"]),
    ("Ngày 17-4, hai bộ trưởng điện đàm.", ["2025-04-17"]),
    ("Cuộc gặp diễn ra ngày 4/11/2023 ở Geneva.", ["2023-11-04"]),
    ("Hiệp ước được ký ngày 9/10/2025.", ["2025-10-09"]),
    ("Thỏa thuận có hiệu lực từ 15.3.2024 theo thông báo.", ["2024-03-15"]),
    ("Sáng 19.8, phái đoàn rời Kiev.", ["2025-08-19"]),
    ("Hai bên nối lại liên lạc tối 18.8.", ["2025-08-18"]),
    ("Tên lửa rơi xuống thành phố rạng sáng 3/10.", ["2025-10-03"]),
    ("Họ bắt tay nhau vào ngày 2 tháng 7 năm 2024.", ["2024-07-02"]),
    ("Bản ghi nhớ đề ngày 14 tháng 5 năm 2021.", ["2021-05-14"]),
    ("Cuộc gặp được ấn định vào mùng 2 tháng 9.", ["2025-09-02"]),
    ("Hội nghị diễn ra ngày 2025-03-11 theo thư mời.", ["2025-03-11"]),
    ("Hai ông điện đàm ngày 12 tháng Hai, 2025.", ["2025-02-12"]),
])
def test_dates_day_forms(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Vòng đàm phán diễn ra ngày 23-24/1/2026 tại Abu Dhabi.", ["2026-01-23", "2026-01-24"]),
    ("Các đoàn làm việc từ 5 đến 7/9 ở Doha.", ["2025-09-05", "2025-09-07"]),
    ("Phái đoàn ở lại ngày 11 và 12 tháng 3.", ["2025-03-11", "2025-03-12"]),
    ("Hai bên đã gặp nhau hôm 30/1 - 2/2 tại Riyadh.", ["2025-01-30", "2025-02-02"]),
    ("Giao tranh ác liệt đêm 5/10, hoặc 6/10 theo nguồn khác.", ["2025-10-05", "2025-10-06"]),
])
def test_dates_ranges_and_lists(sentence, expected):
    assert values(sentence) == expected


def test_dates_range_gives_one_span_per_day_on_the_same_text():
    spans = find_dates(s := "Hội nghị họp ngày 23-24/1/2026.", 0, len(s), PUBLISHED)
    assert [sp.text for sp in spans] == ["ngày 23-24/1/2026", "ngày 23-24/1/2026"]
    assert [sp.attrs["precision"] for sp in spans] == ["day", "day"]


@pytest.mark.parametrize("sentence, expected", [
    ("Ông tới Rome hồi tháng 8.", ["2025-08"]),
    ("Hai bên điện đàm tháng 10/2025.", ["2025-10"]),
    ("Ông nhậm chức vào tháng 1/2025.", ["2025-01"]),
    ("Lần gặp đầu tiên diễn ra tháng 7/2017 ở Hamburg.", ["2017-07"]),
    ("Chiến sự bắt đầu vào tháng 2 năm 2022.", ["2022-02"]),
    ("Chiến sự bắt đầu tháng 2-2022.", ["2022-02"]),
    ("Tháng Ba năm 2022, phái đoàn tới Istanbul.", ["2022-03"]),
    ("Tính đến đầu tháng 9/2025, hơn 2.000 người đã được trao trả.", ["2025-09"]),
    ("Hội nghị kéo dài suốt tháng 9-10/2024.", ["2024-09", "2024-10"]),
    ("Tháng 8 năm ngoái, hai bên gặp nhau ở Doha.", ["2024-08"]),
    ("Hai bên gặp nhau vào tháng trước.", ["2025-09"]),
])
def test_dates_month_forms(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Hội nghị được tổ chức năm 2019.", ["2019"]),
    ("Năm 2017, hai nước ký hiệp định khung.", ["2017"]),
    ("Giá lương thực tăng mạnh trong năm nay.", ["2025"]),
    ("Đàm phán đổ vỡ năm ngoái.", ["2024"]),
    ("Kể từ 2014, bán đảo nằm dưới quyền kiểm soát của Moscow.", ["2014"]),
    ("Giai đoạn khó khăn nhất là năm 2014-2015.", ["2014", "2015"]),
    ("Chiến lược đặt mục tiêu đến năm 2030 cho ngành năng lượng.", ["2030"]),
])
def test_dates_year_forms(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Ông đã tới Kiev sáng nay.", ["2025-10-22"]),
    ("Cuộc điện đàm hôm nay kéo dài một giờ.", ["2025-10-22"]),
    ("Ông đã tới Kiev hôm qua.", ["2025-10-21"]),
    ("Đêm qua, còi báo động vang lên ở Kharkiv.", ["2025-10-21"]),
    ("Ông sẽ tới Kiev ngày mai.", ["2025-10-23"]),
    ("Hôm kia ông còn ở Paris.", ["2025-10-20"]),
])
def test_dates_relative_days(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Sáng nay 28/2 theo giờ địa phương, phái đoàn tới Gomel.", ["2025-02-28"]),
    ("Hôm qua (21/10), ông tới Kiev.", ["2025-10-21"]),
])
def test_dates_explicit_day_wins_over_relative_word(sentence, expected):
    assert values(sentence, "2025-10-22") == expected


@pytest.mark.parametrize("sentence, published, expected", [
    ("Hai bên đã gặp nhau ngày 28/12.", "2025-01-05", ["2024-12-28"]),
    ("Ông đã tới Kiev hồi tháng 11.", "2025-01-05", ["2024-11"]),
    ("Hai bên gặp nhau hôm 20/11 ở Geneva.", "2025-10-22", ["2024-11-20"]),
    ("Hai bên đã gặp nhau ngày 3/1.", "2025-01-05", ["2025-01-03"]),
    ("Ông đã tới Kiev hồi tháng 1.", "2025-01-05", ["2025-01"]),
])
def test_dates_year_rule_past_event_never_after_publication(sentence, published, expected):
    assert values(sentence, published) == expected


@pytest.mark.parametrize("sentence, published, expected", [
    ("Hai bên sẽ gặp nhau ngày 28/12.", "2025-01-05", ["2025-12-28"]),
    ("Hai bên sẽ gặp nhau ngày 5/1 tại Geneva.", "2025-12-20", ["2026-01-05"]),
    ("Hai bên sẽ gặp vào tháng 1, ông Trump cho biết.", "2025-11-20", ["2026-01"]),
    ("Ngày 28/12, hai bên sẽ gặp nhau tại Geneva.", "2025-01-05", ["2025-12-28"]),
    ("Cuộc gặp dự kiến diễn ra vào tháng 3 tới.", "2025-10-22", ["2026-03"]),
])
def test_dates_year_rule_plans_point_forward(sentence, published, expected):
    assert values(sentence, published) == expected


@pytest.mark.parametrize("sentence, published, expected", [
    ("Hai bên gặp nhau ngày 20/1 tới tại Geneva.", "2025-12-20", ["2026-01-20"]),
    ("Hai bên gặp nhau ngày 20/12 vừa qua tại Geneva.", "2025-12-10", ["2024-12-20"]),
    ("Tháng 12 vừa qua, hai bên gặp nhau ở Riyadh.", "2025-11-10", ["2024-12"]),
])
def test_dates_position_word_after_the_date_sets_the_direction(sentence, published, expected):
    assert values(sentence, published) == expected


def test_dates_reported_plan_keeps_the_speech_date_in_the_past():
    # the date is when the speaker spoke, not when the meeting will be
    assert values("Ngày 28/12, ông Lâm cho biết hai bên sẽ gặp nhau.", "2025-01-05") == ["2024-12-28"]


@pytest.mark.parametrize("day, month, published, future, year", [
    (28, 12, dt.date(2025, 1, 5), False, 2024),
    (3, 1, dt.date(2025, 1, 5), False, 2025),
    (28, 12, dt.date(2025, 1, 5), True, 2025),
    (5, 1, dt.date(2025, 12, 20), True, 2026),
    (None, 11, dt.date(2025, 1, 5), False, 2024),
    (None, 1, dt.date(2025, 11, 20), True, 2026),
    (10, 1, dt.date(2025, 1, 5), None, 2025),   # unmarked, days ahead: an upcoming day
    (10, 6, dt.date(2025, 1, 5), None, 2024),   # unmarked, months ahead: last year
])
def test_dates_resolve_year(day, month, published, future, year):
    assert resolve_year(day, month, published, future) == year


@pytest.mark.parametrize("sentence, expected", [
    ("Hai ông đã điện đàm hôm thứ Sáu.", ["2025-10-17"]),
    ("Hai nhà lãnh đạo đã gặp nhau vào thứ Hai.", ["2025-10-20"]),
    ("Hai bên gặp nhau chủ nhật vừa qua.", ["2025-10-19"]),
    ("Ông nói vào thứ Sáu tuần trước rằng hòa bình đã gần.", ["2025-10-17"]),
    ("Ông tới thủ đô hôm thứ Tư.", ["2025-10-22"]),
])
def test_dates_weekday_past(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Hai nhà lãnh đạo sẽ gặp nhau vào thứ Hai.", ["2025-10-27"]),
    ("Phái đoàn sẽ tới Geneva vào thứ Hai tới.", ["2025-10-27"]),
    ("Cuộc họp dự kiến diễn ra vào thứ Năm tuần tới.", ["2025-10-30"]),
    ("Các bộ trưởng sẽ họp vào thứ Tư.", ["2025-10-22"]),
    # "Năm tới" after "thứ" is next Thursday, not next year
    ("Các bộ trưởng sẽ họp vào thứ Năm tới.", ["2025-10-23"]),
    ("Hội nghị sẽ diễn ra vào năm tới.", ["2026"]),
])
def test_dates_weekday_future(sentence, expected):
    assert values(sentence) == expected


def test_dates_weekday_explaining_an_explicit_date_adds_nothing():
    assert values("Cuộc họp diễn ra ngày 16/10 (thứ Năm tuần trước).") == ["2025-10-16"]


def test_dates_weekday_followed_by_explicit_date_takes_the_date():
    assert texts("Ông tới Kiev vào thứ Ba (2/7) để gặp ông Lâm.", "2024-07-03") == [("2/7", "2024-07-02")]
    assert values("Thứ Hai, 3/3, ông có mặt ở Kiev.", "2025-03-05") == ["2025-03-03"]


@pytest.mark.parametrize("sentence", [
    "Đây là vòng đàm phán thứ hai giữa hai bên.",
    "Ông bắt đầu nhiệm kỳ thứ hai vào năm ngoái.",
    "Vào ngày thứ hai của hội nghị, các bên ký văn kiện.",
    "Ông Lâm đứng thứ Sáu trong danh sách.",
])
def test_dates_ordinals_are_not_weekdays(sentence):
    assert not [v for v in values(sentence) if len(v) == 10]


def test_dates_unknown_publication_keeps_only_full_dates():
    sentence = ("Ngày 23/4/2025, hai bên gặp nhau; hôm qua và ngày 5/8 họ lại gặp, tháng 9/2025 nữa, "
                "tháng 8, năm nay, năm 2022, vào thứ Hai.")
    assert values(sentence, None) == ["2025-04-23", "2025-09", "2022"]


def test_dates_month_only_publication_counts_as_unknown():
    assert values("Ông đã tới Kiev hôm qua và ngày 4/11/2023.", "2022-02") == ["2023-11-04"]


@pytest.mark.parametrize("sentence", [
    "“Hôm nay chúng ta đã có cuộc thảo luận tốt”, ông nói.",
    "\"Hôm nay chúng ta đã có cuộc thảo luận tốt\", ông nói.",
    "Chúng ta đã đạt tiến bộ hôm nay”, ông nói thêm.",
    "Ông nói: «Ngày mai chúng tôi sẽ trở lại».",
    "Ông nói: “Chúng tôi sẽ gặp lại vào thứ Hai”.",
])
def test_dates_relative_days_inside_quotes_are_not_listed(sentence):
    assert values(sentence) == []


def test_dates_relative_days_outside_quotes_are_listed():
    assert values("Ông nói hôm nay rằng “mọi việc đều tốt”.") == ["2025-10-22"]
    assert values("“Mọi việc đều tốt”, ông nói hôm qua.") == ["2025-10-21"]


def test_dates_explicit_dates_inside_quotes_are_listed():
    assert values("“Ngày 4/11/2023 là một ngày khó quên”, ông nói.") == ["2023-11-04"]


@pytest.mark.parametrize("sentence, expected", [
    ("Cuộc gặp bắt đầu lúc 10 giờ sáng theo giờ địa phương.", []),
    ("Cuộc đàm phán bắt đầu lúc 15h20 theo giờ Việt Nam.", []),
    ("Phái đoàn rời đi lúc 9h sáng, đến nơi lúc 21 giờ Hà Nội.", []),
    ("Bản tin được cập nhật lúc 08:25 và 18 giờ.", []),
    ("Cuộc gặp bắt đầu lúc 9.10 giờ.", []),
    ("Cuộc gặp bắt đầu lúc 5 giờ sáng 19.8. giờ Việt Nam.", ["2025-08-19"]),
])
def test_dates_clock_times_are_not_dates(sentence, expected):
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Lệnh ngừng bắn kéo dài 30 ngày.",
    "Cuộc xung đột kéo dài gần 4 năm.",
    "Chiến sự đã diễn ra hơn ba năm.",
    "Hai ngày sau, hai bên gặp lại; 5 ngày sau nữa họ ký.",
    "Hai tháng trước, ông tới Moscow.",
    "Ông đã làm việc ở đây 3 năm nay.",
])
def test_dates_durations_are_not_dates(sentence):
    assert values(sentence) == []


@pytest.mark.parametrize("sentence", [
    "Các bên sẽ gặp lại trong những tuần tới.",
    "Các bên đã gặp nhau tuần trước.",
    "Họ hy vọng tổ chức hội nghị vào cuối năm nay.",
    "Kiev muốn ký thỏa thuận trong vài năm tới.",
    "Đầu tháng này, hai bên trao đổi tù binh.",
    "Một tháng trước đó, ông ở Paris.",
])
def test_dates_vague_spans_are_not_dates(sentence):
    assert values(sentence) == []


@pytest.mark.parametrize("sentence", [
    "Dự thảo gồm 28 điểm và 20 máy bay F-16 Block 70/72.",
    "Hai bên trao đổi tù binh theo công thức 1000 đổi 1000.",
    "Hơn 50 quốc gia cam kết 43,9 tỷ USD cho 68.000 quân.",
    "Đường dây nóng hoạt động 24/7.",
    "Nga kiểm soát khoảng 1/5 lãnh thổ và chiếm tới 2/3 số thành phố.",
    "Tỷ lệ ủng hộ là 60% và tỷ số 3-1.",
    "Kế hoạch Tầm nhìn 2030 của Ả Rập Xê Út mở ra nhiều cơ hội.",
    "Ứng dụng phiên bản 2.10 đã được cập nhật.",
    "Đường ống vận chuyển mỗi ngày 2.5 đơn vị.",
    "Lực lượng lên tới 2000 quân.",
    "Âm nhạc của những năm 1990 vẫn được yêu thích.",
])
def test_dates_numbers_are_not_dates(sentence):
    assert values(sentence) == []


@pytest.mark.parametrize("sentence", [
    "Hai bên gặp nhau ngày 32/1.",
    "Hai bên gặp nhau ngày 30/2.",
    "Hai bên gặp nhau ngày 12/13/2024.",
    "Hai bên gặp nhau vào tháng 13.",
])
def test_dates_invalid_days_and_months_are_rejected(sentence):
    assert values(sentence) == []


@pytest.mark.parametrize("sentence, kind, relative", [
    ("Hôm 21.10 ông nói.", "day", True),
    ("Ngày 4/11/2023 ông nói.", "day", False),
    ("Ông đến hồi tháng 8.", "month", True),
    ("Ông đến hồi tháng 8/2024.", "month", False),
    ("Ông đến năm 2022.", "year", False),
    ("Ông đến năm ngoái.", "year", True),
    ("Ông đến hôm thứ Sáu.", "day", True),
])
def test_dates_attrs_precision_and_relative(sentence, kind, relative):
    (span,) = find_dates(sentence, 0, len(sentence), PUBLISHED)
    assert span.attrs["precision"] == kind
    assert span.attrs["relative"] is relative
    assert span.attrs["expression"] == span.text


def test_dates_offsets_slice_the_text():
    text = "Mở đầu bài. Hôm 16.10, ông Lâm nói rằng tháng 8/2024 và hôm qua là mốc. Câu sau ngày 1/1."
    end = text.index("Câu sau")
    spans = find_dates(text, 12, end, PUBLISHED)
    assert [(s.text, s.value) for s in spans] == [
        ("Hôm 16.10", "2025-10-16"), ("tháng 8/2024", "2024-08"), ("hôm qua", "2025-10-21")]
    assert all(text[s.start:s.end] == s.text and 12 <= s.start < s.end <= end for s in spans)
    assert all(s.kind == "date" for s in spans)


def test_dates_weekday_date_positions():
    wednesday = dt.date(2025, 10, 22)
    assert weekday_date(0, wednesday, position="tuần trước") == dt.date(2025, 10, 13)
    assert weekday_date(2, wednesday, position="tới") == dt.date(2025, 10, 29)
    assert weekday_date(4, wednesday, future=True) == dt.date(2025, 10, 24)


def test_dates_parse_iso():
    assert parse_iso("2025-11-20") == dt.date(2025, 11, 20)
    assert parse_iso("2025-11-20T08:25:00") == dt.date(2025, 11, 20)
    with pytest.raises(ParameterError):
        parse_iso("20/11/2025")


def test_dates_bad_publication_raises_with_the_value():
    with pytest.raises(ParameterError, match="not-a-date"):
        find_dates("Hôm qua ông nói.", 0, 16, "not-a-date")


def test_dates_is_fast():
    sentences = ["Hôm 21.10, ông Lâm cho biết hai bên sẽ gặp vào tháng 12 tại Geneva.",
                 "Lệnh ngừng bắn kéo dài 30 ngày, bắt đầu lúc 10 giờ sáng theo giờ địa phương.",
                 "“Hôm nay chúng ta đã có cuộc thảo luận tốt”, ông nói hôm thứ Sáu."] * 700
    began = time.perf_counter()
    found = sum(len(find_dates(s, 0, len(s), PUBLISHED)) for s in sentences)
    assert found == 3 * 700
    assert time.perf_counter() - began < 2.0
