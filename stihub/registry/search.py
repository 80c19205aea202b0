"""The one search layer of the registries, for the list pages and the API alike.

A query is folded into words (engines/text.py: no marks, "đ" → "d", lower case): each word
must begin a word of the record's `search_text` (" folded words "), so `LIKE '% word%'` finds
"Nguyễn Văn An" for "nguyen van", "Dương" for "Duong", "Đức" for "d", and a half-typed word as
the user types. The words hold [0-9a-z] only, so no LIKE wildcard can come in.

Relevance is a CASE the database computes from plain string comparisons on those ASCII
columns, so SQLite and PostgreSQL give the same rows in the same order; ties go to Vietnamese
alphabetical order (`sort_key`), then to the row id. Facets count the matching rows per value.

Speed at 100,000 rows: the words are looked up in a word index (migration 0003): on SQLite an
FTS5 table of `search_text` kept in step by triggers (`ensure_fts`), whose prefix query
`"word"*` finds the tokens beginning with the word; on PostgreSQL the generated tsvector
`search_vector` ('simple' configuration: each [0-9a-z]+ word a lexeme, unchanged), whose
`word:*` does the same. The tokens of " folded words " are exactly its words, so both select
the rows the LIKEs select. Counts stop at `CAP`, and a page of a broad query (one letter, a
common family name) is taken tier by tier (`page`) rather than by sorting every match.
"""

import json
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.db import DatabaseError, connections
from django.db.models import BooleanField, Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from stihub.engines.text import exact, fold

MAX_QUERY = 200  # characters of a query; longer is refused (400 in the API)
MAX_WORDS = 8  # words searched; more are typing noise and only slow the LIKEs down


@dataclass(frozen=True)
class Query:
    """A query as searched: its folded words, the folded phrase and the words with marks."""

    words: tuple[str, ...]
    marked: str  # "" when the query was typed without marks (nothing to prefer)

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


def parse(text) -> Query | None:
    """The query of `text`, or None when it has no word to search ("", "!!!")."""
    found = tuple(fold(text).split()[:MAX_WORDS])
    if not found:
        return None
    marked = " ".join(exact(text).split()[:MAX_WORDS])
    return Query(found, "" if marked == " ".join(found) else marked)


def match(rows, query: Query | None, index: bool = True):
    """The rows whose text has every word of `query` at the start of one of its words: through
    the word index (a join that streams, so a capped count stops early), or with `index=False`
    by a LIKE on each row, for walks in order that look at a few rows only (`page`)."""
    if query is None:
        return rows
    table = rows.model._meta.db_table
    kind = _word_index(rows.db, table) if index else None
    # words are [0-9a-z]+: nothing in them can break out of the quotes or the tsquery
    if kind == "fts":
        terms = " ".join(f'"{word}"*' for word in query.words)
        return rows.extra(
            tables=[f"{table}_fts"],
            where=[f'"{table}_fts".rowid = "{table}"."id"', f'"{table}_fts" MATCH %s'],
            params=[terms],
        )
    if kind == "tsvector":
        terms = " & ".join(f"{word}:*" for word in query.words)
        return rows.extra(
            where=[f'"{table}"."search_vector" @@ to_tsquery(\'simple\', %s)'], params=[terms]
        )
    for word in query.words:
        rows = rows.filter(search_text__contains=f" {word}")
    return rows


def _all_in_name(query: Query) -> Q:
    condition = Q()
    for word in query.words:
        condition &= Q(search_name__contains=f" {word}")
    return condition


def relevance(query: Query):
    """0 (best) to 5: the folded name is the query; starts with it; holds it as whole words;
    holds it as the start of words; holds every word; the words are elsewhere (keywords,
    organization, products...)."""
    phrase = query.phrase
    tiers = [
        When(search_name=f" {phrase} ", then=Value(0)),
        When(search_name__startswith=f" {phrase}", then=Value(1)),
        When(search_name__contains=f" {phrase} ", then=Value(2)),
        When(search_name__contains=f" {phrase}", then=Value(3)),
    ]
    if len(query.words) > 1:  # for one word, "every word in the name" is the tier above
        tiers.append(When(_all_in_name(query), then=Value(4)))
    return Case(*tiers, default=Value(5), output_field=IntegerField())


