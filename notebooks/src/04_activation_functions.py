# %% [markdown]
# # 04 · Activation functions
#
# In lesson 03 the learning signal was multiplied by $f'(\mathrm{net})$ at every
# layer on its way back:
# $\delta^h = \delta^{h+1}(\bar W^{h+1})^\top\circ f'(\mathrm{net}^h)$.
# So the activation function $f$ decides two things:
#
# * **what the network can represent**: without a non-linear $f$, any number of
#   layers computes no more than one layer;
# * **how much learning signal survives each layer**: its slope $f'$ is a
#   factor in every step back.
#
# This lesson goes through the functions in use (sigmoid, tanh, the ReLU
# family, ELU, SELU, softmax) and their derivatives. It measures the three ways
# they can fail: slopes below 1, saturation, and dead units. It ends with the
# notes' guide for choosing one.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## Why non-linearity?
#
# Take three layers with the identity as activation. Then
#
# $$Y = \big((XW^1 + b^1)W^2 + b^2\big)W^3 + b^3
#     = X\,\underbrace{W^1W^2W^3}_{W} + \underbrace{(b^1W^2 + b^2)W^3 + b^3}_{b},$$
#
# a single linear map (plus a bias). Depth buys nothing, and a linear map
# cannot separate XOR (lesson 01). Numerically, with a four-layer linear stack
# and random biases:

# %%
from lessons_lib.experiments.activation import collapse_linear, linear_fit_error

rng = np.random.default_rng(0)
X = rng.standard_normal((200, 4))
linear_net = ll.MLP([4, 16, 16, 16, 2], activation="linear", seed=0)
for dense in linear_net.dense_layers:
    dense.params["b"][:] = rng.standard_normal(dense.n_out)
W, b = collapse_linear(linear_net)        # W = W1 W2 W3 W4, b as in the formula
print("one matrix W of shape", W.shape, "and b of shape", b.shape)
print("the stack equals XW + b:", np.allclose(linear_net.forward(X), X @ W + b))

# %% [markdown]
# Put a ReLU between the same kind of layers and no single linear map fits any
# more. `linear_fit_error` gives how much of the output's variation the best
# straight-line fit misses (0: a perfect fit; 1: it explains nothing):

# %%
relu_net = ll.MLP([4, 16, 16, 16, 2], activation="relu", seed=0)
print(f"best linear fit misses: linear stack {linear_fit_error(X, linear_net.forward(X)):.2f}, "
      f"ReLU stack {linear_fit_error(X, relu_net.forward(X)):.2f}")

# %% [markdown]
# ## The functions and their derivatives
#
# | name | $f(z)$ | $f'(z)$ |
# |---|---|---|
# | sigmoid (logistic) | $\sigma(z) = \dfrac{1}{1+e^{-z}}$ | $\sigma(z)\,(1-\sigma(z)) \le \tfrac14$ |
# | tanh | $\tanh z = 2\sigma(2z) - 1$ | $1 - \tanh^2 z \le 1$ |
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ |
# | Leaky ReLU | $\max(\alpha z, z)$, $\alpha = 0.01$ or $0.2$ | $1$ if $z > 0$, else $\alpha$ |
# | PReLU | as Leaky ReLU, $\alpha$ **learned** | as Leaky ReLU; $\partial f/\partial\alpha = \min(z, 0)$ |
# | RReLU | as Leaky ReLU, $\alpha \sim U(l, u)$ per unit and sample in training, $\tfrac{l+u}{2}$ at test | as Leaky ReLU |
# | ELU | $z$ if $z > 0$, else $\alpha(e^z - 1)$ | $1$ if $z > 0$, else $\alpha e^z$ |
# | SELU | $\lambda z$ if $z > 0$, else $\lambda\alpha(e^z - 1)$ | $\lambda$ if $z > 0$, else $\lambda\alpha e^z$ |
# | softmax | $s_k = e^{z_k}/\sum_j e^{z_j}$ | $\partial s_k/\partial z_j = s_k([k = j] - s_j)$ |
#
# The kinks at $z = 0$ have no derivative; the code takes the left value there
# (0 for ReLU, $\alpha$ for Leaky ReLU). tanh is a sigmoid stretched to $(-1, 1)$:

