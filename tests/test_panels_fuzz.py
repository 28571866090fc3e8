"""Every panel survives its whole control space.

Each panel factory of ``lessons_lib.widgets`` is built with its defaults and
driven through every extreme of every control (one at a time) and through
200 random combinations of all its controls: no exception may escape or be
shown in the panel, no warning (numpy overflow included) may leak, and the
plot must be redrawn every time.
"""

from __future__ import annotations

import warnings

import ipywidgets as ipw
import numpy as np
import pytest

import lessons_lib as ll

FACTORIES = sorted(n for n in ll.widgets.__all__
                   if n.endswith(("_panel", "_explorer", "_lab")) or n == "widget_check")
COMBINATIONS = 200


def _choices(control: ipw.ValueWidget) -> list:
    """Every value a student can reach with this control (sliders: its grid of steps)."""
    if isinstance(control, (ipw.Checkbox, ipw.ToggleButton)):
        return [False, True]
    if isinstance(control, (ipw.Dropdown, ipw.ToggleButtons, ipw.SelectionSlider,
                            ipw.RadioButtons)):
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    if isinstance(control, ipw.FloatLogSlider):
        n = int(round((control.max - control.min) / control.step))
        return [float(control.base ** (control.min + k * control.step)) for k in range(n + 1)]
    if isinstance(control, (ipw.IntSlider, ipw.FloatSlider)):
        n = int(round((control.max - control.min) / control.step))
        kind = int if isinstance(control, ipw.IntSlider) else float
        return [kind(min(control.min + k * control.step, control.max)) for k in range(n + 1)]
    raise TypeError(f"no value generator for {type(control).__name__}")


def _extremes(choices: list) -> list:
    return list(dict.fromkeys([choices[0], choices[-1]]))




def _apply(panel, values: dict) -> None:
    before = panel.n_updates
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        panel.set(**values)
    leaked = [w for w in caught if not issubclass(w.category, DeprecationWarning)]
    assert not leaked, f"{values}: warning leaked: {leaked[0].message}"
    assert panel.last_error is None, f"{values}:\n{panel.last_error}"
    assert panel.n_updates == before + 1, f"{values}: the panel did not redraw"
    _undrawable_values_are_explained(panel, values)


_NOTE_WORDS = ("overflow", "underflow", "undefined", "diverged", "not drawn", "exactly 0")


def _undrawable_values_are_explained(panel, values: dict) -> None:
    """A line with values it cannot draw (inf, NaN, or 0 on a log axis) needs a visible note."""
    for ax in panel.figure.axes:
        log = ax.get_yscale() == "log"
        for line in ax.get_lines():
            y = np.asarray(line.get_ydata(), dtype=float)
            if not line.get_visible() or y.size == 0:
                continue
            if line.get_transform() is not ax.transData:
                continue                              # axvline/axhline: y in axes units
            bad = ~np.isfinite(y) | (log & (y == 0))   # LinePlot hides bad points as NaN
            if not bad.any():
                continue
            texts = [t.get_text().lower() for a in panel.figure.axes for t in a.texts
                     if t.get_visible()] + [t.get_text().lower() for t in panel.figure.texts
                                            if t.get_visible()]
            readout = panel.readout.value.lower()
            assert any(w in t for t in [*texts, readout] for w in _NOTE_WORDS), (
                f"{values}: line {line.get_label()!r} has {int(bad.sum())} undrawable values "
                "and no note says so")


@pytest.mark.parametrize("factory", FACTORIES)
def test_panel_survives_every_extreme_and_200_random_combinations(factory, agg):
    panel = getattr(ll.widgets, factory)()
    try:
        space = {name: _choices(c) for name, c in panel.controls.items()}
        defaults = panel.values()
        for name, choices in space.items():            # each control at both ends
            for value in _extremes(choices):
                _apply(panel, {**defaults, name: value})
        rng = np.random.default_rng(sum(map(ord, factory)))
        for _ in range(COMBINATIONS):
            combo = {name: choices[int(rng.integers(len(choices)))]
                     for name, choices in space.items()}
            _apply(panel, combo)
        all_extremes = {name: choices[-1] for name, choices in space.items()}
        _apply(panel, all_extremes)                      # everything at its maximum at once
    finally:
        panel.close()


def test_set_changes_several_controls_with_one_redraw(agg):
    panel = ll.widgets.gradient_explorer(depth=10)
    before = panel.n_updates
    panel.set(depth=25, activation="relu", init="he_normal")
    assert panel.n_updates == before + 1
    assert len(panel.plot.lines["‖δ‖ learning signal"].get_ydata()) == 25
    with pytest.raises(ValueError, match="values must name controls"):
        panel.set(depht=3)


def test_every_panel_factory_is_covered():
    assert len(FACTORIES) >= 16
    for name in FACTORIES:
        assert callable(getattr(ll.widgets, name))


def test_the_note_check_can_fail(agg):
    panel = ll.widgets.gradient_explorer(depth=100, activation="relu", init="he_normal",
                                         weight_scale=10.0)
    _undrawable_values_are_explained(panel, {})          # overflow, and the note says so
    panel.plot.note.set_visible(False)
    panel.readout.value = ""
    with pytest.raises(AssertionError, match="no note says so"):
        _undrawable_values_are_explained(panel, {})
    panel.close()
