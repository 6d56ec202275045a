"""Events: status cues, venue constructions, dates, participants and within-article merging.

Persons and dates are hand-built spans, so these tests depend only on the event
rules (and on the place gazetteer, which events read through ``find_places``).
"""
from __future__ import annotations

import re

import pytest

from workbench.events import compatible, event_key, find_events, venues
from workbench.model import Sentence, Span
from workbench.places import find_places

PEOPLE = {
    "Trump": ("Donald Trump", "US", "Tổng thống"),
    "Putin": ("Vladimir Putin", "Russia", "Tổng thống"),
    "Zelensky": ("Volodymyr Zelensky", "Ukraine", "Tổng thống"),
    "Rubio": ("Marco Rubio", "US", "Ngoại trưởng"),
    "Lavrov": ("Sergey Lavrov", "Russia", "Ngoại trưởng"),
    "Witkoff": ("Steve Witkoff", "US", "Đặc phái viên"),
    "Dmitriev": ("Kirill Dmitriev", "Russia", "Đặc phái viên"),
    "Erdogan": ("Recep Tayyip Erdogan", "Turkey", "Tổng thống"),
    "Lý Huy": ("Li Hui", "China", "Đặc phái viên"),
    "Peskov": ("Dmitry Peskov", "Russia", "Người phát ngôn"),
}
DATES = {"20.10": "2025-10-20", "21.10": "2025-10-21", "16.10": "2025-10-16", "17.10": "2025-10-17",
         "ngày 15/8": "2025-08-15", "tháng 8": "2025-08", "ngày 3/11": "2025-11-03", "ngày 10/11": "2025-11-10"}


def _persons(text: str) -> list[Span]:
    out = []
    for surname, (name, side, role) in PEOPLE.items():
        for match in re.finditer(re.escape(surname), text):
            out.append(Span(match.start(), match.end(), surname, "person", name,
                            {"side": side, "role": role, "surname_key": name.split()[-1].lower()}))
    return sorted(out, key=lambda s: s.start)


def _dates(text: str) -> list[Span]:
    out = []
    for phrase, value in DATES.items():
        for match in re.finditer(re.escape(phrase), text):
            out.append(Span(match.start(), match.end(), phrase, "date", value, {}))
    return sorted(out, key=lambda s: s.start)


def _sentences(text: str, caption: str | None = None) -> list[Sentence]:
    out = []
    for index, match in enumerate(re.finditer(r"[^\n]+?(?:\.(?=\s|$)|$)", text)):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            region = "caption" if caption and text[start:end].startswith(caption) else "body"
            out.append(Sentence(start, end, region, index))
    return out


def _events(text: str, published: str | None = "2025-11-20", caption: str | None = None):
    sentences = _sentences(text, caption)
    return find_events(text, sentences, _persons(text), find_places(text, sentences), _dates(text), published)


def _one(text: str, **kwargs):
    events = _events(text, **kwargs)
    assert len(events) == 1, [(e.type, e.status, e.venue, e.participants) for e in events]
    return events[0]


# ------------------------------------------------------------------ status


