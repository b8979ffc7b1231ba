"""Full-text search over topics, decisions and minutes, in the database.

What a person finds is decided by the read policy, in SQL, before ranking and paging (no
filter in Python after a limit): a topic's title and description only where the person reads
the topic in full (``policy.topic_full_clause``), a decision's text where they read it
(``policy.decision_text_clause``, of minutes that reach them), an agenda item's notes where
the minutes show them (``policy.notes_readable_clause``). A topic's reference and a decision's
code are found by whoever sees them at all (typed as ``TVO-2019-014``). Snippets are made only
for rows found through their text, so they come only from text the person reads.

The search syntax (README, "Zoeken"), the same on both databases:

- words: every word must occur (``overlast jeugd``); a word also finds longer words that
  begin with it (``jeugd`` finds ``jeugdgroep``);
- ``"a phrase"``: these words in this order (no prefix);
- ``-word``: without this word;
- ``OF`` (or ``OR``) between terms: either.

The engines (``overleg/models/search.py``):

- SQLite FTS5, tokenizer ``unicode61 remove_diacritics 2``: case and accents folded
  (``categorieen`` finds ``categorieën``), no stemming; ranked by the matched words in the
  row itself (``highlight``; a topic's title weighs more than its description), not by
  ``bm25``, whose weights come from every row of the index, unreadable ones too;
- PostgreSQL, text search configuration ``dutch``: Dutch stemming (``woningen`` finds
  ``woning``) and stop words (``de``, ``het`` … are not searched), accents not folded;
  ranked by ``ts_rank``. The query is built from the parsed terms with ``to_tsquery`` (each
  word quoted, with ``:*`` for the prefix), not ``websearch_to_tsquery``, so that both
  databases parse the same syntax and match prefixes alike; no user text reaches either
  query parser unquoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import ColumnElement, column, table

from ..extensions import db
from ..models import AgendaItem, Decision, Meeting, Topic
from ..models.search import DUTCH, pg_vector
from ..models.sql import columns, in_list
from . import dialect, kept, policy

MAX_LENGTH = 200
MAX_TERMS = 12
PAGE_SIZE = 20
MAX_PAGE = 50
START, STOP = "\x02", "\x03"  # snippet markers: control characters never stored in text
REFERENCE_RANK = -1.0e12  # a reference typed in full comes first
_REF = bindparam("search_ref", type_=String)  # a reference's beginning, with "%"

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_REFERENCE = re.compile(r"^[A-Za-z]{2,12}-\d{4}(?:-\d{1,4})?$")
_OPERATORS = {"of", "or"}


class SearchError(ValueError):
    """A search the person must change: the message is Dutch."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    phrase: bool = False  # quoted: exact, no prefix
    negated: bool = False


@dataclass(frozen=True)
class Query:
    raw: str
    groups: tuple[tuple[Term, ...], ...]  # OR of AND-groups

    @property
    def reference(self) -> str | None:
        """The input as a reference or decision code to look up (``TVO-2019-014``, or its
        beginning ``TVO-2019``), or None."""
        raw = self.raw.strip()
        return raw.upper() if _REFERENCE.match(raw) else None


def parse(raw: str | None) -> Query:
    """The search as typed, parsed; SearchError (Dutch) when there is nothing to search."""
    raw = (raw or "").strip()
    if len(raw) > MAX_LENGTH:
        raise SearchError(f"Gebruik hoogstens {MAX_LENGTH} tekens om te zoeken.")
    groups: list[list[Term]] = [[]]
    count = 0
    for m in _TOKEN.finditer(raw):
        neg, quoted, bare = m.group(1), m.group(2), m.group(3)
        if bare is not None:
            if bare.lower() in _OPERATORS:
                if groups[-1]:
                    groups.append([])
                continue
            neg = "-" if bare.startswith("-") else ""
            words = tuple(w.lower() for w in _WORD.findall(bare))
            phrase = False
        else:
            words = tuple(w.lower() for w in _WORD.findall(quoted))
            phrase = True
        if not words:
            continue
        count += 1
        groups[-1].append(Term(words, phrase=phrase, negated=bool(neg)))
    if count > MAX_TERMS:
        raise SearchError(f"Gebruik hoogstens {MAX_TERMS} zoektermen.")
    kept = tuple(tuple(g) for g in groups if any(not t.negated for t in g))
    if not kept:
        if count:
            raise SearchError("Zoek op ten minste één woord zonder minteken ervoor.")
        raise SearchError("Typ een of meer woorden om op te zoeken.")
    return Query(raw=raw, groups=kept)


