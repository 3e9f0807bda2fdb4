"""Comparing relulab result folders in tests: everything but the timings."""
from pathlib import Path

import pandas as pd

# Columns that measure time or name the build: they differ between equal runs.
TIMING = ["wall_seconds", "seconds_per_epoch", "samples_per_second", "seconds",
          "online_stats_seconds", "git_commit"]


def results(out):
    """trials, epochs and layers of a results folder, timing columns dropped."""
    frames = {}
    for name in ["trials", "epochs", "layers"]:
        df = pd.read_csv(Path(out) / f"{name}.csv")
        frames[name] = df.drop(columns=[c for c in TIMING if c in df.columns])
    return frames


def assert_same_results(a, b):
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