# %%
z = np.linspace(-10, 10, 200_001)          # includes z = 0 exactly
print("tanh(z) = 2σ(2z) − 1:", np.allclose(np.tanh(z), 2 * ll.activations.sigmoid(2 * z) - 1))

# %% [markdown]
# The largest slope of each function matters most: it bounds the factor by which
# a layer can pass the signal back. Measured on a fine grid over $[-10, 10]$:

# %%
from lessons_lib.experiments.activation import activation_curve

print(f"{'activation':>11}  max|f′|  at z")
for name in ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu"]:
    c = activation_curve(name, z_max=10.0, n=100_001)
    print(f"{name:>11}  {c.max_grad:7.4f}  {c.argmax:+.2f}")

# %% [markdown]
# The sigmoid's slope never exceeds $\tfrac14$, reached at $z = 0$: every
# sigmoid layer shrinks the learning signal at least fourfold (unless the weights
# make up for it). tanh reaches 1 at $z = 0$, and only there. The ReLU family
# passes the signal at slope 1 for every positive input. SELU's slope is
# $\lambda \approx 1.05$ on the right and up to $\lambda\alpha \approx 1.76$
# just left of 0: it can *grow* a signal, which lesson 06 balances with the
# right initialisation.

# %%
from lessons_lib.plots.activation import plot_activation_gallery

gallery = plot_activation_gallery({
    "sigmoid": activation_curve("sigmoid"),
    "tanh": activation_curve("tanh"),
    "ReLU": activation_curve("relu"),
    "Leaky ReLU α=0.2": activation_curve("leaky_relu", 0.2),
    "ELU α=1": activation_curve("elu", 1.0),
    "SELU": activation_curve("selu"),
})
_ = ll.plots.show_static(gallery.fig)

# %% [markdown]
# ## Live: any activation, any α
#
# Pick an activation; for Leaky ReLU, PReLU and ELU the slider sets $\alpha$.
# Solid: $f(z)$, dashed: $f'(z)$. Try Leaky ReLU with $\alpha$ from 0 (plain
# ReLU) to 1, where it turns into the straight line $f(z) = z$ and the
# non-linearity is gone. Then compare the flat tails of sigmoid and tanh with
# ELU's left side, which levels off at $-\alpha$.

# %% tags=["nbval-ignore-output"]
from lessons_lib.widgets.activation import activation_panel

activation_panel()

# %% [markdown]
# ## Saturation
#
# The sigmoid and tanh flatten out in both tails, and there $f'$ is close to 0.
# A unit whose weighted input is large in size passes back almost nothing:
# it is **saturated**. Call a unit saturated when
# $|f'(\mathrm{net})| < 0.05\max|f'|$ (the definition `ll.probes.activation_stats`
# uses too). Large weighted inputs come from unscaled data or large weights.
# With $\mathrm{net} \sim N(0, s^2)$, the share of saturated units is:

# %%
from lessons_lib.experiments.activation import saturation_share

scales = (1, 2, 5, 10)
print("net std s:", "".join(f"{s:>7}" for s in scales))
for name in ("sigmoid", "tanh", "relu"):
    print(f"{name:>9}:", "".join(f"{saturation_share(name, s):7.2f}" for s in scales))

