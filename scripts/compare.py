#!/usr/bin/python3
"""The classic ReLU / LeakyReLU / PReLU comparison table, measured.

    scripts/compare.py RESULTS_DIR [RESULTS_DIR ...] [--by model.arch,train.lr]

Reads trials.csv, epochs.csv, layers.csv (several folders or Slurm shards
combine) and results/bench/kernels.csv when present; prints Markdown and
writes tables.md and comparison.csv into the first folder (or --out).

Conventions (also printed under the tables):
- an activation's *best learning rate* is the train.lr with the highest mean
  final test accuracy over seeds; accuracy, convergence and dying rows use it;
- mean ± half-width of the 95% t confidence interval over seeds;
- **bold** marks the best value of a row; ≈ marks values not significantly
  different from it (paired t-test over seeds, p >= 0.05);
- an activation *trains* at a learning rate when every seed finished without
  diverging and the mean final test accuracy is at least 0.5.
"""
import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import numpy as np
    import pandas as pd
    from relulab_analysis.load import load_results
    from relulab_analysis.selection import REPORTED, chosen_lr, reported_accuracy_column
    from relulab_analysis.stats import wilson, holm, format_mean_ci, mean_ci95, paired_test, verdict
except ModuleNotFoundError as e:  # pragma: no cover - environment problem
    sys.exit(f"compare: missing Python module {e.name}; HINT: apt-get install python3-pandas "
             "python3-scipy (scripts/setup does), and run with /usr/bin/python3")

TRAINS_ACCURACY = 0.5
BENCH_ELEMENTS = 4 * 1024 * 1024
FEW_SEEDS = 10                            # fewer seeds than this: a warning under the table
DEEP_LAYERS = 8                           # hidden layers a vanishing-gradient verdict needs

HYPERPARAMETERS = {
    "relu": "none", "leaky_relu": "fixed slope", "prelu": "learned slopes", "gelu": "none",
    "sigmoid": "none", "tanh": "none", "elu": "fixed alpha", "selu": "none (fixed constants)",
    "silu": "none", "rrelu": "random slope range", "softplus": "fixed beta, threshold",
    "mish": "none", "hardswish": "none",
}


def mean_of(values):
    """The mean of the values that are not NaN; NaN (silently) when there are none."""
    values = pd.Series(values, dtype=float).dropna()
    return float(values.mean()) if len(values) else math.nan


def bench_op(label):
    """The kernel benchmark's op name for an activation label."""
    name = label.split("(")[0]
    if name == "prelu":
        return "prelu_channels" if "per_channel=true" in label else "prelu_shared"
    if name == "gelu" and "approximate=tanh" in label:
        return "gelu_tanh"
    if name == "rrelu":
        return "rrelu_train"
    return name


class Group:
    """One comparison: the trials of one value of the --by columns."""

    def __init__(self, trials, epochs, layers, steps=None):
        self.trials, self.epochs, self.layers = trials, epochs, layers
        self.steps = steps if steps is not None else pd.DataFrame()
        self.activations = sorted(trials.activation.unique(), key=self.order)
        # Each activation's learning rate, chosen once: every row and claim asks for it.
        self.chosen_lrs = {a: chosen_lr(trials[trials.activation == a]) for a in self.activations}

    @staticmethod
    def order(label):
        names = list(HYPERPARAMETERS)
        name = label.split("(")[0]
        return (names.index(name) if name in names else len(names), label)

    def at(self, label, lr):
        return self.trials[(self.trials.activation == label) & (self.trials["train.lr"] == lr)]

    def by_seed(self, label, lr, column):
        """The column's values over seeds, from `ok` trials only: a trial that
        diverged, exploded, collapsed or failed is never averaged as trained."""
        t = self.at(label, lr)
        return t[t.status == "ok"].set_index("seed")[column].sort_index()

    def counts(self, label, lr):
        """(ok trials, trials) at this learning rate."""
        t = self.at(label, lr)
        return int((t.status == "ok").sum()), len(t)

    def best_lr(self, label):
        """relulab_analysis.selection.chosen_lr for one activation."""
        return self.chosen_lrs[label]

    def grid_edge(self, label):
        """'lowest' or 'highest' when the chosen learning rate is the lowest or
        highest this activation was run at (of two or more): its optimum may lie
        beyond the grid, which then does not bracket it. None otherwise."""
        rates = sorted(self.trials[self.trials.activation == label]["train.lr"].unique())
        if len(rates) < 2:
            return None
        best = self.best_lr(label)
        return "lowest" if best == rates[0] else "highest" if best == rates[-1] else None

    def add_examples_to(self, threshold):
        """trials.examples_to_threshold: training examples seen at the first
        steps.csv evaluation with validation accuracy >= threshold (NaN if never)."""
        s = self.steps.dropna(subset=["val_accuracy"])
        reached = s[s.val_accuracy >= threshold].groupby("trial_id").examples.min()
        self.trials = self.trials.copy()
        self.trials["examples_to_threshold"] = self.trials.trial_id.map(reached).astype(float)

    def reported_accuracy_column(self):
        """Test accuracy at the validation-chosen epoch when recorded."""
        return reported_accuracy_column(self.trials)

    def paired(self, a, b, column):
        """Values of two activations (at their best LRs) on their common seeds."""
        x = self.by_seed(a, self.best_lr(a), column)
        y = self.by_seed(b, self.best_lr(b), column)
        common = x.index.intersection(y.index)
        return x.loc[common].to_numpy(float), y.loc[common].to_numpy(float)


