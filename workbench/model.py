"""Data model shared by every annotator: stand-off spans and events.

Every span indexes the original article text: ``text[span.start:span.end] == span.text``.
Annotators are pure functions that return lists of these records; the tables, the
summary and the evaluation sets are projections of them.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Span:
    """A stand-off annotation over the original text.

    Attributes
    ----------
    start, end : int
        Character offsets into the article text (end exclusive).
    text : str
        ``article.text[start:end]``, kept for readability and checked by tests.
    kind : str
        One of ``person``, ``organization``, ``place``, ``date``.
    value : str
        Normalised value: canonical name for persons, organisations and places,
        an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) for dates.
    attrs : dict
        Kind-specific extras (role, side, surname key, precision, country …).
    """

    start: int
    end: int
    text: str
    kind: str
    value: str
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """Plain ``{"start", "end", "text", "kind", "value", **attrs}`` record."""
        return {"start": self.start, "end": self.end, "text": self.text,
                "kind": self.kind, "value": self.value, **self.attrs}


@dataclass
class Sentence:
    """A sentence of an article with the region it sits in.

    ``region`` is one of ``title``, ``body``, ``caption`` (countable text) or
    ``boilerplate``, ``teaser``, ``byline`` (not part of the article).
    """

    start: int
    end: int
    region: str
    index: int = 0

    @property
    def countable(self) -> bool:
        return self.region in COUNTABLE_REGIONS


COUNTABLE_REGIONS = frozenset({"title", "body", "caption"})


@dataclass
class Event:
    """A negotiation event reported by one sentence of one article.

    ``type`` is one of summit, meeting, talks, call, visit, conference, signing;
    ``status`` one of held, planned, cancelled, postponed. ``venue`` is the
    canonical name of a place span (None for calls or when no place is given);
    ``participants`` holds canonical person names, and English country or
    organisation names for sides with no named person.
    """

    type: str
    status: str
    date: str | None
    venue: str | None
    participants: list[str]
    evidence_start: int
    evidence_end: int
    evidence: str
    cameo: str = ""
    trigger: str = ""
    venue_names: list[str] = field(default_factory=list)
    key: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Matching key: lower case, no diacritics, ``đ`` → ``d``.

    >>> fold("Zelenskyy Đà Nẵng")
    'zelenskyy da nang'
    """
    value = value.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower().strip()


def surname_key(name: str) -> str:
    """Folded last word of a name, the key persons are matched by.

    >>> surname_key("Volodymyr Zelensky")
    'zelensky'
    """
    words = name.split()
    return fold(words[-1]) if words else ""