@pytest.mark.parametrize("text, status", [
    ("Ông Trump và ông Putin dự kiến gặp nhau tại Budapest.", "planned"),
    ("Ông Trump sẽ gặp ông Putin tại Budapest.", "planned"),
    ("Nhà Trắng có kế hoạch tổ chức cuộc gặp giữa ông Trump và ông Putin ở Budapest.", "planned"),
    ("Ông Zelensky đề nghị gặp trực tiếp ông Putin.", "planned"),
    ("Các phái đoàn đang chuẩn bị cho cuộc đàm phán tại Istanbul.", "planned"),
    ("Ông Putin mời ông Trump đến thăm Moscow.", "planned"),
    ("Cuộc gặp giữa ông Trump và ông Putin tại Budapest đã bị hủy.", "cancelled"),
    ("Washington đã hủy bỏ cuộc gặp giữa ông Rubio và ông Lavrov tại Geneva.", "cancelled"),
    ("Cuộc gặp giữa ông Rubio và ông Lavrov sẽ không diễn ra.", "cancelled"),
    ("Không có kế hoạch nào cho cuộc gặp giữa ông Rubio và ông Lavrov.", "cancelled"),
    ("Hội nghị thượng đỉnh giữa ông Trump và ông Putin tại Budapest đã bị tạm hoãn.", "postponed"),
    ("Cuộc gặp giữa ông Witkoff và ông Dmitriev ở Miami được hoãn lại đến tuần sau.", "postponed"),
    ("Vòng đàm phán giữa Nga và Ukraine tại Istanbul bị hoãn vì lý do an ninh.", "postponed"),
    ("Ông Trump đã gặp ông Zelensky tại Nhà Trắng.", "held"),
    ("Cuộc đàm phán giữa ông Witkoff và ông Dmitriev tại Miami đã kết thúc.", "held"),
    ("Sau cuộc điện đàm với ông Putin, ông Trump tỏ ra lạc quan.", "held"),
    ("Sau khi cuộc gặp giữa ông Rubio và ông Lavrov tại Riyadh kết thúc, hai bên ra tuyên bố.", "held"),
    # a cue inside a later subordinate clause speaks of that clause, not of the talks
    ("Các phái đoàn Nga và Ukraine sẽ đàm phán tại Istanbul. Cuộc đàm phán tại Istanbul được tổ chức "
     "trong bối cảnh giá lương thực tăng cao sau khi Nga đã phát động chiến dịch quân sự.", "planned"),
    ("Ông Trump sẽ gặp ông Putin tại Budapest. Cuộc gặp ở Budapest được bàn tới trong khi Nga vừa "
     "tấn công Kiev.", "planned"),
])
def test_events_status_cues(text, status):
    assert _one(text).status == status


def test_events_planned_then_cancelled_is_one_cancelled_event():
    text = ("Ông Trump sẽ gặp ông Putin tại Budapest trong hai tuần tới. "
            "Tuy nhiên, chỉ vài ngày sau, hội nghị thượng đỉnh này đã bị hủy.")
    event = _one(text)
    assert (event.status, event.venue) == ("cancelled", "Budapest")


def test_events_absent_participant_does_not_cancel_the_conference():
    event = _one("Ngoại trưởng Rubio không tham dự hội nghị hòa bình tại London.")
    assert event.status == "held"
    assert event.venue == "London"
    assert "Marco Rubio" not in event.participants


@pytest.mark.parametrize("text", [
    "Nếu ông Putin đồng ý, ông Trump sẽ gặp ông ấy tại Geneva.",
    "Hai bên bàn về một cuộc gặp tiềm năng giữa ông Trump và ông Putin.",
    "Nga khẳng định luôn sẵn sàng đàm phán với Ukraine.",
    "Ông Putin chủ trì cuộc họp với các quan chức an ninh về tình hình biên giới.",
    "Ông Peskov phát biểu tại cuộc họp báo ở Moscow.",
    "Bất kỳ cuộc đàm phán nào với Ukraine đều phải tính đến thực tế trên thực địa.",
    "Phái đoàn Mỹ tới Kiev trong chuyến công tác tìm hiểu thực địa.",
])
def test_events_hypothetical_general_and_internal_mentions_are_not_events(text):
    assert _events(text) == []


# ------------------------------------------------------------------ types


@pytest.mark.parametrize("text, kind", [
    ("Ông Trump đã điện đàm với ông Putin.", "call"),
    ("Ông Rubio có cuộc gọi với ông Lavrov hôm 20.10.", "call"),
    ("Ông Trump đã nói chuyện qua điện thoại với ông Zelensky.", "call"),
    ("Ông Lý Huy sẽ có chuyến thăm tới Moscow.", "visit"),
    ("Ông Lý Huy sẽ là quan chức đầu tiên đặt chân lên đất Ukraina.", "visit"),
    ("Ông Trump gặp ông Putin tại Anchorage.", "summit"),
    ("Ông Witkoff gặp ông Dmitriev tại Miami.", "meeting"),
    ("Đại diện của 65 nước dự cuộc họp tại Malta về công thức hòa bình của Ukraine.", "conference"),
])
def test_events_types(text, kind):
    assert _one(text).type == kind


