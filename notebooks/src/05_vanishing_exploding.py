# %% [markdown]
# # 05 · Vanishing and exploding gradients
#
# Lesson 03 passed the learning signal $\delta$ backwards through one hidden
# layer. Do the same through thirty layers and something dramatic happens:
# by the time the signal reaches the first layer it has shrunk by a factor of
# about $10^{18}$ (**vanishing gradient**, 梯度消失) — or, with larger
# weights, grown by billions (**exploding gradient**, 梯度爆炸).
# Layers whose signal has vanished do not learn; layers whose signal has
# exploded jump around wildly. Both make a deep network untrainable.
#
# This lesson shows *why*: backpropagation multiplies one factor per layer,
# and a product of many factors is either tiny or huge unless every factor is
# close to 1. You will measure the product, watch it during real training,
# and then take the **gradient explorer** for a spin.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## The maths: the chain rule is a product over layers
#
# A stack of $L$ layers computes, from $Y^0 = X$,
#
# $$\mathrm{net}^l = Y^{l-1}W^l, \qquad Y^l = f(\mathrm{net}^l), \qquad l = 1, \dots, L,$$
#
# and learns from $E = \tfrac12(T - Y^L)^2$. (The stacks of this lesson have no
# biases. With a bias, lesson 03's backward pass uses $\bar W$, the weights
# without their bias row, because the constant input $x_0 = 1$ passes nothing
# back; without biases $\bar W = W$.) The learning signals are
#
# $$\delta^L = (T - Y^L)\circ f'(\mathrm{net}^L), \qquad
#   \delta^l = \big(\delta^{l+1}\,(W^{l+1})^\top\big) \circ f'(\mathrm{net}^l), \qquad
#   \Delta W^l = \eta\,(Y^{l-1})^\top\delta^l .$$
#
# Unroll the middle formula from the output down to layer 1 (as in lesson 03,
# each matrix product comes before the entry-by-entry $\circ$ that follows it):
#
# $$\delta^1 = \Big(\cdots\Big(\big(\delta^L (W^L)^\top\big) \circ f'(\mathrm{net}^{L-1})\Big)(W^{L-1})^\top \cdots (W^2)^\top\Big) \circ f'(\mathrm{net}^1).$$
#
# There are $L-1$ steps, and each one multiplies the signal by a weight matrix
# and then, entry by entry, by a slope $f'$. How much does one step change the
# signal's size?
#
# * **The weight matrix.** Draw the $n\times n$ weights independently with mean
#   0 and variance $\mathrm{Var}(W) = \sigma_W^2$. Each entry of
#   $\delta\,W^\top$ is a sum of $n$ products $\delta_j W_{ij}$, so its mean
#   square is $n\,\mathrm{Var}(W)$ times that of $\delta$: the matrix stretches
#   a typical vector by $g = \sigma_W\sqrt n$, its **gain**. The gain, not the
#   size of single weights, is what counts: with $n = 64$ inputs, weights of
#   typical size $0.25$ already make $g = 2$.
# * **The slopes.** Multiplying entry by entry by $f'(\mathrm{net})$ changes the
#   mean square by $\mathrm{E}[f'(\mathrm{net})^2]$, the average over the
#   layer's units and samples.
#
# One step therefore multiplies the signal's size by about
# $g\sqrt{\mathrm{E}[f'^2]} = \sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[f'(\mathrm{net}^l)^2]}$,
# and the whole stack gives the **estimate**
#
# $$\frac{\|\delta^1\|}{\|\delta^L\|} \;\approx\; \prod_{l=1}^{L-1}\sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}\big[f'(\mathrm{net}^l)^2\big]} .$$
#
# The average $\mathrm{E}[f'^2]$ is taken over each layer's actual net inputs.
# At initialization they are close to a Gaussian with mean 0, and the forward
# pass fixes its variance layer by layer (lesson 06 derives how);
# `ll.experiments.gradient_estimate` does this computation. Two cases need no
# computer:
#
# * **Sigmoid with Glorot weights.** $\sigma'(z) = \sigma(z)(1-\sigma(z))$ is
#   largest at $z = 0$, where it is $\tfrac12\cdot\tfrac12 = 0.25$. **Glorot**
#   weights have $\mathrm{Var}(W) = 2/(n_\text{in}+n_\text{out})$, which is $1/n$
#   for square layers, so $g = 1$. Even in the **best case**, every unit at its
#   steepest point, each layer keeps at most a quarter of the signal:
#   $0.25^{L-1}$, which at $L = 30$ is $0.25^{29} \approx 3.5\times10^{-18}$.
#   Real net inputs spread around 0, where the slope is smaller, so the
#   estimate lies below the best case.
# * **ReLU.** Its slope is 1 for positive and 0 for negative inputs, half of
#   each, so $\mathrm{E}[f'^2] = \tfrac12$: the zero slopes are part of the
#   average. A gain $g = \sqrt2$ makes the factor exactly 1 (He weights,
#   lesson 06).
#
# The estimate describes the *typical* size; it is not a bound. A random matrix
# stretches some directions more than others; its longest stretch $\|W\|$ is
# about $2g$ for a square matrix. So a guaranteed bound is the product of
# $\|W^l\|\cdot\max|f'|$ over the $L-1$ steps, about
# $(2g\cdot\max|f'|)^{L-1}$: true, but at $L = 30$ at least
# $2^{29} \approx 5\times10^8$ times above the typical size, too loose to
# tell us anything. (The package measures
# $\partial E/\partial\,\mathrm{net}^l = -\delta^l$; the sign does not change
# any size.)
#
# **Vanishing is the more common failure.** The factor per layer is
# $g\sqrt{\mathrm{E}[f'^2]}$. The classic saturating activations have
# $|f'| \le 1$ — the sigmoid at most 0.25, tanh 1 only at $z = 0$ — so
# $\sqrt{\mathrm{E}[f'^2]}$ is below 1, and the usual initializations (small
# uniform weights, Glorot) have $g \le 1$. A product of many factors below 1
# vanishes. To explode, the gain must beat the slopes: large weights, or a
# **recurrent** network (one that feeds its state back in at every time step,
# lesson 10), which multiplies by the same matrix again and again. Hochreiter
# (1991) analyzed the vanishing signal first; Bengio, Simard & Frasconi (1994)
# showed that a recurrent network that stores information robustly must have
# gradients that shrink exponentially over time, which makes long-range
# dependencies hard to learn by gradient descent.

