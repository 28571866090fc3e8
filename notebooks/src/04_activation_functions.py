# %% [markdown]
# # 04 · Activation functions
#
# In lesson 03 the learning signal was multiplied by $f'(\mathrm{net})$ at every
# layer on its way back:
# $\delta^h = \big(\delta^{h+1}(\bar W^{h+1})^\top\big)\circ f'(\mathrm{net}^h)$.
# So the activation function $f$ decides two things:
#
# * **what the network can represent**: without a non-linear $f$, any number of
#   layers computes no more than one layer;
# * **how much learning signal survives each layer**: its slope $f'$ is a
#   factor in every step back.
#
# This lesson goes through the functions in use (sigmoid, tanh, the ReLU
# family, ELU, SELU, softmax) and their derivatives, and the weight scales
# (Glorot, He) that go with them. It measures the ways they can fail: slopes
# below 1, saturation, outputs not centered on 0, and dead units. On the way it
# introduces the error used for classifiers from here on, the cross-entropy,
# and it ends with the notes' guide for choosing an activation.

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
rng = np.random.default_rng(0)
X = rng.standard_normal((200, 4))
linear_net = ll.MLP([4, 16, 16, 16, 2], activation="linear", seed=0)
for dense in linear_net.dense_layers:
    dense.params["b"][:] = rng.standard_normal(dense.n_out)
W, b = ll.experiments.collapse_linear(linear_net)   # W = W1 W2 W3 W4, b as in the formula
print("one matrix W of shape", W.shape, "and b of shape", b.shape)
print("the stack equals XW + b:", np.allclose(linear_net.forward(X), X @ W + b))

# %% [markdown]
# Put a ReLU between the same kind of layers and no single linear map fits any
# more. `linear_fit_error` gives how much of the output's variation the best
# straight-line fit misses (0: a perfect fit; 1: it explains nothing):

# %%
relu_net = ll.MLP([4, 16, 16, 16, 2], activation="relu", seed=0)
linear_miss = ll.experiments.linear_fit_error(X, linear_net.forward(X))
relu_miss = ll.experiments.linear_fit_error(X, relu_net.forward(X))
print(f"best linear fit misses: linear stack {linear_miss:.2f}, ReLU stack {relu_miss:.2f}")

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
print(f"{'activation':>11}  max|f′|  at z")
for name in ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu"]:
    c = ll.experiments.activation_curve(name, z_max=10.0, n=100_001)
    print(f"{name:>11}  {c.max_grad:7.4f}  {c.argmax:+.2f}")

# %% [markdown]
# The sigmoid's slope never exceeds $\tfrac14$, reached at $z = 0$: every
# sigmoid layer shrinks the learning signal at least fourfold (unless the weights
# make up for it). tanh reaches 1 at $z = 0$, and only there. The ReLU family
# passes the signal at slope 1 for every positive input. SELU's slope is
# $\lambda \approx 1.05$ on the right and up to $\lambda\alpha \approx 1.76$
# just left of 0: it can *grow* a signal, which lesson 06 balances with the
# right initialization.

# %%
gallery = ll.plots.plot_activation_gallery({
    "sigmoid": ll.experiments.activation_curve("sigmoid"),
    "tanh": ll.experiments.activation_curve("tanh"),
    "ReLU": ll.experiments.activation_curve("relu"),
    "Leaky ReLU α=0.2": ll.experiments.activation_curve("leaky_relu", 0.2),
    "ELU α=1": ll.experiments.activation_curve("elu", 1.0),
    "SELU": ll.experiments.activation_curve("selu"),
})
_ = ll.plots.show_static(gallery.fig)

# %% [markdown]
# Two newer activations smooth out ReLU's kink: **GELU**, $f(z) = z\,\Phi(z)$
# with $\Phi$ the standard normal CDF, and **SiLU** (also called Swish),
# $f(z) = z\,\sigma(z)$. Both are smooth and, unlike ReLU, not monotone near 0:
# GELU dips to its minimum $-0.17$ at $z \approx -0.75$, SiLU to $-0.28$ at
# $z \approx -1.28$. Their derivative is never exactly 0 on an interval, so a
# unit is never switched off the way a ReLU unit can be: $f'$ lies in about
# $[-0.13, 1.13]$ for GELU and $[-0.10, 1.10]$ for SiLU. More in lesson 12.

