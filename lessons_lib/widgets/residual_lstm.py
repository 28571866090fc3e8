"""Live panels of notebook 10: gradients through depth and through time.

* :func:`residual_panel` — depth, activation and weight-scale controls; the
  gradient reaching every block with and without identity shortcuts (log scale);
* :func:`rnn_lstm_panel` — sequence-length, forget-gate-bias and RNN
  recurrent-scale sliders; :math:`\\|\\partial E/\\partial h_t\\|` per time
  step for a plain RNN and an LSTM (log scale).

Compute is :mod:`lessons_lib.experiments.residual_lstm`; drawing is
:class:`lessons_lib.plots.LinePlot`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as ipw
import numpy as np

from ..experiments import residual_lstm as _exp
from ..plots.base import LinePlot
from ..validation import check_int
from .base import Panel, panel_factory

__all__ = ["ResidualPanel", "RnnLstmPanel", "residual_panel", "rnn_lstm_panel"]

_STYLE = {"description_width": "initial"}


def _ratio(v: np.ndarray) -> str:
    """First ÷ last entry as text, saying so when it cannot be computed."""
    if not np.isfinite(v[0]):
        return "overflow"
    if v[-1] == 0:
        return "0 / 0" if v[0] == 0 else "∞"
    return f"{v[0] / v[-1]:.3g}"


class ResidualPanel(Panel):
    """Depth slider with and without shortcuts (see :func:`residual_panel`)."""

    def __init__(self, *, depth: int = 100, activation: str = "sigmoid",
                 weight_scale: float = 1.0, max_depth: int = 200, width: int = 32,
                 batch: int = 16, seed: int = 0) -> None:
        max_depth = check_int("max_depth", max_depth, min_value=2,
                              max_value=_exp.MAX_RESIDUAL_DEPTH)
        # the bounds of residual_profile, which every slider position calls
        self.width = check_int("width", width, min_value=1, max_value=256)
        self.batch = check_int("batch", batch, min_value=1, max_value=1024)
        self.seed = check_int("seed", seed, min_value=0)
        self.plot = LinePlot(["with shortcuts  X + F(X)", "plain  F(X)"],
                             xlabel="block l (1 = input side)",
                             ylabel="‖∂E/∂X‖ reaching block l (log)", logy=True, legend=False)
        controls = {
            "depth": ipw.IntSlider(min=1, max=max_depth, description="depth", style=_STYLE,
                                   continuous_update=True),
            "activation": ipw.Dropdown(options=list(_exp.RESIDUAL_ACTIVATIONS),
                                       description="activation", style=_STYLE),
            "weight_scale": ipw.FloatLogSlider(base=10, min=-1, max=float(np.log10(2.0)),
                                               step=0.02, description="weight scale",
                                               readout_format=".2f", style=_STYLE),
        }
        super().__init__(controls, self.plot.fig,
                         values={"depth": depth, "activation": activation,
                                 "weight_scale": weight_scale})

    def compute(self, depth, activation, weight_scale):
        """The gradient reaching every block, with and without shortcuts."""
        kw = dict(activation=activation, weight_scale=weight_scale, width=self.width,
                  batch=self.batch, seed=self.seed)
        return {"block": np.arange(1, depth + 1), "activation": activation,
                "residual": _exp.residual_profile(depth, residual=True, **kw),
                "plain": _exp.residual_profile(depth, residual=False, **kw)}

    def draw(self, r):
        """Move the two lines."""
        labels = list(self.plot.lines)
        self.plot.update(r["block"], {labels[0]: r["residual"], labels[1]: r["plain"]})

    def readout_text(self, r) -> str:
        """The legend and block 1 ÷ the last block, with and without shortcuts."""
        init = _exp.RESIDUAL_ACTIVATIONS[r["activation"]]
        return (f"{self.plot.legend_html()}<br>{r['activation']}, {init} init. Gradient at "
                f"block 1 ÷ at block {len(r['block'])}: with shortcuts "
                f"<b>{_ratio(r['residual'])}</b>, plain <b>{_ratio(r['plain'])}</b>")


@panel_factory(ResidualPanel)
def residual_panel(**initial: Any) -> ResidualPanel:
    """Depth panel of notebook 10: identity shortcuts against vanishing gradients.

    Parameters
    ----------
    **initial
        ``depth`` (100), ``activation`` ("sigmoid", "tanh" or "relu"),
        ``weight_scale`` (1.0, in [0.1, 2]), ``max_depth`` (200), ``width``
        (32), ``batch`` (16), ``seed`` (0).

    Returns
    -------
    ResidualPanel
    """
    panel = ResidualPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel


class RnnLstmPanel(Panel):
    """Sequence-length and forget-bias sliders (see :func:`rnn_lstm_panel`)."""

    def __init__(self, *, seq_len: int = 50, forget_bias: float = 1.0,
                 recurrent_scale: float = 1.0, max_seq_len: int = 200) -> None:
        max_seq_len = check_int("max_seq_len", max_seq_len, min_value=2,
                                max_value=_exp.MAX_SEQ_LEN)
        self.plot = LinePlot(["RNN  ‖∂E/∂hₜ‖", "LSTM  ‖∂E/∂hₜ‖", "LSTM cell  ‖∂E/∂cₜ‖"],
                             xlabel="time step t (the loss reads only the last one)",
                             ylabel="gradient norm (log scale)", logy=True, legend=False,
                             styles={"LSTM cell  ‖∂E/∂cₜ‖": {"ls": "--", "lw": 1.5}})
        controls = {
            "seq_len": ipw.IntSlider(min=2, max=max_seq_len, description="sequence length T",
                                     style=_STYLE),
            "forget_bias": ipw.FloatSlider(min=-3.0, max=6.0, step=0.25,
                                           description="LSTM forget bias b_f",
                                           readout_format=".2f", style=_STYLE),
            "recurrent_scale": ipw.FloatSlider(min=0.5, max=3.0, step=0.05,
                                               description="RNN scale of W_h",
                                               readout_format=".2f", style=_STYLE),
        }
        super().__init__(controls, self.plot.fig,
                         values={"seq_len": seq_len, "forget_bias": forget_bias,
                                 "recurrent_scale": recurrent_scale})

    def compute(self, seq_len, forget_bias, recurrent_scale):
        """‖∂E/∂hₜ‖ per time step of the RNN and the LSTM (and the LSTM's ‖∂E/∂cₜ‖)."""
        r = _exp.bptt_profile(seq_len, forget_bias=forget_bias, recurrent_scale=recurrent_scale)
        return {"t": np.arange(1, seq_len + 1), "forget_bias": forget_bias, **r}

    def draw(self, r):
        """Move the three lines."""
        labels = list(self.plot.lines)
        self.plot.update(r["t"], {labels[0]: r["rnn"], labels[1]: r["lstm_h"],
                                  labels[2]: r["lstm_c"]})

    def readout_text(self, r) -> str:
        """The legend, h₁ ÷ h_T for both nets and the forget gate's opening."""
        gate = 1.0 / (1.0 + np.exp(-r["forget_bias"]))
        return (f"{self.plot.legend_html()}<br>‖∂E/∂h₁‖ ÷ ‖∂E/∂h_T‖: RNN "
                f"<b>{_ratio(r['rnn'])}</b>, LSTM <b>{_ratio(r['lstm_h'])}</b>. "
                f"Forget gate σ(b_f) = {gate:.3f} at the start (1 = fully open)")


@panel_factory(RnnLstmPanel)
def rnn_lstm_panel(**initial: Any) -> RnnLstmPanel:
    """Sequence-length panel of notebook 10: a plain RNN against an LSTM.

    Parameters
    ----------
    **initial
        ``seq_len`` (50), ``forget_bias`` (1.0, in [-3, 6]),
        ``recurrent_scale`` (1.0, in [0.5, 3]) and ``max_seq_len`` (200).

    Returns
    -------
    RnnLstmPanel
    """
    panel = RnnLstmPanel(**initial)
    panel.update()                   # the first compute and draw
    return panel