# %% [markdown]
# ## Measure it
#
# `ll.experiments.gradient_profile` builds a stack of `depth` square layers
# (64 units each, no biases), runs one batch of 256 random inputs forward, and
# returns $\|\delta^l\|$ for every layer, index 0 being the input side.
# Compare the first layer with the last:

# %%
depth = 30
delta = ll.experiments.gradient_profile(depth, activation="sigmoid", init="glorot_uniform",
                                        batch=256)
ratio = delta[0] / delta[-1]
estimate = ll.experiments.gradient_estimate(depth, activation="sigmoid", init="glorot_uniform")
print(f"measured   ‖δ¹‖ / ‖δᴸ‖ = {ratio:.2g}")
print(f"estimate               = {estimate[0]:.2g}")
print(f"best case  0.25^{depth - 1}     = {0.25 ** (depth - 1):.2g}")
print(f"average factor per layer: measured {ratio ** (1 / (depth - 1)):.3f}, "
      f"estimate {estimate[0] ** (1 / (depth - 1)):.3f}")

# %% [markdown]
# The measurement sits well below the best case and close to the estimate:
# the net inputs spread around 0, where the slope is below its peak, so the
# factor per layer ($g \approx 1$ times the typical slope
# $\sqrt{\mathrm{E}[f'^2]}$) is about 0.23 rather than 0.25, and 29 layers turn that small difference into a factor of about
# eight. Other random draws of the weights, inputs and targets (the `seed`
# argument) give $3$ to $8\times10^{-19}$. Either way the first layer receives
# a learning signal eighteen orders of magnitude weaker than the last.
#
# Now the weights. A **linear** stack ($f' = 1$) isolates their effect: scaling
# Glorot weights by $s$ makes the gain $g = s$, so the signal should change
# by a factor of about $s$ per layer.