def test_events_call_has_no_venue_and_cameo_041():
    event = _one("Ông Trump điện đàm với ông Putin từ Phòng Bầu dục ở Nhà Trắng.")
    assert (event.type, event.venue, event.cameo) == ("call", None, "041")


# ------------------------------------------------------------------ venues


@pytest.mark.parametrize("text, venue", [
    ("Các nhà ngoại giao Nga và Mỹ gặp nhau tại Riyadh.", "Riyadh"),
    ("Tại Geneva, hai phái đoàn đã bắt đầu vòng đàm phán về lệnh ngừng bắn.", "Geneva"),
    ("Ông Lavrov và ông Rubio đã tới Thổ Nhĩ Kỳ, bắt đầu cuộc gặp tại khách sạn ven biển ở Antalya.", "Antalya"),
    ("Cuộc đàm phán giữa Nga và Ukraine diễn ra ở TP Gomel.", "Gomel"),
    ("Cuộc đàm phán giữa Nga và Ukraine diễn ra ở thành phố Nizhny Novgorod.", "Nizhny Novgorod"),
    ("Vòng đàm phán giữa Nga và Ukraine diễn ra ở Istanbul (Thổ Nhĩ Kỳ).", "Istanbul"),
    ("Các nhà ngoại giao cấp cao của Nga và Mỹ đã gặp nhau tại Ả Rập Xê Út.", "Saudi Arabia"),
    ("Ông Trump tiếp ông Zelensky trong cuộc gặp tại Nhà Trắng.", "White House"),
    ("Ông Putin mời ông Trump đến thăm Moscow vào năm tới.", "Moscow"),
    ("Địa điểm tổ chức cuộc gặp giữa ông Trump và ông Putin có thể là Geneva.", "Geneva"),
    ("Ông Trump tiếp ông Zelensky tại dinh thự Mar-a-Lago ở bang Florida.", "Mar-a-Lago"),
    # a long object between the trigger and the venue
    ("Phái đoàn Nga đã đàm phán với phái đoàn Ukraine do Bộ trưởng Quốc phòng Rustem Umerov dẫn đầu "
     "tại Istanbul hồi tháng 5.", "Istanbul"),
])
def test_events_venue_constructions(text, venue):
    assert _one(text).venue == venue


def test_events_venue_in_a_caption_only():
    text = "Ông Putin bắt tay ông Trump tại Căn cứ chung Elmendorf-Richardson ở Anchorage, Alaska hồi tháng 8."
    event = _one(text, caption="Ông Putin bắt tay")
    assert event.venue == "Anchorage"
    assert event.date == "2025-08"
    groups = venues([event], find_places(text, _sentences(text)))
    assert groups[0][0] == "Anchorage" and "Alaska" in groups[0]


def test_events_tai_day_refers_back_to_the_last_venue():
    text = ("Vòng đàm phán mới giữa Nga và Ukraine dự kiến tổ chức tại Abu Dhabi. "
            "Trước đó, hai phái đoàn đã có các cuộc tiếp xúc trực tiếp đầu tiên tại đây.")
    events = _events(text)
    assert [(e.status, e.venue) for e in events] == [("planned", "Abu Dhabi"), ("held", "Abu Dhabi")]


@pytest.mark.parametrize("text", [
    "Cuộc đàm phán Mỹ – Nga kéo dài 5 giờ, ông Witkoff cho biết.",
    "Ông Trump sẽ gặp ông Putin để chấm dứt chiến sự ở Ukraine.",
    "Vòng đàm phán giữa Nga và Ukraine đã kết thúc ngày 3/11 mà không có đột phá.",
])
def test_events_countries_as_parties_are_not_venues(text):
    assert _one(text).venue is None


def test_events_parties_become_participants_when_no_person_is_named():
    event = _one("Cuộc đàm phán Mỹ – Nga tại Riyadh đã diễn ra trong 4 giờ.")
    assert event.venue == "Riyadh"
    assert {"United States", "Russia"} <= set(event.participants)


