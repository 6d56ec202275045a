"""Sentences with offsets into the original text.

underthesea's ``sent_tokenize`` does the splitting inside each line; this module
maps its output back to character offsets (it strips and may re-space text) and
separates photo credits ("(Ảnh: AP)", "ẢNH: REUTERS") from the caption they end.
"""
from __future__ import annotations

import re
from functools import cache

from .model import Sentence

# A photo credit: "(Ảnh: AP)", "Ảnh: Reuters.", "ẢNH: REUTERS", "- Ảnh: AFP", "Ảnh IT", "Ảnh Getty".
CREDIT = re.compile(
    r"[\s\-–—|]*[\(\[]?\s*(?:(?:Ảnh|ẢNH|Nguồn ảnh|Photo)\s*(?:minh họa)?\s*:\s*[^\n.()\[\]]{1,45}"
    r"|(?:Ảnh|ẢNH)\s+[A-ZĐ][\w/]*(?:\s[A-ZĐ][\w/]*){0,2})\s*[\)\]]?\.?\s*$"
)
# Caption marks crawled from image blocks: "- Ảnh 1.", "hinh 1".
IMAGE_MARK = re.compile(r"\s*[-–]\s*Ảnh\s+\d+\.?\s*$|\bhinh \d+\s*$")


@cache
def _sent_tokenize():
    from underthesea import sent_tokenize

    return sent_tokenize


def _align(text: str, start: int, end: int, pieces: list[str]) -> list[tuple[int, int]]:
    """Offsets of ``pieces`` (tokenizer output) inside ``text[start:end]``.

    Pieces are located in order; whitespace may differ between a piece and the
    source, so the match is by non-space characters.
    """
    spans: list[tuple[int, int]] = []
    cursor = start
    for piece in pieces:
        chars = [c for c in piece if not c.isspace()]
        if not chars:
            continue
        pos = cursor
        while pos < end and text[pos].isspace():
            pos += 1
        first = pos
        k = 0
        while pos < end and k < len(chars):
            if text[pos].isspace():
                pos += 1
                continue
            if text[pos] != chars[k]:
                break
            pos += 1
            k += 1
        if k < len(chars):  # tokenizer changed the text: give the rest of the line
            spans.append((first, end))
            return spans
        spans.append((first, pos))
        cursor = pos
    if spans and spans[-1][1] < end and text[spans[-1][1]:end].strip():
        spans.append((spans[-1][1], end))
    return spans


def split_sentences(text: str, regions: list[tuple[int, int, str]] | None = None) -> list[Sentence]:
    """Split ``text`` into sentences, each tagged with the region it lies in.

    ``regions`` are ``(start, end, label)`` triples (from the corpus reader);
    without them the whole text is one ``body`` region. A trailing photo credit
    becomes its own ``credit`` sentence and the line it ends becomes a ``caption``.

    >>> [text[s.start:s.end] for s in split_sentences(text := "Ông Putin đến. Ông Trump đi.")]
    ['Ông Putin đến.', 'Ông Trump đi.']
    """
    if regions is None:
        regions = [(0, len(text), "body")]
    sent_tokenize = _sent_tokenize()
    out: list[Sentence] = []
    for r_start, r_end, label in regions:
        for line in re.finditer(r"[^\n]+", text[r_start:r_end]):
            l_start, l_end = r_start + line.start(), r_start + line.end()
            while l_end > l_start and text[l_end - 1].isspace():
                l_end -= 1
            while l_start < l_end and text[l_start].isspace():
                l_start += 1
            if l_start >= l_end:
                continue
            line_label = label
            credit = CREDIT.search(text, l_start, l_end) if label in ("body", "caption", "title") else None
            mark = IMAGE_MARK.search(text, l_start, l_end) if label == "body" else None
            pieces_end = l_end
            if credit and credit.start() > l_start:
                pieces_end = credit.start()
                line_label = "caption"
            elif credit:  # a line that is only a credit
                out.append(Sentence(l_start, l_end, "credit"))
                continue
            if mark:
                pieces_end = min(pieces_end, mark.start())
                line_label = "caption"
            for s, e in _align(text, l_start, pieces_end, sent_tokenize(text[l_start:pieces_end])):
                out.append(Sentence(s, e, line_label))
            if credit and credit.start() > l_start:
                c_start = credit.start()
                while text[c_start].isspace():
                    c_start += 1
                out.append(Sentence(c_start, l_end, "credit"))
    for index, sentence in enumerate(out):
        sentence.index = index
    return out