# %%
for scale in (0.5, 1.0, 2.0):
    d = ll.experiments.gradient_profile(depth, activation="linear", weight_scale=scale, batch=256)
    r = d[0] / d[-1]
    print(f"weights × {scale}:  ‖δ¹‖/‖δᴸ‖ = {r:9.2g}   factor per layer {r ** (1 / (depth - 1)):.2f}")
unscaled = [ll.experiments.gradient_profile(depth, activation="linear", batch=256, seed=seed)
            for seed in range(5)]
print("weights × 1.0, five draws:", "  ".join(f"{d[0] / d[-1]:.2g}" for d in unscaled))

# %% [markdown]
# Halving the weights loses nine orders of magnitude over 30 layers; doubling
# them gains about as many. At $\times 1$ the estimate is exactly 1, yet every
# draw measures more: between 1.6 and 7 over these five. The error at the
# output, $Y - T$, contains the output $Y$, made by the same weights that
# carry the error back, and it points along the directions those weights
# stretch most — a correlation the estimate ignores (lesson 06 returns to it).
# It costs a few-fold, not orders of magnitude. Only a factor per layer very
# close to 1 keeps a deep signal alive — that is what the rest of this series
# is about.
#
# ## Several profiles at once
#
# The figure shows $\|\delta^l\|$ divided by the last layer's value, layer by
# layer, for five 30-layer stacks. Read it from right (output, where every
# curve is 1) to left (input): the slope of each line on this log scale is
# the factor per layer.

# %%
profiles = {
    "sigmoid, Glorot": dict(activation="sigmoid", init="glorot_uniform"),
    "tanh, Glorot": dict(activation="tanh", init="glorot_uniform"),
    "ReLU, He": dict(activation="relu", init="he_normal"),
    "linear, weights × 0.5": dict(activation="linear", weight_scale=0.5),
    "linear, weights × 2": dict(activation="linear", weight_scale=2.0),
}
relative = {}
for label, kw in profiles.items():
    d = ll.experiments.gradient_profile(depth, batch=256, **kw)
    relative[label] = d / d[-1]
    print(f"{label:<22} first ÷ last = {relative[label][0]:.2g}")

# %%
plot = ll.plots.plot_gradient_profile(relative)
plot.ax.set_ylabel("‖δˡ‖ ÷ ‖δᴸ‖ (log scale)")
plot.ax.legend(loc="lower right", fontsize="small", frameon=True)
_ = ll.plots.show_static(plot.fig)

# %% [markdown]
# Sigmoid falls fastest (about $\times 0.23$ per layer). Tanh, whose slope
# reaches 1, loses much less. ReLU with He weights (lesson 06) stays within a
# factor of a few over all 30 layers. The linear stacks are straight lines
# whose slope is set by the weights alone.
#
# ## The live panel: the gradient explorer
#
# Move the controls and the plot redraws at once:
#
# * **depth** — number of layers; **activation** — lesson 04's functions plus
#   **softplus**, $\ln(1 + e^z)$, a smooth ReLU whose slope is the sigmoid
#   $\sigma(z)$; **alpha** (the slope of leaky ReLU / the scale of ELU);
#   **init** — the weight recipe (lesson 06 explains them all); **weight scale** — multiplies every weight (log
#   slider, 0.1 to 10); **batchnorm** and **residual** — two remedies you will
#   meet in lessons 07 and 10.
# * **Blue** is the learning signal $\|\delta^l\|$, **orange** the weight gradient
#   $\|\partial E/\partial W^l\|$, both on a log scale with the input side on the
#   left. The **dashed gray** line is the estimate
#   $\prod\sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[f'^2]}$ from the last layer down,
#   pinned to the last layer's measured $\|\delta^L\|$ (it disappears with
#   batchnorm or residual, where the product formula no longer applies).
# * The text under the plot gives *first ÷ last layer* for both curves and the
#   estimate. If a number overflows or underflows float64, a red note says so
#   on the plot instead of drawing nonsense.

# %% tags=["nbval-ignore-output"]
ll.widgets.gradient_explorer(depth=30)

