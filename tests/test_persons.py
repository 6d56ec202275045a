"""Tests for the person annotator on hand-written Vietnamese sentences."""
from __future__ import annotations

import pytest

from workbench.model import Sentence
from workbench.persons import find_persons
from workbench.text import split_sentences


def annotate(text: str):
    spans = find_persons(text, split_sentences(text))
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.kind == "person"
    return spans


def names(text: str) -> set[str]:
    return {span.value for span in annotate(text)}


def first(spans, surface: str):
    return next(span for span in spans if span.text == surface)


@pytest.mark.parametrize(
    ("text", "surface", "canonical", "role", "side"),
    [
        ("Tổng thống Nga Vladimir Putin tiếp khách tại Moscow.", "Vladimir Putin",
         "Vladimir Putin", "Tổng thống", "Russia"),
        ("Ngoại trưởng Mỹ Marco Rubio đã tới Geneva.", "Marco Rubio", "Marco Rubio",
         "Ngoại trưởng", "US"),
        ("Bộ trưởng Quốc phòng Thổ Nhĩ Kỳ Hulusi Akar phát biểu.", "Hulusi Akar", "Hulusi Akar",
         "Bộ trưởng Quốc phòng", "Turkey"),
        ("Người phát ngôn Điện Kremlin Dmitry Peskov bác bỏ tin đồn.", "Dmitry Peskov",
         "Dmitry Peskov", "Người phát ngôn Điện Kremlin", "Russia"),
        ("Đặc phái viên Anh Jonathan Pellworth đã đến Kiev.", "Jonathan Pellworth",
         "Jonathan Pellworth", "Đặc phái viên", "UK"),
        ("Ông gặp người đồng cấp Nga Sergei Lavrov hôm qua.", "Sergei Lavrov", "Sergey Lavrov",
         "người đồng cấp", "Russia"),
        ("Cựu Đại sứ Trung Quốc tại Nga Lý Huy lên đường.", "Lý Huy", "Li Hui", "Cựu Đại sứ",
         "China"),
        ("Đặc phái viên Tổng thống Mỹ Steve Witkoff tới Moscow.", "Steve Witkoff", "Steve Witkoff",
         "Đặc phái viên Tổng thống", "US"),
        ("Người phát ngôn Tổng thống Nga Dmitry Peskov cho biết.", "Dmitry Peskov", "Dmitry Peskov",
         "Người phát ngôn Tổng thống", "Russia"),
        ("Cố vấn Tổng thống Ukraine Mykhailo Podolyak nói vậy.", "Mykhailo Podolyak", "Mykhailo Podolyak",
         "Cố vấn Tổng thống", "Ukraine"),
    ],
)
def test_persons_title_and_country_split_off(text, surface, canonical, role, side):
    span = first(annotate(text), surface)
    assert span.value == canonical
    assert span.attrs["role"] == role
    assert span.attrs["side"] == side


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Tướng Gen. Mark Halloway có mặt tại cuộc họp.", "Mark Halloway"),
        ("Trung tướng về hưu Keith Kellogg đại diện Mỹ.", "Keith Kellogg"),
        ("Đô đốc Pavel Sorokin dẫn đầu phái đoàn.", "Pavel Sorokin"),
        ("Thái tử Mohammed bin Salman đón tiếp phái đoàn.", "Mohammed bin Salman"),
        ("Quốc vương Abdullah bin Hussein phát biểu tại Amman.", "Abdullah bin Hussein"),
        ("Sheikh Tamim bin Hamad Al Thani điện đàm với hai bên.", "Tamim bin Hamad Al Thani"),
        ("Giáo hoàng Leo XIV kêu gọi ngừng bắn.", "Leo XIV"),
        ("Thượng nghị sĩ Lindsey Graham đề xuất trừng phạt.", "Lindsey Graham"),
        ("Trung sĩ Michael Weller tháp tùng phái đoàn.", "Michael Weller"),
        ("Chủ tịch Ủy ban châu Âu Ursula von der Leyen tới Kiev.", "Ursula von der Leyen"),
        ("Phó Tổng thống J.D. Vance gặp các nghị sĩ.", "J.D. Vance"),
    ],
)
def test_persons_span_excludes_title(text, surface):
    spans = annotate(text)
    assert [span.text for span in spans] == [surface]


