"""Reads a Parquet file back for ExpctlParquetTests and prints, as JSON, what pyarrow and pandas see.

usage: read_parquet.py FILE [FILTERS]

FILTERS is a JSON list of [column, kind, value] (kind: string, int, double, bool, timestamp): each is
read with read_table(filters=[(column, '=', value)]) and printed under "filtered".

Values are printed so that Swift can compare them exactly: text as the hex of its UTF-8 bytes,
integers and timestamps (cast to int64 microseconds) as decimal strings, doubles as the decimal
of their 64 bits, booleans as "true" or "false", nulls as null.
"""
import json
import struct
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def encode_value(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(struct.unpack("<Q", struct.pack("<d", value))[0])
    if isinstance(value, str):
        return value.encode("utf-8").hex()
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"unexpected value {value!r}")


def encode_column(column):
    if isinstance(column.type, pa.BaseExtensionType):
        column = pa.chunked_array([chunk.storage for chunk in column.chunks], type=column.type.storage_type)
    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    return [encode_value(value) for value in column.to_pylist()]


def encode_table(table):
    return {name: encode_column(table.column(name)) for name in table.column_names}


def filter_value(kind, value):
    if kind == "string":
        return value
    if kind == "int":
        return int(value)
    if kind == "double":
        return struct.unpack("<d", struct.pack("<Q", int(value)))[0]
    if kind == "bool":
        return value == "true"
    if kind == "timestamp":
        return pa.scalar(int(value), type=pa.timestamp("us", tz="UTC"))
    raise ValueError(f"unknown filter kind {kind}")


def statistics(chunk):
    stats = chunk.statistics
    if stats is None:
        return {"null_count": None, "has_min_max": False, "min": None, "max": None}
    has_min_max = stats.has_min_max
    return {
        "null_count": stats.null_count if stats.has_null_count else None,
        "has_min_max": has_min_max,
        "min": encode_value(stats.min_raw) if has_min_max else None,
        "max": encode_value(stats.max_raw) if has_min_max else None,
    }


def main():
    path = sys.argv[1]
    filters = json.loads(sys.argv[2]) if len(sys.argv) > 2 else []
    parquet_file = pq.ParquetFile(path)
    metadata = parquet_file.metadata
    table = pq.read_table(path, page_checksum_verification=True)
    table.validate(full=True)
    schema = parquet_file.schema
    frame = pd.read_parquet(path, dtype_backend="pyarrow")
    result = {
        "num_rows": metadata.num_rows,
        "created_by": metadata.created_by,
        "metadata": {key.decode(): value.decode() for key, value in (table.schema.metadata or {}).items()},
        "arrow_types": {field.name: str(field.type) for field in table.schema},
        "nullable": {field.name: field.nullable for field in table.schema},
        "logical_types": {schema.column(i).name: str(schema.column(i).logical_type) for i in range(len(schema))},
        "columns": encode_table(table),
        "row_groups": [
            {
                "num_rows": metadata.row_group(i).num_rows,
                "columns": [statistics(metadata.row_group(i).column(j)) for j in range(metadata.num_columns)],
            }
            for i in range(metadata.num_row_groups)
        ],
        "pandas_rows": len(frame),
        "pandas_dtypes": {name: str(frame[name].dtype) for name in frame.columns},
        "pandas": encode_table(pa.Table.from_pandas(frame, preserve_index=False)),
        "filtered": [
            encode_table(pq.read_table(path, filters=[(column, "=", filter_value(kind, value))]))
            for column, kind, value in filters
        ],
    }
    json.dump(result, sys.stdout)


main()