# %% [markdown]
# **Try these** (predict first, then look at the readout):
#
# 1. **Sigmoid, Glorot, depth 30** (the start). The first layer's signal is
#    about $4\times10^{-19}$ of the last's, next to the estimate
#    $6\times10^{-19}$. Drag the depth down to 10 and watch the gap close to
#    about $2\times10^{-6}$.
# 2. **tanh** at depth 30: the signal still fades, but only to about 0.15 of
#    the last layer's. Now move the **weight scale** to 2.00: it grows toward
#    the input instead, to about 70 times the last layer's — exploding. In
#    both, blue and dashed lie on top of each other.
# 3. **ReLU with Glorot**, then **ReLU with He normal**: Glorot loses about
#    $1/\sqrt2$ per layer ($2\times10^{-5}$ over 30 layers); He's doubled weight
#    variance makes the dashed line flat, and the measured one climbs only to
#    about 3 (lesson 06 explains why).
# 4. **linear**, weight scale 1.51 (about 1.5): blue climbs to about
#    $7\times10^{5}$ times the last layer's value, four times the dashed
#    estimate (the correlation of the output error again), while orange stays
#    level (ratio about 1). The sections below explain the level orange line
#    and what fast and slow layers mean for training.
#
# The next cell prints what the readout should show for each of these.

# %%
explorer_runs = {   # label: (activation, init, weight scale, depth)
    "1 sigmoid, Glorot": ("sigmoid", "glorot_uniform", 1.0, 30),
    "1 sigmoid, Glorot, depth 10": ("sigmoid", "glorot_uniform", 1.0, 10),
    "2 tanh, Glorot": ("tanh", "glorot_uniform", 1.0, 30),
    "2 tanh, weight scale 2.00": ("tanh", "glorot_uniform", 10 ** 0.30, 30),
    "3 ReLU, Glorot": ("relu", "glorot_uniform", 1.0, 30),
    "3 ReLU, He normal": ("relu", "he_normal", 1.0, 30),
    "4 linear, weight scale 1.51": ("linear", "glorot_uniform", 10 ** 0.18, 30),
}
print(f"{'experiment':<29}{'‖δ‖ first÷last':>16}{'‖∂E/∂W‖ first÷last':>21}{'estimate':>10}")
for label, (act, init, scale, L) in explorer_runs.items():
    kw = dict(activation=act, init=init, weight_scale=scale)
    d = ll.experiments.gradient_profile(L, batch=256, **kw)
    w = ll.experiments.gradient_profile(L, batch=256, quantity="weight", **kw)
    est = ll.experiments.gradient_estimate(L, **kw)[0]
    print(f"{label:<29}{d[0] / d[-1]:>16.2g}{w[0] / w[-1]:>21.2g}{est:>10.2g}")

# %% [markdown]
# **How far to trust the dashed line.** Over every activation and weight
# scale of the explorer, at depths up to 50 and for five random draws each,
# the measured ratio stays within a factor of 50 of the estimate, and in about
# three cases out of four within a factor of 3. It misses in two ways:
#
# * **Above it**, by a few-fold and up to about 40 (softplus near weight scale
#   1.4), when the output error contains a large output made by the same
#   weights: linear, ReLU and softplus stacks whose signal does not vanish
#   (items 3 and 4).
# * **Below it**, when most units are saturated, and in deeper stacks by much
#   more: tanh with weight scale 10 at depth 100 measures from about 10 to a
#   few thousand times less than the dashes over five draws. Even the last
#   digits of the arithmetic change how much less (another computer gives
#   other numbers): a deep saturated stack amplifies them. Only a handful of the 64 units per layer sit
#   where the slope is not nearly 0, so the factor varies a lot from layer to layer, and a product of such varying factors
#   is typically smaller than the product of their averages. With 256 units
#   per layer the gap shrinks to a factor of about 4.

