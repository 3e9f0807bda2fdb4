#!/usr/bin/env python3
"""Training speed: relulab's trainer against the plain PyTorch script
(scripts/reference_training.py) and the epoch's GEMM-only floor, interleaved.

For each repetition and activation it runs, in turn: relulab (one trial of a
generated sweep, `--jobs 1`, one thread), the reference script, and the
GEMM-only timing, with a throwaway process between timed runs (the first
process after a large one runs slowly here for seconds). Epoch time is the
training steps only (relulab's epochs.csv `seconds`, the script's own timer).
Prints per activation the medians with min–max and the ratios relulab/script,
relulab/floor and script/floor; also the share of relulab's trial wall time
spent outside the training steps (evaluation, statistics, records).

Do not run it while anything else uses the cores (compiles, tests, sweeps).
With --baseline, another relulab binary (an earlier commit's build, whose
shared libraries it must still find) is timed in the same rotation and a
second table gives relulab/baseline: the A/B of a change, same machine, same
minutes.

Usage: scripts/bench_training.py [--arch mlp|cnn] [--repetitions 5] [--epochs 2]
       [--activations relu,gelu] [--relulab build/relulab] [--baseline OLD/relulab]
       [--relulab-only]
       [--weight-decay 5e-4]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
# One thread everywhere, BLAS included: Debian's OpenBLAS (pthreads) ignores
# torch.set_num_threads(1) and multiplies on every core unless told, which made
# the script's epoch and the GEMM floor use both cores here (floor 0.43 s
# instead of 0.75 s per MLP epoch) while relulab's trial used one.
ONE_THREAD = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
SWEEP = """name: bench_training
base:
  data: {{dataset: fashion-mnist}}
  model: {{arch: {arch}, hidden: [256, 256], channels: [16, 32]}}
  train: {{epochs: {epochs}, batch_size: 128, optimizer: sgd, momentum: 0.9, lr: 0.01, threads: 1,
          weight_decay: {weight_decay}}}
  activation: {activation}
