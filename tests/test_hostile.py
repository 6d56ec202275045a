"""A corpus folder of hostile and unusual files: everything loadable loads, every skip is named."""
from __future__ import annotations

import codecs
import json
import os
import struct
import unicodedata
import zlib
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import EXIT_NOTHING_WRITTEN, EXIT_SKIPPED, main
from workbench.engine import run_annotate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = sorted((ROOT / "data" / "raw").glob("*.txt"))[0].read_text(encoding="utf-8")
VIETNAMESE = " date 2025-08-16 Hôm 15.8, Tổng thống Donald Trump gặp Tổng thống Vladimir Putin tại Anchorage, bang Alaska."
BOILERPLATE = "MỚI NHẤT\nChia sẻ\nBình luận 0\n"


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0")) + \
        chunk(b"IEND", b"")


def cp1258(text: str) -> bytes:
    """``text`` in Windows-1258: precomposed letters where the code page has them, else combining tones."""
    out = b""
    for char in text:
        base, *marks = unicodedata.normalize("NFD", char)
        candidates = [char] + [unicodedata.normalize("NFC", base + mark) + "".join(m for m in marks if m != mark)
                               for mark in marks] + [base + "".join(marks)]
        for candidate in candidates:
            try:
                out += candidate.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


#: File name → the reason it must be skipped for (a fragment of it).
SKIPPED = {
    "a_image.txt": "binary data (a PNG image)",
    "b_nul.txt": "NUL",
    "c_windows1258.txt": "not UTF-8",
    "d_latin1.txt": "not UTF-8",
    "e_empty.txt": "empty file",
    "f_whitespace.txt": "only whitespace",
    "g_huge.txt": "--max-bytes",
    "h_bad_date.txt": "not a calendar date",
    "i_folder": "folder",
    "j_other.html": "not a .txt file",
    "k_broken_link.txt": "broken symbolic link",
    "z_same_text.txt": "duplicate of y_same_text.txt",
}
VALID = ("m_bom.txt", "n_utf16.txt", "o_crlf.txt", "p_nfc.txt", "q_nfd.txt", "r_boilerplate.txt",
         "y_same_text.txt")


