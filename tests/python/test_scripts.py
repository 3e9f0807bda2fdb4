"""scripts/compare.py and scripts/plot.py on small hand-made result folders
whose tables can be checked by hand."""
import gzip
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import born_dead  # noqa: E402
import compare  # noqa: E402
import plot  # noqa: E402
from relulab_analysis.stats import (holm, mean_ci95, paired_test, sign_flip_p, verdict,  # noqa: E402
                                    wilson)


def test_mean_ci95_by_hand():
    m, h = mean_ci95([1.0, 2.0, 3.0])
    assert m == 2.0
    # sd = 1, n = 3, t(0.975, 2) = 4.3027: 4.3027 / sqrt(3)
    assert h == pytest.approx(4.302653 / math.sqrt(3), rel=1e-6)
    assert math.isnan(mean_ci95([5.0])[1])


def test_paired_test_by_hand():
    # differences 1, 2, 3: mean 2, sd 1, t = 2 / (1 / sqrt 3) = 3.464, df 2 -> p = 0.0742
    d, p = paired_test([2, 4, 6], [1, 2, 3])
    assert d == 2.0
    assert p == pytest.approx(0.0742, abs=5e-4)
    assert paired_test([1, 2], [1, 2]) == (0.0, 1.0)
    # A constant shift has zero variance: the exact sign-flip p, never 0.
    assert paired_test([2, 3], [1, 2]) == (1.0, 0.5)        # 2 of 4 sign patterns
    assert paired_test([1] * 5, [0] * 5)[1] == 2 / 32      # 5 pairs cannot reach 0.05
    assert paired_test([1] * 10, [0] * 10)[1] == 2 / 1024


def test_sign_flip_by_hand():
    # d = (1, 2, 3): |mean| 2; the 8 sign patterns give |mean| 2, 4/3, 2/3, 0, 0, 2/3, 4/3, 2
    assert sign_flip_p([1, 2, 3]) == pytest.approx(2 / 8)


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01, 2 x 0.03, max(0.06, 1 x 0.04)
    adjusted = holm([0.01, 0.04, 0.03, math.nan])
    assert adjusted[:3] == pytest.approx([0.03, 0.06, 0.06])
    assert math.isnan(adjusted[3])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])  # capped at 1, never decreasing


def test_wilson_by_hand():
    low, high = wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)  # not the Wald interval's [0, 0]
    low, high = wilson(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)


def test_verdicts_have_three_outcomes():
    assert verdict(+0.01, 0.01, +1) == "holds"
    assert verdict(-0.01, 0.01, +1) == "does not hold"
    assert verdict(+0.01, 0.20, +1) == "inconclusive"
    assert verdict(+0.01, math.nan, +1) == "inconclusive"


def fixture(folder: Path, leaky_better: bool, seeds=10, diverged=()):
    """relu vs leaky_relu, `seeds` seeds, 2 learning rates, with a clear winner.
    `diverged`: (activation, lr, seed) of trials that diverged (no final metrics)."""
    rows, epochs, layers, steps = [], [], [], []
    for act in ["relu", "leaky_relu(negative_slope=0.2)"]:
        for lr in [0.01, 0.1]:
            for seed in range(seeds):
                tid = f"{act[:4]}{lr}{seed}"
                good = (act != "relu") == leaky_better
                acc = (0.85 if good else 0.80) + 0.001 * seed + (0.0 if lr == 0.1 else -0.05)
                failed = (act, lr, seed) in diverged
                rows.append({"trial_id": tid, "activation": act, "activation_name": act.split("(")[0],
                             "model.arch": "mlp", "train.lr": lr, "seed": seed,
                             "status": "diverged" if failed else "ok",
                             "train.epochs": 2, "model.depth": 0, "model.width": 0,
                             "final_test_accuracy": None if failed else acc,
                             "best_val_accuracy": None if failed else acc + 0.01,
                             "final_val_accuracy": None if failed else acc + 0.01,
                             "test_accuracy_at_best_val": None if failed else acc,
                             "epochs_to_target": 2 if good else None,
                             "loss_auc": 0.4 if good else 0.5 + 0.001 * seed,
                             "dead_fraction_init": 0.0, "dead_fraction_end": 0.05 if act == "relu" else 0.0,
                             "network_dead_init": False, "seconds_per_epoch": 1.0 + 0.01 * seed})
                # Validation accuracy at 1000, 2000, 3000 examples: the better one
                # gets there first.
                curve = [0.80, 0.82, 0.85] if good else [0.50, 0.60, 0.80]
                for k, v in enumerate(curve):
                    steps.append({"trial_id": tid, "step": 10 * (k + 1), "epoch": 1,
                                  "examples": 1000 * (k + 1), "train_loss": 1.0, "val_accuracy": v})
                for e in range(3):
                    epochs.append({"trial_id": tid, "epoch": e, "test_accuracy": acc * e / 2, "train_loss": 1.0})
                    for layer in range(2):
                        layers.append({"trial_id": tid, "epoch": e, "layer": layer,
                                       "dead_fraction": 0.05 if act == "relu" else 0.0,
                                       "grad_norm": 1.0 if e else None, "slope_mean": None})
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "trials.csv", index=False)
    pd.DataFrame(epochs).to_csv(folder / "epochs.csv", index=False)
    pd.DataFrame(layers).to_csv(folder / "layers.csv", index=False)
    pd.DataFrame(steps).to_csv(folder / "steps.csv", index=False)
    return folder