def mark_row(group, column, higher_is_better, fmt=lambda m, h: format_mean_ci(m, h)):
    """Cells of one per-seed metric: mean ± CI, best in bold, ≈ where not
    significantly different from the best. Also returns long-format records."""
    stats = {a: mean_ci95(group.by_seed(a, group.best_lr(a), column)) for a in group.activations}
    valid = {a: s for a, s in stats.items() if not math.isnan(s[0])}
    best = None
    if valid:
        best = (max if higher_is_better else min)(valid, key=lambda a: valid[a][0])
    cells, records = {}, []
    for a in group.activations:
        m, h = stats[a]
        text = fmt(m, h)
        n_ok, n = group.counts(a, group.best_lr(a))
        if n_ok < n:
            text += f" ({n_ok}/{n} ok)"
        p = math.nan
        if best is not None and a != best and not math.isnan(m):
            _, p = paired_test(*group.paired(a, best, column))
        if a == best:
            text = f"**{text}**"
        elif not math.isnan(p) and p >= 0.05:
            text = f"{text} ≈"
        cells[a] = text
        records.append({"activation": a, "mean": m, "ci95": h, "best": a == best, "p_vs_best": p})
    return cells, records


def build_table(group, bench):
    rows, long = [], []

    def add(name, cells, records=None):
        rows.append((name, cells))
        for r in records or [{"activation": a, "mean": math.nan, "ci95": math.nan, "best": False,
                              "p_vs_best": math.nan, "text": cells[a]} for a in cells]:
            long.append({"property": name, **r})

    acts = group.activations
    # Speed
    if bench is not None:
        b = bench[(bench.elements == BENCH_ELEMENTS) & (bench.threads == 1) &
                  bench.direction.isin(["forward", "backward"])]
        for impl, title in (("relulab", "Kernel fwd+bwd, ns/element (relulab, 4M, 1 thread)"),
                            ("libtorch", "Kernel fwd+bwd, ns/element (LibTorch)")):
            per = b[b.impl == impl].groupby("op").median_ns.sum() / BENCH_ELEMENTS
            values = {a: per.get(bench_op(a), math.nan) for a in acts}
            finite = {a: v for a, v in values.items() if not math.isnan(v)}
            fastest = min(finite, key=finite.get) if finite else None
            cells = {a: ("–" if math.isnan(v) else (f"**{v:.3f}**" if a == fastest else f"{v:.3f}"))
                     for a, v in values.items()}
            add(title, cells, [{"activation": a, "mean": v, "ci95": math.nan, "best": a == fastest,
                                "p_vs_best": math.nan} for a, v in values.items()])
    relu = next((a for a in acts if a == "relu"), None)
    timed, build = speed_trials(group.trials, acts)
    title = "Training s/epoch relative to ReLU"
    if timed is None:
        add(title + " (no one build ran every activation: timings not comparable)",
            {a: "–" for a in acts})
    elif relu is not None:
        spe = {a: timed[timed.activation == a].seconds_per_epoch.mean() for a in acts}
        if build is not None:
            title += f" (build {build} only: {len(timed)} of {len(group.trials)} trials)"
        if spe[relu] > 0:
            add(title, {a: f"{spe[a] / spe[relu]:.2f}" for a in acts})
    # Accuracy
    accuracy = group.reported_accuracy_column()
    add("Best learning rate (by validation accuracy)" if accuracy == REPORTED else
        "Best learning rate (by test accuracy: no validation split)",
        {a: f"{group.best_lr(a):g}" + {"lowest": " (grid's lowest)", "highest": " (grid's highest)",
                                          None: ""}[group.grid_edge(a)] for a in acts})
    cells, recs = mark_row(group, accuracy, True)
    add("Test accuracy at best LR (95% CI)", cells, recs)
    for lr in sorted(group.trials["train.lr"].unique()):
        cells = {}
        for a in acts:
            m, h = mean_ci95(group.by_seed(a, lr, accuracy))
            n_ok, n = group.counts(a, lr)
            cells[a] = ("not run" if n == 0 else
                        format_mean_ci(m, h) + (f" ({n_ok}/{n} ok)" if n_ok < n else ""))
        add(f"Test accuracy at lr={lr:g}", cells)
    # Convergence
    def reached(a):
        s = group.by_seed(a, group.best_lr(a), "epochs_to_target")
        k, n = int(s.notna().sum()), len(s)
        low, high = wilson(k, n)
        share = f"{k}/{n}, 95% CI {low:.2f}–{high:.2f}" if n else "0/0"
        return f"{s.mean():.1f} ({share})" if k else f"– ({share})"
    add("Epochs to target (seeds reaching it, Wilson CI)", {a: reached(a) for a in acts})
    cells, recs = mark_row(group, "loss_auc", False)
    add("Mean training loss over epochs (lower = faster)", cells, recs)
    threshold = examples_threshold(group)
    if threshold is not None:
        group.add_examples_to(threshold)
        cells, recs = mark_row(group, "examples_to_threshold", False,
                               lambda m, h: format_mean_ci(m, h, 0))
        for a in acts:  # ok seeds that never got there are out of the mean: say so
            reached = group.by_seed(a, group.best_lr(a), "examples_to_threshold")
            n_ok, _ = group.counts(a, group.best_lr(a))
            if reached.notna().sum() < n_ok:
                cells[a] += f" ({int(reached.notna().sum())}/{n_ok} reach it)"
        add(f"Training examples to validation accuracy ≥ {threshold:.3f} at best LR (steps.csv)",
            cells, recs)
        # The same at each learning rate, matched across activations.
        for lr in sorted(group.trials["train.lr"].unique()):
            cells = {}
            for a in acts:
                reached = group.by_seed(a, lr, "examples_to_threshold")
                m, h = mean_ci95(reached)
                n_ok, n = group.counts(a, lr)
                cells[a] = ("not run" if n == 0 else f"– ({n_ok}/{n} ok)" if n_ok == 0 else
                            format_mean_ci(m, h, 0) + f" ({int(reached.notna().sum())}/{n_ok} reach it)")
            add(f"Training examples to validation accuracy ≥ {threshold:.3f} at lr={lr:g}", cells)
    # Dying
    # Note: a unit is *dead* only where its gradient is zero for every input:
    # under ReLU, pre-activation <= 0 on every probe input. The same
    # measurement under LeakyReLU, PReLU, ELU, SELU, GELU or SiLU counts units
    # that are merely *inactive* (their gradient is not zero); under sigmoid
    # and tanh the relevant failure is saturation (layers.csv).
    cells, recs = mark_row(group, "dead_fraction_init", False, lambda m, h: format_mean_ci(m, h, 3))
    add("Dead (ReLU) / inactive (others) fraction at init", relabel_dying(cells), recs)
    cells, recs = mark_row(group, "dead_fraction_end", False, lambda m, h: format_mean_ci(m, h, 3))
    add("Dead (ReLU) / inactive (others) fraction at end", relabel_dying(cells), recs)
    if not group.layers.empty:
        best_ids = pd.concat([group.trials[(group.trials.activation == a) &
                                           (group.trials["train.lr"] == group.best_lr(a))]
                              for a in acts])[["trial_id", "activation"]]
        lay = group.layers.merge(best_ids, on="trial_id")
        last = lay.groupby("trial_id").epoch.transform("max")
        end = lay[lay.epoch == last]
        for layer in sorted(end.layer.unique()):
            per = end[end.layer == layer].groupby("activation").dead_fraction.mean()
            add(f"Dead (ReLU) / inactive fraction at end, layer {layer}",
                relabel_dying({a: f"{per.get(a, math.nan):.3f}" for a in acts}))
        if "saturated_fraction" in end.columns:
            per = end.groupby("activation").saturated_fraction.mean()
            add("Saturated fraction at end (all layers; the sigmoid/tanh failure)",
                {a: f"{per.get(a, math.nan):.3f}" for a in acts})
        slopes = end.dropna(subset=["slope_mean"])
        for layer in sorted(slopes.layer.unique()):
            per = slopes[slopes.layer == layer].groupby("activation").slope_mean.mean()
            add(f"Learned PReLU slope, layer {layer}",
                {a: (f"{per[a]:.3f}" if a in per else "–") for a in acts})
    # Hyperparameters and robustness
    add("Hyperparameters added", {a: HYPERPARAMETERS.get(a.split("(")[0], "?") for a in acts})

    def robustness(a):
        t = group.trials[group.trials.activation == a]
        by_lr = t.groupby("train.lr").status.apply(lambda s: (s == "ok").all())
        trains = int(by_lr.sum())
        failures = t.status[t.status != "ok"].value_counts()
        failed = ", ".join(f"{n} {status}" for status, n in failures.items()) or "none"
        return f"{trains}/{len(by_lr)} LRs (every seed ok); not ok: {failed}"
    add("Learning rates it trains at; trials not ok", {a: robustness(a) for a in acts})
    return rows, long