def hostile_folder(root: Path) -> Path:
    folder = root / "hostile"
    folder.mkdir()
    (folder / "a_image.txt").write_bytes(png_bytes() * 4)
    (folder / "b_nul.txt").write_bytes(VIETNAMESE.encode() + b"\0\0\0" + VIETNAMESE.encode())
    (folder / "c_windows1258.txt").write_bytes(cp1258("Tổng thống Mỹ đến Anchorage"))
    (folder / "d_latin1.txt").write_bytes("Genève, la réunion a été reportée à décembre".encode("latin-1"))
    (folder / "e_empty.txt").write_bytes(b"")
    (folder / "f_whitespace.txt").write_bytes(b"  \n\t\r\n   \n")
    with (folder / "g_huge.txt").open("wb") as handle:
        line = (VIETNAMESE + "\n").encode()
        handle.write(line * (50 * 2**20 // len(line) + 1))
    (folder / "h_bad_date.txt").write_text(" date 2025-02-30 Ông Putin nói.", encoding="utf-8")
    (folder / "i_folder").mkdir()
    (folder / "i_folder" / "inside.txt").write_text(VIETNAMESE, encoding="utf-8")
    (folder / "j_other.html").write_text(f"<p>{VIETNAMESE}</p>", encoding="utf-8")
    os.symlink(folder / "does-not-exist.txt", folder / "k_broken_link.txt")
    (folder / "m_bom.txt").write_bytes(codecs.BOM_UTF8 + SAMPLE.encode())
    (folder / "n_utf16.txt").write_bytes(SAMPLE.replace("Trump", "Trump ").encode("utf-16"))
    (folder / "o_crlf.txt").write_bytes(SAMPLE.replace("Putin", "Putin ").replace("\n", "\r\n").encode())
    nfc = unicodedata.normalize("NFC", SAMPLE.replace("Ukraine", "Ukraine "))
    (folder / "p_nfc.txt").write_text(nfc, encoding="utf-8")
    (folder / "q_nfd.txt").write_text(unicodedata.normalize("NFD", nfc), encoding="utf-8")
    (folder / "r_boilerplate.txt").write_text(BOILERPLATE, encoding="utf-8")
    (folder / "y_same_text.txt").write_text(VIETNAMESE, encoding="utf-8")
    (folder / "z_same_text.txt").write_text(VIETNAMESE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    folder = hostile_folder(root)
    report = run_annotate(str(folder), str(root / "out"), progress=False, jobs=1, use_cache=False)
    return folder, root / "out", report


def test_hostile_every_bad_file_is_skipped_with_its_reason(hostile_run):
    _, _, report = hostile_run
    reasons = {s.file: s.reason for s in report.skipped}
    assert set(reasons) == set(SKIPPED)
    for name, fragment in SKIPPED.items():
        assert fragment in reasons[name], (name, reasons[name])


def test_hostile_skips_are_named_in_the_load_report_and_the_line(hostile_run):
    _, out, report = hostile_run
    rows = [json.loads(line) for line in (out / "load_report.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {row["file"] for row in rows} == set(SKIPPED)
    assert all(row["reason"] for row in rows)
    line = report.line()
    for name in SKIPPED:
        assert name in line


def test_hostile_valid_unusual_files_load_and_annotate(hostile_run):
    _, out, report = hostile_run
    articles = pd.read_parquet(out / "articles.parquet")
    assert sorted(articles["file"]) == sorted(VALID)
    assert report.articles == len(VALID)
    mentions = pd.read_parquet(out / "mentions.parquet")
    for name in ("m_bom.txt", "n_utf16.txt", "o_crlf.txt", "p_nfc.txt", "q_nfd.txt", "y_same_text.txt"):
        assert (mentions["file"] == name).sum() > 0, name


def test_hostile_offsets_slice_the_text_as_read(hostile_run):
    _, out, _ = hostile_run
    texts = pd.read_parquet(out / "articles.parquet").set_index("file")["text"]
    mentions = pd.read_parquet(out / "mentions.parquet")
    for row in mentions.itertuples():
        assert texts[row.file][row.start:row.end] == row.text
    assert "\r\n" in texts["o_crlf.txt"]
    assert not texts["m_bom.txt"].startswith("\ufeff")


def test_hostile_nfd_annotates_exactly_like_nfc(hostile_run):
    _, out, _ = hostile_run
    mentions = pd.read_parquet(out / "mentions.parquet")
    columns = ["kind", "value", "role", "sentence_index"]
    nfc = mentions[mentions["file"] == "p_nfc.txt"][columns].reset_index(drop=True)
    nfd = mentions[mentions["file"] == "q_nfd.txt"][columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(nfc, nfd)
    assert list(mentions[mentions["file"] == "q_nfd.txt"]["text"].map(lambda t: unicodedata.normalize("NFC", t))) \
        == list(mentions[mentions["file"] == "p_nfc.txt"]["text"])
    summary = {json.loads(line)["file"]: json.loads(line)
               for line in (out / "summary.jsonl").read_text(encoding="utf-8").splitlines()}
    a, b = summary["p_nfc.txt"], summary["q_nfd.txt"]
    assert a["persons"] == [[unicodedata.normalize("NFC", name) for name in group] for group in b["persons"]]
    assert a["dates"] == b["dates"]
    assert a["events"] == [{**e, "evidence": unicodedata.normalize("NFC", e["evidence"])} for e in b["events"]]


def test_hostile_boilerplate_only_file_has_an_empty_flagged_body(hostile_run):
    _, out, _ = hostile_run
    articles = pd.read_parquet(out / "articles.parquet").set_index("file")
    row = articles.loc["r_boilerplate.txt"]
    assert "empty_body" in row["flags"]
    assert row["body_end"] == row["body_start"]


def test_hostile_identical_texts_are_counted_once(hostile_run):
    _, out, _ = hostile_run
    articles = pd.read_parquet(out / "articles.parquet")
    assert articles["content_hash"].is_unique
    assert "z_same_text.txt" not in set(pd.read_parquet(out / "mentions.parquet")["file"])


def test_hostile_cli_exit_status_is_skipped_but_written(hostile_run, tmp_path, capsys):
    folder, _, _ = hostile_run
    status = main(["annotate", str(folder), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1",
                   "--no-progress"])
    assert status == EXIT_SKIPPED
    line = capsys.readouterr().out
    assert "12 skipped" in line and "g_huge.txt" in line
    assert (tmp_path / "out" / "articles.parquet").exists()


def test_hostile_named_encoding_loads_legacy_text(tmp_path):
    folder = tmp_path / "legacy"
    folder.mkdir()
    text = " date 2025-08-16 Hôm 15.8, Tổng thống Donald Trump gặp Tổng thống Vladimir Putin tại Alaska."
    (folder / "a.txt").write_bytes(cp1258(text))
    report = run_annotate(str(folder), str(tmp_path / "out"), progress=False, jobs=1, use_cache=False,
                          encoding="cp1258")
    assert report.articles == 1 and not report.skipped
    stored = pd.read_parquet(tmp_path / "out" / "articles.parquet")["text"][0]
    assert unicodedata.normalize("NFC", stored) == text


def test_hostile_folder_with_nothing_loadable_writes_nothing(tmp_path, capsys):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "e.txt").write_bytes(b"")
    (folder / "x.bin").write_bytes(b"\0")
    status = main(["annotate", str(folder), "--out", str(tmp_path / "out"), "--no-cache", "--no-progress"])
    assert status == EXIT_NOTHING_WRITTEN
    message = capsys.readouterr().err
    assert "e.txt" in message and "x.bin" in message
    assert not (tmp_path / "out").exists()
