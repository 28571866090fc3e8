# %% [markdown]
# # 03 · Backpropagation
#
# In lesson 01 the perceptron failed on XOR: no straight line puts (0, 1) and
# (1, 0) on one side and (0, 0), (1, 1) on the other. A hidden layer can bend
# the boundary, but its units have **no target output**, so the perceptron
# rule $\Delta w_i = \eta(t-y)x_i$ has nothing to compare them with.
#
# Backpropagation fills that gap. Training repeats two passes:
#
# * **forward signal** — the inputs go through the layers to the output;
# * **backward error** — the output error goes back through the same weights,
#   layer by layer. Each layer gets its **learning signal** $\delta$, and each
#   weight matrix moves by $\eta\,(\text{its input})^\top\delta$.
#
# This lesson derives those rules in the notes' notation, checks them against
# finite differences, and uses them to learn XOR. Keep an eye on the size of
# $\delta$ in the input-side layer: from lesson 05 on, that is the number that
# vanishes or explodes.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## The network in the notes' notation
#
# One hidden layer with $m$ units, $n$ inputs and $l$ outputs. Each row of a
# matrix is one sample (the row-vector convention $Y = f(XW)$):
#
# | symbol | meaning | shape |
# |---|---|---|
# | $X = (x_0, x_1, \dots, x_n)$ | inputs, with the bias input $x_0 = 1$ in front | $N \times (1+n)$ |
# | $W^1$ | input → hidden weights (row 0 multiplies $x_0$: the biases) | $(1+n) \times m$ |
# | $\mathrm{net}^1 = XW^1$ | weighted sum of each hidden unit | $N \times m$ |
# | $Y^1 = f(\mathrm{net}^1)$ | hidden outputs, with the bias unit $y^1_0 = 1$ in front | $N \times (1+m)$ |
# | $W^2$ | hidden → output weights | $(1+m) \times l$ |
# | $\mathrm{net}^2 = Y^1W^2,\ Y^2 = f(\mathrm{net}^2)$ | output | $N \times l$ |
# | $T$ | targets | $N \times l$ |
#
# The error is $E = \tfrac12(T - Y^2)^2 = \tfrac12\sum_{k=1}^{l}(t_k - y^2_k)^2$,
# summed over the samples of the batch as well. A superscript names the layer,
# it is not a power: $Y^2$ is the output of layer 2 and $y^2_k$ its unit $k$;
# the only square is the outer one. $f$ is the sigmoid in both layers, and
# the index $k$ always counts output units.