def test_convergence_speed_in_examples_from_steps_csv(tmp_path):
    folder = fixture(tmp_path / "steps", True)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    # Threshold: 0.98 x relu's mean final validation accuracy at its best LR
    # (0.80 + 0.0045 + 0.01 = 0.8145) = 0.798: leaky reaches it at 1000
    # examples, relu at 3000 (0.80).
    row = next(l for l in text.splitlines() if l.startswith("| Training examples to validation accuracy"))
    assert "≥ 0.798" in row, row
    cells = [c.strip() for c in row.split("|")[2:4]]
    assert cells[0].startswith("3000") and cells[1].startswith("**1000"), cells
    assert "reach it" not in row  # every ok seed reached it


def test_a_gzipped_steps_csv_gives_the_same_table(tmp_path):
    # The committed seed tables keep steps.csv gzipped (too big for git as text).
    plain = fixture(tmp_path / "plain", True)
    gzipped = fixture(tmp_path / "gz", True)
    steps = gzipped / "steps.csv"
    with open(steps, "rb") as src, gzip.open(gzipped / "steps.csv.gz", "wb") as dst:
        dst.write(src.read())
    steps.unlink()
    for folder in (plain, gzipped):
        compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (gzipped / "tables.md").read_text()
    assert "Training examples to validation accuracy" in text
    assert text.replace("/gz", "/plain") == (plain / "tables.md").read_text()


def test_convergence_speed_counts_seeds_that_never_reach_the_threshold(tmp_path):
    # relu seeds 0-3 stop at 0.79 (< 0.798): the best-LR cell averages the 6
    # that reach it and says so; a learning rate an activation never ran at
    # reads "not run", not "0/0".
    folder = fixture(tmp_path / "slow", True)
    steps = pd.read_csv(folder / "steps.csv")
    slow = steps.trial_id.isin([f"relu0.1{seed}" for seed in range(4)])
    steps.loc[slow & (steps.val_accuracy == 0.80), "val_accuracy"] = 0.79
    steps.to_csv(folder / "steps.csv", index=False)
    trials = pd.read_csv(folder / "trials.csv")
    trials = trials[~((trials.activation == "relu") & (trials["train.lr"] == 0.01))]
    trials.to_csv(folder / "trials.csv", index=False)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    lines = (folder / "tables.md").read_text().splitlines()
    best = next(l for l in lines if l.startswith("| Training examples to validation accuracy")
                and "at best LR" in l)
    assert best.split("|")[2].strip() == "3000 ± 0 (6/10 reach it)", best
    at = next(l for l in lines if l.startswith("| Training examples to validation accuracy")
              and "at lr=0.01" in l)
    assert at.split("|")[2].strip() == "not run", at
    accuracy = next(l for l in lines if l.startswith("| Test accuracy at lr=0.01"))
    assert accuracy.split("|")[2].strip() == "not run", accuracy