# %%
gallery = ll.plots.plot_activation_gallery({
    "ReLU": ll.experiments.activation_curve("relu"),
    "GELU": ll.experiments.activation_curve("gelu"),
    "SiLU": ll.experiments.activation_curve("silu"),
})
_ = ll.plots.show_static(gallery.fig)

# %% [markdown]
# ## Live: any activation, any α
#
# Pick an activation; for Leaky ReLU, PReLU and ELU the slider sets $\alpha$.
# Solid: $f(z)$, dashed: $f'(z)$. Try Leaky ReLU with $\alpha$ from 0 (plain
# ReLU) toward 1: at $\alpha = 1$ it would be the straight line $f(z) = z$,
# with no non-linearity left, so the panel draws the slider's 1.00 as
# $\alpha = 0.99$ (its readout says so). Then compare the flat tails of sigmoid and tanh with
# ELU's left side, which levels off at $-\alpha$.

# %% tags=["nbval-ignore-output"]
ll.widgets.activation_panel()

# %% [markdown]
# ## Starting weights: Glorot and He
#
# How much of the signal a layer passes back depends on its weights as much as
# on its slope: lesson 03's $\delta^h$ is multiplied by $(\bar W^{h+1})^\top$
# *and* by $f'$. Weights start random, and two standard recipes set their
# variance from a layer's **fan-in** $n_\text{in}$ (its inputs) and
# **fan-out** $n_\text{out}$ (its units):
#
# * **Glorot** (or Xavier): $\mathrm{Var}(W) = \dfrac{2}{n_\text{in} + n_\text{out}}$,
#   for example $U(-r, r)$ with $r = \sqrt{6/(n_\text{in} + n_\text{out})}$.
#   It is `ll.MLP`'s default.
# * **He**: $\mathrm{Var}(W) = \dfrac{2}{n_\text{in}}$, for example a normal
#   distribution with that variance (`init="he_normal"`). Made for ReLU: about
#   half of its units pass nothing, forward or back, and the factor 2 makes up
#   for the lost half.
#
# Lesson 06 derives both from one condition: the learning signal keeps its
# size through a layer when $n\,\mathrm{Var}(W)\,\mathbb{E}[f'(\mathrm{net})^2] = 1$.
# Glorot's derivation assumes a unit that is linear with slope $f'(0) = 1$
# near 0, as tanh is. The notes recommend Glorot for the logistic sigmoid
# too, but its slope is at most $\tfrac14$, so
# $\mathbb{E}[f'^2] \le \tfrac1{16}$ and the same condition asks for at least
# 16 times Glorot's variance: 4 times its standard deviation, the classic
# advice of "4 × the Glorot range for logistic units". So the sigmoid's small
# slope *can* be made up for by larger weights. A 30-layer sigmoid stack
# (lesson 05's experiment) with Glorot weights multiplied by $s$; printed is
# the size of the learning signal in the first layer divided by that in the
# last:

# %%
for s in (1, 4, 8, 16):
    profile = ll.experiments.gradient_profile(30, activation="sigmoid", weight_scale=s)
    print(f"weights × {s:>2}:  ‖δ¹‖ / ‖δ³⁰‖ = {profile[0] / profile[-1]:.1g}")

# %% [markdown]
# With Glorot's own scale the first layer gets about $4\times10^{-19}$ of the
# last layer's signal. Four times the scale lifts that to about $10^{-6}$.
# That is still small because larger weights make larger weighted inputs, where the slope is
# below its peak of $\tfrac14$: the factor 16 holds only for inputs near 0. At
# eight times the scale the ratio is a few hundredths, and at sixteen times the
# signal *grows* toward the input: it explodes (lesson 05). Over six draws of
# the weights the ratios stay between $10^{-19}$ and $10^{-18}$ ($s = 1$),
# $10^{-7}$ and $10^{-5}$ ($s = 4$), $10^{-3}$ and $10^{-1}$ ($s = 8$), and above
# 1 ($s = 16$). The right scale depends on the slope of the activation; lesson
# 05's explorer lets you try it, and lesson 06 works it out.

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
scales = (1, 2, 5, 10)
print("net std s:", "".join(f"{s:>7}" for s in scales))
for name in ("sigmoid", "tanh", "relu"):
    shares = [ll.experiments.saturation_share(name, s) for s in scales]
    print(f"{name:>9}:", "".join(f"{share:7.2f}" for share in shares))

