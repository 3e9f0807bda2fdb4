"""`relulab sweep` and `relulab validate` end to end, as a user runs them.

Run by ctest with RELULAB_BIN pointing at the built executable. Small
synthetic sweeps, a few seconds each.
"""
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from result_frames import assert_same_results, results

BIN = os.environ.get("RELULAB_BIN", "build/relulab")

SWEEP = """name: e2e
seeds: [0, 1]
base:
  data: {{dataset: spirals, samples: 400, test_samples: 100, probe_size: 100}}
  model: {{hidden: [16, 16], init: kaiming_normal}}
  train: {{epochs: {epochs}, batch_size: 32, momentum: 0.9, lr: 0.05}}
  targets: {{test_accuracy: 0.5}}
parameters:
  activation: {{values: [relu, {{name: prelu, per_channel: true}}, tanh, rrelu]}}
"""


def write_sweep(tmp_path, epochs=2, name="sweep.yaml"):
    path = tmp_path / name
    path.write_text(SWEEP.format(epochs=epochs))
    return path


def run(*args, **kwargs):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, **kwargs)


def test_bad_sweep_exits_2_names_the_place_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nbase:\n  train: {lr: 0.1, epoch: 3}\n")
    out = tmp_path / "out"
    for command in (["validate", bad], ["sweep", bad, "--out", out]):
        p = run(*command)
        assert p.returncode == 2, p.stderr
        assert f"{bad}:3:20: key 'train.epoch': unknown key (did you mean 'train.epochs'?)" in p.stderr
    assert not out.exists()


def test_validate_and_dry_run_list_the_trials(tmp_path):
    sweep = write_sweep(tmp_path)
    for command in (["validate", sweep], ["sweep", sweep, "--dry-run", "--out", tmp_path / "o"]):
        p = run(*command)
        assert p.returncode == 0, p.stderr
        assert "has 8 trials" in p.stdout
        assert "activation=prelu(per_channel=true) seed=1" in p.stdout
    assert not (tmp_path / "o").exists()


def test_results_do_not_depend_on_jobs_and_rerun_resumes(tmp_path):
    sweep = write_sweep(tmp_path)
    one, two = tmp_path / "one", tmp_path / "two"
    p1 = run("sweep", sweep, "--jobs", 1, "--out", one)
    p2 = run("sweep", sweep, "--jobs", 2, "--out", two)
    assert p1.returncode == 0, p1.stderr + p1.stdout
    assert p2.returncode == 0, p2.stderr + p2.stdout
    assert_same_results(results(one), results(two))
    trials = pd.read_csv(one / "trials.csv")
    assert len(trials) == 8 and trials.trial_id.is_unique
    assert set(trials.status) == {"ok"}
    assert "Summary of" in p1.stdout and "test acc (95% CI)" in p1.stdout
    for f in ["meta.json", "sweep.effective.yaml", "epochs.csv", "layers.csv"]:
        assert (one / f).exists()
    # A rerun finds everything done and runs nothing.
    again = run("sweep", sweep, "--out", one)
    assert again.returncode == 0
    assert "8 already done, 0 to run" in again.stdout + again.stderr


def test_kill_9_then_rerun_gives_every_trial_once_with_the_same_metrics(tmp_path):
    sweep = write_sweep(tmp_path, epochs=6)
    reference, crashed = tmp_path / "reference", tmp_path / "crashed"
    assert run("sweep", sweep, "--jobs", 2, "--out", reference).returncode == 0
    proc = subprocess.Popen([BIN, "sweep", str(sweep), "--jobs", "2", "--out", str(crashed)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        done = [d for d in (crashed / "trials").glob("*") if not d.name.startswith(".")] \
            if (crashed / "trials").exists() else []
        if len(done) >= 2:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers, mid-run
    proc.wait()
    partial = len([d for d in (crashed / "trials").glob("*") if not d.name.startswith(".")])
    assert 2 <= partial < 8, "the kill should land mid-sweep"
    rerun = run("sweep", sweep, "--jobs", 2, "--out", crashed)
    assert rerun.returncode == 0, rerun.stderr
    assert_same_results(results(reference), results(crashed))


def test_sigint_stops_cleanly_and_says_how_to_resume(tmp_path):
    sweep = write_sweep(tmp_path, epochs=40)
    out = tmp_path / "out"
    proc = subprocess.Popen([BIN, "sweep", str(sweep), "--jobs", "2", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Interrupt once trials are running (a loaded machine may take seconds to
    # get there; before that the process has not started anything).
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob("trials/.running-*")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    assert "run the same command again to resume" in stdout + stderr
    trials = pd.read_csv(out / "trials.csv")  # complete, parseable
    assert (trials.status == "ok").all()


def test_changed_sweep_leaves_stale_results_out(tmp_path):
    out = tmp_path / "out"
    assert run("sweep", write_sweep(tmp_path, epochs=1), "--out", out).returncode == 0
    p = run("sweep", write_sweep(tmp_path, epochs=2), "--out", out)
    assert p.returncode == 0
    assert "belong to no trial of this sweep" in p.stdout + p.stderr
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 8 and (trials["train.epochs"] == 2).all()


def test_divergence_is_a_result_not_an_error(tmp_path):
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    p = run("sweep", sweep, "--set", "train.lr=1e30", "--set", "activation=relu", "--out", out)
    assert p.returncode == 0, p.stderr
    trials = pd.read_csv(out / "trials.csv")
    assert len(trials) == 2  # the activation axis is replaced by --set
    assert (trials.status == "diverged").all()
    assert trials.message.str.contains("non-finite training loss").all()
    assert (trials.diverged_step > 0).all()


def test_a_shard_run_twice_at_once_gives_each_trial_once(tmp_path):
    """A requeued array task can run beside its first incarnation."""
    sweep = write_sweep(tmp_path)
    out, single = tmp_path / "out", tmp_path / "single"
    procs = [subprocess.Popen([BIN, "sweep", str(sweep), "--shard", "0/2", "--jobs", "1", "--out", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    procs.append(subprocess.Popen([BIN, "sweep", str(sweep), "--shard", "1/2", "--jobs", "1", "--out", str(out)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    assert [p.wait() for p in procs] == [0, 0, 0]
    merged = run("merge", out)
    assert merged.returncode == 0, merged.stdout
    assert run("sweep", sweep, "--jobs", 2, "--out", single).returncode == 0
    assert_same_results(results(single), results(out))


def test_merge_reports_missing_trials(tmp_path):
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    assert run("sweep", sweep, "--shard", "0/2", "--out", out).returncode == 0
    merged = run("merge", out)
    assert merged.returncode == 1
    assert "missing" in merged.stdout and "HINT" in merged.stdout