# %% [markdown]
# At $s = 10$ about two sigmoid units in three are saturated. tanh saturates at
# inputs half as large: since $\tanh z = 2\sigma(2z) - 1$, its slope curve is the
# sigmoid's squeezed to half the width, so its row at $s$ equals the sigmoid's
# at $2s$. ReLU's positive side never saturates (slope 1 at any size), but its
# negative side passes nothing at all: one unit in two for zero-mean inputs, at
# every scale.
#
# ## Sparsity: ReLU's zeros
#
# Those zeros have an upside. A ReLU layer is **sparse**: on each input, part
# of its units are exactly 0, a cheap and simple representation. The
# *activation rate* is the share of outputs that are positive. In the first
# layer of a net with zero-mean inputs (He-initialised, 256 units):

# %%
from lessons_lib.experiments.activation import activation_rate

for name in ("relu", "sigmoid"):
    print(f"{name:>7}: activation rate {activation_rate(name):.3f}")

# %% [markdown]
# About half the ReLU units are active, since each $\mathrm{net}_j$ is symmetric
# around 0. A sigmoid unit is never exactly 0, so every one of them is "on":
# no sparsity at all.

# %% [markdown]
# ## Leaky, parametric and randomized ReLU
#
# The zeros are also ReLU's weakness: where $f' = 0$, no gradient passes. The
# variants keep a small slope $\alpha$ on the left:
#
# * **Leaky ReLU** fixes $\alpha$ by hand; the notes suggest 0.01 or 0.2.
# * **PReLU** learns $\alpha$ by backpropagation, like a weight. With
#   $f(z) = \alpha z$ for $z \le 0$, its gradient is
#   $\dfrac{\partial E}{\partial\alpha} = \sum_{z \le 0}\dfrac{\partial E}{\partial f}\,z$,
#   summed over every unit and sample that sits on the left side.
#
# `lessons_lib`'s PReLU layer fills `grads["alpha"]` in its backward pass. Take
# $E$ = the sum of the outputs, so $\partial E/\partial f = 1$ and the formula
# reduces to the sum of the negative inputs:

# %%
prelu = ll.layers.Activation("prelu", alpha=0.25)
Z = np.random.default_rng(1).uniform(-3, 3, (8, 5))
prelu.forward(Z)
prelu.backward(np.ones_like(Z))                     # dE/df = 1
print(f"∂E/∂α from the layer: {prelu.grads['alpha'][0]:.4f}   "
      f"formula Σ(z ≤ 0) z: {np.minimum(Z, 0).sum():.4f}")
print("finite-difference check below 1e-6:",
      {name: bool(err < 1e-6) for name, err in ll.gradcheck.check_layer(prelu, Z).items()})

# %% [markdown]
# * **RReLU** draws a random $\alpha$ for every unit and sample on every
#   training pass (here from $U(\tfrac18, \tfrac13)$) and fixes it to the mean
#   at test time.
#   The noise acts a little like a regulariser.

# %%
rrelu = ll.activations.RReLU(seed=0)
z3 = np.array([-2.0, -1.0, 1.0])
print("training, pass 1:", np.round(rrelu.forward(z3, training=True), 3))
print("training, pass 2:", np.round(rrelu.forward(z3, training=True), 3))
print("test:            ", np.round(rrelu.forward(z3, training=False), 3),
      f" (slope fixed at {rrelu.alpha_mean:.3f})")

# %% [markdown]
# ## ELU and SELU
#
# **ELU** replaces the kink by a smooth curve on the left that levels off at
# $-\alpha$. Its negative outputs pull the mean output toward 0, and its slope
# on the left, $\alpha e^z$, fades but is never 0. **SELU** is ELU scaled by fixed
# constants, chosen so that layer outputs keep mean 0 and variance 1 by
# themselves (lesson 06 shows when that works):

# %%
print(f"SELU: λ = {ll.activations.SELU_LAMBDA:.4f}, α = {ll.activations.SELU_ALPHA:.4f}")

# %% [markdown]
# ## Softmax: the multi-class output
#
# Softmax is not applied unit by unit: it turns a row of scores into
# probabilities that add up to 1. Adding the same number to every score
# changes nothing, and with two classes it is the sigmoid of the difference of
# the scores:

# %%
softmax = ll.activations.get("softmax")
scores = np.array([[2.0, 1.0, -1.0]])
p = softmax.forward(scores)
print("probabilities:", np.round(p, 3), "  sum:", round(float(p.sum()), 6))
print("shifted by 100, same:", np.allclose(softmax.forward(scores + 100), p))
two = softmax.forward(np.c_[z, np.zeros_like(z)])[:, 0]
print("two classes, softmax([z, 0]) = σ(z):", np.allclose(two, ll.activations.sigmoid(z)))

# %% [markdown]
# ## Dying ReLU
#
# A ReLU unit whose weighted input is negative on **every** sample outputs 0
# everywhere. Its slope is 0 everywhere too, so no gradient reaches its
# weights and they stop changing: the unit is **dead**. One large
# update is enough to push many units there at once, and a large learning
# rate makes large updates.
#
# The experiment: 256 points in 8-D with zero-mean inputs, labelled by the XOR
# of the signs of $x_1$ and $x_2$. An `MLP([8, 32, 32, 1])` with ReLU and He
# init is trained for 100 full-batch steps (cross-entropy loss). A unit counts
# as dead when it is 0 on all 256 samples, as `ll.probes.activation_stats`
# reports. One run per learning rate:

# %%
from lessons_lib.experiments.activation import dead_relu_run

lrs = 10.0 ** np.arange(-2.0, 1.51, 0.25)     # the values of the slider below
runs = [dead_relu_run(lr) for lr in lrs]
print(f"{'η':>5}  {'dead in layer 1':>15}  {'dead in layer 2':>15}  {'accuracy':>8}")
for run in runs[4::2]:
    d1, d2 = 100 * run.dead_final
    print(f"{run.lr:5.3g}  {d1:14.0f}%  {d2:14.0f}%  {100 * run.accuracy:7.0f}%")

# %%
from lessons_lib.plots.activation import DualLinePlot

sweep = DualLinePlot(["layer 1", "layer 2"], ["accuracy"], xlabel="learning rate η (log scale)",
                     left_ylabel="dead units after training (%)",
                     right_ylabel="training accuracy (%)", logx=True,
                     left_title="dead ReLUs", right_title="what the net learned",
                     styles={"accuracy": {"color": ll.plots.COLORS[6]}})
sweep.update(lrs, left={f"layer {i + 1}": [100 * r.dead_final[i] for r in runs] for i in (0, 1)},
             right={"accuracy": [100 * r.accuracy for r in runs]})
_ = ll.plots.show_static(sweep.fig)

# %% [markdown]
# Up to $\eta = 1$ no unit dies, and the larger $\eta$, the more the net learns
# in its 100 steps (all 256 points right at $\eta = 1$). Beyond that the dead
# share climbs: from $\eta = 10$ on, at least nine in ten units of the second
# layer are dead and the accuracy is close to guessing (50%). The best learning
# rates sit right next to the ones that kill units: there is no wide safety margin.
#
# A dead unit's own weights get no gradient. In the first hidden layer its
# inputs are the fixed data, so it is dead for good. A deeper unit can come
# back if the layers below it change its inputs, but once *every* unit of a
# layer is dead, nothing below it learns any more: only the output bias still
# moves. In the panel below, the right plot shows the dead share step by step:
# it jumps up within the first few large steps, and in layer 1 it never comes
# back down.

# %% tags=["nbval-ignore-output"]
from lessons_lib.widgets.activation import dead_relu_panel

dead_relu_panel()