# %% [markdown]
# ## Deriving the learning signals
#
# Gradient descent moves every weight against its slope:
# $\Delta w = -\eta\,\partial E/\partial w$.
#
# **Output layer.** The weight $w^2_{jk}$ reaches $E$ only through
# $\mathrm{net}^2_k = \sum_j w^2_{jk}y^1_j$. By the chain rule
#
# $$\frac{\partial E}{\partial w^2_{jk}}
#   = \frac{\partial E}{\partial y^2_k}\,
#     \frac{\partial y^2_k}{\partial \mathrm{net}^2_k}\,
#     \frac{\partial \mathrm{net}^2_k}{\partial w^2_{jk}}
#   = -(t_k - y^2_k)\,f'(\mathrm{net}^2_k)\,y^1_j .$$
#
# The part that belongs to output unit $k$ is its learning signal,
# $\delta^2_k = (t_k - y^2_k)\,f'(\mathrm{net}^2_k)$, and
# $\Delta w^2_{jk} = \eta\,\delta^2_k\,y^1_j$. This is lesson 02's delta rule,
# with the hidden outputs as the inputs.
#
# **Hidden layer.** The weight $w^1_{ij}$ changes $\mathrm{net}^1_j$, which
# changes $y^1_j$, which feeds *every* output unit. Adding up those paths:
#
# $$\frac{\partial E}{\partial y^1_j}
#   = -\sum_{k=1}^{l}(t_k - y^2_k)\,f'(\mathrm{net}^2_k)\,w^2_{jk}
#   = -\sum_{k=1}^{l}\delta^2_k\,w^2_{jk},
# \qquad
# \Delta w^1_{ij} = \eta\Big(\sum_{k}\delta^2_k\,w^2_{jk}\Big)f'(\mathrm{net}^1_j)\,x_i
#                 = \eta\,\delta^1_j\,x_i .$$
#
# A hidden unit has no target, but it gets a learning signal all the same: the
# output signals sent back through its outgoing weights, times its own slope.
#
# **In matrix form** ($\circ$ multiplies entry by entry; the matrix products
# also add up the batch). The brackets say what comes first: the matrix
# product, then the entry-by-entry product with the slopes.
#
# $$\delta^2 = (T - Y^2)\circ f'(\mathrm{net}^2), \qquad
#   \delta^1 = \big(\delta^2\,(\bar W^2)^\top\big) \circ f'(\mathrm{net}^1), \qquad
#   \Delta W^h = \eta\,(Y^{h-1})^\top\delta^h \quad (h = 1, 2;\ Y^0 = X).$$
#
# Here $\bar W^2$ is $W^2$ without its row 0. The notes' formula writes $W^2$,
# but the bias unit $y^1_0 = 1$ is a constant: nothing feeds it, so it needs
# no learning signal, and its row of $W^2$ is left out when $\delta^2$ goes
# back.
#
# For the sigmoid, $f'(\mathrm{net}) = f(\mathrm{net})\,(1 - f(\mathrm{net}))$,
# so $f'(\mathrm{net}^2) = Y^2\circ(1-Y^2)$: the slopes come from outputs the
# forward pass already computed.

# %% [markdown]
# ## Any number of hidden layers
#
# With $H$ hidden layers, their outputs $Y^1, \dots, Y^H$ and the output
# $Y^{H+1}$, the same two steps repeat, from the output back to the input
# ($h$ numbers the layers):
#
# $$\delta^{H+1} = (T - Y^{H+1})\circ f'(Y^HW^{H+1}), \qquad
#   \delta^{h} = \big(\delta^{h+1}(\bar W^{h+1})^\top\big)\circ f'(Y^{h-1}W^{h})
#   \quad (h = H, \dots, 1), \qquad
#   \Delta W^h = \eta\,(Y^{h-1})^\top\delta^h .$$
#
# Each $\delta^h$ needs $\delta^{h+1}$, so the signals are computed output side
# first: the error propagates *backwards*. On the way, every layer multiplies
# the signal by a weight matrix and by the slopes $f'$. Remember that: it is
# the whole story of lessons 05–10.

# %% [markdown]
# ## Forward and backward on XOR
#
# `lessons_lib.experiments.backprop` implements exactly these formulas for any
# depth (read `backward_pass` there: it is short). XOR in the notes'
# form has the bias column $x_0 = 1$ in front:

# %%
X, T = ll.experiments.xor_data()
print(X)
print("T =", T.ravel())

# %% [markdown]
# A 2-3-1 net with weights drawn from $U(-1, 1)$. The forward pass keeps
# every $\mathrm{net}^h$ and $Y^h$, because the backward pass needs them:

# %%
W = ll.experiments.init_weights([2, 3, 1], seed=0)
fp = ll.experiments.forward_pass(X, W)
for name, a in [("net1", fp.nets[0]), ("Y1", fp.Y[1]), ("net2", fp.nets[1]), ("Y2", fp.Y[2])]:
    print(f"{name}: shape {a.shape}")
E = ll.experiments.squared_error(X, T, W)
print("Y2 =", np.round(fp.output.ravel(), 3), "  E =", round(E, 4))

# %% [markdown]
# The backward pass returns each layer's learning signal and weight change.
# Note the shapes: $\delta^h$ has one column per unit, $\Delta W^h$ the shape of $W^h$.

# %%
lr = 0.5
bp = ll.experiments.backward_pass(X, T, W, lr)
for h, (delta, dW) in enumerate(zip(bp.delta, bp.dW), start=1):
    print(f"δ{h}: shape {delta.shape}, ‖δ{h}‖ = {np.linalg.norm(delta):.3g}   ΔW{h}: shape {dW.shape}")

