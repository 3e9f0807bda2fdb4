"""`relulab sweep` and `relulab validate` end to end, as a user runs them.

Run by ctest with RELULAB_BIN pointing at the built executable. Small
synthetic sweeps, a few seconds each.
"""
import os
import random
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
  data: {{dataset: teacher, classes: 3, input_dim: 4, samples: 400, test_samples: 100, probe_size: 100}}
  model: {{hidden: [16, 16], init: kaiming_normal}}
  train: {{epochs: {epochs}, batch_size: 32, momentum: 0.9, lr: 0.05}}
  targets: {{accuracy: 0.5}}
parameters:
  activation: {{values: [relu, {{name: prelu, per_channel: true}}, tanh, rrelu]}}
"""


def write_sweep(tmp_path, epochs=2, name="sweep.yaml"):
    path = tmp_path / name
    path.write_text(SWEEP.format(epochs=epochs))
    return path


def run(*args, **kwargs):
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, **kwargs)


def start_sweep(sweep, out, *extra, jobs=2, **popen):
    """`relulab sweep` in the background, as a user's terminal or a job runs it."""
    return subprocess.Popen([BIN, "sweep", str(sweep), "--jobs", str(jobs), "--out", str(out),
                             *map(str, extra)], **popen)


def records(out):
    """The finished trial folders of a results folder (not temporaries)."""
    trials = out / "trials"
    return [d for d in trials.iterdir() if not d.name.startswith(".")] if trials.exists() else []


def wait_for_records(out, n, seconds=60):
    deadline = time.time() + seconds
    while len(records(out)) < n and time.time() < deadline:
        time.sleep(0.01)


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
    proc = start_sweep(sweep, crashed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       start_new_session=True)
    wait_for_records(crashed, 2)
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers, mid-run
    proc.wait()
    partial = len(records(crashed))
    assert 2 <= partial < 8, "the kill should land mid-sweep"
    rerun = run("sweep", sweep, "--jobs", 2, "--out", crashed)
    assert rerun.returncode == 0, rerun.stderr
    assert_same_results(results(reference), results(crashed))