# --- the engines' query strings ------------------------------------------------------------


def fts5_match(query: Query) -> str:
    """The FTS5 MATCH expression: every word quoted (FTS5's own syntax never sees user
    text), a bare term as a prefix."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + ("" if t.phrase else "*")

    groups = []
    for g in query.groups:
        expr = "(" + " AND ".join(term(t) for t in g if not t.negated) + ")"
        for t in g:
            if t.negated:
                expr = f"({expr} NOT {term(t)})"
        groups.append(expr)
    return " OR ".join(groups)


def pg_tsquery(query: Query) -> str:
    """The text for ``to_tsquery('dutch', …)``: words quoted as lexemes (stemmed by the
    configuration), ``<->`` within a term, ``:*`` for the prefix of a bare term."""

    def term(t: Term) -> str:
        words = [f"'{w}'" for w in t.words]
        if not t.phrase:
            words[-1] += ":*"
        inner = " <-> ".join(words)
        return f"!({inner})" if t.negated else f"({inner})"

    return " | ".join("(" + " & ".join(term(t) for t in g) + ")" for g in query.groups)


@dataclass(frozen=True)
class _Engine:
    """One search index, as SQL expressions for the current database."""

    name: str  # the index (overleg/models/search.py)
    query: Query | None  # None: a kept statement, the search given as ``search_text``
    weights: tuple[float, ...] = ()

    @property
    def sqlite(self) -> bool:
        return dialect.name() == "sqlite"

    def _fts(self):
        return table(self.name, column("rowid"))

    def _text(self):
        """The search as the engine's query string: a bound value, or (no `query`) the
        parameter ``search_text`` given when a kept statement runs (`_search_text`)."""
        if self.query is None:
            return bindparam("search_text", type_=String)
        value = _search_text(self.query)
        return bindparam("search_text", value, type_=String)

    def _tsquery(self):
        return func.to_tsquery(literal_column(f"'{DUTCH}'::regconfig"), self._text())

    def arm(self, id_col, *where):
        """select(id, rank, 1) of the rows whose text matches, with `where` applied; lower
        rank first."""
        if self.sqlite:
            fts = self._fts()
            rank = self._sqlite_rank()
            return (
                select(id_col.label("id"), rank.label("rank"), literal(1).label("via_text"))
                .join(fts, fts.c.rowid == id_col)
                .where(literal_column(self.name).op("MATCH")(self._text()), *where)
            )
        vector = pg_vector(self.name)
        tsq = self._tsquery()
        return select(
            id_col.label("id"),
            (-func.ts_rank(vector, tsq)).label("rank"),
            literal(1).label("via_text"),
        ).where(vector.op("@@")(tsq), *where)

    def _sqlite_rank(self):
        """Minus the weighted number of matched words in the row's own columns: each match
        adds a START and a STOP to ``highlight``'s text, so their number is how much longer
        that is than the column (one ``highlight`` per column). Not ``bm25``: that weighs a
        word by how many rows of the whole index hold it, rows the reader may not read
        included, so the order of the hits would tell what those hold. PostgreSQL's
        ``ts_rank`` looks at the row alone as well."""
        from ..models.search import INDEXES

        columns = INDEXES[self.name][1]
        weights = self.weights or (1.0,) * len(columns)
        marker = len(START) + len(STOP)
        terms = []
        for i, (name, weight) in enumerate(zip(columns, weights, strict=True)):
            marked = func.highlight(literal_column(self.name), i, START, STOP)
            added = func.length(marked) - func.length(literal_column(f"{self.name}.{name}"))
            terms.append(func.coalesce(added, 0) / marker * weight)
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return -total

    def matches(self, id_col):
        """Condition: the row's text matches (no policy)."""
        if self.sqlite:
            fts = self._fts()
            return id_col.in_(
                select(fts.c.rowid).where(literal_column(self.name).op("MATCH")(self._text()))
            )
        # The ids whose text matches, from the GIN index (a table of its own in the
        # subquery): PostgreSQL then looks a row up in them, instead of testing each row.
        from ..models.search import INDEXES

        tbl, _ = INDEXES[self.name]
        found = table(tbl, column("id")).alias(f"{self.name}_match")
        vector: ColumnElement = pg_vector(self.name, found.name)
        return id_col.in_(select(found.c.id).where(vector.op("@@")(self._tsquery())))

    def snippets(self, id_col, ids: list[int]) -> dict[int, list[tuple[str, bool]]]:
        """For these rows (found through their text, so readable): a short passage around
        what matched, as (text, matched) parts. One query, of a statement made once per
        index and database, the search and the ids as parameters."""
        if not ids or self.query is None:
            return {}
        stmt = _snippet_stmt(self.name, id_col, self.sqlite)
        params = {"search_text": _search_text(self.query), "snippet_ids": ids}
        return {row_id: _parts(text or "") for row_id, text in columns(stmt, params)}


