"""Optional: lessons_lib's gradients against PyTorch autograd on the same weights.

Skipped (with the reason shown) when torch is not installed; CI installs
``torch==2.13.0`` and runs ``pytest -m torch``.
"""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib import activations, losses, optim
from lessons_lib.model import MLP

torch = pytest.importorskip("torch", reason="torch not installed: optional cross-check")
pytestmark = pytest.mark.torch

TORCH_ACT = {
    "sigmoid": lambda: torch.nn.Sigmoid(),
    "tanh": lambda: torch.nn.Tanh(),
    "relu": lambda: torch.nn.ReLU(),
    "leaky_relu": lambda: torch.nn.LeakyReLU(0.2),
    "elu": lambda: torch.nn.ELU(1.0),
    "selu": lambda: torch.nn.SELU(),
    "softplus": lambda: torch.nn.Softplus(),
    "gelu": lambda: torch.nn.GELU(),          # the exact (erf) form, PyTorch's default
    "silu": lambda: torch.nn.SiLU(),
}


def _torch_copy(model: MLP, activation: str, batchnorm: bool):
    mods = []
    n = len(model.dense_layers)
    for i, dense in enumerate(model.dense_layers):
        lin = torch.nn.Linear(dense.n_in, dense.n_out, bias=dense.bias, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(dense.params["W"].T))
            if dense.bias:
                lin.bias.copy_(torch.from_numpy(dense.params["b"]))
        mods.append(lin)
        if i < n - 1:
            if batchnorm:
                # PyTorch's momentum is our (1 - momentum); eps the same
                mods.append(torch.nn.BatchNorm1d(dense.n_out, eps=1e-5, momentum=0.1,
                                                 dtype=torch.float64))
            mods.append(TORCH_ACT[activation]())
    return torch.nn.Sequential(*mods)


@pytest.mark.parametrize("activation", sorted(TORCH_ACT))
@pytest.mark.parametrize("batchnorm", [False, True])
def test_mlp_gradients_match_pytorch(activation, batchnorm):
    rng = np.random.default_rng(0)
    params = {"alpha": 0.2} if activation == "leaky_relu" else {}
    model = MLP([5, 8, 8, 3], activation=activation, init="he_normal", batchnorm=batchnorm,
                seed=1, activation_params=params)
    net = _torch_copy(model, activation, batchnorm)
    X = rng.standard_normal((16, 5))
    T = rng.standard_normal((16, 3))

    loss, dY = losses.mse(model.forward(X), T)
    dX = model.backward(dY)

    Xt = torch.from_numpy(X).requires_grad_(True)
    Yt = net(Xt)
    lt = 0.5 * ((Yt - torch.from_numpy(T)) ** 2).sum() / X.shape[0]
    lt.backward()

    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for dense, lin in zip(model.dense_layers, linears, strict=True):
        np.testing.assert_allclose(dense.grads["W"], lin.weight.grad.numpy().T,
                                   rtol=1e-9, atol=1e-12)
        if dense.bias:
            np.testing.assert_allclose(dense.grads["b"], lin.bias.grad.numpy(),
                                       rtol=1e-9, atol=1e-12)
    if batchnorm:
        bns = [m for m in net if isinstance(m, torch.nn.BatchNorm1d)]
        ours = [la for la in model._leaves() if la.name.startswith("bn")]
        for bn, tbn in zip(ours, bns, strict=True):
            np.testing.assert_allclose(bn.grads["gamma"], tbn.weight.grad.numpy(), rtol=1e-9,
                                       atol=1e-12)
            np.testing.assert_allclose(bn.grads["beta"], tbn.bias.grad.numpy(), rtol=1e-9,
                                       atol=1e-12)
            # running mean agrees; PyTorch's running var uses the unbiased batch variance
            np.testing.assert_allclose(bn.running_mean, tbn.running_mean.numpy(), rtol=1e-9)


