"""The "does the widget stack work" panel of notebook 00.

One slider, one sine curve: if moving the slider redraws the curve and the
readout, the kernel, ipywidgets and the plotting backend all work.
"""

from __future__ import annotations

import ipywidgets as ipw
import numpy as np

from ..plots import LinePlot
from .base import Panel, is_live

__all__ = ["widget_check"]

_X = np.linspace(0.0, 2.0 * np.pi, 200)


def widget_check(frequency: int = 1) -> Panel:
    """A one-slider panel drawing :math:`\\sin(kx)`; the readout echoes the slider.

    Parameters
    ----------
    frequency : int
        Starting value of the slider, 1..8.

    Returns
    -------
    Panel
    """
    plot = LinePlot(["sin(k·x)"], xlabel="x (radians)", ylabel="sin(k·x)", legend=False,
                    ylim=(-1.1, 1.1))

    def draw(y: np.ndarray) -> None:
        plot.update(_X, {"sin(k·x)": y})

    def readout(y: np.ndarray) -> str:
        k = panel_controls["frequency"].value
        live = "live (ipympl)" if is_live(plot.fig) else "inline (slower: run %matplotlib widget)"
        return (f"✓ the kernel received k = {k} and redrew the curve "
                f"({k} full wave{'s' if k > 1 else ''}); plotting backend: {live}")

    panel_controls = {"frequency": ipw.IntSlider(min=1, max=8, description="k")}
    panel = Panel(panel_controls, plot.fig, values={"frequency": frequency},  # checks 1..8
                  compute=lambda frequency: np.sin(frequency * _X), draw=draw,
                  readout_text=readout)
    panel.update()                       # the first compute and draw
    return panel