@lru_cache(maxsize=8)
def _snippet_stmt(name: str, id_col, sqlite: bool):
    """`_Engine.snippets`' statement for the index `name` (rows by `id_col`), the search as
    ``search_text`` and the rows as ``snippet_ids``: made once (a statement keeps its cache
    key)."""
    text = bindparam("search_text", type_=String)
    if sqlite:
        fts = table(name, column("rowid", Integer))
        snip = func.snippet(literal_column(name), -1, START, STOP, "…", 24)
        return select(fts.c.rowid, snip).where(
            literal_column(name).op("MATCH")(text), in_list(fts.c.rowid, "snippet_ids")
        )
    from ..models.search import INDEXES, pg_document

    tbl, cols = INDEXES[name]
    tsq = func.to_tsquery(literal_column(f"'{DUTCH}'::regconfig"), text)
    snip = func.ts_headline(
        literal_column(f"'{DUTCH}'::regconfig"),
        literal_column(pg_document(cols, f"{tbl}.")),
        tsq,
        f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, '
        'MaxFragments=2, FragmentDelimiter=" … "',
    )
    return select(id_col, snip).where(in_list(id_col, "snippet_ids"))


def _parts(text: str) -> list[tuple[str, bool]]:
    """A marked snippet as (text, matched) parts; no marker survives."""
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{START}{STOP}]", text)):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts


# --- results -------------------------------------------------------------------------------


@dataclass
class Hit:
    obj: object  # Topic, Decision or AgendaItem
    full: bool  # the person reads it in full (its title, its text)
    # the passage that matched, (text, matched) parts: only for what was found through its
    # text (which the person reads); empty for a hit by reference
    snippet: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Results:
    kind: str  # onderwerpen, besluiten, verslagen
    hits: list[Hit]
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def page_number(raw: str | None) -> int:
    """The result page asked for, or SearchError (Dutch)."""
    raw = (raw or "1").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 3 and 1 <= int(raw) <= MAX_PAGE:
        return int(raw)
    raise SearchError(f"Kies een resultatenpagina van 1 tot en met {MAX_PAGE}.")


def _ranked_stmt(arms):
    """select(id, found through text) of one page of the union of these arms, best first and
    of equally good ones the newest first (the highest id); the policy is in every arm, so the limit comes after it. The page as parameters
    (``search_limit``, ``search_offset``)."""
    union = union_all(*arms).subquery()
    return (
        select(union.c.id, union.c.via_text)
        .order_by(union.c.rank, union.c.id.desc())
        .limit(bindparam("search_limit", type_=Integer))
        .offset(bindparam("search_offset", type_=Integer))
    )