def test_sigint_stops_cleanly_and_says_how_to_resume(tmp_path):
    sweep = write_sweep(tmp_path, epochs=40)
    out = tmp_path / "out"
    proc = start_sweep(sweep, out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [start_sweep(sweep, out, "--shard", "0/2", jobs=1, **quiet) for _ in range(2)]
    procs.append(start_sweep(sweep, out, "--shard", "1/2", jobs=1, **quiet))
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


def test_a_second_sweep_on_the_same_folder_is_refused_naming_the_first(tmp_path):
    # The first sweep must still hold the folder while two more relulab
    # processes start and run: at 30 epochs (~3 s in all) a CI run on a busy
    # machine saw it finish first. 100 epochs: ~10 s of trials on one job.
    sweep = write_sweep(tmp_path, epochs=100)
    out = tmp_path / "out"
    first = start_sweep(sweep, out, jobs=1, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = out / ".relulab.lock"
    deadline = time.time() + 30
    while not (lock.exists() and lock.read_text()) and time.time() < deadline:
        time.sleep(0.05)
    second = run("sweep", sweep, "--jobs", 1, "--out", out)
    merged = run("merge", out)  # shares the folder with array tasks, not with a whole sweep
    first.send_signal(signal.SIGINT)
    first.wait(timeout=60)
    assert second.returncode == 2, second.stderr
    assert "is in use by relulab sweep" in second.stderr and str(sweep) in second.stderr
    assert merged.returncode == 2 and "is in use by" in merged.stderr
    # Once the first has stopped, the folder is free again and resumes.
    assert run("sweep", sweep, "--jobs", 2, "--out", out).returncode == 0


def test_sigterm_to_the_whole_job_as_slurm_sends_it_records_no_failure(tmp_path):
    """At a time limit Slurm signals every process of the job. Workers must
    not die first and be recorded 'failed' (a resume would skip them): the
    runner stops them, keeps what finished, and a rerun completes the sweep
    exactly as an uninterrupted run."""
    sweep = write_sweep(tmp_path, epochs=6)
    reference, out = tmp_path / "reference", tmp_path / "out"
    assert run("sweep", sweep, "--jobs", 2, "--out", reference).returncode == 0
    proc = start_sweep(sweep, out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       start_new_session=True)
    wait_for_records(out, 1)
    os.killpg(proc.pid, signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    statuses = [pd.read_csv(d / "trial.csv").status.iloc[0] for d in records(out)]
    assert "failed" not in statuses
    rerun = run("sweep", sweep, "--jobs", 2, "--out", out)
    assert rerun.returncode == 0, rerun.stderr
    assert_same_results(results(reference), results(out))


def test_editing_the_sweep_file_mid_run_changes_nothing(tmp_path):
    sweep = write_sweep(tmp_path, epochs=8)
    reference, out = tmp_path / "reference", tmp_path / "out"
    assert run("sweep", sweep, "--jobs", 1, "--out", reference).returncode == 0
    proc = start_sweep(sweep, out, jobs=1, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(out.glob("trials/.running-*")):
        time.sleep(0.02)
    sweep.write_text("name: e2e\nthis: [is no longer a valid sweep\n")
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stdout + stderr
    assert_same_results(results(reference), results(out))


def test_a_corrupt_record_is_named_and_only_its_trial_reruns(tmp_path):
    sweep = write_sweep(tmp_path)
    out = tmp_path / "out"
    assert run("sweep", sweep, "--jobs", 2, "--out", out).returncode == 0
    reference = results(out)
    victim = sorted(d for d in (out / "trials").iterdir() if not d.name.startswith("."))[3]
    (victim / "trial.csv").write_text("trial_id,status\ngarbage\n")
    rerun = run("sweep", sweep, "--jobs", 2, "--out", out)
    said = rerun.stdout + rerun.stderr
    assert rerun.returncode == 0, said
    assert str(victim / "trial.csv") in said and "the trial runs again" in said
    assert "7 already done, 1 to run" in said
    assert_same_results(reference, results(out))


def test_a_trial_past_its_timeout_is_stopped_and_recorded_as_timeout(tmp_path):
    sweep = write_sweep(tmp_path, epochs=400)
    out = tmp_path / "out"
    p = run("sweep", sweep, "--jobs", 2, "--out", out, "--trial-timeout", 1.5, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr  # no trial has a result: an error exit
    trials = pd.read_csv(out / "trials.csv")
    assert (trials.status == "timeout").all(), trials.status
    assert trials.message.str.contains("--trial-timeout 1.5 s").all()
    # They are errors, not results: a rerun keeps them, --retry-failed runs them again.
    kept = run("sweep", sweep, "--jobs", 2, "--out", out)
    assert "8 already done, 0 to run" in kept.stdout + kept.stderr
    again = run("sweep", sweep, "--jobs", 2, "--out", out, "--trial-timeout", 1, "--retry-failed",
                timeout=120)
    assert "0 already done, 8 to run" in again.stdout + again.stderr


def test_kill_9_of_one_worker_loses_only_its_trial_and_status_reads_throughout(tmp_path):
    sweep = write_sweep(tmp_path, epochs=20)
    reference, out = tmp_path / "reference", tmp_path / "out"
    assert run("sweep", sweep, "--jobs", 2, "--out", reference).returncode == 0
    proc = start_sweep(sweep, out, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    workers = []
    while time.time() < deadline and not workers:
        if list(out.glob("trials/.running-*")):
            workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                     text=True).stdout.split()
        time.sleep(0.02)
    assert workers, "no worker seen"
    time.sleep(random.uniform(0, 0.5))  # a random point of its trial (or of the next one)
    try:
        os.kill(int(workers[0]), signal.SIGKILL)
    except ProcessLookupError:
        pass  # it had finished every trial handed to it: nothing to lose, still checked below
    while proc.poll() is None:  # status only reads: it works while the sweep writes
        s = run("status", out)
        assert s.returncode == 0, s.stderr
        time.sleep(0.1)
    stdout, stderr = proc.communicate()
    trials = pd.read_csv(out / "trials.csv")
    assert trials.trial_id.is_unique and len(trials) == 8
    assert (trials.status == "failed").sum() <= 1  # at most the killed worker's trial
    killed = trials.message.fillna("").str.contains("killed by signal 9")
    assert killed.sum() == (trials.status == "failed").sum()
    rerun = run("sweep", sweep, "--jobs", 2, "--out", out, "--retry-failed")
    assert rerun.returncode == 0, rerun.stderr
    assert_same_results(results(reference), results(out))


def test_meta_json_is_valid_json_whatever_the_paths_hold(tmp_path):
    import json
    sweep = write_sweep(tmp_path, epochs=1)
    out = tmp_path / 'odd "name"\twith\\backslash'
    p = run("sweep", sweep, "--jobs", 2, "--out", out, "--set", "train.lr=0.07")
    assert p.returncode == 0, p.stderr
    meta = json.loads((out / "meta.json").read_text())
    assert str(out) in meta["command"] and meta["trials"] == 8 and meta["finished"]
    assert "earlier_runs" not in meta
    # A resumed run keeps what the previous meta.json said (Note [A results
    # folder made over several runs]); a garbled one contributes nothing.
    again = run("sweep", sweep, "--jobs", 2, "--out", out, "--set", "train.lr=0.07")
    assert again.returncode == 0, again.stderr
    resumed = json.loads((out / "meta.json").read_text())
    assert [r["started"] for r in resumed["earlier_runs"]] == [meta["started"]]
    assert resumed["earlier_runs"][0]["git_commit"] == meta["git_commit"]
    assert resumed["earlier_runs"][0]["finished"] == meta["finished"]
    (out / "meta.json").write_text("{not json")
    third = run("sweep", sweep, "--jobs", 2, "--out", out, "--set", "train.lr=0.07")
    assert third.returncode == 0, third.stderr
    assert "earlier_runs" not in json.loads((out / "meta.json").read_text())


def test_merge_while_array_tasks_write_loses_nothing(tmp_path):
    """merge shares the folder with running array tasks: it must neither
    block them nor delete their writes in flight."""
    sweep = write_sweep(tmp_path, epochs=20)
    out, single = tmp_path / "out", tmp_path / "single"
    task = start_sweep(sweep, out, "--shard", "0/2", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    merges = 0
    while task.poll() is None:
        if list(out.glob("shards/*/sweep.effective.yaml")):
            m = run("merge", out)
            assert m.returncode in (0, 1), m.stdout + m.stderr  # 1: trials still missing
            merges += 1
        time.sleep(0.05)
    assert task.returncode == 0, task.stderr.read()
    assert merges > 0
    assert run("sweep", sweep, "--shard", "1/2", "--jobs", "2", "--out", out).returncode == 0
    assert run("merge", out).returncode == 0
    assert run("sweep", sweep, "--jobs", 2, "--out", single).returncode == 0
    assert_same_results(results(single), results(out))


def test_workers_die_with_their_runner(tmp_path):
    """kill -9 of the runner alone (an OOM kill, a node agent): its workers
    must not go on writing into the folder (PR_SET_PDEATHSIG)."""
    sweep = write_sweep(tmp_path, epochs=200)
    out = tmp_path / "out"
    proc = start_sweep(sweep, out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    workers = []
    while time.time() < deadline and len(workers) < 2:
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True,
                                 text=True).stdout.split()
        time.sleep(0.05)
    assert len(workers) == 2
    proc.kill()
    proc.wait()
    deadline = time.time() + 10
    alive = workers
    while alive and time.time() < deadline:
        alive = [w for w in workers if os.path.exists(f"/proc/{w}")
                 and "Z" not in open(f"/proc/{w}/stat").read().split()[2]]
        time.sleep(0.05)
    assert not alive, f"workers {alive} outlived their runner"


def run_in_terminal(args, columns, seconds=120):
    """Runs `args` on a pseudo-terminal `columns` wide; returns what it drew."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = dict(os.environ, COLUMNS=str(columns))
    proc = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    drawn = bytearray()
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the program exited and closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    proc.wait(timeout=10)
    os.close(leader)
    return proc.returncode, drawn.decode(errors="replace")


def test_the_progress_line_fits_an_80_column_terminal(tmp_path):
    # Long trial labels (several varying keys, two running at once) would
    # make a 150-character line; each redraw must stay on one line.
    sweep = tmp_path / "wide.yaml"
    sweep.write_text(SWEEP.format(epochs=6) + "  train.lr: {values: [0.05, 0.02]}\n"
                     "  model.init: {values: [kaiming_normal, xavier_normal]}\n")
    code, drawn = run_in_terminal([BIN, "sweep", str(sweep), "--jobs", "2", "--out",
                                   str(tmp_path / "out")], columns=80)
    assert code == 0, drawn[-2000:]
    redraws = [part for line in drawn.split("\n") for part in line.split("\r")]
    progress = [p.replace("\x1b[K", "") for p in redraws if p.startswith("\x1b[K[") and " ETA " in p]
    assert progress, "no progress line was drawn:\n" + drawn[-2000:]
    assert max(len(p) for p in progress) <= 79, max(progress, key=len)
    assert any(p.endswith("...") for p in progress), "the test's labels were not long enough"


@pytest.mark.parametrize("sweep", sorted(Path(__file__).resolve().parents[2].glob("experiments/*.yaml")),
                         ids=lambda p: p.name)
def test_every_committed_experiment_validates(sweep):
    done = run("validate", sweep)
    assert done.returncode == 0, done.stderr
