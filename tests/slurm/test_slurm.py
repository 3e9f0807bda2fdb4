"""relulab on a real single-node Slurm cluster (tests/slurm/start-cluster).

Submits sweeps as job arrays, waits, merges, and checks the merged results
equal a single-process run; kills one array task mid-run, resubmits, and
checks that only the missing trials ran. Needs root (it starts slurmctld,
slurmd and munged) and RELULAB_BIN.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "python"))
from result_frames import assert_same_results as assert_same, results  # noqa: E402

BIN = os.environ.get("RELULAB_BIN", "build/relulab")

SWEEP = """name: slurm_e2e
seeds: [0, 1]
base:
  data: {{dataset: spirals, samples: {samples}, test_samples: 100, probe_size: 100}}
  model: {{hidden: [16, 16], init: kaiming_normal}}
  train: {{epochs: {epochs}, batch_size: 32, momentum: 0.9, lr: 0.05}}
parameters:
  activation: {{values: [relu, {{name: prelu, per_channel: true}}, tanh, gelu]}}
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.fail("the Slurm test starts daemons and must run as root")
    state = tmp_path_factory.mktemp("slurm")
    subprocess.run([str(HERE / "start-cluster"), str(state)], check=True, close_fds=True)
    env = dict(os.environ, SLURM_CONF=str(state / "slurm.conf"))
    yield env
    subprocess.run([str(HERE / "stop-cluster"), str(state)], check=False)


def sh(args, env, check=True):
    p = subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def submit(env, sweep, out, *extra):
    p = sh([BIN, "slurm", sweep, "--out", out, *extra], env)
    assert "submitted job" in p.stdout, p.stdout
    return p.stdout.split("submitted job ")[1].split(":")[0]


def wait_for(env, job, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not sh(["squeue", "-h", "-j", job], env, check=False).stdout.strip():
            return
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish in {timeout} s")


def records(out):
    return {d.name: d.stat().st_mtime_ns for d in (Path(out) / "trials").iterdir()
            if not d.name.startswith(".")}


def test_array_then_merge_equals_single_process(cluster, tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(SWEEP.format(samples=400, epochs=2))
    single, array = tmp_path / "single", tmp_path / "array"
    sh([BIN, "sweep", sweep, "--jobs", 2, "--out", single], cluster)
    job = submit(cluster, sweep, array, "--array-chunk", 2, "--max-parallel", 4)
    script = next((array / "slurm").glob("*/submit.sbatch")).read_text()
    assert "#SBATCH --array=0-3%4" in script
    wait_for(cluster, job)
    merged = sh([BIN, "merge", array], cluster)
    assert "8 of 8 trials merged" in merged.stdout
    assert len(list((array / "shards").iterdir())) == 4
    assert_same(results(single), results(array))
    status = sh([BIN, "status", array], cluster).stdout
    assert "done      8" in status and "missing   0" in status


def test_killed_task_is_resubmitted_alone(cluster, tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(SWEEP.format(samples=3000, epochs=40))
    out = tmp_path / "out"
    job = submit(cluster, sweep, out, "--array-chunk", 2, "--max-parallel", 4)
    # Kill task 1 once it is running a trial.
    deadline = time.time() + 120
    while time.time() < deadline:
        running = sh(["squeue", "-h", "-j", job, "-t", "R", "-o", "%i"], cluster, check=False).stdout.split()
        if f"{job}_1" in running and list((out / "trials").glob(".running-*")):
            break
        time.sleep(0.2)
    sh(["scancel", "--signal=KILL", f"{job}_1"], cluster)
    wait_for(cluster, job)
    merge = sh([BIN, "merge", out], cluster, check=False)
    assert merge.returncode == 1, merge.stdout  # something is missing
    before = records(out)
    assert 0 < len(before) < 8
    # Resubmitting runs exactly the missing trials; finished ones are untouched.
    job2 = submit(cluster, sweep, out)
    pending = sorted((out / "slurm").glob("*/pending.txt"))[-1].read_text().split()
    all_ids = set(pd.read_csv(out / "trials.csv").trial_id) | set(pending)
    assert set(pending) == all_ids - set(before)
    wait_for(cluster, job2)
    assert sh([BIN, "merge", out], cluster).returncode == 0
    after = records(out)
    assert len(after) == 8
    assert all(after[k] == v for k, v in before.items()), "a finished trial ran again"
