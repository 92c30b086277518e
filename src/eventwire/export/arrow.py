"""Typed Parquet: Arrow types derived from the data model, nested records as lists of structs.

A column's type comes from the record field it holds (claims are ``list<struct<...SourcedClaim fields...>>``,
places ``struct<...Place fields...>``), so an all-empty column is still typed and a field added to a
record appears in the files without a change here. Large stores are written as a dataset partitioned
by year-month and country (Hive style: ``year_month=2023-09/country=Azerbaijan/``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from eventwire.export.views import CLAIM_OBJECT_FIELDS
from eventwire.model import Decision, Evidence, FieldSupport, FigureSummary, Place, SourcedClaim

PARTITION_COLUMNS = ("year_month", "country")


def arrow_type(tp: Any) -> pa.DataType:
    """The Arrow type of a model field's type hint (records become structs, tuples lists)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return arrow_type(args[0]) if len(args) == 1 else pa.string()
    if origin is tuple:
        args = typing.get_args(tp)
        return pa.list_(arrow_type(args[0] if args else str))
    if dataclasses.is_dataclass(tp):
        return record_struct(tp)  # type: ignore[arg-type]
    if tp is dt.date:
        return pa.string()  # rows hold ISO dates; top-level date columns are typed by the caller
    return {str: pa.string(), bool: pa.bool_(), int: pa.int64(), float: pa.float64()}.get(tp, pa.string())


def record_struct(cls: type, extra: Mapping[str, pa.DataType] | None = None) -> pa.StructType:
    """A struct with one field per record field (plus ``extra`` fields first, e.g. ids)."""
    hints = typing.get_type_hints(cls)
    fields = [pa.field(n, t) for n, t in (extra or {}).items()]
    fields += [pa.field(f.name, arrow_type(hints[f.name])) for f in dataclasses.fields(cls)
               if f.name not in (extra or {})]
    return pa.struct(fields)


_SOURCE = pa.struct([
    pa.field("article_id", pa.string()), pa.field("outlet", pa.string()), pa.field("title", pa.string()),
    pa.field("url", pa.string()), pa.field("published", pa.string()),
    pa.field("mention_ids", pa.list_(pa.string())), pa.field("evidence", pa.list_(record_struct(Evidence))),
])

# Types of the nested and the typed columns of event records; other columns' types are read from the values.
EVENT_TYPES: dict[str, pa.DataType] = {
    "event_date": pa.date32(), "date_end": pa.date32(), "year": pa.int64(), "time_precision": pa.int64(),
    "inter1": pa.int64(), "inter2": pa.int64(), "interaction": pa.int64(), "latitude": pa.float64(),
    "longitude": pa.float64(), "geo_precision": pa.int64(), "fatalities": pa.int64(),
    "fatalities_low": pa.int64(), "fatalities_best": pa.int64(), "fatalities_high": pa.int64(),
    "fatalities_disputed": pa.bool_(), "disputed": pa.bool_(), "independent_sources": pa.int64(),
    "fatalities_split": pa.int64(), "field_support": pa.list_(record_struct(FieldSupport)),
    "reviewed": pa.bool_(), "article_ids": pa.list_(pa.string()), "mention_ids": pa.list_(pa.string()),
    "decision_ids": pa.list_(pa.string()),
    "figures": pa.list_(record_struct(FigureSummary)),
    "episode_figures": pa.list_(record_struct(FigureSummary)),
    "place": record_struct(Place),
    "claims": pa.list_(pa.struct([pa.field("id", pa.string())] + [
        pa.field(n, arrow_type(typing.get_type_hints(SourcedClaim)[n])) for n in CLAIM_OBJECT_FIELDS])),
    "sources": pa.list_(_SOURCE),
    "decisions": pa.list_(record_struct(Decision)),
}


def _value(value: Any, typ: pa.DataType) -> Any:
    if pa.types.is_date32(typ) and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def event_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pa.Table:
    """Event records as a typed Arrow table (known columns typed from the model, others inferred)."""
    arrays, fields = [], []
    for c in columns:
        typ = EVENT_TYPES.get(c)
        values = [r.get(c) for r in rows]
        if typ is None:
            arr = pa.array(values)
            typ = pa.string() if pa.types.is_null(arr.type) else arr.type
        arrays.append(pa.array([_value(v, typ) for v in values], type=typ))
        fields.append(pa.field(c, typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def write_partitioned(table: pa.Table, folder: Path) -> None:
    """A Parquet dataset partitioned by year-month of the event date and country (Hive style);
    events without a date or a country go to the ``__HIVE_DEFAULT_PARTITION__`` folders."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dates = table.column("event_date")
    year_month = pc.strftime(pc.cast(dates, pa.timestamp("s")), format="%Y-%m") if len(table) else \
        pa.array([], pa.string())
    country = table.column("country") if "country" in table.column_names else pa.nulls(len(table), pa.string())
    parted = table.append_column("year_month", year_month)
    if "country" in parted.column_names:
        parted = parted.drop_columns(["country"])
    parted = parted.append_column("country", country)
    folder.mkdir(parents=True, exist_ok=True)
    ds.write_dataset(parted, str(folder), format="parquet", basename_template="part-{i}.parquet",
                     partitioning=ds.partitioning(pa.schema([("year_month", pa.string()), ("country", pa.string())]),
                                                  flavor="hive"),
                     existing_data_behavior="delete_matching")


__all__ = ["EVENT_TYPES", "PARTITION_COLUMNS", "arrow_type", "event_table", "record_struct", "write_partitioned"]
