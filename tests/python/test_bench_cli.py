"""`relulab bench` as a user runs it: a tiny CPU run writes the CSV the
scripts read, and `--device cuda` without a usable GPU says why, with a
non-zero exit, instead of timing something else.

Run by ctest with RELULAB_BIN pointing at the built executable. Timings are
not checked: speed is measured by the benchmark, never by tests.
"""
import os
import shutil
import subprocess

import pandas as pd
import pytest

BIN = os.environ.get("RELULAB_BIN", "build/relulab")


def run(*args):
    return subprocess.run([BIN, "bench", *map(str, args)], capture_output=True, text=True)


def test_tiny_cpu_run_writes_every_op_with_its_spread(tmp_path):
    out = tmp_path / "kernels.csv"
    p = run("--elements", 4096, "--threads", 1, "--repetitions", 3, "--ops", "relu,prelu_channels",
            "--out", out)
    assert p.returncode == 0, p.stderr
    table = pd.read_csv(out)
    assert set(table.op) == {"relu", "prelu_channels", "copy_"}
    assert set(table.impl) == {"relulab", "libtorch", "copy_"}
    assert (table.device == "cpu").all() and (table.dtype == "float32").all()
    assert (table.min_ns <= table.median_ns).all() and (table.median_ns <= table.max_ns).all()
    assert (table.q1_ns <= table.q3_ns).all()
    assert "targets not checked" in p.stdout  # 4096 elements: not the target size


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None, reason="a GPU may be present")
def test_cuda_without_a_gpu_fails_with_a_reason():
    p = run("--device", "cuda", "--repetitions", 1)
    assert p.returncode != 0
    assert ("no CUDA device is visible" in p.stderr
            or "built against a LibTorch without CUDA" in p.stderr), p.stderr
    assert "HINT" in p.stderr


def test_unknown_device_is_refused():
    p = run("--device", "tpu")
    assert p.returncode == 2 and "--device must be cpu or cuda" in p.stderr


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_the_training_benchmark_sweep_is_valid(tmp_path, arch):
    # scripts/bench_training.py times relulab on a sweep it generates; a key
    # renamed in the schema must fail here, not in the middle of a benchmark.
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import bench_training
    sweep = tmp_path / f"{arch}.yaml"
    sweep.write_text(bench_training.SWEEP.format(arch=arch, epochs=1, activation="gelu",
                                                 weight_decay=5e-4))
    p = subprocess.run([BIN, "validate", str(sweep)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "1 trials" in p.stdout