def speed_trials(trials, acts):
    """(trials, build) that sweep timings may be compared on: all of them when
    one build (git_commit) ran them all; else those of the build that ran every
    activation, the one with the most such trials, and its name. A sweep
    resumed under a later, faster build would otherwise make the activations
    it ran late look faster. (None, None) when no build ran every activation."""
    if "git_commit" not in trials.columns or trials.git_commit.nunique() <= 1:
        return trials, None
    covering = [(len(t), commit) for commit, t in trials.groupby("git_commit")
                if set(acts) <= set(t.activation)]
    if not covering:
        return None, None
    _, commit = max(covering)
    return trials[trials.git_commit == commit], commit


# Convergence speed is measured to this share of the weakest activation's
# final validation accuracy. At 90% every activation of both seed tables got
# there at the first evaluation (a quarter epoch in), so the row could not
# tell them apart; at 98% they spread over 1-3 epochs (MLP: 87 000 to
# 300 000 examples), and every seed of the weakest still reached it.
EXAMPLES_THRESHOLD_SHARE = 0.98


def examples_threshold(group):
    """The validation accuracy that convergence speed is measured to:
    EXAMPLES_THRESHOLD_SHARE of the lowest best-LR mean final validation
    accuracy among the activations, so that every activation can reach it."""
    if group.steps.empty or "val_accuracy" not in group.steps.columns:
        return None
    finals = [mean_of(group.by_seed(a, group.best_lr(a), "final_val_accuracy"))
              for a in group.activations if "final_val_accuracy" in group.trials.columns]
    finals = [f for f in finals if not math.isnan(f)]
    return EXAMPLES_THRESHOLD_SHARE * min(finals) if finals else None