# %% [markdown]
# The fix the notes give: when ReLUs die, use **Leaky ReLU**, whose slope
# $\alpha$ on the left keeps a gradient flowing. A smaller learning rate helps
# too.
#
# ## Choosing an activation
#
# The notes' guide:
#
# | where | choose |
# |---|---|
# | hidden layers | ReLU first, then Leaky ReLU; tanh is possible; not the sigmoid |
# | output, two classes | sigmoid (a probability) |
# | output, several classes | softmax |
# | output, regression | linear (no activation) |
# | units dying | Leaky ReLU |
#
# Why not the sigmoid in hidden layers: its slope is at most $\tfrac14$ (the
# signal shrinks at every layer, lesson 05), it saturates on both sides, and its
# outputs are all positive, not centred on 0.
#
# For deep networks the notes add a rule of thumb, a ranking by how well deep
# nets tend to train with each:
#
# $$\text{SELU} > \text{ELU} > \text{Leaky ReLU (and variants)} > \text{ReLU} > \tanh > \text{logistic}.$$
#
# It is a rule of thumb, not a law: SELU only earns its place when its
# conditions hold (lesson 06), and ReLU is the cheapest to compute.

# %% [markdown]
# ## Exercise 1: the sigmoid's derivative
#
# Write `sigmoid_grad(z)` returning $\sigma'(z) = \sigma(z)(1-\sigma(z))$ for
# every entry of the array `z`. Deep networks meet large inputs, so it must
# also work for $z = \pm 1000$ without an overflow warning (the check tries).

# %%
def sigmoid_grad(z):
    """Return σ'(z), elementwise."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_sigmoid_grad(sigmoid_grad)

# %% hidden
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `sigmoid_grad` is left as it is. To run the check on
# this one: ll.exercises.check_sigmoid_grad(sigmoid_grad_solution)
def sigmoid_grad_solution(z):
    s = ll.activations.sigmoid(z)      # overflow-safe 1 / (1 + exp(-z))
    return s * (1 - s)

# %% [markdown]
# ## Exercise 2: Leaky ReLU's derivative
#
# Write `leaky_relu_grad(z, alpha)`: 1 where $z > 0$, $\alpha$ elsewhere
# (including at $z = 0$).

# %%
def leaky_relu_grad(z, alpha):
    """Return f'(z) of Leaky ReLU with slope alpha, elementwise."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_leaky_relu_grad(leaky_relu_grad)

# %% hidden
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `leaky_relu_grad` is left as it is. To run the check on
# this one: ll.exercises.check_leaky_relu_grad(leaky_relu_grad_solution)
def leaky_relu_grad_solution(z, alpha):
    return np.where(z > 0, 1.0, alpha)

# %% [markdown]
# > **In a framework.** Activations are one argument or one layer.
# >
# > * Keras: `Dense(64, activation="relu")`, `"tanh"`, `"sigmoid"`, `"elu"`,
# >   `"softmax"`; `Dense(64, activation="selu", kernel_initializer="lecun_normal")`;
# >   `keras.layers.LeakyReLU(negative_slope=0.2)` (`alpha=0.2` in older Keras) and
# >   `keras.layers.PReLU()` as layers after a `Dense` without activation.
# > * PyTorch: `nn.ReLU()`, `nn.Tanh()`, `nn.Sigmoid()`, `nn.LeakyReLU(0.2)`,
# >   `nn.PReLU()`, `nn.RReLU(1/8, 1/3)`, `nn.ELU(alpha=1.0)`, `nn.SELU()`,
# >   `nn.Softmax(dim=-1)` (usually left to `nn.CrossEntropyLoss`, which takes the scores).

# %% [markdown]
# ## Summary
#
# * Without a non-linear activation a deep net is one linear map; with one, its slope $f'$ multiplies the learning signal at every layer.
# * The sigmoid's slope is at most 1/4 and tanh's at most 1; both saturate for large inputs, while ReLU keeps slope 1 on the right but outputs exact zeros on the left.
# * Too large a learning rate kills ReLUs for good; Leaky ReLU keeps a slope on the left, and the notes rank SELU > ELU > Leaky ReLU > ReLU > tanh > logistic.
#
# **Next:** [05 · Vanishing & exploding gradients](05_vanishing_exploding.ipynb)