def test_compare_table_and_verdict_flip(tmp_path, capsys):
    for leaky_better, expected in [(True, "holds"), (False, "does not hold")]:
        folder = fixture(tmp_path / str(leaky_better), leaky_better)
        assert compare.main([str(folder), "--bench", str(tmp_path / "none.csv")]) == 0
        text = (folder / "tables.md").read_text()
        line = next(l for l in text.splitlines() if l.startswith("| leaky_relu(negative_slope=0.2) is more accurate"))
        assert f"| {expected} |" in line, line
        # The winner's accuracy at its best LR (0.1) is bold: 0.85 + mean(0..9)/1000 = 0.8545.
        acc = next(l for l in text.splitlines() if l.startswith("| Test accuracy at best LR"))
        assert "**0.8545 ±" in acc
        assert "Holm-adjusted" in line and "Warning" not in text
        assert (folder / "comparison.csv").exists()
        capsys.readouterr()


def test_dying_claim(tmp_path):
    folder = fixture(tmp_path / "dying", True)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    # ReLU: 5% dead in every seed -> CI is [0.05, 0.05], above 1%: at each learning rate.
    assert "| ReLU suffers from dying neurons (lr=0.01) | holds |" in text
    assert "| ReLU suffers from dying neurons (lr=0.1) | holds |" in text
    # The same measurement under leaky_relu is not a dead unit.
    dead = next(l for l in text.splitlines() if l.startswith("| Dead (ReLU) / inactive (others) fraction at end |"))
    assert "(inactive)" in dead


@pytest.mark.parametrize("dead, expected", [(0.002, "does not hold"), (None, "inconclusive")])
def test_dying_claim_is_a_corrected_test_against_one_percent(tmp_path, dead, expected):
    folder = fixture(tmp_path / "dying", True)
    trials = pd.read_csv(folder / "trials.csv")
    relu = trials.activation == "relu"
    # 0.002 + noise: clearly below 1%; None: 0.5% to 1.5%, centred on 1%
    trials.loc[relu, "dead_fraction_end"] = [
        (dead + 0.0001 * s) if dead is not None else 0.01 + (0.005 if s % 2 else -0.005) + 0.0001 * s
        for s in trials[relu].seed]
    trials.to_csv(folder / "trials.csv", index=False)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    line = next(l for l in text.splitlines() if l.startswith("| ReLU suffers from dying neurons (lr=0.1)"))
    assert f"| {expected} |" in line and "Holm-adjusted over the 2 dying claim(s)" in line, line


def test_five_seeds_cannot_make_a_claim_hold_and_say_so(tmp_path):
    # A constant 0.05 advantage over 5 seeds: exact p = 2/32 > 0.05.
    folder = fixture(tmp_path / "five", True, seeds=5)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    line = next(l for l in text.splitlines() if l.startswith("| leaky_relu(negative_slope=0.2) is more accurate"))
    assert "| inconclusive |" in line, line
    assert "**Warning:** 5 seeds per configuration" in text


def test_a_diverged_trial_is_not_averaged_and_is_counted(tmp_path):
    # relu's seed 0 diverged at lr 0.1: relu's lr-0.1 row averages 9 seeds and says so,
    # and relu no longer "trains" at 0.1 (not every seed ok).
    folder = fixture(tmp_path / "div", True, diverged={("relu", 0.1, 0)})
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    row = next(l for l in text.splitlines() if l.startswith("| Test accuracy at lr=0.1 |"))
    relu_cell = row.split("|")[2]
    assert "(9/10 ok)" in relu_cell and "0.8050" in relu_cell, row  # 0.80 + mean(1..9)/1000
    trains = next(l for l in text.splitlines() if l.startswith("| Learning rates it trains at"))
    assert "1/2 LRs (every seed ok); not ok: 1 diverged" in trains.split("|")[2], trains
    # Best LR then falls to 0.01, the only one where every relu seed is ok.
    best = next(l for l in text.splitlines() if l.startswith("| Best learning rate"))
    assert best.split("|")[2].strip() == "0.01 (grid's lowest)", best


def speed_row(folder, tmp_path):
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    return next(l for l in text.splitlines() if l.startswith("| Training s/epoch relative to ReLU"))