def relabel_dying(cells):
    """Dead fractions are dead units for ReLU only: mark the others."""
    return {a: (t if a.split("(")[0] == "relu" or t == "–" else f"{t} (inactive)") for a, t in cells.items()}


def bench_spread(bench, op, impl):
    """(median, q1, q3) ns/element of fwd+bwd at 4M elements, 1 thread."""
    b = bench[(bench.elements == BENCH_ELEMENTS) & (bench.threads == 1) & (bench.impl == impl) &
              (bench.op == op) & bench.direction.isin(["forward", "backward"])]
    if len(b) != 2:
        return None
    return tuple(b[c].sum() / BENCH_ELEMENTS for c in ("median_ns", "q1_ns", "q3_ns"))


# A ReLU network "suffers from dying neurons" when more than this share of
# its hidden units is dead at the end of training.
DYING_THRESHOLD = 0.01


def most_accurate_claim(group):
    """(claim, verdict, numbers) for "the table's most accurate activation is more accurate than
    every other", or None with fewer than 3 activations with ok seeds.

    The best is the highest mean reported test accuracy at each one's chosen rate; it is tested
    against each other activation (paired t over common ok seeds). The claim needs every one of
    those tests, so its p is the largest of them; it is Bonferroni-adjusted over all k(k-1)/2
    pairs of the k activations, because the best was picked after looking (any pair could have
    been the one tested). Conservative, and not part of a Holm family."""
    column = group.reported_accuracy_column()
    means = {a: mean_of(group.by_seed(a, group.best_lr(a), column)) for a in group.activations}
    means = {a: m for a, m in means.items() if not math.isnan(m)}
    if len(means) < 3:
        return None
    best = max(means, key=means.get)
    tests = {a: paired_test(*group.paired(best, a, column)) for a in means if a != best}
    closest = max(tests, key=lambda a: tests[a][1])
    d, p = tests[closest]
    pairs = len(means) * (len(means) - 1) // 2
    p_adjusted = min(1.0, p * pairs)
    return (f"{best} is the most accurate activation", verdict(d, p_adjusted, +1),
            f"{best} {means[best]:.4f} test accuracy (LR chosen on validation), tested against each "
            f"of the {len(tests)} others; the least clear: {best} − {closest} = {d:+.4f}, p = {p:.3g} "
            f"(largest of the {len(tests)} paired tests), Bonferroni-adjusted over the {pairs} pairs "
            f"of activations (the best picked after looking): {p_adjusted:.3g}")