@pytest.mark.parametrize(
    ("text", "canonical", "count"),
    [
        ("Đặc phái viên Steve Witkoff tới Moscow. Sau đó, ông Witkoff phát biểu.", "Steve Witkoff", 2),
        ("Đặc phái viên Anh Jonathan Pellworth tới Kiev. Sau đó, ông Pellworth tới Warsaw.",
         "Jonathan Pellworth", 2),
        ("Cố vấn Oleg Marchenko tham dự. Ông Oleg cho biết hai bên sẽ gặp lại.", "Oleg Marchenko", 2),
        ("Giám đốc Kirill Dmitriev tới Miami. Ông Kirill nói cuộc gặp hiệu quả.", "Kirill Dmitriev", 2),
        ("Tổng thống Trump nói chuyện với báo chí.", "Donald Trump", 1),
        ("Chính quyền Biden tiếp tục viện trợ cho Ukraine.", "Joe Biden", 1),
    ],
)
def test_persons_surname_and_given_name_back_reference(text, canonical, count):
    spans = annotate(text)
    assert [span.value for span in spans] == [canonical] * count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngoại trưởng Mỹ Marco Rubio điện đàm với Ngoại trưởng Nga Sergey Lavrov. "
         "Hai ông Rubio và Lavrov nhất trí gặp lại.",
         ["Marco Rubio", "Sergey Lavrov", "Marco Rubio", "Sergey Lavrov"]),
        ("Ông Tomas Verhoek gặp ông Anders Lindqvist. Hai ông Verhoek và Lindqvist bắt tay.",
         ["Tomas Verhoek", "Anders Lindqvist", "Tomas Verhoek", "Anders Lindqvist"]),
    ],
)
def test_persons_coordinated_surnames(text, expected):
    assert [span.value for span in annotate(text)] == expected


@pytest.mark.parametrize(
    ("text", "canonical", "variants"),
    [
        ("Ngoại trưởng Ukraine Dmytro Kuleba phát biểu. Ông Kubela nói Kiev không đầu hàng.",
         "Dmytro Kuleba", {"Dmytro Kuleba", "Kubela"}),
        ("Ông Fedir Venislavsk, quan chức Ukraine, lên tiếng. Ông Venislavsky nói thêm. "
         "Ông Venislavsky không tiết lộ chi tiết.",
         "Fedir Venislavsky", {"Fedir Venislavsk", "Venislavsky"}),
        ("Tổng thống Volodymyr Zelenskyy tới Paris. Ông Zelensky gặp báo giới.",
         "Volodymyr Zelensky", {"Volodymyr Zelenskyy", "Zelensky"}),
        ("Ông Aurel Dragomirescu phát biểu. Ông Dragomirescou nói thêm.",
         "Aurel Dragomirescu", {"Aurel Dragomirescu", "Dragomirescou"}),
    ],
)
def test_persons_spelling_variants_merge(text, canonical, variants):
    spans = annotate(text)
    assert {span.value for span in spans} == {canonical}
    assert set(spans[0].attrs["variants"]) == variants


def test_persons_close_but_different_surnames_stay_apart():
    text = "Ông Marco Rubio gặp ông Daniel Rubin. Ông Rubin nói với ông Rubio."
    assert [span.value for span in annotate(text)] == [
        "Marco Rubio", "Daniel Rubin", "Daniel Rubin", "Marco Rubio"]


@pytest.mark.parametrize(
    ("text", "surface", "canonical"),
    [
        ("Cuộc gặp có ông Jared Kushner-con rể Tổng thống Donald Trump.", "Jared Kushner",
         "Jared Kushner"),
        ("Tổng thống Macron (trái) bắt tay ông Rubio.", "Macron", "Emmanuel Macron"),
        ("Chủ tịch Trung Quốc Tập Cận Bình điện đàm với Kiev.", "Tập Cận Bình", "Xi Jinping"),
        ("Phát ngôn viên Uông Văn Bân cho biết như vậy.", "Uông Văn Bân", "Wang Wenbin"),
        ("Tổng thống Thổ Nhĩ Kỳ Tayyip Erdogan làm trung gian.", "Tayyip Erdogan",
         "Recep Tayyip Erdogan"),
        ("Ông Mevlüt Çavuşoğlu chủ trì cuộc gặp.", "Mevlüt Çavuşoğlu", "Mevlut Cavusoglu"),
        ("Trợ lý Yury Ushakov nói với báo giới.", "Yury Ushakov", "Yuri Ushakov"),
    ],
)
def test_persons_listed_forms_and_glue(text, surface, canonical):
    span = first(annotate(text), surface)
    assert span.value == canonical


def test_persons_attrs_from_knowledge():
    text = "Ông Putin nói chuyện với ông Nikolai Vorontsov."
    putin, other = annotate(text)
    assert putin.attrs == {"surname_key": "putin", "role": "", "side": "Russia",
                           "variants": ["Putin"], "wikidata": "Q7747"}
    assert other.value == "Nikolai Vorontsov"
    assert other.attrs["surname_key"] == "vorontsov"
    assert other.attrs["wikidata"] == "" and other.attrs["side"] == ""