def test_speed_row_compares_trials_of_one_build(tmp_path):
    # Build "old" ran every trial of seeds 0-1 (leaky twice relu's time); "new",
    # twice as fast, the rest of leaky only. Mixing them would put leaky at
    # ~1.2x relu; the row must use "old" alone and say so.
    folder = fixture(tmp_path / "builds", True)
    trials = pd.read_csv(folder / "trials.csv")
    leaky = trials.activation != "relu"
    trials["git_commit"] = "old"
    trials["seconds_per_epoch"] = 1.0
    trials.loc[leaky, "seconds_per_epoch"] = 2.0
    late = leaky & (trials.seed >= 2)
    trials.loc[late, "git_commit"] = "new"
    trials.loc[late, "seconds_per_epoch"] = 1.0
    trials.to_csv(folder / "trials.csv", index=False)
    row = speed_row(folder, tmp_path)
    assert "(build old only: 24 of 40 trials)" in row, row
    assert [c.strip() for c in row.split("|")[2:4]] == ["1.00", "2.00"], row
    # One build: every trial, the title unchanged.
    trials["git_commit"] = "old"
    trials.to_csv(folder / "trials.csv", index=False)
    row = speed_row(folder, tmp_path)
    assert row.startswith("| Training s/epoch relative to ReLU |"), row
    assert [c.strip() for c in row.split("|")[2:4]] == ["1.00", "1.20"], row  # (4 x 2 + 16 x 1) / 20
    # No build ran both activations: no ratio at all.
    trials.loc[leaky, "git_commit"] = "new"
    trials.to_csv(folder / "trials.csv", index=False)
    row = speed_row(folder, tmp_path)
    assert "timings not comparable" in row and [c.strip() for c in row.split("|")[2:4]] == ["–", "–"]


def test_a_chosen_rate_at_the_grids_edge_is_flagged(tmp_path):
    # The fixture's two rates: both activations are best at 0.1, the top.
    folder = fixture(tmp_path / "edge", True)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    best = next(l for l in text.splitlines() if l.startswith("| Best learning rate"))
    assert [c.strip() for c in best.split("|")[2:4]] == ["0.1 (grid's highest)"] * 2, best
    assert ("**Learning-rate grid:** the chosen learning rate is at the edge of the rates run for "
            "relu (highest), leaky_relu(negative_slope=0.2) (highest)") in text
    # A higher rate where relu is worse brackets relu's optimum; leaky is not run there.
    trials = pd.read_csv(folder / "trials.csv")
    above = trials[(trials.activation == "relu") & (trials["train.lr"] == 0.1)].copy()
    above["train.lr"] = 1.0
    above["trial_id"] = above.trial_id + "x"
    for column in ["best_val_accuracy", "test_accuracy_at_best_val", "final_test_accuracy"]:
        above[column] -= 0.1
    pd.concat([trials, above]).to_csv(folder / "trials.csv", index=False)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    best = next(l for l in text.splitlines() if l.startswith("| Best learning rate"))
    assert [c.strip() for c in best.split("|")[2:4]] == ["0.1", "0.1 (grid's highest)"], best
    assert "rates run for leaky_relu(negative_slope=0.2) (highest): the optimum" in text


def trials_as_gelu(trials, activation):
    """A copy of one activation's trials relabelled as a third activation, gelu (new trial ids)."""
    gelu = trials[trials.activation == activation].copy()
    gelu["activation"], gelu["activation_name"] = "gelu", "gelu"
    gelu["trial_id"] = "g" + gelu.trial_id
    return gelu


def test_convergence_claim_skips_activations_without_an_ok_seed(tmp_path):
    # relu (first in the table's order) has no ok seed, so no loss to compare:
    # prelu's "fastest other" must be gelu, not relu picked for a NaN.
    folder = fixture(tmp_path / "nan", True)
    trials = pd.read_csv(folder / "trials.csv")
    gelu = trials_as_gelu(trials, "relu")
    gelu["loss_auc"] = 0.3
    relu = trials.activation == "relu"
    for column in ["final_test_accuracy", "best_val_accuracy", "final_val_accuracy",
                   "test_accuracy_at_best_val", "loss_auc"]:
        trials.loc[relu, column] = None
    trials.loc[relu, "status"] = "diverged"
    trials.loc[~relu, "activation"] = "prelu"
    pd.concat([trials, gelu]).to_csv(folder / "trials.csv", index=False)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    claim = next(l for l in text.splitlines() if l.startswith("| prelu converges fastest"))
    assert "prelu − gelu (fastest other) = +0.1000" in claim, claim