# %% [markdown]
# ## Layers near the output learn fast, layers near the input slowly
#
# The update of layer $l$ is $\Delta W^l = \eta\,(Y^{l-1})^\top\delta^l$: a
# vanished $\delta^l$ means a vanished update. Train a real network — 8 hidden
# sigmoid layers of 16 units with Glorot weights, on the two-moons data — and
# record, at every step, the size of each layer's weight gradient
# (`result.history.weight_grad`, shape steps × layers) and, at the end, how
# far each layer's weights moved from where they started.

# %%
X, y = ll.data.moons(200, noise=0.1, seed=0)
X = ll.data.standardize(X)
model = ll.MLP([2] + [16] * 8 + [1], activation="sigmoid", init="glorot_uniform", seed=0)
W_start = [layer.params["W"].copy() for layer in model.dense_layers]
result = ll.training.train(model, X, y[:, None], loss="binary_cross_entropy", lr=0.1,
                           steps=300)
grad = result.history.weight_grad            # (300 steps, 9 layers)
moved = np.array([np.linalg.norm(layer.params["W"] - W0) / np.linalg.norm(W0)
                  for layer, W0 in zip(model.dense_layers, W_start)])
print(f"loss: {result.loss[0]:.3f} -> {result.loss[-1]:.3f}  (ln 2 = {np.log(2):.3f})")
print("layer   ‖∂E/∂W‖ at step 1   at step 300   weights moved")
for l in range(len(moved)):
    print(f"{l + 1:>5}   {grad[0, l]:>17.2g}   {grad[-1, l]:>11.2g}   {100 * moved[l]:>11.2g} %")

# %% [markdown]
# At the first step the layers form a ladder: each layer's gradient is several
# times the one below it, and the last layer's is about $2\times10^5$ times
# the first's. By the end, the last layer's weights have moved by 44 % of their
# size, the first layer's by less than 0.01 % — thousands of times less. The
# input-side layers are still almost exactly where the random initialization
# put them. How much of that is this one draw of the weights? Four more:

# %%
print("seed   loss at step 300   step-1 ‖∂E/∂W‖ last ÷ first   moved: first layer   last layer")
for seed in range(1, 5):
    net = ll.MLP([2] + [16] * 8 + [1], activation="sigmoid", init="glorot_uniform", seed=seed)
    start = [layer.params["W"].copy() for layer in net.dense_layers]
    run = ll.training.train(net, X, y[:, None], loss="binary_cross_entropy", lr=0.1, steps=300)
    g = run.history.weight_grad[0]
    mv = [np.linalg.norm(layer.params["W"] - W0) / np.linalg.norm(W0)
          for layer, W0 in zip(net.dense_layers, start)]
    print(f"{seed:>4}   {run.loss[-1]:>16.3f}   {g[-1] / g[0]:>27.2g}   "
          f"{100 * mv[0]:>16.2g} %   {100 * mv[-1]:>8.2g} %")

# %% [markdown]
# The numbers move — the step-1 ratio from about $7\times10^2$ to
# $2\times10^5$, the last layer's movement from 0.17 % to 44 % — but the story
# does not: every draw ends at the loss $\ln 2 \approx 0.693$, in every draw
# the first layer's weights move by less than 0.02 %, and the last layer
# moves more than any other. Back to the first run, over time:

# %%
shown = (1, 3, 5, 7, 9)
steps = np.arange(1, result.steps + 1)
plot = ll.plots.LinePlot([f"layer {l}" for l in shown], xlabel="training step",
                         ylabel="‖∂E/∂Wˡ‖ (log scale)", logy=True)
plot.update(steps, {f"layer {l}": grad[:, l - 1] for l in shown})
plot.ax.legend(loc="upper right", fontsize="small", ncols=3)
_ = ll.plots.show_static(plot.fig)