def test_events_visit_to_several_countries_gives_one_event_each():
    events = _events("Đặc phái viên Lý Huy sẽ thăm Nga, Ukraina, Ba Lan và Pháp để thảo luận về hòa bình.")
    assert [e.venue for e in events] == ["Russia", "Ukraine", "Poland", "France"]
    assert all(e.type == "visit" and e.status == "planned" for e in events)
    assert events[1].participants == ["Li Hui", "Ukraine"]


# ------------------------------------------------------------------ dates and participants


@pytest.mark.parametrize("text, date", [
    ("Thông tin được đưa ra sau cuộc điện đàm giữa ông Rubio và ông Lavrov hôm 20.10.", "2025-10-20"),
    ("Hôm 16.10, ông Trump cho biết ông có thể gặp ông Putin tại Budapest.", None),
    ("Hội nghị thượng đỉnh giữa ông Trump và ông Putin đã bị tạm hoãn vào hôm 21.10.", None),
    ("Ông Trump đã gặp ông Zelensky vào hôm 17.10 tại Nhà Trắng.", "2025-10-17"),
])
def test_events_date_is_the_events_own(text, date):
    assert _one(text).date == date


def test_events_speaker_is_not_a_participant_unless_subject():
    reported = _one("Ông Peskov cho biết ông Witkoff sẽ gặp ông Dmitriev tại Miami.")
    assert "Dmitry Peskov" not in reported.participants
    assert {"Steve Witkoff", "Kirill Dmitriev"} <= set(reported.participants)
    subject = _one("Ông Trump cho biết ông sẽ gặp ông Putin tại Budapest.")
    assert "Donald Trump" in subject.participants


def test_events_counterpart_is_resolved_to_the_named_person():
    text = "Ông Trump và ông Putin đã nói về Ukraine. Ông Trump cho biết ông đã điện đàm với người đồng cấp Nga."
    events = [e for e in _events(text) if e.type == "call"]
    assert len(events) == 1 and "Vladimir Putin" in events[0].participants


# ------------------------------------------------------------------ within-article merging


def test_events_one_event_mentioned_twice_is_one_entry():
    text = ("Ông Witkoff và ông Dmitriev đã có cuộc gặp tại Miami ngày 3/11. "
            "Sau cuộc gặp, ông Witkoff cho biết hai bên đã thảo luận hiệu quả.")
    event = _one(text)
    assert (event.venue, event.date) == ("Miami", "2025-11-03")
    assert len(event.attrs["mentions"]) == 2


def test_events_two_calls_with_different_counterparts_stay_apart():
    text = "Ông Trump đã điện đàm với ông Putin. Ông Trump cũng đã điện đàm với ông Zelensky."
    events = _events(text)
    assert len(events) == 2
    assert {frozenset(e.participants) for e in events} == {
        frozenset({"Donald Trump", "Vladimir Putin"}), frozenset({"Donald Trump", "Volodymyr Zelensky"})}


def test_events_two_rounds_at_one_venue_stay_apart():
    text = ("Vòng đàm phán đầu tiên giữa Nga và Ukraine đã diễn ra tại Istanbul ngày 3/11. "
            "Vòng đàm phán thứ hai giữa Nga và Ukraine diễn ra tại Istanbul ngày 10/11.")
    events = _events(text)
    assert [e.date for e in events] == ["2025-11-03", "2025-11-10"]


def test_events_private_meeting_and_wider_summit_stay_apart():
    text = ("Ông Trump đã có cuộc gặp riêng với ông Zelensky tại Nhà Trắng. "
            "Sau đó, hội nghị thượng đỉnh tại Nhà Trắng có sự tham gia của các lãnh đạo châu Âu.")
    assert len(_events(text)) == 2


def test_events_evidence_offsets_slice_the_text():
    text = "Mở đầu. Ông Trump đã gặp ông Zelensky tại Nhà Trắng hôm 17.10."
    event = _one(text)
    assert text[event.evidence_start:event.evidence_end] == event.evidence
    assert "Nhà Trắng" in event.evidence


