"""The exercise of notebook 12: one Adam step with bias correction, :func:`check_adam_step`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..optim import Adam
from .base import Mistake, Verdict, format_value, run_check

__all__ = ["check_adam_step"]


def _adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """The reference: one step of :class:`lessons_lib.optim.Adam` on copies of the inputs."""
    opt = Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    w_new = np.array(w, dtype=np.float64)
    opt.state["w"] = (np.array(m, dtype=np.float64), np.array(v, dtype=np.float64))
    opt.steps = t - 1                          # step() counts this one: t
    opt.step({"w": w_new}, {"w": np.array(g, dtype=np.float64)})
    m_new, v_new = opt.state["w"]
    return w_new, m_new, v_new


def _adam(*args, **slip):
    """Adam with one deliberate slip, silently (see :func:`_slip`).

    Some slips divide by zero at t = 1 (the power t − 1) or take the root of a
    negative v (v averaging g); the check runs these variants only to compare
    them with a student's output, so numpy must not warn about them.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _slip(*args, **slip)


def _slip(w, g, m, v, t, lr, beta1, beta2, eps, *, correct="both", power=0, eps_place="after",
          root=True, square=True, swap_betas=False, swap_weights=False, sign=-1.0,
          moments="new", numerator="m", give="raw", start=True):
    """Adam with one deliberate slip (the keyword that is not at its default)."""
    if swap_betas:
        beta1, beta2 = beta2, beta1
    a1, a2 = (1.0 - beta1, beta1) if swap_weights else (beta1, 1.0 - beta1)
    b1, b2 = (1.0 - beta2, beta2) if swap_weights else (beta2, 1.0 - beta2)
    m_new = a1 * m + a2 * g
    v_new = b1 * v + b2 * (g * g if square else g)
    c1 = 1.0 - beta1 ** (t + power) if correct in ("both", "m") else 1.0
    c2 = 1.0 - beta2 ** (t + power) if correct in ("both", "v") else 1.0
    m_use, v_use = (m_new, v_new) if moments == "new" else (m, v)
    m_hat, v_hat = m_use / c1, v_use / c2
    if not root:
        denominator = v_hat + eps
    elif eps_place == "inside":
        denominator = np.sqrt(v_hat + eps)
    elif eps_place == "before":
        denominator = (np.sqrt(v_use) + eps) / math.sqrt(c2)
    elif eps_place == "none":
        denominator = np.sqrt(v_hat)
    else:
        denominator = np.sqrt(v_hat) + eps
    top = m_hat if numerator == "m" else g
    w_new = (w if start else 0.0) + sign * lr * top / denominator
    if give == "corrected":
        return w_new, m_new / c1, v_new / c2
    return w_new, m_new, v_new