# %% [markdown]
# At $s = 10$ about two sigmoid units in three are saturated. tanh saturates at
# inputs half as large: since $\tanh z = 2\sigma(2z) - 1$, its slope curve is the
# sigmoid's squeezed to half the width, so its row at $s$ equals the sigmoid's
# at $2s$. ReLU's positive side never saturates (slope 1 at any size), but its
# negative side passes nothing at all: one unit in two for zero-mean inputs, at
# every scale.

# %% [markdown]
# ## Not centered on zero
#
# The sigmoid's outputs are all positive (between 0 and 1, mean about ½);
# tanh's are centered on 0. That matters to the *next* layer, which takes them
# as its inputs $y_i$. For one sample, the gradient of one of its weights is
# $\partial E/\partial w_{ij} = -\delta_j\,y_i$ (lesson 03, with the notes'
# sign of $\delta$). When every $y_i$ is positive, all the weights into unit
# $j$ get gradients of one sign, the sign of $-\delta_j$: on this sample they
# all go up or all go down together. If the right weights need some to grow
# and others to shrink, gradient descent can get there only by a zig-zag of
# all-up and all-down steps.
#
# Over a batch the same effect shows in the shape of the error surface. For a
# linear unit the Hessian is $X^\top X/N$ (lesson 02): the covariance of the
# inputs plus $\bar x\,\bar x^\top$, where $\bar x$ is their mean. A mean of
# ½ in each of $n$ inputs adds one steep direction (all weights up together)
# with a curvature of about $n/4$. It caps the step at $\eta < 2/\lambda_{\max}$,
# and along the directions in which the weights must move apart the descent
# creeps. `centering_run` trains a linear unit with 8 inputs on sigmoid
# outputs $\sigma(z)$, $z \sim N(0, 1)$, and on the same values shifted to mean
# 0, $\sigma(z) - \tfrac12$. Only the mean differs. The targets need the weights
# $(1, -1, 1, -1, \dots)$, and each run takes steps $\eta = 1/\lambda_{\max}$:

# %%
centering = {"σ(z)": ll.experiments.centering_run(False),
             "σ(z) − ½": ll.experiments.centering_run(True)}
for name, r in centering.items():
    print(f"inputs {name:<8}  mean {round(r.input_mean, 1) + 0.0:.1f},  gradient of one sign "
          f"on {r.same_sign:4.0%} of the samples,  λ_max/λ_min = {r.condition:4.1f},  "
          f"steps to 1/10⁴ of the error: {r.steps_to(1e-4)}")

fig, _ = ll.plots.activation.plot_centering(centering, steps=250)  # E − E_min relative to the start
_ = ll.plots.show_static(fig)

# %% [markdown]
# Same spread, same targets, same rule: with inputs that are all positive the
# unit needs some fifty times as many steps (between 40 and 80 times over six
# draws of $z$). This is why tanh usually trains faster than the sigmoid in
# hidden layers, why inputs are shifted to mean 0 before training, and one
# reason for ELU's negative outputs (below) and for batch normalization
# (lesson 07).
#
# ## Sparsity: ReLU's zeros
#
# ReLU's exact zeros on its negative side (see Saturation above) have an
# upside. A ReLU layer is **sparse**: on each input, part
# of its units are exactly 0, a cheap and simple representation. The
# *activation rate* is the share of outputs that are positive. In the first
# layer of a net with zero-mean inputs (He-initialized, 256 units):