def test_events_only_countable_sentences():
    text = "Ông Trump sẽ gặp ông Putin tại Budapest."
    sentences = [Sentence(0, len(text), "teaser")]
    assert find_events(text, sentences, _persons(text), [], [], "2025-10-20") == []


# ------------------------------------------------------------------ helpers


@pytest.mark.parametrize("a, b, expected", [
    ({"type": "summit", "date": "2025-08", "venue": "Anchorage", "participants": ["Donald Trump"]},
     {"type": "meeting", "date": "2025-08-15", "venue": "Alaska", "participants": []}, True),
    ({"type": "call", "date": None, "venue": None, "participants": ["Donald Trump"]},
     {"type": "summit", "date": None, "venue": None, "participants": ["Donald Trump"]}, False),
    ({"type": "talks", "date": "2025-11-03", "venue": "Istanbul", "participants": []},
     {"type": "talks", "date": "2025-11-10", "venue": "Istanbul", "participants": []}, False),
    ({"type": "talks", "date": None, "venue": "Istanbul", "participants": [], "round": "1"},
     {"type": "talks", "date": None, "venue": "Istanbul", "participants": [], "round": "2"}, False),
    ({"type": "meeting", "date": None, "venue": "Riyadh", "participants": ["Marco Rubio"]},
     {"type": "meeting", "date": None, "venue": "Geneva", "participants": ["Marco Rubio"]}, False),
    ({"type": "meeting", "date": None, "venue": None, "participants": ["Marco Rubio"]},
     {"type": "meeting", "date": None, "venue": None, "participants": ["Sergey Lavrov"]}, False),
])
def test_events_compatible_rules(a, b, expected):
    assert compatible(a, b) is expected


def test_events_key_is_readable_and_ordered():
    assert event_key("2025-08-15", "Anchorage", ["Vladimir Putin", "Donald Trump"], "summit") == \
        "2025-08-15-anchorage-putin-trump-summit"
    assert event_key(None, None, ["Marco Rubio"], "call") == "undated-rubio-call"


def test_events_plural_mention_without_date_or_cue_is_talk_in_general():
    assert _events("Các cuộc thảo luận dựa trên tình hình thực địa ở Ukraine và ông Zelensky.") == []


def test_events_today_with_its_numeric_day_is_one_day():
    text = ("Sáng nay 28/2, phái đoàn Ukraine đã tới Belarus để chuẩn bị cho cuộc đàm phán với Nga. "
            "Cuộc đàm phán dự kiến diễn ra sáng nay tại Gomel.")
    event = _one(text, published=None)
    assert (event.status, event.venue) == ("planned", "Gomel")


def test_events_today_and_another_unresolved_day_are_two_calls():
    text = ("Cuộc điện đàm hôm nay giữa ông Trump và ông Putin kéo dài hai giờ. "
            "Kể từ cuộc điện đàm hôm 12/2 giữa ông Trump và ông Putin, quan hệ hai nước đã cải thiện.")
    assert [e.type for e in _events(text, published=None)] == ["call", "call"]


def test_events_reporting_thêm_is_not_a_new_round():
    text = ("Ông Peskov nói thêm rằng cuộc đàm phán giữa Nga và Ukraine sẽ diễn ra tại Istanbul ngày 10/11. "
            "Vòng đàm phán giữa Nga và Ukraine tại Istanbul dự kiến khai mạc ngày 10/11.")
    event = _one(text)
    assert (event.venue, event.date, event.attrs["round"]) == ("Istanbul", "2025-11-10", "")


def test_events_another_summit_is_not_the_one_already_held():
    text = ("Ông Trump đã gặp ông Putin tại Anchorage ngày 15/8. "
            "Hai bên đang bàn việc tổ chức thêm một hội nghị thượng đỉnh giữa ông Trump và ông Putin.")
    events = _events(text)
    assert [(e.status, e.venue) for e in events] == [("held", "Anchorage"), ("planned", None)]