def _kept(kind: str, person, by_reference: bool, build):
    """The ranked statement of this kind for the reader (`kept.statement`), per database:
    built with the search as parameters."""
    return kept.statement(("search", kind, by_reference, dialect.name()), person, build)


def _ranked(stmt, query: Query, page: int, size: int) -> list[tuple[int, bool]]:
    """Run a kept ranked statement for this search and page."""
    ref = query.reference
    params = {
        "search_text": _search_text(query),
        "search_ref": (ref or "") + "%",
        "search_limit": size + 1,
        "search_offset": (page - 1) * size,
    }
    rows = columns(stmt, params).all()
    return [(row_id, bool(via)) for row_id, via in rows]


def _results(kind, engine, id_col, objects, ranked, size, page, readable) -> Results:
    """The page's objects (`objects`: their kept statement, the ids as ``search_ids``; one
    query), whether the person reads each in full (`readable`: found through the text, or
    asked of the policy for a reference hit) and the snippets of those found through their
    text."""
    has_next = len(ranked) > size
    ranked = ranked[:size]
    if not ranked:
        return Results(kind, [], page, has_next)
    ids = [i for i, _ in ranked]
    objs = {o.id: o for o in db.session.scalars(objects, {"search_ids": ids})}
    via_text = [i for i, via in ranked if via]
    by_reference = [objs[i] for i, via in ranked if not via and i in objs]
    full = set(via_text) | (readable(by_reference) if by_reference else set())
    snippets = engine.snippets(id_col, via_text)
    hits = [Hit(objs[i], i in full, snippets.get(i, [])) for i, _ in ranked if i in objs]
    return Results(kind, hits, page, has_next)


def topics(person, query: Query, *, page: int = 1, size: int = PAGE_SIZE) -> Results:
    """Topics the person finds: by title and description where they read the topic in full;
    by reference (typed in full or its beginning) wherever they see it."""
    engine = _Engine("search_topic", query, (4.0, 1.0))

    def build():
        kept = _Engine("search_topic", None, (4.0, 1.0))
        seen = policy.topic_visibility_clause(person)
        full = policy.topic_full_clause(person)
        arms = [kept.arm(Topic.id, policy.topic_found_in_full_clause(person))]
        if ref:
            arms.append(
                select(Topic.id, literal(REFERENCE_RANK), literal(0)).where(
                    Topic.reference.like(_REF),
                    seen,
                    not_(and_(kept.matches(Topic.id), full)),
                )
            )
        return _ranked_stmt(arms)

    ref = query.reference
    ranked = _ranked(_kept("onderwerpen", person, bool(ref), build), query, page, size)
    return _results(
        "onderwerpen",
        engine,
        Topic.id,
        _topic_objects(),
        ranked,
        size,
        page,
        lambda found: policy.entitled_topic_ids(person, [t.id for t in found]),
    )


def topic_list_clause(person, query: Query | None = None):
    """WHERE clause on Topic for the topic list's search (its own order and filters): the
    reference contains what was typed, or the title and description match where the person
    reads the topic in full. Visibility is the list's own clause. Without a `query`: for a
    kept statement, what was typed and the search given as `topic_list_params` when it
    runs."""
    like = bindparam("list_like", type_=String) if query is None else _contains(query)
    engine = _Engine("search_topic", query)
    return or_(
        Topic.reference.ilike(like, escape="\\"),
        and_(engine.matches(Topic.id), policy.topic_full_clause(person, per_row=True)),
    )


def topic_list_params(query: Query) -> dict[str, str]:
    """The parameters of a kept `topic_list_clause` for this search."""
    return {
        "list_like": _contains(query),
        "search_text": _search_text(query),
    }


def _search_text(query: Query) -> str:
    """The search as the ``search_text`` parameter of a kept statement, per database."""
    return fts5_match(query) if dialect.name() == "sqlite" else pg_tsquery(query)


