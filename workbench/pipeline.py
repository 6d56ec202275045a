"""Annotate one article: a pure function of its text and the knowledge files.

``annotate_article`` runs the annotators in order (sentences, persons, places,
dates, events) and returns an :class:`ArticleAnnotation` holding stand-off spans
over the text *as read*. Text in decomposed Unicode (NFD) is annotated in its
composed form and the offsets are mapped back, so both forms give the same
values and every span still slices the original text.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace

from .corpus import Article, parse_article
from .model import Event, Sentence, Span


@dataclass
class ArticleAnnotation:
    """Everything the annotators found in one article."""

    article: Article
    sentences: list[Sentence]
    spans: list[Span]
    events: list[Event]
    venues: list[list[str]] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Span]:
        return [span for span in self.spans if span.kind == kind]


def _compose(text: str) -> tuple[str, list[int]]:
    """NFC form of ``text`` and, for each of its characters (plus the end), the raw offset.

    Composition only joins a starter with the combining marks that follow it,
    so each starter-plus-marks cluster is composed on its own.
    """
    out: list[str] = []
    starts: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", text[i:j])
        out.append(cluster)
        starts.extend([i] * len(cluster))
        i = j
    starts.append(n)
    return "".join(out), starts


def _map_back(raw: str, offsets: list[int], span_start: int, span_end: int) -> tuple[int, int]:
    start = offsets[span_start]
    end = offsets[span_end] if span_end < len(offsets) else len(raw)
    # a span ending inside a cluster takes the whole cluster
    while end < len(raw) and unicodedata.combining(raw[end]):
        end += 1
    return start, end


def _annotate_composed(article: Article) -> ArticleAnnotation:
    from .dates import find_dates
    from .events import find_events, venues
    from .persons import find_persons
    from .places import find_places
    from .text import split_sentences

    text = article.text
    sentences = split_sentences(text, article.regions)
    persons = find_persons(text, sentences)
    places = find_places(text, sentences)
    dates = [span for sentence in sentences if sentence.countable
             for span in find_dates(text, sentence.start, sentence.end, article.published)]
    for span in dates:
        span.attrs.setdefault("sentence_index", _sentence_of(sentences, span.start))
    events = find_events(text, sentences, persons, places, dates, article.published)
    spans = sorted(persons + places + dates, key=lambda s: (s.start, s.end, s.kind))
    for span in spans:
        span.attrs.setdefault("sentence_index", _sentence_of(sentences, span.start))
    return ArticleAnnotation(article, sentences, spans, events, venues(events, places))


def _sentence_of(sentences: list[Sentence], offset: int) -> int:
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence.index
    return -1


def annotate_article(article: Article) -> ArticleAnnotation:
    """Annotate one article; spans index ``article.text`` exactly.

    >>> from workbench.corpus import parse_article
    >>> a = annotate_article(parse_article(" date 2025-10-22 Hôm 21.10, ông Trump gặp ông Putin.", "x.txt"))
    >>> sorted({s.value for s in a.spans if s.kind == "person"})
    ['Donald Trump', 'Vladimir Putin']
    """
    raw = article.text
    composed = unicodedata.normalize("NFC", raw)
    if composed == raw:
        return _annotate_composed(article)
    composed, offsets = _compose(raw)
    view = parse_article(composed, article.file)
    view = replace(view, article_id=article.article_id, path=article.path,
                   content_hash=article.content_hash, published=article.published,
                   published_source=article.published_source)
    result = _annotate_composed(view)

    def back(start: int, end: int) -> tuple[int, int]:
        return _map_back(raw, offsets, start, end)

    for span in result.spans:
        span.start, span.end = back(span.start, span.end)
        span.text = raw[span.start:span.end]
    for sentence in result.sentences:
        sentence.start, sentence.end = back(sentence.start, sentence.end)
    for event in result.events:
        event.evidence_start, event.evidence_end = back(event.evidence_start, event.evidence_end)
        event.evidence = raw[event.evidence_start:event.evidence_end]
    mapped_regions = [(*back(s, e), label) for s, e, label in view.regions]
    flags = [*article.flags, *(["nfd_text"] if "nfd_text" not in article.flags else [])]
    result.article = replace(article, regions=mapped_regions, flags=flags)
    return result