# %% [markdown]
# ## Gradient check: is the derivation right?
#
# A derivation can hide a sign or a transpose mistake. Finite differences
# need no calculus: nudge one weight by $\pm h$ and see how $E$ moves,
# $\partial E/\partial w \approx (E(w+h) - E(w-h))/2h$.
# Since $\Delta W = -\eta\,\partial E/\partial W$, the check compares
# $-\Delta W/\eta$ with that estimate, for one and for two hidden layers:

# %%
for sizes in ([2, 3, 1], [2, 4, 3, 1]):
    Ws = ll.experiments.init_weights(sizes, seed=1)
    analytic = [-dW / lr for dW in ll.experiments.backward_pass(X, T, Ws, lr).dW]
    numeric = [ll.gradcheck.numerical_gradient(lambda: ll.experiments.squared_error(X, T, Ws), Wh)
               for Wh in Ws]
    errors = [ll.gradcheck.rel_error(a, n) for a, n in zip(analytic, numeric)]
    print(f"layers {sizes}: every relative error below 1e-6: {max(errors) < 1e-6}")

# %% [markdown]
# The package's own layers pass the same test. `ll.gradcheck.check_model`
# perturbs every parameter of an `ll.MLP` (its loss `ll.losses.mse` is the
# mean over the batch of $\tfrac12\sum_k(t_k-y_k)^2$):

# %%
model = ll.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
errors = ll.gradcheck.check_model(model, X[:, 1:], lambda Y: ll.losses.mse(Y, T))
print({name: bool(err < 1e-6) for name, err in errors.items()})

# %% [markdown]
# ## Two ways to write the bias
#
# The notes fold the bias into the weights with the constant input $x_0 = 1$;
# `lessons_lib`'s `Dense` layer keeps a separate vector $b$ and computes
# $\mathrm{net} = XW + b$. They are the same map, because
#
# $$[\,1 \;\; X\,]\begin{bmatrix} b \\ W \end{bmatrix} = XW + b ,$$
#
# and the same gradient: the row of $\Delta W$ that belongs to $x_0$ is
# $\eta\,(\text{column of ones})^\top\delta = \eta\sum_n\delta_n$, which is
# exactly the bias gradient. The notes' form keeps the formulas short; the
# separate $b$ keeps the data free of a fake feature. One sign to watch: the
# notes' $\delta = (T-Y)\circ f'$ is $-\partial E/\partial\,\mathrm{net}$ (it
# points downhill), while `lessons_lib`'s layers store $+\partial E/\partial\,\mathrm{net}$.
# Their sizes $\|\delta\|$ are the same.

# %%
dense = ll.layers.Dense(2, 3, W=W[0][1:])    # rows 1.. of W1 are the weights
dense.params["b"][:] = W[0][0]               # row 0 is the bias vector b
print("same net1:", np.allclose(dense.forward(X[:, 1:]), X @ W[0]))
dense.backward(-bp.delta[0])                 # the layer's convention: +dE/dnet
stacked = np.vstack([dense.grads["b"], dense.grads["W"]])
print("same gradient, ΔW1 = -η [db; dW]:", np.allclose(bp.dW[0], -lr * stacked))

# %% [markdown]
# ## XOR, solved
#
# `train_xor` repeats forward pass, backward pass and $W^h \leftarrow W^h +
# \Delta W^h$ on the four rows of the truth table (the same equations in a
# tight loop). With three hidden units and $\eta = 2$:

# %%
run = ll.experiments.train_xor(width=3, lr=2.0, steps=1000)
print("Y2 after training:", np.round(run.output, 2), "  targets:", T.ravel())
print("solved:", run.solved, f"  E: {run.loss[0]:.3f} -> {run.loss[-1]:.2g}")