# %% [markdown]
# The layers near the output use their large gradient at once, to learn the
# one thing they can learn without help from below: answer "50 %" for every
# point. The loss settles at $\ln 2 \approx 0.693$, the binary cross-entropy of
# a coin toss,
# and their gradient collapses, layer after layer, until all nine are within
# a factor of four of each other, around $10^{-5}$. The network now sits on a
# **plateau**: the layers that would have to build the features that separate
# the moons get almost no signal. (Lessons 06, 07 and 10 attack it in
# different ways: weights of the right scale, normalized layer inputs, and
# shortcuts and pre-training.)
#
# ## The learning signal is not the weight gradient
#
# The explorer drew two curves. The weight gradient is
# $\partial E/\partial W^l = -(Y^{l-1})^\top\delta^l$: it multiplies the
# learning signal by the layer's *input*. Take a linear stack with **LeCun
# normal** weights, drawn from a normal distribution with variance
# $1/n_\text{in}$ (lesson 06; on these square layers the same variance as
# Glorot, so $g = 1$), scaled by 1.5. The signal grows by about 1.5 per layer
# going *backward* — and the activations grow by about 1.5 per layer going
# *forward*. In the product the two cancel:

# %%
kw = dict(activation="linear", init="lecun_normal", weight_scale=1.5, batch=256)
delta = ll.experiments.gradient_profile(depth, **kw)
weight = ll.experiments.gradient_profile(depth, quantity="weight", **kw)
act_std = ll.experiments.activation_profile(depth, **kw)["std"]
print(f"‖δ‖:        first ÷ last = {delta[0] / delta[-1]:.2g}")
print(f"std of Yˡ:  last ÷ first = {act_std[-1] / act_std[0]:.2g}")
print(f"‖∂E/∂W‖:    largest ÷ smallest over all layers = {weight.max() / weight.min():.2g}")

# %%
plot = ll.plots.plot_gradient_profile({"‖δˡ‖ learning signal": delta,
                                       "‖∂E/∂Wˡ‖ weight gradient": weight,
                                       "std of Yˡ (forward)": act_std})
plot.ax.set_ylabel("size (log scale)")
_ = ll.plots.show_static(plot.fig)

# %% [markdown]
# So a level weight gradient does *not* mean a healthy network: the
# activations have exploded by five orders of magnitude on the way forward and
# the signal by as many on the way back. Watch $\delta$ (and the activations)
# when you diagnose a deep net, not just $\partial E/\partial W$.
#
# ## Outliers inflate the loss
#
# The notes list one more source of huge gradients: **outliers in the
# input**. The squared error grows with the square of a wrong output, and a
# ReLU network's output grows in proportion to its input. Multiply one of 32
# samples by 100:

# %%
rng = np.random.default_rng(1)
net = ll.MLP([4, 16, 1], activation="relu", init="he_normal", seed=1)
X4 = rng.standard_normal((32, 4))
T4 = rng.standard_normal((32, 1))
X_outlier = X4.copy()
X_outlier[0] *= 100                          # one sample out of 32
sizes = {}
for name, inputs in (("clean", X4), ("one sample × 100", X_outlier)):
    loss, dY = ll.losses.mse(net.forward(inputs), T4)
    net.backward(dY)
    sizes[name] = (loss, ll.optim.global_norm(net.gradients()))
    print(f"{name:<17} loss {loss:7.3g}   gradient norm {sizes[name][1]:7.3g}")
print(f"one outlier: loss × {sizes['one sample × 100'][0] / sizes['clean'][0]:.0f}, "
      f"gradient × {sizes['one sample × 100'][1] / sizes['clean'][1]:.0f}")

# %% [markdown]
# How much depends on this draw of the network and the data? Repeat it with
# other seeds:

# %%
for seed in range(5):
    rng = np.random.default_rng(seed)
    net = ll.MLP([4, 16, 1], activation="relu", init="he_normal", seed=seed)
    Xs, Ts = rng.standard_normal((32, 4)), rng.standard_normal((32, 1))
    Xs_out = Xs.copy()
    Xs_out[0] *= 100
    grown = []
    for inputs in (Xs, Xs_out):
        loss, dY = ll.losses.mse(net.forward(inputs), Ts)
        net.backward(dY)
        grown.append((loss, ll.optim.global_norm(net.gradients())))
    print(f"seed {seed}: loss × {grown[1][0] / grown[0][0]:4.0f}, "
          f"gradient × {grown[1][1] / grown[0][1]:4.0f}")

# %% [markdown]
# One bad sample in 32 makes the loss about 10 to 240 times larger and the
# gradient about 100 to 900 times larger, depending on the draw: a single step
# would throw the weights far away. Standardizing the inputs (and checking for
# outliers) is the first line of defense; gradient clipping (lesson 09) is the
# last.

