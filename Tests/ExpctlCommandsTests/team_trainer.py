"""A team's training program for the command-runner tests: logs into the run expctl created
(MLFLOW_RUN_ID) with MLflow's own client. argv: MODE OUTPUT_DIR, where MODE is
  complete   logs every param, metric, tag and artifact the logging rules ask for
  no-val     forgets val_loss
  fail       logs everything, then exits 3
  hang       sleeps far past any timeout
  slow       waits 8 s, then logs as complete does
It prints the files of its working directory first (a job's code package).
"""
import os
import sys
import time

import mlflow

mode, output = sys.argv[1], sys.argv[2]
print("working directory:", " ".join(sorted(
    os.path.relpath(os.path.join(folder, name)) for folder, _, names in os.walk(".") for name in names)), flush=True)
if mode == "slow":
    print("training slowly", flush=True)
    time.sleep(8)
if mode == "hang":
    print("training forever", flush=True)
    time.sleep(600)
with mlflow.start_run():
    mlflow.log_params({
        "learning_rate": 0.001, "batch_size": 8, "epochs": 2, "dataset_version": os.environ["EXPCTL_DATASET_DIR"],
        "model_base": "tiny", "fine_tuning_method": "lora",
    })
    for epoch in range(2):
        mlflow.log_metric("train_loss", 1.0 / (epoch + 1), step=epoch)
        if mode != "no-val":
            mlflow.log_metric("val_loss", 1.5 / (epoch + 1), step=epoch)
    for folder, name in (("model", "weights.bin"), ("tokenizer", "vocab.txt"), ("config", "train.json")):
        os.makedirs(os.path.join(output, folder), exist_ok=True)
        with open(os.path.join(output, folder, name), "w") as f:
            f.write(f"{folder} of a team model\n")
    mlflow.log_artifacts(output)
    print("trained", flush=True)
if mode == "fail":
    print("CUDA out of memory", file=sys.stderr, flush=True)
    sys.exit(3)