def test_persons_role_through_apposition():
    text = ("Trợ lý cấp cao của Tổng thống Nga Vladimir Putin, ông Yury Ushakov, cho biết "
            "cuộc gặp sẽ diễn ra.")
    spans = annotate(text)
    assert [s.value for s in spans] == ["Vladimir Putin", "Yuri Ushakov"]
    assert spans[0].attrs["role"] == "Tổng thống"
    assert spans[1].attrs["role"] == "Trợ lý cấp cao của Tổng thống Nga"
    assert spans[1].attrs["side"] == "Russia"


@pytest.mark.parametrize(
    "text",
    [
        "Nhà Trắng và Điện Kremlin chưa bình luận, Lầu Năm Góc cũng im lặng.",
        "Theo CNN, Reuters và Axios, phái đoàn đã tới Alaska.",
        "NBC News dẫn nguồn tin từ The Wall Street Journal và Washington Post.",
        "Sputnik, RT, TASS, AFP và AP đồng loạt đưa tin về Moscow và Kiev.",
        "SCMP, Anadolu và NewsNation cũng đưa tin.",
        "NATO và Liên Hợp Quốc hoan nghênh tiến triển tại Ukraine.",
        "Giám đốc Quỹ Đầu tư trực tiếp Nga (RDIF) và GRU đã lên tiếng.",
        "Người phát ngôn Bộ Ngoại giao cho biết cuộc họp ở Phòng Bầu dục bị hoãn.",
        "Các quan chức từ Điện Elysée đã có mặt tại khách sạn Grand Meridian.",
        "Trong khi đó, Tổng thống Mỹ chưa lên tiếng về Ukraine.",
        "Sau đó, Ngoại trưởng Nga nói rằng hai bên sẽ gặp lại tại Ả Rập Xê Út.",
        "Hội nghị Thượng đỉnh G20 ở Hamburg, Đức kết thúc hôm qua.",
        "Minh Anh (theo Reuters) tường thuật từ Kiev.",
        "Máy bay F-16 Block 70 được chuyển tới Ba Lan.",
        "Cuộc chiến Israel-Hamas làm phân tán sự chú ý của Washington D.C.",
        "Phái đoàn tới Căn cứ chung Elmendorf-Richardson ở Anchorage, Alaska.",
    ],
)
def test_persons_excludes_places_media_and_organisations(text):
    assert annotate(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ông Nguyễn Văn An tiếp đại sứ Nga.", {"Nguyễn Văn An"}),
        ("Bộ trưởng Ngoại giao Trần Quang Minh hội đàm với ông Lavrov.",
         {"Trần Quang Minh", "Sergey Lavrov"}),
        ("Bà Lê Thị Hồng Nhung cho biết. Bà Nhung nói thêm.", {"Lê Thị Hồng Nhung"}),
        ("Ngọc Vân (theo Reuters) cho biết cuộc gặp bị hoãn.", set()),
    ],
)
def test_persons_vietnamese_names_need_a_title(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Laura Brennan, người phát ngôn Hội đồng An ninh Quốc gia, cho biết như vậy.",
         ["Laura Brennan"]),
        ("Cuộc gặp Trump-Putin bị hoãn.", ["Donald Trump", "Vladimir Putin"]),
        ("Kiev từ chối đề nghị của Putin.", ["Vladimir Putin"]),
        ("Theo Steve Witkoff, hai bên tiến gần tới thỏa thuận.", ["Steve Witkoff"]),
        ("Đáp lại Orban, Kiev giữ nguyên lập trường.", ["Viktor Orban"]),
        ("Đáp lại Kovalenkov, Kiev giữ nguyên lập trường.", []),
    ],
)
def test_persons_untitled_mentions(text, expected):
    assert [span.value for span in annotate(text)] == expected


def test_persons_only_countable_sentences():
    text = "Ông Putin gặp ông Trump. Ông Anders Lindqvist tới Kiev."
    middle = text.index("Ông Anders")
    sentences = [Sentence(0, middle - 1, "body"), Sentence(middle, len(text), "teaser")]
    spans = find_persons(text, sentences)
    assert [span.value for span in spans] == ["Vladimir Putin", "Donald Trump"]


def test_persons_offsets_are_absolute():
    text = "Tin tức\n\nNgoại trưởng Mỹ Marco Rubio tới Paris. Ông Rubio gặp ông Macron."
    spans = annotate(text)
    assert [(s.start, s.text) for s in spans] == [
        (text.index("Marco"), "Marco Rubio"), (text.index("Rubio gặp"), "Rubio"),
        (text.index("Macron"), "Macron")]


def test_persons_office_holder_after_a_relation_title_keeps_the_office():
    # the name after "Cố vấn Tổng thống" is the adviser, unless the name is the office-holder himself
    text = "Ông Kushner là Cố vấn Tổng thống Donald Trump trong nhiều năm."
    trump = first(annotate(text), "Donald Trump")
    assert trump.attrs["role"] == "Tổng thống"
