"""Reads a dataset folder's training.parquet with pyarrow (page checksums verified, the table
validated in full) and with pandas, and checks that every row equals the same line of data.jsonl.
Prints one JSON line: {"rows": N, "columns": [...], "types": {...}} or exits 1 with the mismatch."""
import json
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

folder = sys.argv[1]
table = pq.read_table(f"{folder}/training.parquet", page_checksum_verification=True)
table.validate(full=True)
with open(f"{folder}/data.jsonl", encoding="utf-8") as f:
    lines = [json.loads(line) for line in f]
if table.num_rows != len(lines):
    sys.exit(f"parquet has {table.num_rows} rows, data.jsonl {len(lines)}")
columns = table.to_pylist()
for index, (row, line) in enumerate(zip(columns, lines)):
    for key in ("row_id", "split"):
        if row[key] != line[key]:
            sys.exit(f"row {index}: {key} {row[key]!r} != {line[key]!r}")
    for key in ("input", "target", "metadata"):
        if json.loads(row[key]) != line[key]:
            sys.exit(f"row {index}: {key} differs")
    if row["household_id"] != line["input"]["household"]["id"]:
        sys.exit(f"row {index}: household_id differs")
    if row["workflow_type"] != line["input"]["workflow_type"] or row["mode"] != line["input"]["mode"]:
        sys.exit(f"row {index}: workflow_type or mode differs")
    stamp = row["occurred_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if stamp != line["metadata"]["timestamp"]:
        sys.exit(f"row {index}: occurred_at {stamp} != {line['metadata']['timestamp']}")
frame = pd.read_parquet(f"{folder}/training.parquet", dtype_backend="pyarrow")
if list(frame["row_id"]) != [line["row_id"] for line in lines]:
    sys.exit("pandas reads other row ids")
types = {field.name: str(field.type) for field in table.schema}
print(json.dumps({"rows": table.num_rows, "columns": table.column_names, "types": types}))