def marks_missed(query: Query):
    """0 when the query, typed with its marks, begins a word of the record as written ("Dương"
    ranks Dương before Đường); 1 otherwise. Always 0 for a query typed without marks."""
    if not query.marked:
        return Value(0, output_field=IntegerField())
    return Case(
        When(search_exact__contains=f" {query.marked}", then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def order(rows, query: Query | None):
    """Most relevant first when there is a query, else Vietnamese alphabetical order."""
    if query is None:
        return rows.order_by("sort_key", "pk")
    return rows.annotate(relevance=relevance(query), marks_missed=marks_missed(query)).order_by(
        "relevance", "marks_missed", "sort_key", "pk"
    )


def search(rows, text):
    """The rows matching `text`, in the order a list shows them."""
    query = parse(text)
    return order(match(rows, query), query)


# --- a page of results and its count, bounded for broad queries --------------------------

CAP = 10_000  # results counted exactly up to this many; beyond, "more than 10,000", no facet counts
SMALL = 200  # a relevance tier with fewer matching rows is sorted whole; a larger one is walked


def count(rows, cap: int = CAP) -> int:
    """The number of `rows`, counted up to `cap` + 1 (so more than `cap` reads as such): one or
    two letters match most rows, and an exact count of them is a pass over the whole table."""
    return rows.order_by()[: cap + 1].count()


def found(matched, cap: int = CAP, words: bool = False):
    """(how many rows match, up to `cap` + 1; the same rows by id when at most `cap`, else
    `matched`). The word index is read once: the page and the facets then look up the rows
    by id instead of searching again (on PostgreSQL each search visits every matching row of
    the table, a dozen milliseconds or more per thousand). `words`: `matched` has a query."""
    # Through the word index: once a facet filter is added or the words are common, the
    # planner would scan the whole table, two to three times slower (70 against 30 ms at
    # 100,000 rows), while the index costs at most about 30 ms even for one letter.
    with _postgresql_plan(connections[matched.db], words, "enable_seqscan"):
        ids = list(matched.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(ids) > cap:
        return len(ids), matched
    return len(ids), by_id(matched, ids)


@contextmanager
def _postgresql_plan(connection, on: bool, *methods: str):
    """On PostgreSQL (when `on`), the plan methods (`enable_seqscan`, ...) off for the queries
    inside, where the planner's estimates for prefixes of words mislead it (`found`, `_walk`)."""
    if not on or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for method in methods:
            cursor.execute(f"SET {method} = off")
    try:
        yield
    finally:
        with suppress(DatabaseError), connection.cursor() as cursor:
            for method in methods:  # (in a failed transaction: undone anyway)
                cursor.execute(f"RESET {method}")


def by_id(rows, ids: list[int]):
    """The rows of `rows`' table whose id is in `ids` (whatever else `rows` says)."""
    found = id_in(rows.model._default_manager.using(rows.db), ids)
    found.search_ids = ids  # for the facets that start from a link table (`_fields`)
    return found


def id_in(rows, ids: list[int]):
    """Those of `rows` whose id is in `ids`."""
    return rows.filter(one_of(f'"{rows.model._meta.db_table}"."id"', ids, rows.db))


def one_of(column: str, ids: list[int], alias: str):
    """`column` IN `ids` as one parameter (an array on PostgreSQL, JSON on SQLite): thousands
    of parameters cost more to send and parse than the rows cost to look up."""
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())
    if vendor == "sqlite":
        sql = f"{column} IN (SELECT value FROM json_each(%s))"
        return RawSQL(sql, (json.dumps(ids),), output_field=BooleanField())
    return RawSQL(f"{column} IN %s", (tuple(ids) or (None,),), output_field=BooleanField())


def _prefix(phrase: str, indexed: bool) -> Q:
    condition = Q(search_name__startswith=f" {phrase}")
    if indexed:
        # the same rows (the values are [ 0-9a-z], and "{" follows "z"), as a range the index
        # on search_name serves; SQLite's LIKE cannot use it (case-insensitive)
        condition &= Q(search_name__gte=f" {phrase}", search_name__lt=f" {phrase}{{")
    return condition


def _tiers(query: Query, indexed: bool) -> list[list[Q]]:
    """The rows of each relevance tier (0 to 5, `relevance`) as disjoint conditions, grouped:
    [0], [1], [2, 3, 4] (the query elsewhere in the name) and [5]. `indexed`: with the range
    on search_name (SQLite) where it helps to find a few rows, not for walks in order."""
    phrase = query.phrase
    c0 = Q(search_name=f" {phrase} ")
    c1 = _prefix(phrase, indexed)
    c2 = Q(search_name__contains=f" {phrase} ")
    c3 = Q(search_name__contains=f" {phrase}")
    c4 = _all_in_name(query) if len(query.words) > 1 else c3  # c0 ⊂ c1 ⊂ c3 ⊂ c4, c2 ⊂ c3
    middle = [c2 & ~c1, c3 & ~c1 & ~c2] + ([c4 & ~c3] if len(query.words) > 1 else [])
    return [[c0], [c1 & ~c0], middle, [~c4]]


def _ordered(rows, ids, query: Query) -> list:
    """`ids` in the order of `order` (a few hundred at most: sorted at once)."""
    return list(order(by_id(rows, ids), query).values_list("pk", flat=True))


def _walk(scanned, tier: Q, query: Query, need: int) -> list:
    """Up to `need` ids of a large tier in order: its rows typed with the query's marks first,
    each part by walking the index of the Vietnamese order and stopping at `need`."""
    parts = [tier]
    if query.marked:
        marks = Q(search_exact__contains=f" {query.marked}")
        parts = [tier & marks, tier & ~marks]
    found = []
    # the walk itself: the planner, misjudging how many rows the LIKEs keep, may sort the whole
    # table instead (40 against 1 ms at 100,000 rows)
    with _postgresql_plan(connections[scanned.db], True, "enable_seqscan", "enable_sort"):
        for part in parts:
            rows = scanned.filter(part).order_by("sort_key", "pk").values_list("pk", flat=True)
            found += rows[: need - len(found)]
            if len(found) >= need:
                break
    return found


def _take(matched, scanned, query: Query, conditions, need: int, dense=False) -> tuple:
    """(up to `need` ids of the rows meeting any of `conditions` (disjoint, in relevance order;
    each as (found through an index, walked)), how many rows meet them if fewer than `SMALL`
    else None). `dense`: known to be `SMALL` or more, no need to look."""
    if not dense:
        either = conditions[0][0]
        for condition, _walked in conditions[1:]:
            either |= condition
        few = list(matched.filter(either).order_by().values_list("pk", flat=True)[:SMALL])
        if len(few) < SMALL:  # all of them: sort them at once
            return _ordered(matched, few, query)[:need], len(few)
    found = []
    for condition, walked in conditions:
        if len(conditions) > 1:
            found += _take(matched, scanned, query, [(condition, walked)], need - len(found))[0]
        else:
            found += _walk(scanned, walked, query, need - len(found))
        if len(found) >= need:
            break
    return found, None


def page(matched, scanned, query: Query | None, start: int, size: int, total: int) -> list:
    """The ids of rows `start` to `start + size` of the results in the order `order` gives.

    `matched` are the results (through the word index, or by id: `found`), `scanned` the same
    with LIKEs (`match`), `total` how many there are up to `CAP` + 1 (`found`). Up to `CAP`
    results are sorted at once; more (one letter, a common family name) would mean sorting
    most of the table for one page, so the relevance tiers are taken in turn: the name equal
    to the query and starting with it come from the index on search_name, and a large tier
    is walked in Vietnamese order until the page is full."""
    if query is None:
        rows = matched.order_by("sort_key", "pk").values_list("pk", flat=True)
        return list(rows[start : start + size])
    if total <= CAP:
        return list(order(matched, query).values_list("pk", flat=True)[start : start + size])
    need, found, known = start + size, [], 0
    sqlite = connections[matched.db].vendor == "sqlite"
    tiers = zip(_tiers(query, sqlite), _tiers(query, False), strict=True)
    for number, (fetched, walked) in enumerate(tiers):
        group = list(zip(fetched, walked, strict=True))
        # a name equal to the query or starting with it holds every word: found through the
        # name's index alone, without the word index, which SQLite would rather read first
        source = (scanned, scanned, _in_name(matched, query), matched)[number]
        # the last group holds the rest: more than CAP - known rows
        dense = number == 3 and known is not None and total - known >= SMALL
        taken, count = _take(source, scanned, query, group, need - len(found), dense)
        found += taken
        known = None if known is None or count is None else known + count
        if len(found) >= need:
            break
    return found[start:need]


# --- SQLite: the FTS5 word index ----------------------------------------------------------

SEARCHABLE_TABLES = (
    "registry_expert",
    "registry_organization",
    "registry_enterprise",
    "registry_ipobject",
    "registry_infrastructure",
)
_TRIGGERS = {
    "ai": "AFTER INSERT ON {t} BEGIN"
    " INSERT INTO {t}_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "ad": "AFTER DELETE ON {t} BEGIN INSERT INTO {t}_fts({t}_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "au": "AFTER UPDATE OF id, search_text ON {t} BEGIN INSERT INTO {t}_fts({t}_fts, rowid,"
    " search_text) VALUES ('delete', old.id, old.search_text); INSERT INTO {t}_fts(rowid,"
    " search_text) VALUES (new.id, new.search_text); END",
}


def _word_index(alias: str, table: str) -> str | None:
    """ "fts" (SQLite's FTS5 table), "tsvector" (PostgreSQL's search_vector column) or None."""
    connection = connections[alias]
    if table not in SEARCHABLE_TABLES:
        return None
    if connection.vendor == "sqlite":
        return "fts" if _has_fts(alias, table) else None
    if connection.vendor != "postgresql":
        return None
    return "tsvector" if _has_column(connection, table, "search_vector") else None


def _has_column(connection, table: str, column: str) -> bool:
    """Whether PostgreSQL's `table` has `column` (the generated ones of migration 0003)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(%s)"
            " AND attname = %s AND NOT attisdropped",
            [table, column],
        )
        return cursor.fetchone() is not None


def _in_name(rows, query: Query):
    """`rows` narrowed to those with every word of `query` at the start of a word of the name,
    where PostgreSQL has the name's own word index (tiers 2 to 4 hold only such rows), else
    `rows`: the tiers' LIKEs on search_name decide alone."""
    table, connection = rows.model._meta.db_table, connections[rows.db]
    if connection.vendor != "postgresql" or not _has_column(
        connection, table, "search_name_vector"
    ):
        return rows
    terms = " & ".join(f"{word}:*" for word in query.words)
    where = f'"{table}"."search_name_vector" @@ to_tsquery(\'simple\', %s)'
    return rows.extra(where=[where], params=[terms])


def _has_fts(alias: str, table: str) -> bool:
    """Whether `table` has its FTS5 index and the triggers that keep it in step (SQLite)."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or table not in SEARCHABLE_TABLES:
        return False
    names = [f"{table}_fts", *(f"{table}_fts_{k}" for k in _TRIGGERS)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s)", names)
        return cursor.fetchone()[0] == len(names)


def ensure_fts(connection) -> None:
    """On SQLite, create each searchable table's index on search_name, and its FTS5 index and
    triggers where missing and fill the index afresh (idempotent: migration 0003, and after
    any migration, since SQLite's table rebuilds drop triggers and indexes). Nothing
    elsewhere, or where SQLite lacks FTS5 (search then scans with LIKE: same rows, slower)."""
    if connection.vendor != "sqlite":
        return
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in SEARCHABLE_TABLES:
            if table not in existing:
                continue
            # the folded name's index (`page`): dropped with the triggers by table rebuilds
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_search_name ON {table} (search_name)"
            )
            if _has_fts(connection.alias, table):
                continue
            try:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5(search_text,"
                    f" content='{table}', content_rowid='id', prefix='1 2 3')"
                )
            except Exception:  # no FTS5 in this SQLite build: LIKE it is
                return
            for key, body in _TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{key}")
                cursor.execute(f"CREATE TRIGGER {table}_fts_{key} {body.format(t=table)}")
            cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def on_post_migrate(sender=None, using="default", **kwargs) -> None:
    """post_migrate receiver: puts back the FTS5 triggers a later migration's table rebuild
    dropped (until then search scans with LIKE: same rows)."""
    ensure_fts(connections[using])
