#!/usr/bin/python3
"""Markdown table of one `relulab bench` CSV at one size and thread count:
relulab vs LibTorch (median and min, ms), the speed-up (~ = within the
run-to-run spread: interquartile ranges overlap) and time / copy_ time of
the same bytes. With --scaling instead: each implementation's time on one
thread over its time on T threads (--threads, default 2), op by op.

    scripts/bench_table.py results/bench/kernels-libtorch-2.11.csv [--elements N] [--threads T] [--dtype D]
    scripts/bench_table.py CSV --scaling [--threads 2]
"""
import argparse
import sys

import pandas as pd


def table(frame, elements, threads, dtype):
    rows = frame[(frame.elements == elements) & (frame.threads == threads)]
    if "dtype" in rows:
        rows = rows[rows.dtype == dtype]
    if rows.empty:
        sys.exit(f"no rows at elements={elements}, threads={threads}, dtype={dtype}")
    lines = ["| op | direction | relulab ms (min) | LibTorch ms (min) | speed-up | x copy |",
             "|---|---|---|---|---|---|"]
    worst = None
    for (op, direction), g in rows[rows.impl != "copy_"].groupby(["op", "direction"], sort=True):
        ours, theirs = g[g.impl == "relulab"].iloc[0], g[g.impl == "libtorch"].iloc[0]
        speedup = theirs.median_ns / ours.median_ns
        tie = "q1_ns" in g and ours.q1_ns <= theirs.q3_ns and theirs.q1_ns <= ours.q3_ns
        cell = f"{speedup:.2f}x{' ~' if tie else ''}"
        if speedup < 1 and not tie:
            cell = f"**{cell}**"
        if direction != "fwd+bwd(autograd)" and (worst is None or speedup < worst[0]):
            worst = (speedup, op, direction, tie)
        mins = ("", "")
        if "min_ns" in g:
            mins = (f" ({ours.min_ns / 1e6:.3f})", f" ({theirs.min_ns / 1e6:.3f})")
        lines.append(f"| {op} | {direction} | {ours.median_ns / 1e6:.3f}{mins[0]} | "
                     f"{theirs.median_ns / 1e6:.3f}{mins[1]} | {cell} | {ours.ratio_to_copy:.2f} |")
    copy = rows[rows.impl == "copy_"]
    if not copy.empty:
        lines.append(f"\ncopy_ of the same bytes: {copy.iloc[0].median_ns / 1e6:.3f} ms.")
    if worst:
        lines.append(f"Worst forward/backward ratio: {worst[1]} {worst[2]} {worst[0]:.2f}x"
                     f"{' (within the spread)' if worst[3] else ''}.")
    return "\n".join(lines)


def scaling(frame, elements, threads, dtype):
    """Median time at 1 thread / median time at `threads`, per op, direction
    and implementation: 2.00x is perfect scaling to 2 threads, 1.00x none."""
    rows = frame[(frame.elements == elements) & (frame.dtype == dtype) & (frame.impl != "copy_")]
    one, many = rows[rows.threads == 1], rows[rows.threads == threads]
    if one.empty or many.empty:
        sys.exit(f"no rows at elements={elements}, dtype={dtype} for 1 and {threads} threads")
    keys = ["op", "direction", "impl"]
    speedup = (one.set_index(keys).median_ns / many.set_index(keys).median_ns).unstack("impl")
    lines = [f"| op | direction | relulab 1 → {threads} threads | LibTorch 1 → {threads} threads |",
             "|---|---|---|---|"]
    for (op, direction), r in speedup.dropna().iterrows():
        lines.append(f"| {op} | {direction} | {r.relulab:.2f}x | {r.libtorch:.2f}x |")
    lines.append(f"\nMedian over the rows: relulab {speedup.relulab.median():.2f}x, "
                 f"LibTorch {speedup.libtorch.median():.2f}x.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv")
    parser.add_argument("--elements", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--scaling", action="store_true",
                        help="1-thread time over --threads' time (default 2), per implementation")
    args = parser.parse_args()
    frame = pd.read_csv(args.csv)
    if args.scaling:
        print(scaling(frame, args.elements, args.threads or 2, args.dtype))
    else:
        print(table(frame, args.elements, args.threads or 1, args.dtype))


if __name__ == "__main__":
    main()