"""


# relulab runs at its default settings (data.validation 10000 held out of the
# 60000 training images, validation and test evaluated every epoch, steps.csv
# evaluations, online statistics on), so its trials' share outside training
# is the default one; the script and the floor train on as many examples.
TRAIN_EXAMPLES = 50000


def throwaway():
    subprocess.run([sys.executable, "-c", "pass"], check=True)


def run_relulab(binary, arch, activation, epochs, folder, weight_decay):
    sweep = folder / f"{arch}-{activation}.yaml"
    sweep.write_text(SWEEP.format(arch=arch, epochs=epochs, activation=activation,
                                  weight_decay=weight_decay))
    out = folder / f"out-{arch}-{activation}"
    subprocess.run([binary, "sweep", str(sweep), "--jobs", "1", "--force", "--out", str(out)],
                   check=True, capture_output=True, env=ONE_THREAD)
    epochs_csv = pd.read_csv(out / "epochs.csv")
    trial = pd.read_csv(out / "trials.csv").iloc[0]
    per_epoch = epochs_csv[epochs_csv.epoch > 0].seconds.mean()
    outside = 1 - epochs_csv.seconds.sum() / trial.wall_seconds
    return per_epoch, outside


def run_script(arch, activation, epochs, weight_decay, gemm_only=False):
    command = [sys.executable, str(ROOT / "scripts" / "reference_training.py"), "--arch", arch,
               "--activation", activation, "--epochs", str(epochs),
               "--train-examples", str(TRAIN_EXAMPLES), "--weight-decay", str(weight_decay)]
    if gemm_only:
        command.append("--gemm-only")
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True,
                                       env=ONE_THREAD).stdout.strip().splitlines()[-1])
    return result["gemm_seconds_per_epoch"] if gemm_only else statistics.mean(result["seconds_per_epoch"])


def summary(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def ratio(a, b):
    r = [x / y for x, y in zip(a, b)]
    return f"{statistics.median(r):.2f} ({min(r):.2f}–{max(r):.2f})"


def print_spread(acts, times):
    """Each activation's relulab epoch against the first activation's, paired by repetition.

    Medians of separate runs carry the machine's swing (±20% here) into their ratio; pairing
    within a repetition cancels the part of the swing slower than a repetition. Without
    --relulab-only two activations' runs are minutes apart; with it, seconds. "floor-normalised"
    divides each epoch by the GEMM-only floor timed right after it (the same computation for
    every activation): it cancels a swing common to the two, but adds the floor's own noise
    (results/bench/README.md has a run where it did more of the latter).
    """
    if len(acts) < 2:
        return
    first = acts[0]
    print(f"\nspread: relulab's epoch against {first}'s, paired by repetition, median (min–max)")
    rows = []
    for a in acts[1:]:
        row = [a, ratio(times[a]["relulab"], times[first]["relulab"])]
        if times[a]["floor"]:
            normalised = [r / f for r, f in zip(times[a]["relulab"], times[a]["floor"])]
            first_normalised = [r / f for r, f in zip(times[first]["relulab"],
                                                      times[first]["floor"])]
            row.append(ratio(normalised, first_normalised))
        rows.append(row)
    header = ["activation", f"epoch / {first}'s"]
    if times[first]["floor"]:
        header.append(f"floor-normalised / {first}'s")
    print_table(header, rows)


def print_table(header, rows):
    """A Markdown table, as results/bench/README.md quotes them."""
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--activations", default="relu,leaky_relu,prelu,gelu,tanh,sigmoid")
    parser.add_argument("--relulab", default=str(ROOT / "build" / "relulab"))
    parser.add_argument("--baseline", help="an earlier relulab binary to time in the same rotation")
    parser.add_argument("--relulab-only", action="store_true",
                        help="time relulab alone (no script, no floor): runs of different "
                             "activations follow each other closely, for the spread table")
    parser.add_argument("--weight-decay", type=float, default=0.0,
                        help="SGD weight decay, relulab and the script alike (the seed tables: 5e-4)")
    args = parser.parse_args()
    acts = [a for a in args.activations.split(",") if a]
    times = {a: {"relulab": [], "script": [], "floor": [], "outside": [], "baseline": [],
                 "baseline_outside": []} for a in acts}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repetitions):
            for a in acts:
                throwaway()
                per_epoch, outside = run_relulab(args.relulab, args.arch, a, args.epochs, Path(tmp),
                                                 args.weight_decay)
                times[a]["relulab"].append(per_epoch)
                times[a]["outside"].append(outside)
                if not args.relulab_only:
                    throwaway()
                    times[a]["script"].append(run_script(args.arch, a, args.epochs,
                                                         args.weight_decay))
                    throwaway()
                    times[a]["floor"].append(run_script(args.arch, a, args.epochs,
                                                        args.weight_decay, gemm_only=True))
                if args.baseline:
                    throwaway()
                    per_epoch, outside = run_relulab(args.baseline, args.arch, a, args.epochs,
                                                     Path(tmp), args.weight_decay)
                    times[a]["baseline"].append(per_epoch)
                    times[a]["baseline_outside"].append(outside)
            print(f"repetition {rep + 1}/{args.repetitions} done", file=sys.stderr)
    print(f"{args.arch}, Fashion-MNIST {TRAIN_EXAMPLES} training images per epoch, batch 128, SGD momentum 0.9, "
          f"weight decay {args.weight_decay:g}, 1 thread "
          "(BLAS included), "
          f"{args.epochs} epochs, {args.repetitions} interleaved repetitions: seconds per epoch "
          "(training steps), median (min–max)")
    if args.relulab_only:
        print_table(["activation", "relulab s/epoch", "relulab trial outside training"],
                    [[a, summary(times[a]["relulab"]),
                      f"{statistics.median(times[a]['outside']) * 100:.0f}%"] for a in acts])
    else:
        print_table(["activation", "relulab s/epoch", "script s/epoch", "GEMM floor s/epoch",
                     "relulab/script", "relulab/floor", "script/floor",
                     "relulab trial outside training"],
                    [[a, summary(times[a]["relulab"]), summary(times[a]["script"]),
                      summary(times[a]["floor"]), ratio(times[a]["relulab"], times[a]["script"]),
                      ratio(times[a]["relulab"], times[a]["floor"]),
                      ratio(times[a]["script"], times[a]["floor"]),
                      f"{statistics.median(times[a]['outside']) * 100:.0f}%"] for a in acts])
    print_spread(acts, times)
    if args.baseline:
        print(f"\nrelulab ({args.relulab}) against the baseline ({args.baseline}), same rotation")
        print_table(["activation", "relulab s/epoch", "baseline s/epoch", "relulab/baseline",
                     "relulab outside training", "baseline outside training"],
                    [[a, summary(times[a]["relulab"]), summary(times[a]["baseline"]),
                      ratio(times[a]["relulab"], times[a]["baseline"]),
                      f"{statistics.median(times[a]['outside']) * 100:.1f}%",
                      f"{statistics.median(times[a]['baseline_outside']) * 100:.1f}%"] for a in acts])
    return 0


if __name__ == "__main__":
    sys.exit(main())