def folklore(group, bench):
    """(claim, verdict, numbers) for each of the seed article's claims.

    Each claim with a test belongs to a family (accuracy, convergence, dying,
    gradients); p-values are Holm-adjusted within a family, and the verdict
    (holds / does not hold / inconclusive) comes from the adjusted p.
    """
    acts, tested, out = group.activations, [], []
    has = lambda label: label in acts

    if bench is not None and "q1_ns" in bench.columns:
        spreads = {a: bench_spread(bench, bench_op(a), "relulab") for a in acts}
        spreads = {a: v for a, v in spreads.items() if v is not None}
        if "relu" in spreads and len(spreads) > 1:
            others = {a: v for a, v in spreads.items() if a != "relu"}
            fastest = min(others, key=lambda a: others[a][0])
            r, o = spreads["relu"], others[fastest]
            # Speed from the benchmark's interleaved repetitions, never from
            # sweep timings: the interquartile ranges decide.
            verdict_text = ("inconclusive" if r[1] <= o[2] and o[1] <= r[2] else
                            "holds" if r[0] < o[0] else "does not hold")
            out.append(("ReLU is the fastest activation (kernel)", verdict_text,
                        f"relu {r[0]:.3f} ns/element fwd+bwd (IQR {r[1]:.3f}–{r[2]:.3f}) vs fastest "
                        f"other {fastest} {o[0]:.3f} ({o[1]:.3f}–{o[2]:.3f}); overlapping IQRs = "
                        f"inconclusive; from the kernel benchmark, not sweep timings"))
    best_claim = most_accurate_claim(group)
    if best_claim is not None:
        out.append(best_claim)
    if has("relu"):
        for a in acts:
            name = a.split("(")[0]
            if name in ("leaky_relu", "prelu"):
                column = group.reported_accuracy_column()
                d, p = paired_test(*group.paired(a, "relu", column))
                tested.append(("accuracy", f"{a} is more accurate than ReLU", d, p, +1,
                               f"{a} − relu = {d:+.4f} test accuracy (LR chosen on validation)"))
        prelus = [a for a in acts if a.startswith("prelu")]
        for a in prelus:
            # Activations without an ok seed have no loss to compare (a NaN
            # key would make min() keep whichever came first).
            auc = {b: mean_of(group.by_seed(b, group.best_lr(b), "loss_auc")) for b in acts if b != a}
            auc = {b: v for b, v in auc.items() if not math.isnan(v)}
            if not auc:
                continue
            fastest = min(auc, key=auc.get)
            d, p = paired_test(*group.paired(a, fastest, "loss_auc"))
            tested.append(("convergence", f"{a} converges fastest", d, p, -1,
                           f"mean training loss over epochs: {a} − {fastest} (fastest other) = {d:+.4f}"))
        # Dying, per learning rate: is ReLU's dead fraction at the end above
        # 1% of hidden units? A one-sample test of (dead - 1%) over the ok
        # seeds, Holm-adjusted over the learning rates (the dying family);
        # seeds that diverged or collapsed are counted, not averaged.
        for lr in sorted(group.trials["train.lr"].unique()):
            dead = group.by_seed("relu", lr, "dead_fraction_end").dropna()
            if dead.empty:
                continue
            m, h = mean_ci95(dead)
            n_ok, n = group.counts("relu", lr)
            d, p = paired_test(dead, [DYING_THRESHOLD] * len(dead))
            tested.append(("dying", f"ReLU suffers from dying neurons (lr={lr:g})", d, p, +1,
                           f"ReLU dead fraction at end {format_mean_ci(m, h, 3)} of hidden units "
                           f"over {n_ok}/{n} ok seeds, against {DYING_THRESHOLD:.0%} (one-sample t)"))
    if not group.layers.empty and has("relu") and "preact_grad_norm" in group.layers.columns:
        # Vanishing gradients: the per-unit gradient at layer 0's
        # pre-activations over the last layer's, in the last epoch, at each
        # learning rate both activations share (a common LR, not each one's best).
        lay = group.layers.dropna(subset=["preact_grad_norm"])
        # Vanishing is a deep-network question: shallower networks are not judged.
        if not lay.empty and lay.layer.max() + 1 >= DEEP_LAYERS:
            last_layer = lay.layer.max()
            last_epoch = lay.groupby("trial_id").epoch.transform("max")
            g = lay[lay.epoch == last_epoch].pivot_table(index="trial_id", columns="layer",
                                                         values="preact_grad_norm")
            ratio = np.log10(g[0] / g[last_layer]).rename("ratio").reset_index()
            # Collapsed trials count here: their gradients are finite
            # measurements, and a network that cannot train because its first
            # layers receive no gradient is the claim itself, not a failure of
            # the measurement (diverged/exploded/failed trials stay out).
            measured = group.trials.status.isin(["ok", "collapsed"])
            t = group.trials[measured].merge(ratio, on="trial_id")
            for a in acts:
                if a.split("(")[0] not in ("sigmoid", "tanh"):
                    continue
                for lr in sorted(group.trials["train.lr"].unique()):
                    x = t[(t.activation == a) & (t["train.lr"] == lr)].set_index("seed").ratio
                    y = t[(t.activation == "relu") & (t["train.lr"] == lr)].set_index("seed").ratio
                    common = x.index.intersection(y.index)
                    if len(common) < 2:
                        continue
                    d, p = paired_test(x.loc[common], y.loc[common])
                    m, h = mean_ci95(x.loc[common])
                    collapsed = int((t[(t.activation == a) & (t["train.lr"] == lr)].status
                                     == "collapsed").sum())
                    note = f", {collapsed} of them collapsed" if collapsed else ""
                    tested.append(("gradients", f"{a} suffers from vanishing gradients (lr={lr:g})",
                                   d, p, -1,
                                   f"log10(pre-activation gradient per unit, layer 0 / layer "
                                   f"{last_layer}): {a} {format_mean_ci(m, h, 2)}, {a} − relu = "
                                   f"{d:+.2f} ({last_layer + 1} hidden layers, {len(common)} seeds{note})"))
    for family in sorted({t[0] for t in tested}):
        members = [t for t in tested if t[0] == family]
        adjusted = holm([t[3] for t in members])
        for (_, claim, d, p, sign, numbers), p_holm in zip(members, adjusted):
            out.append((claim, verdict(d, p_holm, sign),
                        f"{numbers}, p = {p:.3g}, Holm-adjusted over the {len(members)} "
                        f"{family} claim(s): {p_holm:.3g}"))
    return out


