#!/usr/bin/python3
"""Born-dead tables and figure from `relulab born-dead` CSVs, beside Lu et al.

    scripts/born_dead.py MAIN.csv [--compare LABEL=OTHER.csv ...] [--out DIR]

MAIN is the run in Lu et al.'s setting (input dimension 1, zero biases). Writes
into --out (default: MAIN's folder):
  tables.md      P(born dead) per width x depth with Wilson 95% intervals;
                 depth 10 against Lu et al.'s figures (and depths 9 and 11, for
                 anyone counting layers differently); each --compare run at depth 10
  born_dead.png  P(born dead) against depth per width, Wilson 95% bands, Lu's points

A cell's estimate is born_dead / networks; its interval is Wilson's score
interval for that binomial proportion (scripts/relulab_analysis/stats.py).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import pandas as pd
    from relulab_analysis.stats import wilson
except ModuleNotFoundError as e:  # pragma: no cover - environment problem
    sys.exit(f"born_dead: missing Python module {e.name}; HINT: apt-get install python3-pandas "
             "python3-matplotlib python3-scipy (scripts/setup does), and run with /usr/bin/python3")

# Lu, Shin, Su & Karniadakis (2019), "Dying ReLU and initialization": at
# depth 10, "about 60%" of width-3, "over 10%" of width-5 and "under 1%" of
# width-10 ReLU networks are born dead (read from their figure, as the issue
# quotes them). Each claim: (kind, value).
LU_2019_DEPTH10 = {3: ("about", 0.60), 5: ("over", 0.10), 10: ("under", 0.01)}
# "About" a value: within 5 percentage points of it.
ABOUT = 0.05
TABLE_DEPTHS = [2, 5, 10, 15, 20, 30, 40]

COLUMNS = ["width", "depth", "networks", "born_dead", "input_dim", "probe_size", "bias_std"]


def load(path):
    table = pd.read_csv(path)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise SystemExit(f"born_dead: {path}: missing columns {missing} (not a relulab born-dead CSV?)")
    intervals = [wilson(k, n) for k, n in zip(table.born_dead, table.networks)]
    table["p"] = table.born_dead / table.networks
    table["low"] = [lo for lo, _ in intervals]
    table["high"] = [hi for _, hi in intervals]
    return table


def agrees(kind, value, low, high):
    """Whether a Wilson interval (low, high) is consistent with Lu's claim."""
    if kind == "about":
        return high >= value - ABOUT and low <= value + ABOUT
    if kind == "over":
        return high > value
    return low < value  # "under"


def cell_text(row):
    return f"{100 * row.p:.1f} [{100 * row.low:.1f}, {100 * row.high:.1f}]"


def setting(table):
    first = table.iloc[0]
    bias = "zero biases" if first.bias_std == 0 else f"biases N(0, {first.bias_std:g}²)"
    return (f"input dimension {int(first.input_dim)}, {bias}, {int(first.probe_size)} Gaussian "
            f"probe inputs, {int(first.networks)} networks per cell")


def grid_table(table):
    depths = [d for d in TABLE_DEPTHS if d in set(table.depth)]
    lines = ["| width \\ depth | " + " | ".join(map(str, depths)) + " |",
             "|---" * (len(depths) + 1) + "|"]
    for width, t in table.groupby("width"):
        t = t.set_index("depth")
        lines.append(f"| {width} | " + " | ".join(cell_text(t.loc[d]) for d in depths) + " |")
    return lines


def lu_table(table):
    lines = ["| width | Lu et al., depth 10 | ours, depth 9 | ours, depth 10 | ours, depth 11 | "
             "consistent at depth 10 |", "|---|---|---|---|---|---|"]
    for width, (kind, value) in LU_2019_DEPTH10.items():
        t = table[table.width == width].set_index("depth")
        if 10 not in t.index:
            continue
        cells = [cell_text(t.loc[d]) if d in t.index else "–" for d in (9, 10, 11)]
        ok = agrees(kind, value, t.loc[10].low, t.loc[10].high)
        lines.append(f"| {width} | {kind} {100 * value:g}% | " + " | ".join(cells) +
                     f" | {'yes' if ok else '**no**'} |")
    return lines


def compare_table(main_label, main, others):
    runs = [(main_label, main)] + others
    widths = sorted(set(LU_2019_DEPTH10) & set(main.width))
    lines = ["| run | setting | " + " | ".join(f"width {w}" for w in widths) + " |",
             "|---|---|" + "---|" * len(widths)]
    for label, t in runs:
        t10 = t[t.depth == 10].set_index("width")
        cells = [cell_text(t10.loc[w]) if w in t10.index else "–" for w in widths]
        lines.append(f"| {label} | {setting(t)} | " + " | ".join(cells) + " |")
    return lines


def figure(table, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4.8))
    for width, t in table.groupby("width"):
        t = t.sort_values("depth")
        line, = ax.plot(t.depth, t.p, marker="o", ms=2.5, lw=1.2, label=f"width {width}")
        ax.fill_between(t.depth, t.low, t.high, color=line.get_color(), alpha=0.2, lw=0)
    for width, (kind, value) in LU_2019_DEPTH10.items():
        ax.scatter([10], [value], marker="x", s=60, color="black", zorder=5)
        ax.annotate(f"Lu et al. w={width} ({kind})", (10, value), textcoords="offset points",
                    xytext=(6, 2), fontsize=7)
    ax.set(title="Probability that a ReLU network is born dead",
           xlabel="depth (hidden ReLU layers)", ylabel="P(constant function at initialisation)",
           ylim=(-0.02, 1.02))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.text(0.01, 0.01, f"{setting(table)}; bands: Wilson 95%; x: Lu et al. (2019), depth 10",
             fontsize=6.5)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(out / "born_dead.png", dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("main", type=Path)
    parser.add_argument("--compare", action="append", default=[], metavar="LABEL=CSV")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-figure", action="store_true")
    args = parser.parse_args(argv)
    main_table = load(args.main)
    others = []
    for item in args.compare:
        label, sep, path = item.partition("=")
        if not sep:
            parser.error(f"--compare expects LABEL=CSV, got '{item}'")
        others.append((label, load(path)))
    out = args.out or args.main.parent
    out.mkdir(parents=True, exist_ok=True)
    text = [f"# Born dead: {setting(main_table)}", "",
            "P(born dead), % [Wilson 95% interval]; depth = hidden ReLU layers.", ""]
    text += grid_table(main_table) + ["", "## Against Lu et al. (2019)", ""] + lu_table(main_table)
    if others:
        text += ["", "## Depth 10 in other settings", ""] + compare_table(args.main.stem, main_table, others)
    (out / "tables.md").write_text("\n".join(text) + "\n")
    print("\n".join(text))
    if not args.no_figure:
        figure(main_table, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
