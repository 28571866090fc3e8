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
# A stack of $L$ layers with the bias input folded into the weights
# ($x_0 = 1$) computes, from $Y^0 = X$,
#
# $$\mathrm{net}^l = Y^{l-1}W^l, \qquad Y^l = f(\mathrm{net}^l), \qquad l = 1, \dots, L,$$
#
# and learns from $E = \tfrac12(T - Y^L)^2$. The learning signals are
#
# $$\delta^L = (T - Y^L)\circ f'(\mathrm{net}^L), \qquad
#   \delta^l = \delta^{l+1}\,(W^{l+1})^\top \circ f'(\mathrm{net}^l), \qquad
#   \Delta W^l = \eta\,(Y^{l-1})^\top\delta^l .$$
#
# Unroll the middle formula from the output down to layer 1:
#
# $$\delta^1 = \Big(\big(\delta^L (W^L)^\top \circ f'(\mathrm{net}^{L-1})\big)(W^{L-1})^\top \circ \cdots\Big)(W^2)^\top \circ f'(\mathrm{net}^1).$$
#
# There are $L-1$ steps, and each one multiplies the signal by a weight matrix
# and by a slope $f'$. How much does one step change the signal's size? A
# random $n\times n$ matrix whose entries have standard deviation $\sigma_W$
# stretches a typical vector by about $g = \sigma_W\sqrt n$ (its **gain**), and
# the slope is at most $\max|f'|$. So, roughly,
#
# $$\frac{\|\delta^1\|}{\|\delta^L\|} \;\lesssim\; \big(g \cdot \max|f'|\big)^{L-1}.$$
#
# * **Sigmoid:** $\sigma'(z) = \sigma(z)(1-\sigma(z))$ is largest at $z = 0$,
#   where it is $\tfrac12\cdot\tfrac12 = 0.25$.
# * **Glorot weights** have $\mathrm{Var}(W) = 2/(n_\text{in}+n_\text{out})$, which is
#   $1/n$ for square layers, so $g = 1$.
#
# Together: $\|\delta^1\|/\|\delta^L\| \lesssim 0.25^{L-1}$, the **chain-rule bound**.
# At $L = 30$ that is $0.25^{29} \approx 3.5\times10^{-18}$.
#
# *Weights much larger than 1* (a gain $g \gg 1$) make the factor per layer
# larger than 1 and the signal explodes; *weights much smaller than 1* make it
# vanish even without a sigmoid. (The package measures
# $\partial E/\partial\,\mathrm{net}^l = -\delta^l$; the sign does not change any size.)

# %% [markdown]
# ## Measure it
#
# `ll.experiments.gradient_profile` builds a stack of `depth` square layers
# (64 units each), runs one batch of 256 random inputs forward, and returns
# $\|\delta^l\|$ for every layer, index 0 being the input side. Compare the
# first layer with the last:

# %%
depth = 30
delta = ll.experiments.gradient_profile(depth, activation="sigmoid", init="glorot_uniform",
                                        batch=256)
ratio = delta[0] / delta[-1]
print(f"measured  ‖δ¹‖ / ‖δᴸ‖ = {ratio:.2g}")
print(f"bound     0.25^{depth - 1}    = {0.25 ** (depth - 1):.2g}")
print(f"average factor per layer = {ratio ** (1 / (depth - 1)):.3f}")

# %% [markdown]
# The measured ratio is even a little *below* the bound: $\sigma'$ equals
# 0.25 only at $\mathrm{net} = 0$, and the net inputs spread around 0, so the
# average slope per layer is about 0.23 rather than 0.25. Either way the first
# layer receives a learning signal eighteen orders of magnitude weaker than the
# last.
#
# Now the weights. A **linear** stack ($f' = 1$) isolates their effect: scaling
# Glorot weights by $s$ makes the gain $g = s$, so the signal should change
# by a factor of about $s$ per layer.

# %%
for scale in (0.5, 1.0, 2.0):
    d = ll.experiments.gradient_profile(depth, activation="linear", weight_scale=scale, batch=256)
    r = d[0] / d[-1]
    print(f"weights × {scale}:  ‖δ¹‖/‖δᴸ‖ = {r:9.2g}   factor per layer {r ** (1 / (depth - 1)):.2f}")

# %% [markdown]
# Halving the weights loses nine orders of magnitude over 30 layers; doubling
# them gains about as many. (At $\times 1$ the ratio is 2.8 rather than exactly 1:
# the error at the output was made by the same weights that carry it back, a
# small correlation the estimate ignores — lesson 06 returns to it.) Only a
# factor per layer very close to 1 keeps a deep signal alive — that is what the
# rest of this series is about.
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
# * **depth** — number of layers; **activation** and **alpha** (the slope of
#   leaky ReLU / the scale of ELU); **init** — the weight recipe;
#   **weight scale** — multiplies every weight (log slider, 0.1 to 10);
#   **batchnorm** and **residual** — two remedies you will meet in lessons 07
#   and 10.
# * **Blue** is the learning signal $\|\delta^l\|$, **orange** the weight gradient
#   $\|\partial E/\partial W^l\|$, both on a log scale with the input side on the
#   left. The **dashed grey** line is the chain-rule bound
#   $(g\cdot\max|f'|)^{L-l}$, pinned to the last layer's measured $\|\delta^L\|$
#   (it disappears with batchnorm or residual, where the product formula no
#   longer applies).
# * The text under the plot gives *first ÷ last layer* for both curves and the
#   bound. If a number overflows or underflows float64, a red note says so on
#   the plot instead of drawing nonsense.

