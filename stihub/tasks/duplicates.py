"""Duplicate detection (phát hiện trùng lặp): a task or a proposal being typed, compared with
every task of the province and every past task loaded from other lists (the national registry
of S&T tasks...), with the engine `stihub.engines.similarity`.

The index holds every `Task` but the withdrawn ones (ids `t:<pk>`) and every `PastTask` (ids
`p:<pk>`). Each process keeps one index and rebuilds it when the data changed: the version is
read from the database in one cheap query (counts, latest change of tasks, highest id of past
tasks), at most once per request when the request is passed. A past task edited in place keeps
its id and count, so whatever rewrites past tasks in place calls `forget()`.

The overlapping passages come back as segments (text, marked or not), so a template marks them
with `<mark>` while autoescaping every word the users typed.
"""

import threading
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stihub.engines import similarity

from .choices import Source, Step
from .models import PastTask, Task
from .rules import PUBLIC_STEPS

THIS_PROVINCE = _("This province")
CONTEXT = 70  # characters of a summary shown either side of an overlapping passage
REQUEST_ATTRIBUTE = "_tasks_duplicate_index"


@dataclass(frozen=True)
class Segment:
    """A piece of text, `mark`ed when it is part of an overlapping passage."""

    text: str
    mark: bool = False


@dataclass(frozen=True)
class Overlap:
    """A passage a proposal and a task have in common (đoạn trùng lặp)."""

    query_text: str  # the proposal's words
    doc_text: str  # the task's words
    field: str  # where in the task: "title" or "summary"
    words: int
    segments: tuple  # the task's text around the passage, the passage marked


@dataclass(frozen=True)
class DuplicateMatch:
    """A task close to a proposal: score (cosine, 0 to 1), where it comes from, the passages."""

    code: str
    title: str
    score: float
    source_label: str
    year: int | None
    passages: tuple
    url: str | None  # the task's page for the province's own tasks
    title_segments: tuple  # the title with the passages found in it marked

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def likely(self) -> bool:
        """Close enough for the council to look at it as a possible duplicate."""
        return self.score >= similarity.LIKELY_DUPLICATE


@dataclass(frozen=True)
class _Built:
    version: tuple
    index: similarity.Index
    about: dict  # doc id -> (code, source code or "", year, task pk or None)


_lock = threading.Lock()
_built: _Built | None = None


def version() -> tuple:
    """What changes when the indexed data changes (two queries): the count of tasks indexed and
    the latest change of any task (a withdrawal too), the count and latest change of past tasks."""
    tasks = Task.objects.aggregate(
        n=Count("pk", filter=~Q(step=Step.WITHDRAWN)), at=Max("updated_at")
    )
    past = PastTask.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return (tasks["n"], tasks["at"], past["n"], past["at"])


def _task_year(created_at, starts_on, decision_on) -> int:
    return (starts_on or decision_on or created_at).year


def _build(key: tuple) -> _Built:
    docs, about = [], {}
    rows = Task.objects.exclude(step=Step.WITHDRAWN).values_list(
        "pk", "code", "title", "summary", "keywords", "created_at", "starts_on", "decision_on"
    )
    for pk, code, title, summary, keywords, created_at, starts_on, decision_on in rows:
        doc_id = f"t:{pk}"
        words = tuple(w.strip() for w in keywords.split(";") if w.strip())
        docs.append(similarity.Doc(doc_id, title, summary, words))
        about[doc_id] = (code, "", _task_year(created_at, starts_on, decision_on), pk)
    past = PastTask.objects.values_list("pk", "code", "title", "summary", "source", "year")
    for pk, code, title, summary, source, year in past:
        doc_id = f"p:{pk}"
        docs.append(similarity.Doc(doc_id, title, summary))
        about[doc_id] = (code, source, year, None)
    return _Built(key, similarity.Index.build(docs), about)


