"""Typed rows in and out of the store's tables: records of the data model written as rows (one at a time or one
statement for many, through Arrow) and read back into records. The base of ``Store``, which owns the connection."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

import duckdb

from eventwire.model import from_dict, to_dict
from eventwire.store import rows
from eventwire.store.schema import TABLES, columns

T = TypeVar("T")


def _arrow(values: Sequence[Any], sql_type: str) -> Any:
    """A column's values as Arrow sends them to DuckDB: in the column's own type (JSON as its text, as a
    single-row write binds it), else (a value of another Python type, such as a float in an integer field) as
    Arrow reads them, which the insert casts as it casts a bound value."""
    import pyarrow as pa  # here, not at import: processes that only read or extract never load it

    types = {"VARCHAR": pa.string(), "JSON": pa.string(), "BOOLEAN": pa.bool_(), "BIGINT": pa.int64(),
             "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "DATE": pa.date32(), "BLOB": pa.binary(),
             "TIMESTAMP": pa.timestamp("us")}
    try:
        return pa.array(values, type=types[sql_type])
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return pa.array(values)


def _db_value(sql_type: str, value: Any) -> Any:
    if sql_type == "JSON":
        return None if value is None else json.dumps(to_dict(value), ensure_ascii=False, sort_keys=True)
    return value


def _record_value(sql_type: str, value: Any) -> Any:
    if sql_type == "JSON" and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def keyed(column: str, ids: Iterable[str]) -> tuple[str, list[Any]]:
    """A WHERE clause picking rows by their primary key: a list of values that the key's index answers (its cost
    follows the rows asked for, not the table's size), or a join with the list when it is long."""
    id_list = list(ids)
    if not id_list:
        return "WHERE false", []
    if len(id_list) <= rows.INDEX_LIST:
        return f'WHERE "{column}" IN ({rows.marks(len(id_list))})', id_list
    return f'WHERE "{column}" IN (SELECT unnest(?))', [id_list]


class Tables:
    """Rows of the store's tables as records; ``con`` is the subclass's connection."""

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        raise NotImplementedError

    def _insert(self, table: str, record: Any, extra: dict[str, Any] | None = None,
                *, replace: bool = False) -> None:
        cols = columns(TABLES[table])
        values = []
        for name, sql_type in cols:
            if extra and name in extra:
                values.append(_db_value(sql_type, extra[name]))
            else:
                values.append(_db_value(sql_type, getattr(record, name, None)))
        names = ", ".join(f'"{c}"' for c, _ in cols)
        marks = ", ".join("?" for _ in cols)
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self.con.execute(f'{verb} INTO "{table}" ({names}) VALUES ({marks})', values)

    def _insert_many(self, table: str, records: Sequence[Any], extras: Sequence[dict[str, Any]] | None = None,
                     *, replace: bool = False) -> None:
        """``_insert`` of many records of one table in one statement (in the caller's transaction): the rows go
        in as one Arrow table, so the cost is one statement's, not one per row. Rows with the same key end as
        row-by-row writes would leave them: the last one with ``replace``, else the first (or the stored one)."""
        if not records:
            return
        cols = columns(TABLES[table])
        key = TABLES[table].key
        values: dict[tuple[Any, ...], list[Any]] = {}
        for i, record in enumerate(records):
            extra = extras[i] if extras else None
            row = [_db_value(sql_type, extra[name] if extra and name in extra else getattr(record, name, None))
                   for name, sql_type in cols]
            k = tuple(row[j] for j, (name, _) in enumerate(cols) if name in key)
            if replace:
                values.pop(k, None)  # the last write of a key wins, in its own place
            values.setdefault(k, row)
        data = list(zip(*values.values(), strict=True))
        import pyarrow as pa

        batch = pa.table({name: _arrow(data[j], sql_type) for j, (name, sql_type) in enumerate(cols)})
        names = ", ".join(f'"{c}"' for c, _ in cols)
        view = f"_rows_{table}"
        self.con.register(view, batch)
        try:
            verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
            self.con.execute(f'{verb} INTO "{table}" ({names}) SELECT {names} FROM "{view}"')
        finally:
            self.con.unregister(view)

    def _delete(self, table: str, column: str, ids: Iterable[str]) -> None:
        """Delete the rows whose ``column`` is one of ``ids``, in one statement."""
        id_list = list(ids)
        if id_list:
            self.con.execute(f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT unnest(?))', [id_list])

    def _records(self, table: str, cls: type[T], where: str = "", params: Sequence[Any] = (),
                 order: str = "", skip: Sequence[str] = ()) -> Iterator[T]:
        cols = tuple(c for c in columns(TABLES[table]) if c[0] not in skip)  # skipped fields keep their defaults
        names = ", ".join(f'"{c}"' for c, _ in cols)
        sql = f'SELECT {names} FROM "{table}" {where} {order}'
        field_names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for row in self.con.execute(sql, list(params)).fetchall():
            data = {c: _record_value(t, v) for (c, t), v in zip(cols, row, strict=True) if c in field_names}
            yield from_dict(cls, data)

    def count(self, table: str) -> int:
        """Row count of one table."""
        return int(self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