# %% tags=["nbval-ignore-output"]
ll.widgets.gradient_explorer(depth=30)

# %% [markdown]
# **Try these** (predict first, then look at the readout):
#
# 1. **Sigmoid, Glorot, depth 30** (the start). The first layer's signal is
#    about $4\times10^{-19}$ of the last's, below the bound $3.5\times10^{-18}$.
#    Drag the depth down to 10 and watch the gap close to about $2\times10^{-6}$.
# 2. **tanh** at depth 30: the signal still fades, but only to about 0.15 of
#    the last layer's. Now move the **weight scale** to 2.00: it grows toward
#    the input instead, to about 70 times the last layer's — exploding.
# 3. **ReLU with Glorot**, then **ReLU with He normal**: Glorot loses about
#    $1/\sqrt2$ per layer ($2\times10^{-5}$ over 30 layers); He's doubled weight
#    variance makes the curve nearly flat (lesson 06 explains why).
# 4. **linear**, weight scale 1.51 (about 1.5): blue climbs to about
#    $7\times10^{5}$ times the last layer's value — a little above the dashed
#    line, which estimates the typical size and is no strict limit — while
#    orange stays level (ratio about 1). The sections below explain the level
#    orange line and what fast and slow layers mean for training.
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
print(f"{'experiment':<29}{'‖δ‖ first÷last':>16}{'‖∂E/∂W‖ first÷last':>21}{'bound':>10}")
for label, (act, init, scale, L) in explorer_runs.items():
    kw = dict(activation=act, init=init, weight_scale=scale)
    d = ll.experiments.gradient_profile(L, batch=256, **kw)
    w = ll.experiments.gradient_profile(L, batch=256, quantity="weight", **kw)
    bound = ll.experiments.gradient_envelope(L, **kw)[0]
    print(f"{label:<29}{d[0] / d[-1]:>16.2g}{w[0] / w[-1]:>21.2g}{bound:>10.2g}")

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
# times the one below it, and the last layer's is about $10^5$ times the
# first's. By the end, the last layer's weights have moved by 44 % of their
# size, the first layer's by less than 0.01 % — thousands of times less. The
# input-side layers are still almost exactly where the random initialization
# put them. Over time:

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
# point. The loss settles at $\ln 2 \approx 0.693$, the loss of a coin toss,
# and their gradient collapses, layer after layer, until all nine are within
# a factor of four of each other, around $10^{-5}$. The network now sits on a
# **plateau**: the layers that would have to build the features that separate
# the moons get almost no signal. (Lessons 06–10 each get it off the plateau
# in a different way.)
#
# ## The learning signal is not the weight gradient
#
# The explorer drew two curves. The weight gradient is
# $\partial E/\partial W^l = -(Y^{l-1})^\top\delta^l$: it multiplies the
# learning signal by the layer's *input*. In a linear stack with weights scaled
# by 1.5 the signal grows by about 1.5 per layer going *backward* — and the
# activations grow by about 1.5 per layer going *forward*. In the product the
# two cancel:

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
# One bad sample in 32 makes the loss tens of times larger and the gradient
# about two hundred times larger: a single step would throw the weights far
# away. Standardising the inputs (and checking for outliers) is the first line
# of defence; gradient clipping (lesson 09) is the last.

# %% [markdown]
# ## Exercise: predict the ratio, then check it
#
# Write `predict_ratio(depth)`: your prediction of the chain-rule bound on
# $\|\delta^1\|/\|\delta^L\|$ for a stack of `depth` sigmoid layers with Glorot
# weights (so, for one layer, the ratio of a layer to itself). The check
# compares your formula at several depths and prints, next to it, the ratio
# measured on the explorer's network.

# %%
def predict_ratio(depth):
    """Chain-rule bound on ‖δ¹‖ / ‖δᴸ‖ for `depth` sigmoid layers with Glorot weights."""
    # YOUR CODE HERE
    raise NotImplementedError

# %%
from lessons_lib.exercises.vanishing import check_gradient_ratio

check_gradient_ratio(predict_ratio)

# %% hidden
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `predict_ratio` is left as it is. To run the check on
# this one: check_gradient_ratio(predict_ratio_solution)
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
# > Glorot weights multiplied by $s$, like the explorer's weight scale:
# >
# > * Keras: `kernel_initializer=keras.initializers.VarianceScaling(scale=s**2, mode="fan_avg", distribution="uniform")`
# >   (Keras scales the variance)
# > * PyTorch: `nn.init.xavier_uniform_(layer.weight, gain=s)` (PyTorch scales the standard deviation)

# %% [markdown]
# ## Summary
#
# * Backpropagation multiplies the learning signal by $W^\top$ and $f'$ once per layer, so $\|\delta^1\|/\|\delta^L\|$ is a product of $L-1$ factors: about $0.25^{L-1}$ for sigmoid with Glorot weights.
# * A factor below 1 (sigmoid slopes, small weights) makes the signal vanish and the input-side layers stop learning; a factor above 1 (large weights) makes it explode.
# * The weight gradient also carries the layer's input, so it can look level while $\delta$ and the activations explode; outlier inputs inflate the loss and the gradient.
#
# **Next:** [06 · Initialization](06_initialization.ipynb)