@pytest.mark.parametrize("gelu_shift,expected", [
    # gelu 0.01 below leaky in every seed: leaky is best, both its paired tests have p = 2/1024
    # (exact sign-flip: no variance), x 3 pairs = 0.00586 -> holds.
    (lambda seed: -0.01, "| leaky_relu(negative_slope=0.2) is the most accurate activation | holds |"),
    # gelu = leaky +-0.002 by seed, +0.0001 on average: gelu is best by a hair -> inconclusive.
    (lambda seed: 0.0001 + 0.002 * (-1) ** seed, "| gelu is the most accurate activation | inconclusive |"),
])
def test_most_accurate_claim_is_corrected_for_picking_the_best(tmp_path, gelu_shift, expected):
    folder = fixture(tmp_path / "best", True)
    assert compare.main([str(folder), "--bench", str(tmp_path / "none.csv")]) == 0
    assert "most accurate activation" not in (folder / "tables.md").read_text()  # 2 activations
    trials = pd.read_csv(folder / "trials.csv")
    gelu = trials_as_gelu(trials, "leaky_relu(negative_slope=0.2)")
    shift = gelu.seed.map(gelu_shift)
    for column in ["final_test_accuracy", "best_val_accuracy", "final_val_accuracy",
                   "test_accuracy_at_best_val"]:
        gelu[column] += shift
    pd.concat([trials, gelu]).to_csv(folder / "trials.csv", index=False)
    assert compare.main([str(folder), "--bench", str(tmp_path / "none.csv")]) == 0
    claim = next(l for l in (folder / "tables.md").read_text().splitlines()
                 if "most accurate activation" in l)
    assert claim.startswith(expected), claim
    assert "over the 3 pairs" in claim
    if "holds" in expected:
        assert "p = 0.00195" in claim and ": 0.00586" in claim, claim