_MISTAKES = (
    Mistake("no_correction", lambda *a: _adam(*a, correct="none"),
            "you stepped with m and v themselves, without the bias correction. Both start at "
            "0, so in the first steps they are far from the averages they estimate (at t = 1, "
            "m = (1 − β₁)g and v = (1 − β₂)g²): with the default betas the first step comes "
            "out about 3.2 times too large. Divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ before "
            "the step."),
    Mistake("m_correction_only", lambda *a: _adam(*a, correct="m"),
            "you corrected m (divided by 1 − β₁ᵗ) but not v. Both running averages start "
            "at 0 and both need their correction: v̂ = v/(1 − β₂ᵗ). Without it the early "
            "steps are much too large (at t = 1 about 32 times lr with the default betas)."),
    Mistake("v_correction_only", lambda *a: _adam(*a, correct="v"),
            "you corrected v (divided by 1 − β₂ᵗ) but not m. Both running averages start "
            "at 0 and both need their correction: m̂ = m/(1 − β₁ᵗ). Without it the early "
            "steps are much too small (at t = 1 a tenth of lr with the default β₁)."),
    Mistake("t_minus_1", lambda *a: _adam(*a, power=-1),
            "your corrections use the power t − 1 (as if t counted from 0). t counts the "
            "steps from 1: this is step t, so the corrections are 1 − β₁ᵗ and 1 − β₂ᵗ "
            "(at t = 1 the power t − 1 would give 1 − β⁰ = 0, a division by zero)."),
    Mistake("eps_inside_sqrt", lambda *a: _adam(*a, eps_place="inside"),
            "ε is under the square root, √(v̂ + ε); in Adam it is added after it: √v̂ + ε. "
            "Under the root it acts like an ε of √ε = 10⁻⁴ for the default ε, which damps "
            "every gradient below about 10⁻⁴ (the small gradients of the case shown)."),
    Mistake("eps_before_correction", lambda *a: _adam(*a, eps_place="before"),
            "ε is added to √v before the correction of v (as TensorFlow's formula does with "
            "its ε̂). Here ε is added to √v̂, the corrected one: m̂/(√v̂ + ε). The two "
            "differ for gradients near or below ε, as in the case shown."),
    Mistake("no_eps", lambda *a: _adam(*a, eps_place="none"),
            "ε is missing from the denominator: m̂/(√v̂ + ε). Without it every weight moves "
            "by about lr however tiny its gradient (even 10⁻¹² of noise), and a gradient "
            "of 0 at t = 1 gives 0/0. ε makes gradients far below it give steps far "
            "below lr."),
    Mistake("no_sqrt", lambda *a: _adam(*a, root=False),
            "you divided by v̂ (plus ε). v is a running average of g², so its square root "
            "√v̂ is the typical size of g: divide m̂ by √v̂ + ε."),
    Mistake("v_with_g", lambda *a: _adam(*a, square=False),
            "your v averages g, not g². v is the running mean *square* of the gradient: "
            "v ← β₂v + (1 − β₂)g², with g² taken entry by entry."),
    Mistake("betas_swapped", lambda *a: _adam(*a, swap_betas=True),
            "β₁ and β₂ are swapped: β₁ (0.9 by default, a short memory) belongs to m, the "
            "average of g; β₂ (0.999, a long memory) to v, the average of g²; each "
            "correction uses the beta of its own average."),
    Mistake("weights_swapped", lambda *a: _adam(*a, swap_weights=True),
            "in your running averages the old value and the new gradient have each other's "
            "weights. The old value keeps the weight β (close to 1, a long memory) and the "
            "new gradient gets 1 − β: m ← β₁m + (1 − β₁)g, likewise for v."),
    Mistake("returned_change", lambda *a: _adam(*a, start=False),
            "your w_new is the change of w alone, −lr·m̂/(√v̂ + ε); the new weights are the "
            "old ones plus that change: w_new = w − lr·m̂/(√v̂ + ε)."),
    Mistake("step_added", lambda *a: _adam(*a, sign=1.0),
            "your step goes uphill: w moves by +lr·m̂/(√v̂ + ε). Like every gradient method "
            "Adam moves *against* the gradient: subtract the step."),
    Mistake("returned_corrected", lambda *a: _adam(*a, give="corrected"),
            "your w_new is right, but you returned the corrected m̂ and v̂. What the next "
            "step needs are the running averages themselves, m and v, uncorrected: the "
            "correction is worked out again at every step, with that step's t."),
    Mistake("old_moments", lambda *a: _adam(*a, moments="old"),
            "your step uses m and v as they were before this step. Update them with this "
            "step's g first, then correct them and step (at t = 1 the old m and v are 0, so "
            "w would not move at all)."),
    Mistake("gradient_not_m", lambda *a: _adam(*a, numerator="g"),
            "your step divides the gradient g by √v̂ + ε (that is RMSProp with a "
            "correction). Adam's numerator is m̂, the corrected running average of g: that "
            "is the momentum half of Adam."),
)


def _describe(w, g, m, v, t, lr, beta1, beta2, eps) -> str:
    sizes = np.abs(np.asarray(g, dtype=np.float64))
    nonzero = sizes[sizes > 0]
    text = (f"t = {t}: 1 − β₁ᵗ = {format_value(1.0 - beta1 ** t)}, "
            f"1 − β₂ᵗ = {format_value(1.0 - beta2 ** t)}")
    if nonzero.size:
        text += (f"; |g| from {format_value(float(nonzero.min()))} to "
                 f"{format_value(float(nonzero.max()))}, ε = {format_value(eps)}")
    return text