def test_softmax_cross_entropy_matches_pytorch():
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((10, 4)) * 5
    y = rng.integers(0, 4, 10)
    loss, dZ = losses.softmax_cross_entropy(Z, y)
    Zt = torch.from_numpy(Z).requires_grad_(True)
    lt = torch.nn.functional.cross_entropy(Zt, torch.from_numpy(y))
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(dZ, Zt.grad.numpy(), rtol=1e-9, atol=1e-14)


def test_initializer_variance_matches_pytorch_kaiming():
    from lessons_lib import initializers

    n_in, n_out = 400, 300
    W = initializers.get("variance_scaling", scale=2.0, mode="fan_in",
                         distribution="normal")(n_in, n_out, np.random.default_rng(3))
    Wt = torch.empty(n_out, n_in, dtype=torch.float64)
    torch.manual_seed(0)
    torch.nn.init.kaiming_normal_(Wt, mode="fan_in", nonlinearity="relu")
    # both target std sqrt(2 / n_in); sample stds agree to sampling error (~0.2 %)
    assert W.std() == pytest.approx(np.sqrt(2 / n_in), rel=0.01)
    assert Wt.std().item() == pytest.approx(np.sqrt(2 / n_in), rel=0.01)


@pytest.mark.parametrize("name", ["gelu", "silu"])
def test_gelu_and_silu_match_pytorch_values_and_derivatives(name):
    z = np.concatenate([np.linspace(-12.0, 12.0, 2401), [0.0, 1e-8, -1e-8, 30.0, -30.0]])
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    yt = TORCH_ACT[name]()(zt)
    yt.sum().backward()
    act = activations.get(name)
    np.testing.assert_allclose(act.forward(z), yt.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.grad(z), zt.grad.numpy(), rtol=1e-12, atol=1e-15)


def _torch_optimizer(name, params):
    if name == "adam":
        return torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    return torch.optim.RMSprop(params, lr=0.01, alpha=0.9, eps=1e-8)


@pytest.mark.parametrize("name", ["adam", "rmsprop"])
def test_adam_and_rmsprop_match_pytorch_step_for_step(name):
    rng = np.random.default_rng(7)
    shapes = {"dense0.W": (4, 3), "dense0.b": (3,)}
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    tparams = {k: torch.tensor(v.copy(), dtype=torch.float64, requires_grad=True)
               for k, v in params.items()}
    ours = optim.Adam(lr=0.01) if name == "adam" else optim.RMSProp(lr=0.01, rho=0.9)
    theirs = _torch_optimizer(name, list(tparams.values()))
    for _ in range(50):
        # gradients of very different sizes, as in a deep net's layers
        grads = {k: rng.standard_normal(s) * 10.0 ** rng.integers(-7, 2)
                 for k, s in shapes.items()}
        ours.step(params, grads)
        for k, t in tparams.items():
            t.grad = torch.tensor(grads[k], dtype=torch.float64)
        theirs.step()
        for k in params:
            np.testing.assert_allclose(params[k], tparams[k].detach().numpy(),
                                       rtol=1e-12, atol=1e-14)


def test_layernorm_matches_pytorch_forward_and_backward():
    from lessons_lib import layers

    rng = np.random.default_rng(9)
    X = rng.standard_normal((6, 10)) * 3.0 + 1.0
    dout = rng.standard_normal((6, 10))
    ours = layers.LayerNorm(10)
    ours.params["gamma"] = rng.standard_normal(10)
    ours.params["beta"] = rng.standard_normal(10)
    theirs = torch.nn.LayerNorm(10, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.params["gamma"]))
        theirs.bias.copy_(torch.from_numpy(ours.params["beta"]))
    xt = torch.tensor(X, requires_grad=True)
    yt = theirs(xt)
    yt.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(ours.forward(X), yt.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ours.backward(dout), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.grads["gamma"], theirs.weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.grads["beta"], theirs.bias.grad.numpy(), rtol=1e-10)