def markdown(title, rows, acts, claims):
    lines = [f"### {title}", "", "| property | " + " | ".join(acts) + " |",
             "|---|" + "---|" * len(acts)]
    for name, cells in rows:
        lines.append(f"| {name} | " + " | ".join(cells.get(a, "–") for a in acts) + " |")
    if claims:
        lines += ["", "**The folklore, tested**", "", "| claim | verdict | numbers |", "|---|---|---|"]
        lines += [f"| {c} | {v} | {n} |" for c, v, n in claims]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+", help="relulab results folders")
    parser.add_argument("--by", default="model.arch",
                        help="config columns that split the tables (comma-separated; default model.arch)")
    parser.add_argument("--bench", default=None,
                        help="kernel benchmark CSV (default: results/bench/kernels.csv if present)")
    parser.add_argument("--out", default=None, help="where tables.md and comparison.csv go")
    args = parser.parse_args(argv)

    data = load_results(args.results)
    trials = data["trials"]
    by = [c for c in args.by.split(",") if c]
    for c in by:
        if c not in trials.columns:
            sys.exit(f"compare: --by {c}: no such column in trials.csv")
    bench_path = Path(args.bench) if args.bench else Path("results/bench/kernels.csv")
    bench = pd.read_csv(bench_path) if bench_path.exists() else None

    text = ["# relulab: the comparison table, measured", "",
            f"Results: {', '.join(args.results)} ({len(trials)} trials)"
            + (f"; kernels: {bench_path}" if bench is not None else "; no kernel benchmark found"), ""]
    long = []
    groups = trials.groupby(by[0] if len(by) == 1 else by) if by else [((), trials)]
    for key, t in groups:
        key = key if isinstance(key, tuple) else (key,)
        title = ", ".join(f"{c}={v}" for c, v in zip(by, key)) or "all trials"
        ids = set(t.trial_id)
        subset = {name: (df[df.trial_id.isin(ids)] if not df.empty else df)
                  for name, df in data.items() if name != "trials"}
        group = Group(t, subset["epochs"], subset["layers"], subset["steps"])
        rows, records = build_table(group, bench)
        claims = folklore(group, bench)
        text.append(markdown(title, rows, group.activations, claims))
        edges = {a: group.grid_edge(a) for a in group.activations}
        unbracketed = [f"{a} ({edge})" for a, edge in edges.items() if edge]
        if unbracketed:
            text.append("**Learning-rate grid:** the chosen learning rate is at the edge of the "
                        "rates run for " + ", ".join(unbracketed) + ": the optimum may lie beyond "
                        "it (not bracketed); run a rate past that edge.\n")
        seeds = t.groupby(["activation", "train.lr"]).seed.nunique().min()
        if seeds < FEW_SEEDS:
            text.append(f"**Warning:** {seeds} seeds per configuration (fewer than {FEW_SEEDS}): "
                        "intervals are wide and a paired test over n seeds has little power "
                        "(an exact sign-flip test cannot reach p < 0.05 below 6 pairs).\n")
        long += [{**{c: v for c, v in zip(by, key)}, **r} for r in records]
        long += [{**{c: v for c, v in zip(by, key)}, "property": "claim: " + c, "text": v, "numbers": n}
                 for c, v, n in claims]
    text.append("Conventions: mean ± 95% t confidence interval over the `ok` seeds (n_ok/n shown when "
                "some seeds were not ok: diverged, exploded, collapsed or failed), each activation at "
                "its best learning rate (highest mean validation accuracy; test accuracy reported at "
                "the validation-chosen epoch); **bold** = best in the row; ≈ = not significantly "
                "different from the best (paired t-test over seeds, p ≥ 0.05, uncorrected); claims: "
                "p-values Holm-adjusted within each family (accuracy, convergence, dying, gradients), "
                "verdicts holds / does not hold / inconclusive; an activation *trains* at a learning "
                "rate when every seed is ok. Dead fraction: hidden units whose pre-activation is ≤ 0 "
                "on every probe example: dead for ReLU, merely inactive for the others "
                "(docs/statistics.md).\n")
    report = "\n".join(text)
    print(report)
    out = Path(args.out) if args.out else Path(args.results[0])
    out.mkdir(parents=True, exist_ok=True)
    (out / "tables.md").write_text(report)
    pd.DataFrame(long).to_csv(out / "comparison.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
