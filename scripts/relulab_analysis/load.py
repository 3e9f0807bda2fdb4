"""Load relulab result folders (several folders, or Slurm shards, combine)."""
from pathlib import Path

import pandas as pd

TABLES = ("trials", "epochs", "layers", "steps")  # steps.csv: newer results only


def _csvs(folder: Path, table: str):
    """The folder's merged CSV, else its gzipped copy (how the committed reference results keep
    their multi-MB steps.csv: pandas reads either), else its shards' CSVs."""
    for merged in (folder / f"{table}.csv", folder / f"{table}.csv.gz"):
        if merged.exists():
            return [merged]
    return sorted(folder.glob(f"shards/*/{table}.csv"))


def load_results(folders):
    """{"trials": df, "epochs": df, "layers": df, "steps": df} over all folders
    (steps empty for results written before steps.csv existed).

    A trial present in several folders (a requeued shard, a repeated run) is
    kept once: trial ids are hashes of the configuration.
    """
    out = {}
    for table in TABLES:
        frames = []
        for folder in map(Path, folders):
            paths = _csvs(folder, table)
            if not paths and table == "trials":
                raise SystemExit(f"compare: {folder} has no trials.csv (is it a relulab results folder?)")
            frames += [pd.read_csv(p) for p in paths]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        keys = {"trials": ["trial_id"], "epochs": ["trial_id", "epoch"],
                "layers": ["trial_id", "epoch", "layer"], "steps": ["trial_id", "step"]}[table]
        if not df.empty:
            df = df.drop_duplicates(subset=keys, keep="last").reset_index(drop=True)
        out[table] = df
    return out
