"""relulab's operator library loaded into Python PyTorch.

Run by ctest with RELULAB_OPS_LIBRARY pointing at the built librelulab_ops.so;
Debian's python3-torch shares LibTorch with the C++ build.
"""
import os

import pytest
import torch
import torch.nn.functional as F

LIBRARY = os.environ.get("RELULAB_OPS_LIBRARY")


@pytest.fixture(scope="module", autouse=True)
def load_library():
    if not LIBRARY:
        pytest.fail("set RELULAB_OPS_LIBRARY to the path of librelulab_ops.so")
    torch.ops.load_library(LIBRARY)


@pytest.mark.parametrize("shape, channels", [((8,), 1), ((4, 6), 1), ((4, 6), 6),
                                             ((2, 3, 5), 3), ((2, 3, 4, 4), 3),
                                             ((2, 3, 2, 2, 2), 3)])
def test_prelu_matches_torch_prelu(shape, channels):
    torch.manual_seed(0)
    x = torch.randn(shape)
    w = torch.linspace(-0.2, 0.6, channels)
    assert torch.equal(torch.ops.relulab.prelu(x, w), torch.prelu(x, w))


def test_prelu_gradients_flow_to_input_and_weight():
    torch.manual_seed(1)
    x1 = torch.randn(4, 3, 5, requires_grad=True)
    w1 = torch.full((3,), 0.25, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_()
    w2 = w1.detach().clone().requires_grad_()
    g = torch.randn(4, 3, 5)
    torch.ops.relulab.prelu(x1, w1).backward(g)
    torch.prelu(x2, w2).backward(g)
    assert torch.equal(x1.grad, x2.grad)
    torch.testing.assert_close(w1.grad, w2.grad, rtol=1e-6, atol=1e-6)


def _away_from_zero(*shape):
    x = torch.rand(*shape, dtype=torch.double) * 2.5 + 0.1
    return (x * (torch.randint(0, 2, shape) * 2 - 1)).requires_grad_()


OPS = {
    "relu": (lambda x: torch.ops.relulab.relu(x), torch.relu),
    "leaky_relu": (lambda x: torch.ops.relulab.leaky_relu(x, 0.2),
                   lambda x: F.leaky_relu(x, 0.2)),
    "gelu": (lambda x: torch.ops.relulab.gelu(x), F.gelu),
    "gelu_tanh": (lambda x: torch.ops.relulab.gelu(x, "tanh"),
                  lambda x: F.gelu(x, approximate="tanh")),
    "sigmoid": (lambda x: torch.ops.relulab.sigmoid(x), torch.sigmoid),
    "tanh": (lambda x: torch.ops.relulab.tanh(x), torch.tanh),
    "elu": (lambda x: torch.ops.relulab.elu(x, 0.7), lambda x: F.elu(x, 0.7)),
    "selu": (lambda x: torch.ops.relulab.selu(x), F.selu),
    "silu": (lambda x: torch.ops.relulab.silu(x), F.silu),
    "softplus": (lambda x: torch.ops.relulab.softplus(x, 1.5, 2.0),
                 lambda x: F.softplus(x, 1.5, 2.0)),
    "mish": (lambda x: torch.ops.relulab.mish(x), F.mish),
    "hardswish": (lambda x: torch.ops.relulab.hardswish(x), F.hardswish),
    "rrelu_eval": (lambda x: torch.ops.relulab.rrelu(x, 0.1, 0.3, False),
                   lambda x: F.rrelu(x, 0.1, 0.3, False)),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradcheck_in_double(name):
    torch.manual_seed(2)
    ours, _ = OPS[name]
    assert torch.autograd.gradcheck(ours, (_away_from_zero(3, 4),))


@pytest.mark.parametrize("name", sorted(OPS))
def test_forward_and_grad_match_torch(name):
    torch.manual_seed(3)
    ours, reference = OPS[name]
    x1 = torch.randn(1000, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_()
    y1, y2 = ours(x1), reference(x2)
    torch.testing.assert_close(y1, y2, rtol=1e-6, atol=3e-6)
    y1.sum().backward()
    y2.sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad, rtol=1e-6, atol=3e-6)


def test_gradcheck_prelu_weight():
    torch.manual_seed(4)
    w = (torch.rand(3, dtype=torch.double) - 0.3).requires_grad_()
    assert torch.autograd.gradcheck(torch.ops.relulab.prelu, (_away_from_zero(2, 3, 4), w))


def test_gradcheck_rrelu_training_with_seeded_generator():
    def f(x):
        g = torch.Generator().manual_seed(42)
        return torch.ops.relulab.rrelu(x, 0.1, 0.4, True, g)
    assert torch.autograd.gradcheck(f, (_away_from_zero(3, 5),))


def test_unsupported_dtype_error_is_actionable():
    with pytest.raises(RuntimeError, match="expected self to be float32 or float64"):
        torch.ops.relulab.relu(torch.randn(3).half())


def _relulab_operators():
    schemas = torch._C._jit_get_all_schemas()  # LibTorch 1.13 and 2.x alike
    names = sorted({s.name for s in schemas if s.name.startswith("relulab::")})
    assert len(names) >= 20, names  # every op and its backward
    return names


@pytest.mark.parametrize("key", ["CPU", "CUDA"])
def test_every_operator_has_a_kernel_for_each_backend_built(key):
    """CPU always; CUDA exactly when the build compiled the CUDA path
    (RELULAB_EXPECT_CUDA=1), which needs no GPU to check: the dispatcher
    knows its registrations."""
    expected = key == "CPU" or os.environ.get("RELULAB_EXPECT_CUDA") == "1"
    has = {n: torch._C._dispatch_has_kernel_for_dispatch_key(n, key) for n in _relulab_operators()}
    assert has == {n: expected for n in has}