# %%
for name in ("relu", "sigmoid"):
    print(f"{name:>7}: activation rate {ll.experiments.activation_rate(name):.3f}")

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
#   summed over every unit and sample that sits on the left side. (Here one
#   $\alpha$ is shared by the whole layer, one of He et al.'s two variants;
#   the other learns one $\alpha$ per channel.)
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
#   training pass and fixes it to the mean at test time. The noise makes the
#   training data harder to memorize, a little like the methods of lessons 08
#   and 09. Here, as in PyTorch's `nn.RReLU`, $\alpha \sim U(\tfrac18, \tfrac13)$
#   and the test slope is $(\tfrac18 + \tfrac13)/2 \approx 0.229$. The
#   original paper (Xu et al. 2015) divides instead: the negative side is
#   $z/a$ with $a \sim U(3, 8)$, a slope between $\tfrac18$ and $\tfrac13$ too
#   but not uniformly spread, and $z/5.5$ at test time (slope $2/11 \approx 0.182$).

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
# Softmax is not applied unit by unit: it turns a row of scores (one per
# class; the next section calls them logits) into probabilities that add up
# to 1. Adding the same number to every score
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
# ## The error for probabilities: cross-entropy
#
# So far the error was the squared one, $E = \tfrac12(t - y)^2$. When the output
# is a probability (a sigmoid for two classes, a softmax for several) the
# usual error is the **cross-entropy**, and from here on the series uses it
# for every classifier.
#
# **Two classes.** The output unit computes its weighted sum $z$ and nothing
# else (a linear output), and the probability of class 1 is $y = \sigma(z)$. The
# raw score $z$ is called the **logit**: $z = \ln\frac{y}{1-y}$, the logarithm
# of the odds. With the target $t \in \{0, 1\}$ the binary cross-entropy is
#
# $$E = -\big[t\ln y + (1-t)\ln(1-y)\big],$$
#
# near 0 when the right class gets a probability near 1, and without bound when
# it gets one near 0. With $\sigma' = y(1-y)$ its slope with respect to the logit is
#
# $$\frac{\partial E}{\partial z} = \Big(-\frac{t}{y} + \frac{1-t}{1-y}\Big)\,y(1-y) = y - t ,$$
#
# so the output's learning signal (the notes' sign) is simply $\delta = t - y$:
# the sigmoid's slope **cancels**. With the squared error it stays,
# $\delta = (t - y)\,y(1-y)$, and an output that is confidently wrong ($z$
# far on the wrong side, where $y(1-y) \approx 0$) gets almost no learning
# signal. Both at the target $t = 1$:

# %%
z_out = np.array([[-10.0], [-2.0], [0.0], [2.0]])                 # logits, target t = 1
t_out = np.ones_like(z_out)
y_out = ll.activations.sigmoid(z_out)
_, dE_dz = ll.losses.binary_cross_entropy(z_out, t_out, from_logits=True, reduction="sum")
for z_i, y_i, g_i in zip(z_out[:, 0], y_out[:, 0], dE_dz[:, 0]):
    print(f"z = {z_i:+5.1f}, y = {y_i:.5f}:   δ squared error {(1 - y_i) * y_i * (1 - y_i):.3g},"
          f"   δ cross-entropy {-g_i:.3g}")

# %% [markdown]
# Two practical points follow from working with the logit:
#
# * **Losses take logits.** For a large $|z|$, $y = \sigma(z)$ rounds to exactly
#   0 or 1 and $\ln y$ or $\ln(1 - y)$ becomes $\ln 0$. Computed from $z$
#   directly, $E = \max(z, 0) - zt + \ln(1 + e^{-|z|})$ never overflows. So the
#   output layer stays linear and the loss gets the logit:
#   `ll.losses.binary_cross_entropy(Z, T, from_logits=True)`, Keras
#   `BinaryCrossentropy(from_logits=True)`, PyTorch `BCEWithLogitsLoss`.
# * **Classes are read off at 0.** $y > \tfrac12$ exactly when $z > 0$, since
#   $\sigma(0) = \tfrac12$ and $\sigma$ increases. A net with a linear output
#   answers "class 1" when its logit is positive, so its accuracy is counted
#   with `ll.training.accuracy(model, X, y, threshold=0.0)`: the threshold 0 on
#   the logit, not the default 0.5, which is meant for a probability.

# %%
print("σ(z) > 0.5 exactly where z > 0:", np.array_equal(ll.activations.sigmoid(z) > 0.5, z > 0))

# %% [markdown]
# **Several classes.** The net has one logit per class, the softmax turns them
# into probabilities $s_k$, and the target row $T$ is *one-hot*: 1 for the
# right class, 0 elsewhere. The cross-entropy is $E = -\sum_k t_k\ln s_k$, and
# with the softmax's derivative from the table above,
#
# $$\frac{\partial E}{\partial z_j}
#   = -\sum_k \frac{t_k}{s_k}\,s_k\big([k = j] - s_j\big)
#   = -t_j + s_j\sum_k t_k = s_j - t_j ,$$
#
# where the last step uses $\sum_k t_k = 1$ (a one-hot row holds exactly one
# 1). For a batch, with the softmax outputs $Y$: $\partial E/\partial Z = Y - T$.
# It is the two-class result again, which is why softmax and cross-entropy
# come as a pair (in the notes too). Checked against finite differences:

# %%
Z_cls = np.array([[2.0, 1.0, -1.0], [0.5, -0.3, 0.8]])          # two samples, three classes
T_cls = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])            # one-hot targets
E_cls, dE_dZ = ll.losses.softmax_cross_entropy(Z_cls, T_cls, reduction="sum")
print("∂E/∂Z = Y − T:", np.allclose(dE_dZ, softmax.forward(Z_cls) - T_cls))
numeric = ll.gradcheck.numerical_gradient(
    lambda: ll.losses.softmax_cross_entropy(Z_cls, T_cls, reduction="sum")[0], Z_cls)
print("finite differences agree (relative error below 1e-6):",
      ll.gradcheck.rel_error(dE_dZ, numeric) < 1e-6)

# %% [markdown]
# Like the squared error in lesson 02, the frameworks average the
# cross-entropy over the batch by default (`reduction="mean"` here), which
# divides these gradients by $N$.

# %% [markdown]
# ## Dying ReLU
#
# A ReLU unit whose weighted input is negative on **every** sample outputs 0
# everywhere. Its slope is 0 everywhere too, so no gradient reaches its
# weights and they stop changing: the unit is **dead**. One large
# update is enough to push many units there at once, and a large learning
# rate makes large updates.
#
# The experiment: 256 points in 8-D with zero-mean inputs, labeled by the XOR
# of the signs of $x_1$ and $x_2$. An `MLP([8, 32, 32, 1])` with ReLU, He
# weights and a linear output (a logit) is trained for 100 full-batch steps on
# the binary cross-entropy. A unit counts as dead when it is 0 on all 256
# samples, as `ll.probes.activation_stats` reports. What dies depends on the
# random starting weights, so every learning rate is trained from six draws
# (seeds 0 to 5); the table gives the mean over the six and, in brackets, the
# lowest and highest:

# %%
lrs = 10.0 ** np.arange(-2.0, 1.51, 0.25)                    # the values of the slider below
sweep = ll.experiments.dead_relu_sweep(lrs, seeds=range(6))  # 6 seeds × 15 rates


def spread(values):
    """Mean [lowest–highest] over the seeds, in percent."""
    v = 100 * np.asarray(values)
    return f"{v.mean():3.0f}% [{v.min():3.0f}–{v.max():3.0f}]"


print(f"{'η':>5}  {'dead in layer 1':>17}  {'dead in layer 2':>17}  {'accuracy':>17}")
for i in range(4, len(lrs), 2):
    print(f"{lrs[i]:5.3g}  {spread(sweep.dead[:, i, 0]):>17}  {spread(sweep.dead[:, i, 1]):>17}  "
          f"{spread(sweep.accuracy[:, i]):>17}")

# %%
_ = ll.plots.show_static(ll.plots.activation.plot_dead_relu_sweep(sweep).fig)

# %% [markdown]
# What holds for all six draws:
#
# * Up to $\eta = 1$ training kills no unit: no layer ends with more dead units
#   than it started with. (In two of the six draws one unit of 32 in layer 2
#   is dead from the start; in one draw at $\eta = 1$ a unit of layer 2 is dead
#   for a single step and comes back.) The larger $\eta$, the more the net
#   learns in its 100 steps, and at $\eta = 1$ all 256 points are right.
# * One step further, at $\eta \approx 1.8$, units die: 9–25% of layer 2,
#   although the net still gets 99–100% of the points right. The best learning
#   rates sit right next to the ones that kill units: there is no wide safety
#   margin.
# * From $\eta \approx 18$ on, every unit of layer 2 is dead and the accuracy
#   is at guessing (48–52%).
#
# In between, the dead share of layer 2 climbs with $\eta$ on average, but a
# single draw need not climb at every step of the grid (the shaded range).
# Layer 1 loses fewer units, at most about a third.
#
# A dead unit's own weights get no gradient. In the first hidden layer its
# inputs are the fixed data, so it is dead for good. A deeper unit can come
# back if the layers below it change its inputs, but once *every* unit of a
# layer is dead, nothing below it learns any more: only the output bias still
# moves. In the panel below (one draw, seed 0), the right plot shows the dead
# share step by step: at $\eta$ above 3 it jumps up within the first few
# steps, and in layer 1 it never comes back down.

# %% tags=["nbval-ignore-output"]
ll.widgets.dead_relu_panel()

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
# | output, two classes | sigmoid (a probability), trained with the binary cross-entropy |
# | output, several classes | softmax, trained with the cross-entropy |
# | output, regression | linear (no activation) |
# | units dying | Leaky ReLU |
#
# Why not the sigmoid in hidden layers: its slope is at most $\tfrac14$ (the
# signal shrinks at every layer unless the weights are scaled up, lesson 05),
# it saturates on both sides, and its outputs are all positive, not centered on
# 0, which slows the next layer down.
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