def _cases() -> list[tuple[Any, ...]]:
    """Seeded inputs ``(w, g, m, v, t, lr, beta1, beta2, eps)``.

    In the first case every weight and gradient is large enough that ε's
    place changes ``w_new`` by far less than the tolerance; the second has
    gradients near and below ε, so a misplaced ε fails where it shows.
    """
    rng = np.random.default_rng(12)

    def signs(shape):
        return rng.choice([-1.0, 1.0], shape)

    g0 = np.array([0.8, -0.4, 2.0, 25.0])               # the gradient of step 1
    cases = [
        # t = 2, after one step with g0: both corrections are still large
        (np.array([1.2, -0.8, 0.5, -1.5]), np.array([0.6, 2.0, -1.5, 30.0]), 0.1 * g0,
         0.001 * g0 * g0, 2, 0.001, 0.9, 0.999, 1e-8),
        # the first step (m = v = 0) from w = 0: w_new is minus the step, about lr against
        # the gradient whatever its size, unless it is far below ε (1e-12)
        (np.zeros(4), np.array([1e3, -1e-2, 1e-6, -1e-12]), np.zeros(4), np.zeros(4), 1,
         0.001, 0.9, 0.999, 1e-8),
    ]
    # step 10 of a longer vector
    m = rng.normal(0.0, 0.3, 6)
    cases.append((signs(6) * rng.uniform(0.5, 2.0, 6), rng.normal(0.0, 1.0, 6), m,
                  m * m + rng.uniform(0.05, 0.5, 6), 10, 0.001, 0.9, 0.999, 1e-8))
    # step 1000 of a 2-D weight: β₁ᵗ is negligible, β₂ᵗ = 0.37 is not
    m = rng.normal(0.0, 0.5, (2, 3))
    cases.append((signs((2, 3)) * rng.uniform(0.5, 2.0, (2, 3)), rng.normal(0.0, 1.0, (2, 3)),
                  m, m * m + rng.uniform(0.01, 0.5, (2, 3)), 1000, 0.001, 0.9, 0.999, 1e-8))
    # other hyperparameters, gradients from 1e3 down to 1e-6, one of them 0 this step
    g = np.array([[1e3, -2.0, 0.0], [1e-6, 0.3, -50.0]])
    m = rng.normal(0.0, 1.0, (2, 3)) * np.abs(g).clip(0.1, 100.0)
    cases.append((signs((2, 3)) * rng.uniform(0.5, 2.0, (2, 3)), g, m,
                  m * m + rng.uniform(0.1, 1.0, (2, 3)), 3, 0.01, 0.8, 0.99, 1e-6))
    # the first step with other hyperparameters; a zero gradient does not move its weight
    cases.append((np.array([[0.3, -0.7], [1.5, 0.0]]), np.array([[0.0, 4e-7], [-2.0, 500.0]]),
                  np.zeros((2, 2)), np.zeros((2, 2)), 1, 0.05, 0.5, 0.9, 1e-6))
    return cases


def check_adam_step(fn: Any) -> Verdict:
    r"""Notebook 12: ``fn(w, g, m, v, t, lr, beta1, beta2, eps) -> (w_new, m_new, v_new)``.

    One Adam step with bias correction (Kingma & Ba, 2015):
    :math:`m \leftarrow \beta_1 m + (1-\beta_1)g`,
    :math:`v \leftarrow \beta_2 v + (1-\beta_2)g^2`,
    :math:`\hat m = m/(1-\beta_1^t)`, :math:`\hat v = v/(1-\beta_2^t)`,
    :math:`w \leftarrow w - \eta\,\hat m/(\sqrt{\hat v}+\epsilon)`; the returned
    ``m_new``, ``v_new`` are the uncorrected running averages. The reference
    is :class:`lessons_lib.optim.Adam`; the comparison is relative
    (``rtol=1e-9``), so the paper's order and PyTorch's both pass. Cases
    include t = 1, 2, 3 and 1000, gradients from 1e3 down to 1e-12 (below
    ε), a zero gradient, 2-D arrays and other hyperparameters; the inputs
    must not be changed in place.
    """
    return run_check(
        "Adam step", fn, _adam_step, _cases(), mistakes=_MISTAKES,
        input_names=["w", "g", "m", "v", "t", "lr", "beta1", "beta2", "eps"],
        output_names=["w_new", "m_new", "v_new"], describe=_describe, rtol=1e-9, atol=0.0,
        hints=["go through one step in order: update m with this g, update v with g², "
               "correct both for their start at 0, move w; then return w_new with the "
               "*uncorrected* m and v. Which of the three outputs is wrong in the failing "
               "case, and at which t?",
               "m and v start at 0, so early on they are too small: after the first step "
               "m = (1 − β₁)g and v = (1 − β₂)g². Dividing by 1 − β₁ᵗ and 1 − β₂ᵗ undoes "
               "exactly that, so Adam's first step is ±lr whatever the size of g (unless |g| "
               "is far below ε, which then damps it); that is what the correction is for. "
               "ε is added after the square root.",
               "m_new = β₁·m + (1 − β₁)·g;  v_new = β₂·v + (1 − β₂)·g² (entry by entry);  "
               "m̂ = m_new/(1 − β₁ᵗ);  v̂ = v_new/(1 − β₂ᵗ);  "
               "w_new = w − lr·m̂/(√v̂ + ε);  return w_new, m_new and v_new."])