@pytest.mark.parametrize("text, participants, venue", [
    ("Tổng thống Putin tiếp đặc phái viên Witkoff tại Điện Kremlin hôm 20.10.",
     {"Vladimir Putin", "Steve Witkoff"}, "Moscow Kremlin"),
    ("Ông Erdogan đã tiếp Ngoại trưởng Lavrov ở Ankara.", {"Recep Tayyip Erdogan", "Sergey Lavrov"}, "Ankara"),
])
def test_events_receiving_a_visitor_is_a_meeting(text, participants, venue):
    event = _one(text)
    assert (event.type, event.status, event.venue) == ("meeting", "held", venue)
    assert set(event.participants) == participants


@pytest.mark.parametrize("text", [
    "Nga tiếp tục tấn công các thành phố của Ukraine.",
    "Ukraine tiếp nhận thêm viện trợ quân sự từ Mỹ.",
    "Bài viết tiếp theo sẽ phân tích kế hoạch hòa bình.",
    "Ông Zelensky muốn đối thoại trực tiếp Tổng thống Putin.",
    "Các cuộc tấn công liên tiếp Bộ trưởng Shoigu chỉ đạo.",
])
def test_events_other_words_starting_with_tiep_are_not_meetings(text):
    assert _events(text) == []


def test_events_three_party_talks_name_the_parties_after_the_number_of_sides():
    event = _one("Vòng đàm phán ba bên Nga - Mỹ - Ukraine sẽ diễn ra ở Geneva.")
    assert set(event.participants) == {"Russia", "United States", "Ukraine"}


def test_events_a_speaker_who_judges_is_not_a_participant():
    event = _one("Ngoại trưởng Lavrov cho rằng cuộc gặp thượng đỉnh Nga - Mỹ ở Budapest đã bị hủy.")
    assert set(event.participants) == {"Russia", "United States"}


def test_events_a_person_only_describing_another_is_not_a_participant():
    event = _one("Ông Witkoff điện đàm với ông Peskov, người phát ngôn của Tổng thống Putin, hôm 20.10.")
    assert set(event.participants) == {"Steve Witkoff", "Dmitry Peskov"}


def test_events_a_distant_place_after_a_clause_break_is_not_the_venue():
    text = ("Ông Witkoff đã gặp ông Dmitriev để bàn về kế hoạch hòa bình gồm 28 điểm, trong khi phái đoàn "
            "Ukraine vẫn ở Kiev.")
    assert _one(text).venue is None


def test_events_a_place_in_the_purpose_of_the_talks_is_not_the_venue():
    event = _one("Ông Zelensky đề nghị gặp trực tiếp Tổng thống Putin để thảo luận về chiến dịch của Nga ở Ukraine.")
    assert event.venue is None


def test_events_a_leader_meeting_his_own_commanders_is_not_a_negotiation():
    assert _events("Tổng thống Zelensky đã triệu tập cuộc họp với các chỉ huy quân đội ở Kiev hôm 20.10.") == []


def test_events_the_source_of_a_report_is_not_a_participant():
    event = _one("Cuộc gặp giữa hai nhà lãnh đạo tại Budapest có thể diễn ra trong vài tuần tới, theo ông Peskov.")
    assert "Dmitry Peskov" not in event.participants
    nxt = _one("Cuộc gặp tiếp theo giữa ông Witkoff và ông Dmitriev sẽ diễn ra tại Miami.")
    assert set(nxt.participants) == {"Steve Witkoff", "Kirill Dmitriev"}


def test_events_an_online_meeting_is_a_call():
    assert _one("Các nhà lãnh đạo châu Âu sẽ họp trực tuyến với ông Zelensky vào ngày 3/11.").type == "call"


@pytest.mark.parametrize("text, status", [
    ("Tổng thống Putin có thể điện đàm với Tổng thống Trump trong tuần này.", "planned"),
])
def test_events_a_possible_call_is_planned_unless_held(text, status):
    assert _one(text).status == status


def test_events_a_country_not_invited_is_not_a_party():
    text = ("Hội nghị hòa bình cho Ukraine đã diễn ra tại Bürgenstock ngày 3/11. "
            "Nga không được mời tham dự hội nghị.")
    assert "Russia" not in _one(text).participants