# %% [markdown]
# ## Exercise: predict the ratio, then check it
#
# Write `predict_ratio(depth)`: your prediction of $\|\delta^1\|/\|\delta^L\|$
# for a stack of `depth` sigmoid layers with Glorot weights in the **best
# case**, every unit at its steepest point. (A one-layer stack compares the
# layer with itself, so `predict_ratio(1)` is 1.) The check compares your
# formula at several depths and prints, next to it, the estimate with the actual slopes (the explorer's
# dashed line) and the ratio measured on the explorer's network.

# %%
def predict_ratio(depth):
    """Best case of ‖δ¹‖ / ‖δᴸ‖ for `depth` sigmoid layers with Glorot weights."""
    # YOUR CODE HERE
    raise NotImplementedError

# %%
ll.exercises.check_gradient_ratio(predict_ratio)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `predict_ratio` is left as it is. To run the check on
# this one: ll.exercises.check_gradient_ratio(predict_ratio_solution)
def predict_ratio_solution(depth):
    """L - 1 backward steps, each with a gain of about 1 and a slope of at most 0.25."""
    return 0.25 ** (depth - 1)

# %% [markdown]
# > **In a framework**
# >
# > The per-layer gradient sizes the explorer plots, after one backward pass:
# >
# > * Keras: `grads = tape.gradient(loss, model.trainable_variables)` inside a
# >   `with tf.GradientTape() as tape:` block, then `[float(tf.norm(g)) for g in grads]`
# > * PyTorch: `loss.backward()`, then `[p.grad.norm().item() for p in model.parameters()]`
# >
# > These are the weight gradients (orange). For the learning signal (blue),
# > call `z.retain_grad()` on each layer's weighted sum `z` before
# > `loss.backward()` and read `z.grad`, which is
# > $\partial E/\partial\,\mathrm{net} = -\delta$.
# >
# > Glorot weights multiplied by $s$, like the explorer's weight scale:
# >
# > * Keras: `kernel_initializer=keras.initializers.VarianceScaling(scale=s**2, mode="fan_avg", distribution="uniform")`
# >   (Keras scales the variance)
# > * PyTorch: `nn.init.xavier_uniform_(layer.weight, gain=s)` (PyTorch scales the standard deviation)

# %% [markdown]
# ## Summary
#
# * Backpropagation multiplies the learning signal by $W^\top$ and $f'$ once per layer, so $\|\delta^1\|/\|\delta^L\|$ is a product of $L-1$ factors, each about $\sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[f'^2]}$: at best $0.25$ for sigmoid with Glorot weights.
# * A factor below 1 (sigmoid slopes, a gain $\sigma_W\sqrt n$ below 1) makes the signal vanish and the input-side layers stop learning, the common case; a factor above 1 (a large gain) makes it explode.
# * The weight gradient also carries the layer's input, so it can look level while $\delta$ and the activations explode; outlier inputs inflate the loss and the gradient.
#
# **Next:** [06 · Initialization](06_initialization.ipynb)

# %% [markdown]
# ## References
#
# * Hochreiter, S. (1991). *Untersuchungen zu dynamischen neuronalen Netzen.*
#   Diploma thesis, Technische Universität München. — The first analysis of
#   the learning signal that shrinks or grows as a product of per-layer (and
#   per-time-step) factors.
# * Bengio, Y., Simard, P., & Frasconi, P. (1994). Learning long-term
#   dependencies with gradient descent is difficult. *IEEE Transactions on
#   Neural Networks*, 5(2), 157–166. — Why the vanishing case is the usual
#   one: a network that stores information robustly has gradients that shrink
#   exponentially.
# * Glorot, X., & Bengio, Y. (2010). Understanding the difficulty of training
#   deep feedforward neural networks. *Proceedings of the 13th International
#   Conference on Artificial Intelligence and Statistics (AISTATS)*, PMLR 9. —
#   The Glorot weights used here, and per-layer gradient measurements of deep
#   sigmoid and tanh networks at initialization.