# %% jupyter={"source_hidden": true}
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

# %% jupyter={"source_hidden": true}
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
# > * Cross-entropy on logits: Keras `keras.losses.BinaryCrossentropy(from_logits=True)` and
# >   `CategoricalCrossentropy(from_logits=True)`; PyTorch `nn.BCEWithLogitsLoss()` and
# >   `nn.CrossEntropyLoss()` (it takes class indices or probabilities as targets).
# > * Starting weights: Keras `Dense(64, kernel_initializer="glorot_uniform")` (the default)
# >   or `"he_normal"`; PyTorch `nn.init.xavier_uniform_(layer.weight)` or
# >   `nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")`.

# %% [markdown]
# ## Summary
#
# * Without a non-linear activation a deep net is one linear map; with one, its slope $f'$ and the weights' scale (Glorot, He) together set how much learning signal each layer passes back.
# * The sigmoid's slope is at most 1/4 and its outputs are all positive, tanh is centered with slope up to 1, both saturate; ReLU keeps slope 1 on the right but outputs exact zeros on the left; a sigmoid or softmax output goes with the cross-entropy, whose signal is $T - Y$.
# * Too large a learning rate kills ReLUs for good; Leaky ReLU keeps a slope on the left, and the notes rank SELU > ELU > Leaky ReLU > ReLU > tanh > logistic.
#
# **Next:** [05 · Vanishing & exploding gradients](05_vanishing_exploding.ipynb)

# %% [markdown]
# ## References
#
# * LeCun, Y., Bottou, L., Orr, G. B., & Müller, K.-R. (1998). Efficient
#   BackProp. In G. B. Orr & K.-R. Müller (Eds.), *Neural Networks: Tricks of
#   the Trade* (LNCS 1524). Springer. — Inputs that are all positive make a
#   unit's weights move together and slow descent down; hence zero-mean
#   inputs and tanh rather than the logistic sigmoid.
# * Bridle, J. S. (1990). Probabilistic interpretation of feedforward
#   classification network outputs, with relationships to statistical pattern
#   recognition. In F. Fogelman Soulié & J. Hérault (Eds.), *Neurocomputing*
#   (NATO ASI Series F68). Springer. — The softmax output read as class
#   probabilities, trained with the cross-entropy.
# * Glorot, X., & Bengio, Y. (2010). Understanding the difficulty of training
#   deep feedforward neural networks. *AISTATS 2010.* — The Glorot (Xavier)
#   initialization, derived for units with slope 1 at 0.
# * Glorot, X., Bordes, A., & Bengio, Y. (2011). Deep sparse rectifier neural
#   networks. *AISTATS 2011.* — ReLU in deep nets, and the sparsity of its
#   exact zeros.
# * Bengio, Y. (2012). Practical recommendations for gradient-based training
#   of deep architectures. In *Neural Networks: Tricks of the Trade* (2nd ed.,
#   LNCS 7700). Springer. — Glorot's range for tanh, four times that range for
#   logistic sigmoid units.
# * Maas, A. L., Hannun, A. Y., & Ng, A. Y. (2013). Rectifier nonlinearities
#   improve neural network acoustic models. *ICML 2013 Workshop on Deep
#   Learning for Audio, Speech and Language Processing.* — Leaky ReLU.
# * He, K., Zhang, X., Ren, S., & Sun, J. (2015). Delving deep into rectifiers:
#   Surpassing human-level performance on ImageNet classification. *ICCV
#   2015.* — PReLU (a learned slope $\alpha$) and the He initialization.
# * Xu, B., Wang, N., Chen, T., & Li, M. (2015). Empirical evaluation of
#   rectified activations in convolutional network. *arXiv:1505.00853.* —
#   RReLU, with the slope $1/a$, $a \sim U(3, 8)$.
# * Clevert, D.-A., Unterthiner, T., & Hochreiter, S. (2016). Fast and
#   accurate deep network learning by exponential linear units (ELUs). *ICLR
#   2016.* — ELU: negative outputs that pull the mean toward 0.
# * Klambauer, G., Unterthiner, T., Mayr, A., & Hochreiter, S. (2017).
#   Self-normalizing neural networks. *Advances in Neural Information
#   Processing Systems 30 (NIPS 2017).* — SELU and its
#   constants $\lambda$, $\alpha$.