def index(request=None) -> _Built:
    """The process's index, rebuilt if the data changed (checked once per `request`)."""
    global _built
    if request is not None and hasattr(request, REQUEST_ATTRIBUTE):
        return getattr(request, REQUEST_ATTRIBUTE)
    key = version()
    with _lock:
        if _built is None or _built.version != key:
            _built = _build(key)
        found = _built
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, found)
    return found


def forget() -> None:
    """Drop the process's index (after past tasks were rewritten in place)."""
    global _built
    with _lock:
        _built = None


def highlight(text: str, spans, context: int | None = None) -> tuple:
    """`text` cut into segments, the character ranges `spans` [(start, end)] marked; with
    `context`, only that many characters either side of the marked ranges (cut at a space)."""
    merged = []
    for start, end in sorted(spans):  # ranges apart by spaces only read as one
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    spans = merged
    if not spans:
        return (Segment(text),) if text else ()
    first, last = spans[0][0], spans[-1][1]
    lo, hi = 0, len(text)
    if context is not None:
        lo = max(0, first - context)
        hi = min(len(text), last + context)
        lo = text.find(" ", lo) + 1 if lo > 0 and " " in text[lo:first] else lo
        hi = text.rfind(" ", last, hi) if hi < len(text) and " " in text[last:hi] else hi
    out = [Segment("…")] if lo > 0 else []
    at = lo
    for start, end in spans:
        if start < at:  # overlapping ranges: keep the part not marked yet
            start = at
        if start >= end:
            continue
        if at < start:
            out.append(Segment(text[at:start]))
        out.append(Segment(text[start:end], True))
        at = end
    if at < hi:
        out.append(Segment(text[at:hi]))
    if hi < len(text):
        out.append(Segment("…"))
    return tuple(out)


def _match(found: _Built, match: similarity.Match) -> DuplicateMatch:
    doc = found.index.doc(match.id)
    code, source, year, pk = found.about[match.id]
    overlaps, seen = [], set()
    for p in match.passages:
        field = p.field or "title"
        if (field, p.start, p.end) in seen:  # the same words of the task, met twice in the query
            continue
        seen.add((field, p.start, p.end))
        text = doc.title if field == "title" else doc.summary
        context = None if field == "title" else CONTEXT
        overlaps.append(
            Overlap(p.query, p.text, field, p.words, highlight(text, [(p.start, p.end)], context))
        )
    in_title = [(p.start, p.end) for p in match.passages if (p.field or "title") == "title"]
    return DuplicateMatch(
        code=code,
        title=doc.title,
        score=match.score,
        source_label=str(Source(source).label if source else THIS_PROVINCE),
        year=year,
        passages=tuple(overlaps),
        url=reverse("tasks:detail", args=[pk]) if pk else None,
        title_segments=highlight(doc.title, in_title),
    )


def matches_for_text(title: str, summary: str = "", keywords=(), k: int = 5, request=None,
                     exclude=None) -> list[DuplicateMatch]:  # fmt: skip
    """The `k` tasks closest to a proposal's text (typed with or without diacritics);
    `exclude`: a document id or several (`t:<task pk>`, `p:<past task pk>`) left out."""
    if isinstance(keywords, str):
        keywords = [w.strip() for w in keywords.split(";") if w.strip()]
    found = index(request)
    hits = found.index.query(title, summary, tuple(keywords), k=k, exclude_id=exclude)
    return [_match(found, m) for m in hits]


def matches(task: Task, k: int = 5, request=None, public_only=False) -> list[DuplicateMatch]:
    """The `k` tasks closest to `task`, never the task itself; with `public_only` (a council
    member, not DOST), none of the province's tasks that are not public."""
    exclude = {f"t:{task.pk}"}
    if public_only:
        hidden = Task.objects.exclude(step__in=PUBLIC_STEPS).values_list("pk", flat=True)
        exclude |= {f"t:{pk}" for pk in hidden}
    return matches_for_text(
        task.title, task.summary, task.keyword_list, k=k, request=request, exclude=exclude
    )
