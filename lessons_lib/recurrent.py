r"""Recurrent layers in plain numpy: a tanh RNN and an LSTM, with backpropagation
through time (notebooks 09 and 10).

A batch of sequences ``X`` has shape ``(N, T, n_in)``: ``N`` sequences of
``T`` time steps; ``x_t = X[:, t]`` is a row-vector batch as everywhere in
the notes (``net = x W + b``). Both layers return every hidden state,
``H[:, t] = h_{t+1}`` (Python index ``t`` is time step ``t + 1``).

* :class:`RNN` — :math:`h_t = \tanh(x_t W_x + h_{t-1} W_h + b)`;
* :class:`LSTM` — gates :math:`i, f, o` and candidate :math:`g`, cell state
  :math:`c_t = f_t \circ c_{t-1} + i_t \circ g_t`, output
  :math:`h_t = o_t \circ \tanh(c_t)`.

``backward(dH)`` takes :math:`\partial E/\partial h_t` *as used directly by
the loss* at every step (zeros where the loss does not read ``h_t``), runs
backpropagation through time and

* returns :math:`\partial E/\partial X`;
* overwrites ``grads`` (same keys as ``params``);
* stores the **total** gradient reaching every hidden state,
  ``dh[:, t]`` :math:`= \partial E/\partial h_{t+1}` (through all later
  steps), and for the LSTM the cell-state gradient ``dc``. Notebook 10 plots
  their norms against time: the plain RNN's decays (or explodes)
  geometrically back in time, the LSTM's cell path keeps it while the forget
  gate stays open.

``backward(dH, weights=False)`` follows only that signal through time (``dh``,
``dc`` and the initial states' gradients), without ``dX`` and the weight
gradients: what notebook 10's curves need, at a fraction of the cost.

Every gradient here is checked against finite differences in the tests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .validation import check_array, check_bool, check_float, check_int, check_rng

__all__ = ["LSTM", "RNN", "rnn_step_backward", "rnn_step_forward"]


# -- one step of the plain RNN (also the reference of notebook 10's exercise) ------------------
def rnn_step_forward(x: Any, h_prev: Any, W_x: Any, W_h: Any, b: Any) -> np.ndarray:
    r"""One RNN step :math:`h = \tanh(x W_x + h_{\mathrm{prev}} W_h + b)`.

    Parameters
    ----------
    x : array_like, shape (N, n_in)
    h_prev : array_like, shape (N, n_hidden)
    W_x : array_like, shape (n_in, n_hidden)
    W_h : array_like, shape (n_hidden, n_hidden)
    b : array_like, shape (n_hidden,)

    Returns
    -------
    ndarray, shape (N, n_hidden)
    """
    x, h_prev, W_x, W_h, b = _check_step(x, h_prev, W_x, W_h, b=b)
    return np.tanh(x @ W_x + h_prev @ W_h + b)


def rnn_step_backward(dh: Any, x: Any, h_prev: Any, h: Any, W_x: Any,
                      W_h: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                          np.ndarray]:
    r"""Backward through one RNN step.

    With :math:`g = \partial E/\partial\,\mathrm{net} = dh \circ (1 - h^2)`
    (since :math:`\tanh' = 1 - \tanh^2`; the notes' learning signal is
    :math:`\delta = -g`):

    .. math::
        \frac{\partial E}{\partial x} = g W_x^\top,\quad
        \frac{\partial E}{\partial h_{\mathrm{prev}}} = g W_h^\top,\quad
        \frac{\partial E}{\partial W_x} = x^\top g,\quad
        \frac{\partial E}{\partial W_h} = h_{\mathrm{prev}}^\top g,\quad
        \frac{\partial E}{\partial b} = \textstyle\sum_n g_n

    Parameters
    ----------
    dh : array_like, shape (N, n_hidden)
        Total gradient :math:`\partial E/\partial h` arriving at this step's output.
    x, h_prev, h : array_like
        The step's input (N, n_in), previous state and output (N, n_hidden).
    W_x, W_h : array_like
        Weights, shapes (n_in, n_hidden) and (n_hidden, n_hidden).

    Returns
    -------
    dx, dh_prev, dW_x, dW_h, db : ndarray
        Shapes (N, n_in), (N, n_hidden), (n_in, n_hidden), (n_hidden, n_hidden), (n_hidden,).
    """
    x, h_prev, W_x, W_h, _ = _check_step(x, h_prev, W_x, W_h)
    n, n_h = h_prev.shape
    dh = check_array("dh", dh, shape=(n, n_h))
    h = check_array("h", h, shape=(n, n_h))
    return _rnn_step_backward(dh, x, h_prev, h, W_x, W_h)


def _check_step(x, h_prev, W_x, W_h, b=None):
    x = check_array("x", x, ndim=2)
    h_prev = check_array("h_prev", h_prev, ndim=2)
    if h_prev.shape[0] != x.shape[0]:
        raise ValueError(f"h_prev must have one row per row of x ({x.shape[0]}), "
                         f"got shape {h_prev.shape}")
    n_in, n_h = x.shape[1], h_prev.shape[1]
    W_x = check_array("W_x", W_x, shape=(n_in, n_h))
    W_h = check_array("W_h", W_h, shape=(n_h, n_h))
    if b is not None:
        b = check_array("b", b, shape=(n_h,))
    return x, h_prev, W_x, W_h, b


def _rnn_step_backward(dh, x, h_prev, h, W_x, W_h):
    dnet = dh * (1.0 - h * h)                   # dE/dnet (= -delta of the notes)
    return dnet @ W_x.T, dnet @ W_h.T, x.T @ dnet, h_prev.T @ dnet, dnet.sum(axis=0)


# -- layers ---------------------------------------------------------------------------------------
class _Recurrent:
    """Shared plumbing: parameter setup, input checks, repr."""

    n_gates = 1

    def __init__(self, n_in: int, n_hidden: int, *, rng: np.random.Generator | None,
                 seed: int, W_x: Any, W_h: Any, b: Any, name: str) -> None:
        self.n_in = check_int("n_in", n_in, min_value=1)
        self.n_hidden = check_int("n_hidden", n_hidden, min_value=1)
        self.name = name
        cols = self.n_gates * self.n_hidden
        if W_x is None or W_h is None:
            rng = check_rng("rng", rng) if rng is not None else np.random.default_rng(
                check_int("seed", seed, min_value=0))
        # LeCun-normal scale: a row-vector input of unit variance keeps unit variance
        W_x = (rng.standard_normal((self.n_in, cols)) / np.sqrt(self.n_in) if W_x is None
               else check_array("W_x", W_x, shape=(self.n_in, cols)).copy())
        W_h = (rng.standard_normal((self.n_hidden, cols)) / np.sqrt(self.n_hidden) if W_h is None
               else check_array("W_h", W_h, shape=(self.n_hidden, cols)).copy())
        b = np.zeros(cols) if b is None else check_array("b", b, shape=(cols,)).copy()
        self.params: dict[str, np.ndarray] = {"W_x": W_x, "W_h": W_h, "b": b}
        self.grads: dict[str, np.ndarray] = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._cache: Any = None
        self.dh: np.ndarray | None = None
        self.dh0: np.ndarray | None = None

    def _check_X(self, X: Any) -> np.ndarray:
        X = check_array("X", X, ndim=3)
        if X.shape[2] != self.n_in:
            raise ValueError(f"X must have shape (N, T, {self.n_in}) (sequences, time steps, "
                             f"features), got shape {X.shape}")
        return X

    def _check_state(self, name: str, value: Any, n: int) -> np.ndarray:
        if value is None:
            return np.zeros((n, self.n_hidden))
        return check_array(name, value, shape=(n, self.n_hidden))

    def _check_dH(self, dH: Any) -> np.ndarray:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        X = self._cache[0]
        return check_array("dH", dH, shape=(X.shape[0], X.shape[1], self.n_hidden))

    def __repr__(self) -> str:
        label = f"{self.name}: " if self.name else ""
        return f"<{label}{type(self).__name__}({self.n_in} -> {self.n_hidden}{self._extra()})>"

    def _extra(self) -> str:
        return ""


class RNN(_Recurrent):
    r"""Plain recurrent layer :math:`h_t = \tanh(x_t W_x + h_{t-1} W_h + b)`.

    Backpropagation through time: the total gradient at :math:`h_t` is what
    the loss reads there plus what comes back from step :math:`t+1`,

    .. math::
        \frac{\partial E}{\partial h_t} = \frac{\partial E}{\partial h_t}\Big|_{\text{direct}}
          + g_{t+1} W_h^\top, \qquad
        g_t = \frac{\partial E}{\partial\,\mathrm{net}_t}
            = \frac{\partial E}{\partial h_t} \circ (1 - h_t^2),

    so going back one step multiplies the signal by :math:`(1-h_t^2)` and
    :math:`W_h^\top`: :math:`T` steps are a product of :math:`T` such
    factors, which shrinks or grows geometrically.

    Parameters
    ----------
    n_in, n_hidden : int
        Input features and hidden units.
    recurrent_scale : float
        Multiplies the drawn :math:`W_h` (entries :math:`N(0, 1/n_{hidden})`,
        whose eigenvalues fill a disc of radius about 1), so the spectral
        radius of :math:`W_h` is about ``recurrent_scale``. Ignored when
        ``W_h`` is given.
    rng : numpy.random.Generator, optional
        Source of the weights; default ``np.random.default_rng(seed)``.
    seed : int
        Used only when ``rng`` is not given.
    W_x, W_h, b : array_like, optional
        Use these (shapes (n_in, n_hidden), (n_hidden, n_hidden), (n_hidden,)).

    Attributes
    ----------
    params, grads : dict
        ``"W_x"``, ``"W_h"``, ``"b"``.
    dh : ndarray (N, T, n_hidden)
        After :meth:`backward`: total :math:`\partial E/\partial h_t` per step.
    dh0 : ndarray (N, n_hidden)
        Gradient with respect to the initial state.
    """

    def __init__(self, n_in: int, n_hidden: int, *, recurrent_scale: float = 1.0,
                 rng: np.random.Generator | None = None, seed: int = 0, W_x: Any = None,
                 W_h: Any = None, b: Any = None, name: str = "") -> None:
        scale = check_float("recurrent_scale", recurrent_scale, min_value=0.0)
        super().__init__(n_in, n_hidden, rng=rng, seed=seed, W_x=W_x, W_h=W_h, b=b, name=name)
        if W_h is None:
            self.params["W_h"] *= scale

    def forward(self, X: Any, h0: Any = None) -> np.ndarray:
        """Run the sequences.

        Parameters
        ----------
        X : array_like, shape (N, T, n_in)
        h0 : array_like, shape (N, n_hidden), optional
            Initial state; zeros by default.

        Returns
        -------
        H : ndarray, shape (N, T, n_hidden)
            ``H[:, t]`` is :math:`h_{t+1}`.
        """
        X = self._check_X(X)
        h0 = self._check_state("h0", h0, X.shape[0])
        n, T, _ = X.shape
        W_h = self.params["W_h"]
        rows = X.transpose(1, 0, 2).reshape(T * n, -1)         # x_1, ..., x_T as rows
        net_x = (rows @ self.params["W_x"]).reshape(T, n, -1)  # x_t W_x for every t at once
        net_x += self.params["b"]                              # net_x[t] = x_t W_x + b
        H = np.empty((n, T, self.n_hidden))
        h = h0
        for t in range(T):
            h = np.tanh(net_x[t] + h @ W_h)
            H[:, t] = h
        self._cache = (X, h0, H)
        return H

    def backward(self, dH: Any, *, weights: bool = True) -> np.ndarray | None:
        """Backpropagation through time.

        Parameters
        ----------
        dH : array_like, shape (N, T, n_hidden)
            Direct :math:`\\partial E/\\partial h_t` from the loss at each step.
        weights : bool
            Also compute ``dX`` and the weight gradients (default). ``False``
            follows only the signal through time: ``dh`` and ``dh0`` are
            filled, ``grads`` are left as they were and nothing is returned.

        Returns
        -------
        dX : ndarray, shape (N, T, n_in), or None
            Also fills ``grads``, ``dh`` and ``dh0``.
        """
        dH = self._check_dH(dH)
        weights = check_bool("weights", weights)
        X, h0, H = self._cache
        n, T, _ = X.shape
        W_x, W_h = self.params["W_x"], self.params["W_h"]
        dX = np.empty_like(X)
        dh_all = np.empty_like(H)
        dW_x = np.zeros_like(W_x)
        dW_h = np.zeros_like(W_h)
        db = np.zeros(self.n_hidden)
        carry = np.zeros((n, self.n_hidden))
        W_hT = W_h.T
        for t in range(T - 1, -1, -1):
            dh = dH[:, t] + carry
            dh_all[:, t] = dh
            if not weights:                   # the signal only: dE/dnet times W_h^T
                h = H[:, t]
                carry = (dh * (1.0 - h * h)) @ W_hT
                continue
            h_prev = H[:, t - 1] if t > 0 else h0
            dx, carry, gx, gh, gb = _rnn_step_backward(dh, X[:, t], h_prev, H[:, t], W_x, W_h)
            dX[:, t] = dx
            dW_x += gx
            dW_h += gh
            db += gb
        self.dh = dh_all
        self.dh0 = carry
        if not weights:
            return None
        self.grads = {"W_x": dW_x, "W_h": dW_h, "b": db}
        return dX


class LSTM(_Recurrent):
    r"""Long short-term memory layer with a forget gate.

    Hochreiter & Schmidhuber (1997) introduced the memory cell with a
    self-connection of fixed weight 1 (the *constant error carousel*,
    :math:`c_t = c_{t-1} + i_t \circ g_t`) and the input and output gates;
    the forget gate :math:`f_t`, which replaces that fixed 1, is from Gers,
    Schmidhuber & Cummins (2000). This layer is the latter, the form in
    common use. With :math:`f_t \equiv 1` it is the carousel again: a large
    ``forget_bias`` makes :math:`f_t \approx 1` at the start and so rebuilds
    that identity path.

    With :math:`z_t = x_t W_x + h_{t-1} W_h + b` split into four blocks
    of ``n_hidden`` columns, in the order input, forget, output, candidate:

    .. math::
        i_t = \sigma(z^i_t),\quad f_t = \sigma(z^f_t),\quad o_t = \sigma(z^o_t),\quad
        g_t = \tanh(z^g_t),\\
        c_t = f_t \circ c_{t-1} + i_t \circ g_t,\qquad h_t = o_t \circ \tanh(c_t).

    Backward, with :math:`dc_t` the total gradient at the cell state:

    .. math::
        dc_t = dc_{t+1}\circ f_{t+1} + dh_t \circ o_t \circ (1 - \tanh^2 c_t),

    so the cell path multiplies the signal by the forget gate only — no weight
    matrix and no squashing slope. With the forget gate open
    (:math:`f \approx 1`, a large forget bias) the gradient survives many steps.

    Parameters
    ----------
    n_in, n_hidden : int
        Input features and hidden units.
    forget_bias : float
        Initial bias of the forget gate (Keras ``unit_forget_bias`` uses 1);
        :math:`\sigma(b_f)` is the forget gate's typical opening.
    rng : numpy.random.Generator, optional
        Source of the weights; default ``np.random.default_rng(seed)``.
    seed : int
        Used only when ``rng`` is not given.
    W_x, W_h, b : array_like, optional
        Use these (shapes (n_in, 4n), (n, 4n), (4n,) with n = n_hidden); ``b``
        given replaces ``forget_bias``.

    Attributes
    ----------
    params, grads : dict
        ``"W_x"``, ``"W_h"``, ``"b"``.
    dh, dc : ndarray (N, T, n_hidden)
        After :meth:`backward`: total gradients at :math:`h_t` and :math:`c_t`.
    dh0, dc0 : ndarray (N, n_hidden)
        Gradients with respect to the initial states.
    """

    n_gates = 4

    def __init__(self, n_in: int, n_hidden: int, *, forget_bias: float = 1.0,
                 rng: np.random.Generator | None = None, seed: int = 0, W_x: Any = None,
                 W_h: Any = None, b: Any = None, name: str = "") -> None:
        self.forget_bias = check_float("forget_bias", forget_bias)
        super().__init__(n_in, n_hidden, rng=rng, seed=seed, W_x=W_x, W_h=W_h, b=b, name=name)
        if b is None:
            self.params["b"][self.n_hidden:2 * self.n_hidden] = self.forget_bias
        self.dc: np.ndarray | None = None
        self.dc0: np.ndarray | None = None

    def forward(self, X: Any, h0: Any = None, c0: Any = None) -> np.ndarray:
        """Run the sequences.

        Parameters
        ----------
        X : array_like, shape (N, T, n_in)
        h0, c0 : array_like, shape (N, n_hidden), optional
            Initial hidden and cell states; zeros by default.

        Returns
        -------
        H : ndarray, shape (N, T, n_hidden)
            ``H[:, t]`` is :math:`h_{t+1}`; the cell states are kept in ``C``.
        """
        X = self._check_X(X)
        h0 = self._check_state("h0", h0, X.shape[0])
        c0 = self._check_state("c0", c0, X.shape[0])
        n, T, _ = X.shape
        m = self.n_hidden
        W_h = self.params["W_h"]
        # time-major buffers (T, N, ...): every step reads and writes contiguous blocks
        rows = X.transpose(1, 0, 2).reshape(T * n, -1)         # x_1, ..., x_T as rows
        z_x = (rows @ self.params["W_x"]).reshape(T, n, -1)    # x_t W_x for every t at once
        z_x += self.params["b"]                                # z_x[t] = x_t W_x + b
        gates = np.empty((T, n, 4 * m))        # i, f, o after sigmoid; g after tanh
        C = np.empty((T, n, m))
        TC = np.empty((T, n, m))               # tanh(c_t), reused by backward
        H = np.empty((T, n, m))
        # sigma(z) = (1 + tanh(z/2)) / 2: one tanh for all four blocks, no overflow
        half = np.r_[np.full(3 * m, 0.5), np.ones(m)]
        h, c = h0, c0
        for t in range(T):
            a = gates[t]
            np.add(z_x[t], h @ W_h, out=a)
            a *= half
            np.tanh(a, out=a)
            sig = a[:, :3 * m]
            sig += 1.0
            sig *= 0.5
            np.multiply(a[:, m:2 * m], c, out=C[t])                # f * c_prev
            C[t] += a[:, :m] * a[:, 3 * m:]                          # + i * g
            c = C[t]
            np.tanh(c, out=TC[t])
            h = np.multiply(a[:, 2 * m:3 * m], TC[t], out=H[t])     # o * tanh(c)
        self.C = C.transpose(1, 0, 2)
        self._cache = (X, h0, c0, gates, C, TC, H)
        return H.transpose(1, 0, 2)

    def backward(self, dH: Any, *, weights: bool = True) -> np.ndarray | None:
        """Backpropagation through time.

        Parameters
        ----------
        dH : array_like, shape (N, T, n_hidden)
            Direct :math:`\\partial E/\\partial h_t` from the loss at each step.
        weights : bool
            Also compute ``dX`` and the weight gradients (default). ``False``
            follows only the signal through time: ``dh``, ``dc``, ``dh0`` and
            ``dc0`` are filled, ``grads`` are left as they were and nothing is
            returned.

        Returns
        -------
        dX : ndarray, shape (N, T, n_in), or None
            Also fills ``grads``, ``dh``, ``dc``, ``dh0`` and ``dc0``.
        """
        dH = self._check_dH(dH)
        weights = check_bool("weights", weights)
        X, h0, c0, gates, C, TC, H = self._cache
        n, T, _ = X.shape
        m = self.n_hidden
        W_x, W_h = self.params["W_x"], self.params["W_h"]
        dX = np.empty_like(X)
        dh_all = np.empty((T, n, m))
        dc_all = np.empty((T, n, m))
        dW_x = np.zeros_like(W_x)
        dW_h = np.zeros_like(W_h)
        db = np.zeros(4 * m)
        dz = np.empty((n, 4 * m))
        dh_carry = np.zeros((n, m))
        dc_carry = np.zeros((n, m))
        W_hT = W_h.T
        for t in range(T - 1, -1, -1):
            a = gates[t]
            i, f, o, g = a[:, :m], a[:, m:2 * m], a[:, 2 * m:3 * m], a[:, 3 * m:]
            c_prev = C[t - 1] if t > 0 else c0
            tc = TC[t]
            dh = np.add(dH[:, t], dh_carry, out=dh_all[t])
            dc = np.add(dc_carry, dh * o * (1.0 - tc * tc), out=dc_all[t])
            dz[:, :m] = dc * g * i * (1.0 - i)                 # input gate
            dz[:, m:2 * m] = dc * c_prev * f * (1.0 - f)       # forget gate
            dz[:, 2 * m:3 * m] = dh * tc * o * (1.0 - o)       # output gate
            dz[:, 3 * m:] = dc * i * (1.0 - g * g)             # candidate
            dc_carry = dc * f
            dh_carry = dz @ W_hT
            if weights:
                h_prev = H[t - 1] if t > 0 else h0
                dX[:, t] = dz @ W_x.T
                dW_x += X[:, t].T @ dz
                dW_h += h_prev.T @ dz
                db += dz.sum(axis=0)
        self.dh, self.dc = dh_all.transpose(1, 0, 2), dc_all.transpose(1, 0, 2)
        self.dh0, self.dc0 = dh_carry, dc_carry
        if not weights:
            return None
        self.grads = {"W_x": dW_x, "W_h": dW_h, "b": db}
        return dX

    def _extra(self) -> str:
        return f", forget_bias={self.forget_bias}"