def _contains(query: Query) -> str:
    """A LIKE pattern (escape character backslash): contains what was typed, literally."""
    return "%" + query.raw.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def decisions(person, query: Query, *, page: int = 1, size: int = PAGE_SIZE) -> Results:
    """Decisions of meetings the person sees, of minutes that reach them: by text where they
    read it, by code wherever they see the decision (as the register shows them)."""
    engine = _Engine("search_decision", query)

    def build():
        kept = _Engine("search_decision", None)
        seen = and_(
            policy.meeting_visibility_clause(person),
            policy.released_minutes_clause(person, Decision.meeting_id),
        )
        text_ok = policy.decision_text_clause(person)
        arms = [
            kept.arm(Decision.id, seen, text_ok).join(Meeting, Meeting.id == Decision.meeting_id)
        ]
        if ref:
            arms.append(
                select(Decision.id, literal(REFERENCE_RANK), literal(0))
                .join(Meeting, Meeting.id == Decision.meeting_id)
                .where(
                    Decision.code.like(_REF),
                    seen,
                    not_(and_(kept.matches(Decision.id), text_ok)),
                )
            )
        return _ranked_stmt(arms)

    ref = query.reference
    ranked = _ranked(_kept("besluiten", person, bool(ref), build), query, page, size)
    return _results(
        "besluiten",
        engine,
        Decision.id,
        _decision_objects(),
        ranked,
        size,
        page,
        lambda found: policy.decision_visible_ids(person, found),
    )


def minutes(person, query: Query, *, page: int = 1, size: int = PAGE_SIZE) -> Results:
    """Agenda items whose notes in the minutes match, where the person reads those notes."""
    engine = _Engine("search_notes", query)

    def build():
        arm = (
            _Engine("search_notes", None)
            .arm(AgendaItem.id, policy.notes_readable_clause(person))
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        )
        return _ranked_stmt([arm])

    ranked = _ranked(_kept("verslagen", person, False, build), query, page, size)
    return _results("verslagen", engine, AgendaItem.id, _notes_objects(), ranked, size, page, set)


# The hits' objects of each kind with what the results show of them (many-to-one, joined),
# the ids as ``search_ids``: each statement made once (a statement keeps its cache key).


@lru_cache(maxsize=1)
def _topic_objects():
    return (
        select(Topic)
        .where(in_list(Topic.id, "search_ids"))
        .options(joinedload(Topic.meeting_type), joinedload(Topic.theme))
    )


@lru_cache(maxsize=1)
def _decision_objects():
    return (
        select(Decision)
        .where(in_list(Decision.id, "search_ids"))
        .options(
            joinedload(Decision.meeting).joinedload(Meeting.meeting_type),
            joinedload(Decision.topic),
        )
    )


@lru_cache(maxsize=1)
def _notes_objects():
    return (
        select(AgendaItem)
        .where(in_list(AgendaItem.id, "search_ids"))
        .options(
            joinedload(AgendaItem.meeting).joinedload(Meeting.meeting_type),
            joinedload(AgendaItem.topic),
        )
    )


KINDS = {"onderwerpen": topics, "besluiten": decisions, "verslagen": minutes}
KIND_LABELS = {"onderwerpen": "Onderwerpen", "besluiten": "Besluiten", "verslagen": "Verslagen"}


def casus_shown(results: list[Results]) -> list[str]:
    """References of the casus whose text these results show (for ``casus_viewed``)."""
    refs: list[str] = []
    for r in results:
        for hit in r.hits:
            if not hit.full:
                continue
            topic = getattr(hit.obj, "topic", None) if not isinstance(hit.obj, Topic) else hit.obj
            if topic is not None and topic.is_casus and topic.reference not in refs:
                refs.append(topic.reference)
    return refs


__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Hit",
    "Query",
    "Results",
    "SearchError",
    "casus_shown",
    "decisions",
    "fts5_match",
    "minutes",
    "page_number",
    "parse",
    "pg_tsquery",
    "topic_list_clause",
    "topic_list_params",
    "topics",
]