# %% [markdown]
# The same with `lessons_lib`'s model and training loop takes three lines.
# `ll.training.train` averages the error over the 4 samples, so its $\eta = 8$
# takes the same steps as $\eta = 2$ on the summed error. Its weights start
# from a different draw, **Glorot uniform**: $U(-r, r)$ with
# $r = \sqrt{6/(n_\text{in} + n_\text{out})}$, where $n_\text{in}$ and
# $n_\text{out}$ are the layer's numbers of inputs and outputs (its *fan-in*
# and *fan-out*). It is `ll.MLP`'s default; lesson 04 says when it suits,
# lesson 06 derives it.

# %%
X2, y = ll.data.logic_gate("xor")
model = ll.MLP([2, 3, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
result = ll.training.train(model, X2, y[:, None].astype(float), loss="mse", lr=8.0, steps=1000)
print("accuracy:", ll.training.accuracy(model, X2, y), f"  final loss: {result.loss[-1]:.2g}")

# %% [markdown]
# How fast does it learn, and how big is each layer's learning signal along
# the way? Left: the error for three learning rates. Right: $\|\delta^1\|$ (input
# side) and $\|\delta^2\|$ (output side) during the $\eta = 2$ run.

# %%
runs = {f"η = {lr:g}": ll.experiments.train_xor(3, lr) for lr in (0.3, 2.0, 15.0)}
fig = ll.plots.DualLinePlot(list(runs), ["‖δ¹‖ input side", "‖δ²‖ output side"],
                            xlabel="training step", left_ylabel="error E (log scale)",
                            right_ylabel="‖δ‖ (log scale)", left_logy=True, right_logy=True,
                            left_title="error, width 3",
                            right_title="learning signal per layer, η = 2", legend_loc="lower left",
                            styles={"‖δ¹‖ input side": {"color": ll.plots.COLORS[5]},
                                    "‖δ²‖ output side": {"color": ll.plots.COLORS[3]}})
fig.update(run.step, left={label: r.loss for label, r in runs.items()},
           right={"‖δ¹‖ input side": run.delta[:, 0], "‖δ²‖ output side": run.delta[:, 1]})
_ = ll.plots.show_static(fig.fig)

# %% [markdown]
# The plateau is typical: the net first settles on answering about 0.5 to
# every input (so $E \approx 4\cdot\tfrac12\cdot 0.5^2 = 0.5$) and the error
# barely moves; then the hidden units split the inputs and the error drops by
# orders of magnitude. A small $\eta$ takes longer to leave the plateau; a very
# large one jumps around on it before it drops.
#
# At the start the input-side signal is the smaller one. (`train_xor` draws
# its own starting weights, so a wider net can keep the first units of a
# narrower one; these are not the weights of the 2-3-1 net above, and the
# sizes differ a little from the ones printed there.)

# %%
start = run.delta[0]
print(f"‖δ1‖ = {start[0]:.3g}, ‖δ2‖ = {start[1]:.3g}, ratio ‖δ1‖/‖δ2‖ = {start[0] / start[1]:.2f}")

# %% [markdown]
# That is no accident. $\delta^1 = \big(\delta^2(\bar W^2)^\top\big)\circ f'(\mathrm{net}^1)$
# and the sigmoid's slope is at most $\tfrac14$, so
# $\|\delta^1\| \le \tfrac14\,\|\delta^2\|\,\|\bar W^2\|$, where $\|\bar W^2\|$
# is the largest factor by which $\bar W^2$ can stretch a vector. Unless that
# factor exceeds 4, the signal shrinks on its way back through a sigmoid layer.
# One hidden layer can live with that; thirty cannot (lesson 05).

# %% [markdown]
# ## Why more than one hidden layer?
#
# If every layer shrinks the signal, why build deep nets at all? In
# principle one hidden layer is enough: the **universal approximation
# theorem** (Cybenko 1989 for sigmoid units, Hornik 1991 for any bounded,
# non-constant activation, Leshno et al. 1993 for any activation that is not
# a polynomial) says that one hidden layer with *enough* units can
# approximate any continuous function on a closed, bounded input region as
# closely as you like. It says nothing about how many units that takes, nor
# whether gradient descent finds their weights.
#
# "Enough" can be enormous, and depth can make it small. An example with one
# input $x \in [0, 1]$ and the ramp $r(z) = \max(0, z)$ as activation (lesson
# 04 calls it ReLU): two ramp units make a **tent**,
#
# $$g(x) = 2\,r(x) - 4\,r(x - \tfrac12),$$
#
# which rises from 0 to 1 on $[0, \tfrac12]$ and falls back to 0 on
# $[\tfrac12, 1]$. Its output is again in $[0, 1]$, so the next layer can fold
# it once more: $g(g(x))$ has two teeth, and every further layer of two units
# doubles the number of straight pieces. Count them after each layer:

# %%
def ramp(z):
    return np.maximum(z, 0.0)


def tent(x):                                  # one hidden layer of two ramp units
    return 2 * ramp(x) - 4 * ramp(x - 0.5)


x = np.linspace(0.0, 1.0, 2**12 + 1)          # the kinks fall exactly on grid points
y, folds = x, {}
for layers in range(1, 11):
    y = tent(y)                               # one more layer of two units
    folds[layers] = y
    pieces = 1 + np.count_nonzero(np.diff(np.diff(y)))    # a new piece at every change of slope
    if layers in (1, 2, 3, 5, 10):
        print(f"{layers:>2} layers, {2 * layers:>2} units: {pieces:>4} straight pieces")

# %% [markdown]
# A single hidden layer of $m$ ramp units computes a weighted sum of $m$
# functions with one kink each, so it has at most $m + 1$ straight pieces. To
# draw the 1024 pieces that 10 layers of 2 units draw with 20 units, one hidden
# layer needs at least 1023 units. Depth *composes*: each layer reuses what the
# layer below computed (here, it folds the interval once more), so a few layers
# express what one layer can only list unit by unit. Telgarsky (2016) built
# on this example to prove that some functions a deep, narrow net computes
# need exponentially many units in a net with few layers, even just to
# approximate them. In real nets, layers build features out of the features
# below them. That is why it is worth the trouble of making deep nets
# trainable, which is what the rest of the series is about.

# %%
teeth = ll.plots.LinePlot([f"{k} layer{'s' * (k > 1)}" for k in (1, 2, 3, 4)],
                          xlabel="x", ylabel="output", title="a tent folded by each layer")
teeth.update(x, {f"{k} layer{'s' * (k > 1)}": folds[k] for k in (1, 2, 3, 4)})
_ = ll.plots.show_static(teeth.fig)

# %% [markdown]
# ## Live: width and learning rate
#
# Each setting trains a fresh 2-*width*-1 net for 1000 steps from the same
# starting weights (a wider net adds units; it keeps the first ones). Left: the
# error. Right: the learning-signal size of each layer. The text below the plot
# gives the outputs and whether XOR is solved. Things to try:
#
# * **width 1**: one hidden unit never solves XOR, whatever $\eta$. The output
#   is then a monotone function of a single weighted sum, so its boundary is
#   still one straight line, the perceptron's problem.
# * **$\eta = 0.1$**: with 1000 steps no width gets off the plateau.
# * **width 2, then larger $\eta$**: XOR is solved from about $\eta = 0.8$ on,
#   and fails again at the largest $\eta$, when oversized steps push the units
#   into the flat tails of the sigmoid. Wider nets start to succeed at smaller $\eta$.
# * Watch the right plot: $\|\delta^1\|$ starts below $\|\delta^2\|$ for every setting.

# %% tags=["nbval-ignore-output"]
ll.widgets.backprop_panel()

# %% [markdown]
# ## Exercise: backward for a two-layer net
#
# Write `backward_two_layer(X, T, W1, W2, lr)`. It returns the weight changes
# `(dW1, dW2)` of one step for a net with the sigmoid in both layers:
#
# $$Y^1 = \sigma(XW^1),\quad Y^2 = \sigma(Y^1W^2),\quad
#   \delta^2 = (T - Y^2)\circ Y^2\circ(1-Y^2),\quad
#   \delta^1 = \big(\delta^2 (W^2)^\top\big)\circ Y^1\circ(1-Y^1),\quad
#   \Delta W^h = \eta\,(Y^{h-1})^\top\delta^h .$$
#
# `X` already holds the bias column $x_0 = 1$. To keep it short, the hidden
# layer has **no** bias unit here: `W2` has one row per hidden unit, so no
# row is cut off. Sum over the batch (the matrix products do it). The sigmoid
# is `ll.activations.sigmoid`.

# %%
def backward_two_layer(X, T, W1, W2, lr):
    """Return (dW1, dW2): eta * X.T @ delta1 and eta * Y1.T @ delta2."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_backward_two_layer(backward_two_layer)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `backward_two_layer` is left as it is. To run the check on
# this one: ll.exercises.check_backward_two_layer(backward_two_layer_solution)
def backward_two_layer_solution(X, T, W1, W2, lr):
    sigmoid = ll.activations.sigmoid
    Y1 = sigmoid(X @ W1)                          # forward signal
    Y2 = sigmoid(Y1 @ W2)
    delta2 = (T - Y2) * Y2 * (1 - Y2)             # output learning signal
    delta1 = (delta2 @ W2.T) * Y1 * (1 - Y1)      # sent back through W2
    return lr * X.T @ delta1, lr * Y1.T @ delta2

# %% [markdown]
# > **In a framework.** Nobody writes backward passes by hand in practice:
# > automatic differentiation records the forward pass and applies the chain
# > rule for you, layer by layer, exactly as above.
# >
# > * Keras: `model.fit(X, T, epochs=1000)` does forward, backward and update;
# >   by hand, `grads = tape.gradient(loss, model.trainable_variables)` inside
# >   `with tf.GradientTape() as tape:`. The bias is `Dense(units, use_bias=True)`.
# > * PyTorch: `loss.backward()` fills every `p.grad`; the finite-difference
# >   check is `torch.autograd.gradcheck(f, inputs)`. The bias is
# >   `nn.Linear(n_in, n_out, bias=True)`.

# %% [markdown]
# ## Summary
#
# * Forward signal, backward error: $\delta^h = \big(\delta^{h+1}(\bar W^{h+1})^\top\big)\circ f'(\mathrm{net}^h)$ and $\Delta W^h = \eta\,(Y^{h-1})^\top\delta^h$, output layer first.
# * The formulas agree with finite differences, and a sigmoid net with one hidden layer learns XOR, which no perceptron can.
# * Every layer passed on the way back multiplies the signal by $W$ and $f' \le \tfrac14$; here $\|\delta^1\|$ started below $\|\delta^2\|$.
#
# **Next:** [04 · Activation functions](04_activation_functions.ipynb)

# %% [markdown]
# ## References
#
# * Rumelhart, D. E., Hinton, G. E., & Williams, R. J. (1986). Learning
#   representations by back-propagating errors. *Nature*, 323, 533–536. —
#   Backpropagation: the learning signals $\delta$ passed back layer by layer,
#   and hidden units that learn features such as those XOR needs.
# * Cybenko, G. (1989). Approximation by superpositions of a sigmoidal
#   function. *Mathematics of Control, Signals and Systems*, 2(4), 303–314. —
#   One hidden layer of sigmoid units approximates any continuous function on
#   a bounded region.
# * Hornik, K. (1991). Approximation capabilities of multilayer feedforward
#   networks. *Neural Networks*, 4(2), 251–257. — The same for any bounded,
#   non-constant activation: it is the layered architecture that matters.
# * Leshno, M., Lin, V. Ya., Pinkus, A., & Schocken, S. (1993). Multilayer
#   feedforward networks with a nonpolynomial activation function can
#   approximate any function. *Neural Networks*, 6(6), 861–867. — Any
#   activation that is not a polynomial, the ramp (ReLU) included.
# * Telgarsky, M. (2016). Benefits of depth in neural networks. *Conference on
#   Learning Theory (COLT 2016).* — The folded tent: functions that need
#   exponentially many units when the net is shallow.
