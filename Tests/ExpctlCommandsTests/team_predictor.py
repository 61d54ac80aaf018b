"""A team's evaluation.command for the tests: reads the rows file and writes one predicted plan
per row, the row's previous plan when it has one, else its accepted plan with the first meal
left out (so that the scores are neither all 0 nor all 1). argv: ROWS_FILE PREDICTIONS_FILE MODEL_DIR"""
import json
import os
import sys

rows_file, predictions_file, model_dir = sys.argv[1:4]
assert os.path.exists(os.path.join(model_dir, "weights.bin")), "the model's artifacts are in MODEL_DIR"
with open(rows_file) as rows, open(predictions_file, "w") as out:
    for line in rows:
        row = json.loads(line)
        previous = row["input"].get("previous_plan")
        plan = previous if previous else {"meals": row["target"]["accepted_plan"]["meals"][1:]}
        out.write(json.dumps({"row_id": row["row_id"], "plan": plan}) + "\n")
