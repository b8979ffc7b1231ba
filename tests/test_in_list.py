"""`in_list` (overleg/models/sql.py): one array parameter on PostgreSQL, an expanding IN on
SQLite, and the column's table kept in FROM like ``column.in_(…)`` does."""

from __future__ import annotations

import pytest
from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from overleg.models import AgendaItem, Topic
from overleg.models.sql import in_list


def _sql(stmt, dialect) -> str:
    return " ".join(str(stmt.compile(dialect=dialect)).split())


def test_postgresql_gets_one_array_parameter_sqlite_an_expanding_in():
    item = aliased(AgendaItem)
    stmt = select(item.id).where(in_list(item.id, "ids"))
    assert "agenda_item_1.id = ANY (%(ids)s::INTEGER[])" in _sql(stmt, postgresql.psycopg.dialect())
    assert "agenda_item_1.id IN (__[POSTCOMPILE_ids])" in _sql(stmt, sqlite.dialect())
    assert " = 1" not in _sql(stmt, sqlite.dialect())


def test_a_table_named_only_in_the_list_stays_in_from():
    # inside an EXISTS, a missing FROM would tie the subquery to the outer row without a word
    stmt = select(Topic.id).where(exists().where(in_list(AgendaItem.meeting_id, "ids")))
    for dialect in (postgresql.psycopg.dialect(), sqlite.dialect()):
        assert "FROM agenda_item WHERE agenda_item.meeting_id" in _sql(stmt, dialect)


def test_the_cache_key_tells_columns_and_keys_apart():
    def key(column, name):
        return select(AgendaItem.id).where(in_list(column, name))._generate_cache_key().key

    assert key(AgendaItem.id, "ids") == key(AgendaItem.id, "ids")
    assert key(AgendaItem.id, "ids") != key(AgendaItem.meeting_id, "ids")
    assert key(AgendaItem.id, "ids") != key(AgendaItem.id, "other")


def test_a_column_that_is_no_integer_is_refused_when_the_statement_is_built():
    # on PostgreSQL a String(n) column's array cast would cut longer values to n characters
    with pytest.raises(TypeError, match="integer id columns"):
        in_list(Topic.reference, "refs")
    assert in_list(Topic.id, "ids") is not None  # the control: an integer id is taken
