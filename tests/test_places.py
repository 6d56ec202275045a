"""Places and organisations: gazetteer forms, cues, guards, regions and offsets."""
from __future__ import annotations

import pytest

from workbench.knowledge import load_table
from workbench.model import Sentence
from workbench.places import find_places, place_chain, place_info


def _body(text: str) -> list[Sentence]:
    return [Sentence(0, len(text), "body")]


def _values(text: str, kind: str = "place") -> list[str]:
    return [s.value for s in find_places(text, _body(text)) if s.kind == kind]


@pytest.mark.parametrize("text, expected", [
    ("Phái đoàn đã đến Mát-xcơ-va hôm qua.", "Moscow"),
    ("Hai bên gặp nhau tại Moskva.", "Moscow"),
    ("Ông ấy vừa trở về Ki-ép.", "Kyiv"),
    ("Cuộc gặp diễn ra ở Kyiv.", "Kyiv"),
    ("Các nhà ngoại giao gặp nhau tại Ả rập Xê út.", "Saudi Arabia"),
    ("Các nhà ngoại giao gặp nhau tại Ả Rập Xê Út.", "Saudi Arabia"),
    ("Vòng đàm phán diễn ra ở Các Tiểu vương quốc Ả rập Thống nhất.", "United Arab Emirates"),
    ("Đoàn đàm phán bay tới UAE.", "United Arab Emirates"),
    ("Đoàn đàm phán bay tới Thổ Nhĩ Kỳ.", "Turkey"),
    ("Hội thảo được tổ chức tại TP Hồ Chí Minh.", "Ho Chi Minh City"),
    ("Thượng đỉnh diễn ra ở Luân Đôn.", "London"),
    ("Hai đoàn gặp nhau tại Cung điện Ciragan.", "Ciragan Palace"),
])
def test_places_vietnamese_forms_give_canonical_names(text, expected):
    assert expected in _values(text)


@pytest.mark.parametrize("text, absent", [
    ("Anh ấy nói rằng cuộc gặp rất tốt.", "United Kingdom"),
    ("Ông Nguyễn Tuấn Anh phát biểu tại hội thảo.", "United Kingdom"),
    ("Đức Giáo hoàng kêu gọi hòa bình.", "Germany"),
    ("Ý kiến của hai bên còn khác nhau.", "Italy"),
    ("Theo tờ Washington Post, hai bên đã gặp nhau.", "Washington"),
    ("Đại diện các nước Nam Mỹ có mặt.", "United States"),
    ("Bộ Ngoại giao Nga ra tuyên bố.", "Russia"),
])
def test_places_ambiguous_words_are_not_places(text, absent):
    assert absent not in _values(text)


@pytest.mark.parametrize("text, expected", [
    ("Thủ tướng Anh Keir Starmer có mặt.", "United Kingdom"),
    ("Anh và Pháp ủng hộ kế hoạch.", "United Kingdom"),
    ("Ngoại trưởng Đức đến muộn.", "Germany"),
    ("Thủ tướng Ý Giorgia Meloni phát biểu.", "Italy"),
])
def test_places_country_words_after_titles_are_places(text, expected):
    assert expected in _values(text)


@pytest.mark.parametrize("text, org, site", [
    ("Nhà Trắng từ chối bình luận.", "White House", "White House"),
    ("Điện Kremlin khẳng định chưa có tiến triển.", "Kremlin", "Moscow Kremlin"),
    ("Lầu Năm Góc xác nhận tin này.", "Pentagon", "Pentagon"),
])
def test_places_institutions_are_organisations_and_sites(text, org, site):
    spans = find_places(text, _body(text))
    orgs = [s for s in spans if s.kind == "organization"]
    places = [s for s in spans if s.kind == "place"]
    assert [s.value for s in orgs] == [org]
    assert [s.value for s in places] == [site]
    assert places[0].attrs["kind"] == "site"
    assert (orgs[0].start, orgs[0].end) == (places[0].start, places[0].end)


@pytest.mark.parametrize("text, org", [
    ("NATO họp khẩn.", "NATO"),
    ("Liên Hợp Quốc bảo trợ hành lang.", "United Nations"),
    ("Liên minh châu Âu (EU) áp lệnh trừng phạt.", "European Union"),
])
def test_places_international_organisations(text, org):
    assert org in _values(text, "organization")


@pytest.mark.parametrize("text, name, kind", [
    ("Hai bên gặp nhau ở thành phố Nizhny Novgorod.", "Nizhny Novgorod", "city"),
    ("Cuộc gặp diễn ra tại khách sạn Grand Palace.", "Grand Palace", "site"),
    ("Các phái đoàn gặp nhau tại Tallinn.", "Tallinn", "city"),
])
def test_places_unlisted_places_after_cues_are_kept(text, name, kind):
    spans = [s for s in find_places(text, _body(text)) if s.kind == "place"]
    assert [s.value for s in spans] == [name]
    assert spans[0].attrs["kind"] == kind and spans[0].attrs["known"] is False
    assert spans[0].attrs["lat"] is None


def test_places_cue_tai_does_not_take_vietnamese_words():
    assert _values("Cuộc họp tại Hội trường lớn kết thúc.") == []


def test_places_attrs_carry_knowledge():
    text = "Hai ông bắt tay tại Căn cứ chung Elmendorf-Richardson ở Anchorage."
    spans = {s.value: s for s in find_places(text, _body(text))}
    assert spans["Anchorage"].attrs["parent"] == "Alaska"
    assert spans["Anchorage"].attrs["country"] == "United States"
    assert spans["Anchorage"].attrs["lat"] == pytest.approx(61.22)
    assert spans["Elmendorf-Richardson"].attrs["kind"] == "site"
    assert spans["Elmendorf-Richardson"].text == "Căn cứ chung Elmendorf-Richardson"


def test_places_only_countable_sentences():
    text = "Tin cùng chuyên mục: thượng đỉnh ở Paris. Hai bên gặp nhau tại Geneva."
    cut = text.index("Hai")
    sentences = [Sentence(0, cut - 1, "teaser"), Sentence(cut, len(text), "body")]
    assert [s.value for s in find_places(text, sentences)] == ["Geneva"]


def test_places_offsets_slice_the_text():
    text = "Hôm 16.10, ông Trump nói có thể gặp ông Putin tại Budapest (Hungary), sau đó Nhà Trắng lên tiếng."
    for span in find_places(text, _body(text)):
        assert text[span.start:span.end] == span.text


def test_places_chain_goes_from_site_to_country():
    assert place_chain("Oval Office") == ["Oval Office", "White House", "Washington", "United States"]
    assert place_info("Ki-ép")["name"] == "Kyiv"


def test_places_table_rows_are_complete():
    rows = load_table("places")
    names = {r["name"] for r in rows}
    for row in rows:
        assert row["kind"] in {"country", "city", "region", "site"}, row
        assert not row["parent"] or row["parent"] in names or row["kind"] != "city", row
        assert bool(row["lat"]) == bool(row["lon"]), row
        assert not row["wikidata"] or row["wikidata"].startswith("Q"), row
    for venue in ("Minsk", "Gomel", "Istanbul", "Antalya", "Riyadh", "Jeddah", "Abu Dhabi", "Doha",
                  "Geneva", "Bürgenstock", "Anchorage", "White House", "Miami", "Mar-a-Lago", "Budapest"):
        assert venue in names


@pytest.mark.parametrize("table", ["places", "persons", "organizations"])
def test_places_knowledge_tables_name_each_entry_once(table):
    names = [row["name"] for row in load_table(table)]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