def test_compare_by_learning_rate(tmp_path):
    folder = fixture(tmp_path / "by", True)
    compare.main([str(folder), "--by", "model.arch,train.lr", "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    assert "### model.arch=mlp, train.lr=0.01" in text and "### model.arch=mlp, train.lr=0.1" in text


def test_compare_rejects_unknown_column(tmp_path):
    folder = fixture(tmp_path / "bad", True)
    with pytest.raises(SystemExit, match="no such column"):
        compare.main([str(folder), "--by", "nope"])


def test_plot_writes_figures(tmp_path):
    folder = fixture(tmp_path / "plots", True)
    assert plot.main([str(folder)]) == 0
    for name in ["accuracy_vs_epoch.png", "loss_vs_epoch.png", "curves_by_step.png",
                 "dead_fraction_vs_epoch.png", "accuracy_vs_lr.png"]:
        assert (folder / name).stat().st_size > 10_000, name


def test_figures_use_the_tables_learning_rate():
    """plot.py draws each activation at the rate compare.py reports it at: chosen on
    validation accuracy, among rates where every seed is ok; never on one survivor."""
    rows = []
    for lr, status, val, test in [(0.01, "ok", 0.80, 0.90), (0.01, "ok", 0.80, 0.90),
                                  (0.1, "ok", 0.85, 0.70), (0.1, "ok", 0.85, 0.70),
                                  (1.0, "ok", 0.99, 0.99), (1.0, "diverged", None, None)]:
        rows.append({"trial_id": f"t{len(rows)}", "activation": "relu", "model.arch": "mlp",
                     "train.lr": lr, "status": status, "best_val_accuracy": val,
                     "final_test_accuracy": test})
    trials = pd.DataFrame(rows)
    chosen = plot.best_lr_trials(trials)
    assert set(chosen["train.lr"]) == {0.1}  # not 0.01 (best test), not 1.0 (one survivor)
    assert list(plot.trained_only(trials.assign(status=["ok", "collapsed", "ok", "exploded",
                                                        "ok", "diverged"])).trial_id) == \
        ["t0", "t1", "t2", "t4"]


def test_accuracy_against_rate_averages_ok_seeds_only():
    rows = [{"train.lr": lr, "status": status, "final_test_accuracy": acc}
            for lr, status, acc in [(0.01, "ok", 0.80), (0.01, "ok", 0.82),
                                    (0.1, "ok", 0.90), (0.1, "collapsed", 0.10),
                                    (1.0, "diverged", None), (1.0, "diverged", None)]]
    lrs, mean, half, all_ok = plot.lr_points(pd.DataFrame(rows), "final_test_accuracy")
    assert list(lrs) == [0.01, 0.1]  # 1.0: no seed ok, no point
    assert mean == pytest.approx([0.81, 0.90]) and list(all_ok) == [True, False]
    assert half[1] == 0.0  # one ok seed: no interval


def test_accuracy_band_clipped_and_axis_on_the_means():
    fig, ax = plot.plt.subplots()
    # Two seeds 0.80 and 0.99: mean 0.895, 95% t half-width 1.21: the band would reach 2.1.
    wide = plot.band(ax, [1, 2], [[0.80, 0.99], [0.80, 0.99]], "wide", limits=(0.0, 1.0))
    steady = plot.band(ax, [1, 2], [[0.90, 0.91], [0.92, 0.93]], "steady", limits=(0.0, 1.0))
    assert wide == pytest.approx([0.895, 0.895]) and steady == pytest.approx([0.905, 0.925])
    band_y = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band_y.max() == pytest.approx(1.0) and band_y.min() == pytest.approx(0.0)
    plot.zoom_to_means(ax, [wide, steady])
    # means 0.895..0.925: margin 0.1 x 0.03 + 0.002 = 0.005 each side
    assert ax.get_ylim() == pytest.approx((0.890, 0.930))
    plot.plt.close(fig)


def test_born_dead_tables_against_lu(tmp_path):
    rows = [{"width": w, "depth": d, "networks": 1000, "born_dead": k, "input_dim": 1,
             "probe_size": 1000, "bias_std": 0.0}
            for w, d, k in [(3, 9, 550), (3, 10, 600), (3, 11, 650), (5, 10, 50), (10, 10, 3)]]
    pd.DataFrame(rows).to_csv(tmp_path / "main.csv", index=False)
    other = [dict(r, input_dim=2, born_dead=r["born_dead"] // 2) for r in rows]
    pd.DataFrame(other).to_csv(tmp_path / "two.csv", index=False)
    assert born_dead.main([str(tmp_path / "main.csv"), "--compare", f"2-D={tmp_path / 'two.csv'}",
                           "--out", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "tables.md").read_text()
    # 600 of 1000: Wilson 95% interval 0.5693-0.6299 (by hand), contains Lu's 60%
    low, high = wilson(600, 1000)
    assert (round(low, 4), round(high, 4)) == (0.5693, 0.6299)
    assert "| 3 | about 60% | 55.0 [" in text and "60.0 [56.9, 63.0]" in text
    lines = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    assert lines["3"].endswith("| yes |")
    # 50 of 1000 (5%, interval 3.8-6.5%) is not "over 10%"; 3 of 1000 is "under 1%"
    assert lines["5"].endswith("| **no** |") and lines["10"].endswith("| yes |")
    assert "| 2-D | input dimension 2, zero biases" in text and "30.0 [" in text
    assert (tmp_path / "out" / "born_dead.png").stat().st_size > 10_000
    bad = tmp_path / "bad.csv"
    pd.DataFrame([{"width": 3}]).to_csv(bad, index=False)
    with pytest.raises(SystemExit, match="missing columns"):
        born_dead.main([str(bad)])


def vanishing_fixture(folder: Path, sigmoid_first_layer: float, depth=8, sigmoid_status="ok"):
    """relu and sigmoid, `depth` hidden layers, 10 seeds, one LR: sigmoid's layer-0
    pre-activation gradient is `sigmoid_first_layer` x its last layer's."""
    rows, layers = [], []
    for act in ["relu", "sigmoid"]:
        for seed in range(10):
            tid = f"{act}{seed}"
            rows.append({"trial_id": tid, "activation": act, "model.arch": "mlp", "train.lr": 0.01,
                         "seed": seed, "status": sigmoid_status if act == "sigmoid" else "ok",
                         "final_test_accuracy": 0.8,
                         "dead_fraction_init": 0.0, "dead_fraction_end": 0.0, "loss_auc": 0.5,
                         "epochs_to_target": 1, "seconds_per_epoch": 1.0})
            for layer in range(depth):
                first = sigmoid_first_layer if act == "sigmoid" else 1.0
                value = (first if layer == 0 else 1.0) * (1 + 0.01 * seed)
                layers.append({"trial_id": tid, "epoch": 1, "layer": layer, "dead_fraction": 0.0,
                               "grad_norm": 1.0, "preact_grad_norm": value, "slope_mean": None})
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "trials.csv", index=False)
    pd.DataFrame(columns=["trial_id", "epoch"]).to_csv(folder / "epochs.csv", index=False)
    pd.DataFrame(layers).to_csv(folder / "layers.csv", index=False)
    return folder


@pytest.mark.parametrize("first_layer, expected", [(1e-3, "holds"), (1.0, "inconclusive")])
def test_vanishing_claim_from_pre_activation_gradients(tmp_path, first_layer, expected):
    folder = vanishing_fixture(tmp_path / str(first_layer), first_layer)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    text = (folder / "tables.md").read_text()
    line = next(l for l in text.splitlines() if l.startswith("| sigmoid suffers from vanishing gradients (lr=0.01)"))
    assert f"| {expected} |" in line, line



@pytest.mark.parametrize("status, judged", [("collapsed", True), ("diverged", False)])
def test_vanishing_claim_counts_collapsed_but_not_diverged_trials(tmp_path, status, judged):
    # A sigmoid net that cannot train because its first layer gets no gradient
    # collapses: that is the claim, so its (finite) gradients are judged.
    folder = vanishing_fixture(tmp_path / status, 1e-3, sigmoid_status=status)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    lines = [l for l in (folder / "tables.md").read_text().splitlines()
             if l.startswith("| sigmoid suffers from vanishing gradients")]
    if judged:
        assert len(lines) == 1 and "| holds |" in lines[0] and "10 of them collapsed" in lines[0]
    else:
        assert not lines


def test_no_vanishing_verdict_for_a_shallow_network(tmp_path):
    folder = vanishing_fixture(tmp_path / "shallow", 1e-3, depth=3)
    compare.main([str(folder), "--bench", str(tmp_path / "none.csv")])
    assert "vanishing gradients" not in (folder / "tables.md").read_text()


def run_update_results_readme(*args):
    import subprocess
    return subprocess.run([sys.executable, str(SCRIPTS / "update-results-readme"), *args],
                          capture_output=True, text=True)


def test_results_readme_quotes_the_committed_tables():
    result = run_update_results_readme("--check")
    assert result.returncode == 0, result.stderr


def test_update_results_readme_replaces_a_stale_block(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "tables.md").write_text(
        "# title\n\nResults: run\n\n### model.arch=mlp\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNotes.\n")
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- from run/tables.md: begin -->\n| a | b |\n| 0 | 0 |\n"
                      "<!-- from run/tables.md: end -->\noutro\n")
    stale = run_update_results_readme("--check", str(readme))
    assert stale.returncode == 1 and "run/tables.md" in stale.stderr
    assert run_update_results_readme(str(readme)).returncode == 0
    assert readme.read_text() == ("intro\n<!-- from run/tables.md: begin -->\n"
                                  "| a | b |\n|---|---|\n| 1 | 2 |\n\nNotes.\n"
                                  "<!-- from run/tables.md: end -->\noutro\n")
    assert run_update_results_readme("--check", str(readme)).returncode == 0


def test_gelu_polynomial_table_is_what_the_fit_writes():
    # src/ops/cpu/gelu_polynomials.h is generated and error-checked by the script: a hand
    # edit of a coefficient, or a fit that no longer meets its bound, fails here.
    import subprocess
    result = subprocess.run([sys.executable, str(SCRIPTS / "fit_gelu_polynomials.py")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    header = SCRIPTS.parent / "src" / "ops" / "cpu" / "gelu_polynomials.h"
    assert result.stdout == header.read_text()


def test_bench_scaling_table_by_hand():
    # relulab 8 -> 4 ms on two threads (2.00x), LibTorch 6 -> 6 ms (1.00x).
    import bench_table
    rows = [("relu", "forward", impl, threads, ns)
            for impl, threads, ns in [("relulab", 1, 8e6), ("relulab", 2, 4e6),
                                      ("libtorch", 1, 6e6), ("libtorch", 2, 6e6),
                                      ("copy_", 1, 1e6), ("copy_", 2, 1e6)]]
    frame = pd.DataFrame(rows, columns=["op", "direction", "impl", "threads", "median_ns"])
    frame["elements"], frame["dtype"] = 4096, "float32"
    text = bench_table.scaling(frame, 4096, 2, "float32")
    assert "| relu | forward | 2.00x | 1.00x |" in text
    assert "relulab 2.00x, LibTorch 1.00x" in text
