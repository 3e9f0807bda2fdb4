"""`relulab born-dead` as a user runs it: the CSV's rows and columns, the
width-1 closed form through the command line, and bad input refused.

Run by ctest with RELULAB_BIN pointing at the built executable.
"""
import os
import subprocess

import pandas as pd

BIN = os.environ.get("RELULAB_BIN", "build/relulab")


def run(*args):
    return subprocess.run([BIN, "born-dead", *map(str, args)], capture_output=True, text=True)


def test_grid_rows_and_width_one_closed_form(tmp_path):
    out = tmp_path / "born_dead.csv"
    p = run("--widths", "1,3", "--depths", "1-3", "--networks", 2000, "--probe-size", 50, "--out", out)
    assert p.returncode == 0, p.stderr
    table = pd.read_csv(out)
    assert list(table[["width", "depth"]].itertuples(index=False, name=None)) == [
        (1, 1), (1, 2), (1, 3), (3, 1), (3, 2), (3, 3)]
    assert (table.networks == 2000).all() and (table.input_dim == 1).all()
    assert (table.bias_std == 0).all() and (table.probe_size == 50).all()
    width1 = table[table.width == 1].set_index("depth").born_dead / 2000
    # P(dead) = 1 - 2^-(depth-1) for width 1 (tests/lab/born_dead_test.cpp)
    assert width1[1] == 0
    assert abs(width1[2] - 0.5) < 0.06 and abs(width1[3] - 0.75) < 0.05


def test_bad_input_exits_2_with_a_reason(tmp_path):
    p = run("--depths", "5-2", "--out", tmp_path / "x.csv")
    assert p.returncode == 2 and "bad range '5-2'" in p.stderr
    p = run("--widths", "2")
    assert p.returncode == 2 and "--out" in p.stderr
    assert not (tmp_path / "x.csv").exists()
    for bad in (["--networks", 0], ["--probe-size", 0], ["--input-dim", 0], ["--bias-std=-1"]):
        p = run(*bad, "--out", tmp_path / "x.csv")
        assert p.returncode == 2 and "must be >= 1" in p.stderr, (bad, p.returncode, p.stderr)
    p = run("--bias-std", "nan", "--out", tmp_path / "x.csv")
    assert p.returncode == 2 and "nan" in p.stderr
    assert not (tmp_path / "x.csv").exists()
