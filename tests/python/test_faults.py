"""Faults while a sweep writes its results: nothing finished is lost, nothing
is counted twice, no torn file is left, and the error names the file.

A shim (tests/fault/fail_io.c, LD_PRELOAD) fails the Nth write, fsync, close
or rename of every process with ENOSPC, as a full disk or an exceeded quota
does (on NFS and Lustre often only at fsync or close). After each faulty run,
every record on disk must be complete and readable; a clean rerun with
--retry-failed must then give exactly the results of a run that never failed.
"""
import os
import subprocess

import pandas as pd
import pytest

from result_frames import assert_same_results, results

BIN = os.environ.get("RELULAB_BIN", "build/relulab")
SHIM = os.environ.get("RELULAB_FAIL_IO")

SWEEP = """name: faults
seeds: [0, 1]
base:
  data: {dataset: teacher, classes: 3, input_dim: 4, samples: 200, test_samples: 50, probe_size: 50}
  model: {hidden: [8]}
  train: {epochs: 2, batch_size: 32, lr: 0.05}
parameters:
  activation: {values: [relu, tanh]}
"""


def sweep(path, out, env=None, *extra):
    return subprocess.run([BIN, "sweep", str(path), "--jobs", "1", "--out", str(out), *extra],
                          capture_output=True, text=True, env=env)


def assert_every_record_is_whole(out):
    trials = out / "trials"
    if not trials.exists():
        return
    for record in trials.iterdir():
        if record.name.startswith("."):
            continue  # a temporary of the failed process: never read as a result
        for name in ("trial.csv", "epochs.csv", "layers.csv"):
            table = pd.read_csv(record / name)  # raises on a torn file
            assert len(table.columns) > 3, record / name


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    base = tmp_path_factory.mktemp("clean")
    (base / "sweep.yaml").write_text(SWEEP)
    assert sweep(base / "sweep.yaml", base / "out").returncode == 0
    return base / "out"


@pytest.mark.skipif(not SHIM, reason="RELULAB_FAIL_IO (the shim) not given")
@pytest.mark.parametrize("call", ["write", "fsync", "close", "rename"])
@pytest.mark.parametrize("at", [1, 4, 13])
def test_a_failing_io_call_loses_nothing(tmp_path, clean, call, at):
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP)
    out = tmp_path / "out"
    env = dict(os.environ, LD_PRELOAD=SHIM, RELULAB_FAIL_CALL=call, RELULAB_FAIL_AT=str(at),
               RELULAB_FAIL_ERRNO="28")
    faulty = sweep(path, out, env)
    assert_every_record_is_whole(out)
    if faulty.returncode != 0:
        # The failure is reported with the file it hit and what went wrong.
        said = faulty.stdout + faulty.stderr
        assert "No space left on device" in said, said
    rerun = sweep(path, out, None, "--retry-failed")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert_same_results(results(clean), results(out))
    trials = pd.read_csv(out / "trials.csv")
    assert trials.trial_id.is_unique and len(trials) == 4
