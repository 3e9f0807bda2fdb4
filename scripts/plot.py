#!/usr/bin/python3
"""Figures from relulab results (PNG, matplotlib).

    scripts/plot.py RESULTS_DIR [RESULTS_DIR ...] [--out DIR]

Writes, into the first folder (or --out), whichever apply:
  accuracy_vs_epoch.png     validation accuracy per epoch from epoch 1, mean and 95% band
                            over ok seeds, at each activation's chosen LR
  loss_vs_epoch.png         training loss per epoch from epoch 1 (log y), the same trials
  curves_by_step.png        steps.csv: training loss (log y) and validation accuracy against
                            examples seen
  dead_fraction_vs_epoch.png  dead fraction per hidden layer per epoch
  prelu_slopes.png          learned PReLU slopes per layer per epoch
  accuracy_vs_lr.png        test accuracy against the learning rate (log x), ok seeds;
                            hollow markers where some seeds were not ok
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from relulab_analysis.load import load_results
    from relulab_analysis.selection import chosen_lr, reported_accuracy_column
    from relulab_analysis.stats import mean_ci95
except ModuleNotFoundError as e:  # pragma: no cover - environment problem
    sys.exit(f"plot: missing Python module {e.name}; HINT: apt-get install python3-matplotlib "
             "python3-pandas python3-scipy (scripts/setup does), and run with /usr/bin/python3")

def best_lr_trials(trials):
    """Each (arch, activation) at the learning rate compare.py reports it at (chosen_lr)."""
    keep = [t[t["train.lr"] == chosen_lr(t)]
            for _, t in trials.groupby(["model.arch", "activation"])]
    return pd.concat(keep) if keep else trials.iloc[0:0]


def trained_only(trials):
    """Curves average trials that trained every epoch (ok, or collapsed: a sigmoid network stuck
    at chance is the point of some figures); a diverged or exploded trial's records stop early
    and would drag the mean (their counts are in compare.py's tables)."""
    if "status" not in trials.columns:
        return trials
    return trials[trials["status"].isin(["ok", "collapsed"])]


def band(ax, x, ys, label, limits=(-np.inf, np.inf)):
    """Mean over seeds with its 95% t interval, the interval clipped to `limits` (an accuracy's
    interval above 1 means nothing); returns the means."""
    stats = [mean_ci95(v) for v in ys]
    mean = np.array([s[0] for s in stats])
    half = np.nan_to_num(np.array([s[1] for s in stats]))
    if not ax.lines:  # 20 distinct colours: a table has up to 15 activations
        ax.set_prop_cycle(color=plt.cm.tab20.colors)
    line, = ax.plot(x, mean, marker="o", ms=3, label=label)
    ax.fill_between(x, np.maximum(mean - half, limits[0]), np.minimum(mean + half, limits[1]),
                    color=line.get_color(), alpha=0.15)
    return mean


def zoom_to_means(ax, means):
    """The y range of the means with a margin: a few seeds' wide interval (a sigmoid seed still
    learning) would otherwise stretch the axis until the activations' curves merge."""
    values = np.concatenate([m[np.isfinite(m)] for m in means]) if means else np.array([])
    if values.size:
        low, high = float(values.min()), float(values.max())
        pad = 0.1 * (high - low) + 0.002
        ax.set_ylim(low - pad, min(1.0, high + pad))


def curves_per_epoch(data, out):
    """Held-out accuracy (validation; test without a validation split) and training loss (log
    axis) per epoch from epoch 1 on, where the activations differ; epoch 0 is chance for all."""
    best = trained_only(best_lr_trials(data["trials"]))
    epochs_all = data["epochs"]
    held_out = ("val_accuracy" if "val_accuracy" in epochs_all.columns
                and epochs_all["val_accuracy"].notna().any() else "test_accuracy")
    archs = sorted(best["model.arch"].unique())
    accuracy = "validation accuracy" if held_out == "val_accuracy" else "test accuracy"
    for column, name, title, ylabel, log in (
            (held_out, "accuracy_vs_epoch.png", accuracy.capitalize(), accuracy, False),
            ("train_loss", "loss_vs_epoch.png", "Training loss",
             "training loss (epoch mean, log scale)", True)):
        fig, axes = plt.subplots(1, len(archs), figsize=(6.5 * len(archs), 4.5), squeeze=False)
        for ax, arch in zip(axes[0], archs):
            means = []
            for act, t in best[best["model.arch"] == arch].groupby("activation"):
                e = epochs_all[epochs_all.trial_id.isin(t.trial_id) & (epochs_all.epoch >= 1)]
                epochs = sorted(e.epoch.unique())
                means.append(band(ax, epochs, [e[e.epoch == k][column].dropna() for k in epochs],
                                  f"{act} (lr={t['train.lr'].iloc[0]:g}, n={len(t)})",
                                  limits=(-np.inf, np.inf) if log else (0.0, 1.0)))
            if log:
                ax.set_yscale("log")
            else:
                zoom_to_means(ax, means)
            ax.set(title=f"{title} per epoch — {arch}, chosen LR each",
                   xlabel="epoch", ylabel=ylabel)
            ax.grid(alpha=0.3, which="both")
            ax.legend(fontsize=6)
        fig.text(0.01, 0.01, "ok and collapsed trials, mean over seeds; band: 95% t confidence "
                 "interval" + ("" if log else ", clipped to [0, 1]; axis: the means' range"), fontsize=7)
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        plt.close(fig)


def curves_per_step(data, out):
    """steps.csv: training loss (log) and validation accuracy against training examples seen,
    the within-epoch view of convergence speed."""
    steps = data.get("steps")
    if steps is None or steps.empty:
        return
    best = trained_only(best_lr_trials(data["trials"]))
    archs = sorted(best["model.arch"].unique())
    fig, axes = plt.subplots(2, len(archs), figsize=(6.5 * len(archs), 8), squeeze=False)
    for col, arch in enumerate(archs):
        for row in (0, 1):
            axes[row][col].set_prop_cycle(color=plt.cm.tab20.colors)
        for act, t in best[best["model.arch"] == arch].groupby("activation"):
            s = steps[steps.trial_id.isin(t.trial_id)]
            for row, column in enumerate(("train_loss", "val_accuracy")):
                m = s.dropna(subset=[column]).groupby("examples")[column].mean()
                axes[row][col].plot(m.index, m.values, lw=1, label=f"{act} (lr={t['train.lr'].iloc[0]:g})")
        axes[0][col].set_yscale("log")
        axes[0][col].set(title=f"Training loss by step — {arch}, chosen LR each",
                         xlabel="training examples seen", ylabel="training loss (log scale)")
        axes[1][col].set(title=f"Validation accuracy within epochs — {arch}",
                         xlabel="training examples seen", ylabel="validation accuracy")
        low = steps[steps.trial_id.isin(best.trial_id)].val_accuracy.dropna()
        if not low.empty:  # the informative range: from the first evaluation's median up
            axes[1][col].set_ylim(bottom=float(low[low > 0].quantile(0.05)))
        for row in (0, 1):
            axes[row][col].grid(alpha=0.3, which="both")
            axes[row][col].legend(fontsize=6)
    fig.text(0.01, 0.01, "ok and collapsed trials, mean over seeds (steps.csv)", fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "curves_by_step.png", dpi=110)
    plt.close(fig)


def dead_fraction_vs_epoch(data, out):
    best = best_lr_trials(data["trials"])
    layers = data["layers"].merge(best[["trial_id", "activation", "model.arch"]], on="trial_id")
    if layers.empty:
        return
    groups = list(layers.groupby(["model.arch", "activation"]))
    cols = min(4, len(groups))
    rows = (len(groups) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 3.2 * rows), squeeze=False, sharey=True)
    for ax, ((arch, act), l) in zip(axes.flat, groups):
        for layer, ll in l.groupby("layer"):
            m = ll.groupby("epoch").dead_fraction.mean()
            ax.plot(m.index, m.values, marker="o", ms=3, label=f"layer {layer}")
        ax.set_title(f"{arch}: {act}", fontsize=8)
        ax.set_xlabel("epoch")
        ax.set_ylabel("dead fraction (of units)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(groups):]:
        ax.axis("off")
    fig.suptitle("Dead units per hidden layer (pre-activation ≤ 0 on every probe example), mean over seeds",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "dead_fraction_vs_epoch.png", dpi=110)
    plt.close(fig)


def prelu_slopes(data, out):
    layers = data["layers"].dropna(subset=["slope_mean"])
    if layers.empty:
        return
    layers = layers.merge(data["trials"][["trial_id", "activation", "model.arch", "train.lr"]], on="trial_id")
    groups = list(layers.groupby(["model.arch", "activation", "train.lr"]))
    fig, axes = plt.subplots(1, len(groups), figsize=(4 * len(groups), 3.5), squeeze=False, sharey=True)
    for ax, ((arch, act, lr), l) in zip(axes[0], groups):
        for layer, ll in l.groupby("layer"):
            m = ll.groupby("epoch").slope_mean.mean()
            ax.plot(m.index, m.values, marker="o", ms=3, label=f"layer {layer}")
        ax.axhline(0.25, color="grey", lw=0.8, ls="--")
        ax.set_title(f"{arch}: {act}, lr={lr:g}", fontsize=8)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean learned slope")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    fig.suptitle("Learned PReLU slopes per layer (dashed: the 0.25 initial value), mean over seeds", fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "prelu_slopes.png", dpi=110)
    plt.close(fig)


def lr_points(t, column):
    """(rates, mean, CI half-width, every seed ok) of one activation's ok trials per
    learning rate: a rate where no seed is ok has no point (its trials have no accuracy)."""
    rows = []
    for lr, at in t.groupby("train.lr"):
        ok = at[at.status == "ok"] if "status" in at.columns else at
        m, h = mean_ci95(ok[column])
        if not np.isnan(m):
            rows.append((lr, m, 0.0 if np.isnan(h) else h, len(ok) == len(at)))
    return [np.array(v) for v in zip(*rows)] if rows else None


def accuracy_vs_lr(data, out):
    trials = data["trials"]
    if trials["train.lr"].nunique() < 2:
        return
    column = reported_accuracy_column(trials)  # the tables' accuracy
    archs = sorted(trials["model.arch"].unique())
    fig, axes = plt.subplots(1, len(archs), figsize=(8.5 * len(archs), 4.8), squeeze=False)
    for ax, arch in zip(axes[0], archs):
        ax.set_prop_cycle(color=plt.cm.tab20.colors)  # a table has up to 15 activations
        for act, t in trials[trials["model.arch"] == arch].groupby("activation"):
            points = lr_points(t, column)
            if points is None:
                continue
            lrs, mean, half, all_ok = points
            line, = ax.plot(lrs, mean, label=act)
            colour = line.get_color()
            ax.fill_between(lrs, np.maximum(mean - half, 0), np.minimum(mean + half, 1),
                            color=colour, alpha=0.12)
            # Filled: every seed ok; hollow: the mean of the seeds that were.
            ax.scatter(lrs[all_ok], mean[all_ok], s=14, color=colour)
            ax.scatter(lrs[~all_ok], mean[~all_ok], s=22, facecolors="none", edgecolors=colour)
        ax.set_xscale("log")
        ax.set(title=f"Test accuracy against learning rate — {arch}",
               xlabel="learning rate (log scale)", ylabel="test accuracy (ok seeds)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.text(0.01, 0.01, "mean over ok seeds, band: 95% t interval; hollow marker: some seeds\n"
             "diverged, exploded or collapsed (not averaged); no marker: none ok", fontsize=7)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    fig.savefig(out / "accuracy_vs_lr.png", dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", nargs="+")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    data = load_results(args.results)
    out = Path(args.out) if args.out else Path(args.results[0])
    out.mkdir(parents=True, exist_ok=True)
    trials = data["trials"]
    if (trials["train.epochs"] > 0).any():
        trained = {**data, "trials": trials[trials["train.epochs"] > 0]}
        curves_per_epoch(trained, out)
        curves_per_step(trained, out)
        dead_fraction_vs_epoch(trained, out)
        prelu_slopes(trained, out)
        accuracy_vs_lr(trained, out)
    written = sorted(p.name for p in out.glob("*.png"))
    print(f"plot: wrote {', '.join(written) if written else 'nothing'} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
