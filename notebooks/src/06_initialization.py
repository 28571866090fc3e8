# %% [markdown]
# # 06 · Initialization
#
# Lesson 05 ended with a number: every layer multiplies the learning signal by
# a factor, and thirty layers turn a factor of 0.8 into $10^{-3}$ and a factor
# of 1.2 into $10^{2}$. The weights are the one part of that factor you choose
# before training starts. **Initialization** (权重初始化) picks their scale so
# that the factor is 1: the signal then keeps its size forward *and* backward,
# however deep the network.
#
# This lesson derives the right scale from one line of probability, names the
# recipes that follow from it (Glorot/Xavier, He, LeCun, Keras's general
# `VarianceScaling`), and checks each one live. It starts with the one scale
# that never works, whatever the depth: all weights equal.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## Why not start from zero? Symmetry
#
# All units of a hidden layer see the same inputs and use the same activation.
# If they also start with the same weights, they compute the same output,
# receive the same learning signal $\delta$ and get the same update — at every
# step, forever. The layer behaves like a single unit however wide it is.
# Random weights break this symmetry (the biases may start at 0: the random
# weights already make the units different).
#
# Train the same small tanh network on an XOR-like task three times — from
# all-zero weights, from all weights equal to 0.1, and from Glorot weights —
# and count how many *different* units each hidden layer ends up with:

# %%
rng = np.random.default_rng(2)
X = rng.standard_normal((40, 2))
T = (X[:, :1] * X[:, 1:] > 0).astype(float)         # 1 where both inputs have the same sign
nets = {}
for init in ("zeros", "constant", "glorot_uniform"):
    nets[init] = net = ll.MLP([2, 6, 5, 1], activation="tanh", init=init, seed=3)
    ll.training.train(net, X, T, lr=0.5, steps=100)
    p = net.parameters()
    units = [ll.experiments.count_distinct_units(p[f"dense{i}.W"]) for i in (0, 1)]
    print(f"{init:<15} distinct units: {units[0]} of 6 and {units[1]} of 5;  accuracy "
          f"{ll.training.accuracy(nets[init], X, T[:, 0]):.2f}")

# %% [markdown]
# After 100 steps the constant start has moved its weights, but every column
# of the first weight matrix — one column per hidden unit — is still the same:

# %%
with np.printoptions(precision=3, suppress=True):
    print(nets["constant"].parameters()["dense0.W"])

# %% [markdown]
# The all-zero start is worse still: $\tanh(0) = 0$ sends nothing forward and
# $W = 0$ sends nothing back, so the hidden weights never move at all. Both
# symmetric nets are stuck near chance accuracy; the random start learns.
# ## The maths: keep every layer's variance the same
#
# Unit $j$ of layer $l$ sums $n$ inputs (the fan-in):
# $\mathrm{net}^l_j = \sum_{i=1}^{n} W^l_{ij}\,y^{l-1}_i$. Draw the weights
# independently with mean 0 and variance $\mathrm{Var}(W)$. Then
# $\mathrm{E}[\mathrm{net}^l_j] = 0$ and
#
# $$\mathrm{Var}(\mathrm{net}^l) = n\,\mathrm{Var}(W)\;\mathrm{E}\!\left[f(\mathrm{net}^{l-1})^2\right].$$
#
# * **Linear** (and tanh near 0, where $\tanh z \approx z$):
#   $\mathrm{E}[f(\mathrm{net})^2] = \mathrm{Var}(\mathrm{net})$, so each layer
#   multiplies the variance by $n\,\mathrm{Var}(W)$. It stays the same when
#   $\mathrm{Var}(W) = 1/n$: **LeCun**, standard deviation $\sqrt{1/n}$.
# * **ReLU**: $\mathrm{net}$ is symmetric around 0, so ReLU zeroes half of it and
#   $\mathrm{E}[\max(0,\mathrm{net})^2] = \tfrac12\mathrm{Var}(\mathrm{net})$. The factor is
#   $\tfrac12 n\,\mathrm{Var}(W)$, and $\mathrm{Var}(W) = 2/n$ keeps it at 1: **He**,
#   standard deviation $\sqrt{2/n}$.
# * **Leaky ReLU** with slope $\alpha$ for negative inputs keeps
#   $\alpha^2$ of the negative half's square:
#   $\mathrm{E}[f(\mathrm{net})^2] = \tfrac12(1+\alpha^2)\mathrm{Var}(\mathrm{net})$,
#   so He's rule becomes $\mathrm{Var}(W) = 2/\big((1+\alpha^2)\,n\big)$ (ReLU is
#   $\alpha = 0$).
#
# Both rules keep the **second moment** $\mathrm{E}[\mathrm{net}^2]$ of the
# next layer's input constant, not the standard deviation of the outputs. For
# ReLU the two differ: with He weights $\mathrm{net} \sim N(0, 2)$, its ReLU has
# $\mathrm{E}[y^2] = 1$ but mean $\mathrm{E}[y] = \sqrt{2}/\sqrt{2\pi} = 1/\sqrt\pi$, so its
# standard deviation is $\sqrt{1 - 1/\pi} \approx 0.83$, at every layer. (The
# recursion's dashed lines below plot this standard deviation.)
#
# The learning signal runs the other way, $\delta^l = \big(\delta^{l+1}(W^{l+1})^\top\big)\circ f'(\mathrm{net}^l)$,
# summing over the $n_\text{out}$ units of the next layer:
#
# $$\mathrm{Var}(\delta^l) = n_\text{out}\,\mathrm{Var}(W)\;\mathrm{E}\!\left[f'(\mathrm{net}^l)^2\right]\mathrm{Var}(\delta^{l+1}).$$
#
# The forward pass wants $\mathrm{Var}(W) = 1/n_\text{in}$, the backward pass
# $1/n_\text{out}$. **Glorot (Xavier)** splits the difference:
# $\mathrm{Var}(W) = 2/(n_\text{in}+n_\text{out}) = 1/\mathit{fan}_\text{avg}$ with
# $\mathit{fan}_\text{avg} = (n_\text{in}+n_\text{out})/2$.
#
# ## The recipes
#
# All of them draw $W$ with mean 0; they differ in the variance and the shape
# of the distribution. A uniform $U(-r, r)$ has variance $r^2/3$.
#
# | recipe | weights | standard deviation | made for |
# |---|---|---|---|
# | small uniform | $U(-0.05, 0.05)$ | $0.05/\sqrt3 \approx 0.029$, whatever $n$ | shallow nets |
# | fan-in uniform | $U(-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}})$ | $1/\sqrt{3n_\text{in}}$ | the classic default |
# | Glorot / Xavier uniform | $U(-r, r)$, $r = \sqrt{6/(n_\text{in}+n_\text{out})}$ | $\sqrt{2/(n_\text{in}+n_\text{out})}$ | tanh (the logistic sigmoid: see below) |
# | Glorot / Xavier normal | normal | $\sqrt{2/(n_\text{in}+n_\text{out})}$ | tanh (the logistic sigmoid: see below) |
# | He normal / uniform | normal / $r = \sqrt{6/n_\text{in}}$ | $\sqrt{2/n_\text{in}}$ | ReLU and its variants |
# | LeCun normal | normal | $\sqrt{1/n_\text{in}}$ | SELU; tanh |
#
# For tanh the notes give exactly these two: $\sqrt{1/n^{l-1}}$ (LeCun's value,
# with $n^{l-1}$ the width of the layer below) or Glorot's
# $\sqrt{2/(n^{l-1}+n^l)}$ — tanh is linear near 0, so the linear rule applies.
# Glorot and Bengio derived their variance for exactly such units, with
# $f'(0) = 1$. The logistic sigmoid is not one of them: its slope at 0 is
# $\tfrac14$, so the backward condition
# $n\,\mathrm{Var}(W)\,\mathrm{E}[f'^2] = 1$ asks for at least 16 times Glorot's
# variance, weights 4 times as large — the old rule "4 × the Glorot range for
# logistic units". A section below measures what that does.
#
# Keras writes all the variance-based ones as **`VarianceScaling(scale, mode,
# distribution)`**: variance $\mathrm{scale}/n$ with $n$ = $n_\text{in}$
# (`"fan_in"`), $n_\text{out}$ (`"fan_out"`) or $(n_\text{in}+n_\text{out})/2$
# (`"fan_avg"`). Glorot is scale 1 with fan_avg, He scale 2 with fan_in, LeCun
# scale 1 with fan_in. A *truncated* normal (cut at two standard deviations, as
# in Keras) has its standard deviation divided by 0.8796 so that the variance
# after cutting is still $\mathrm{scale}/n$. He's scale with Glorot's fan is
# `VarianceScaling(scale=2., mode='fan_avg', distribution='uniform')`.
#
# Draw each recipe for a layer with 256 inputs and 128 outputs and compare the
# formula with the standard deviation of the draw:

# %%
n_in, n_out = 256, 128
rng = np.random.default_rng(0)
recipes = {
    "uniform ±0.05": ll.initializers.get("uniform"),
    "fan-in uniform": ll.initializers.get("fan_in_uniform"),
    "Glorot uniform": ll.initializers.get("glorot_uniform"),
    "Glorot normal": ll.initializers.get("glorot_normal"),
    "He normal": ll.initializers.get("he_normal"),
    "He uniform": ll.initializers.get("he_uniform"),
    "LeCun normal": ll.initializers.get("lecun_normal"),
    "He with fan_avg": ll.initializers.VarianceScaling(scale=2.0, mode="fan_avg",
                                                       distribution="uniform"),
}
print(f"{'recipe':<16}{'std formula':>12}{'std of a draw':>15}{'n·Var(W)':>10}")
for name, init in recipes.items():
    W = init(n_in, n_out, rng)
    print(f"{name:<16}{init.std(n_in, n_out):>12.4f}{W.std():>15.4f}"
          f"{n_in * init.std(n_in, n_out) ** 2:>10.3g}")

# %% [markdown]
# The last column is the forward factor $n_\text{in}\,\mathrm{Var}(W)$ of a
# linear layer: 1 for LeCun, 2 for He (ReLU halves it back to 1), and for the
# fixed-range recipes whatever the layer size makes it — here 0.21 for
# ±0.05 and 1/3 for the fan-in uniform.
#
# ## Theory against measurement
#
# Apply the recursion layer after layer and you get a prediction for the
# whole depth: `variance_recursion` computes it (for ReLU and linear units the
# expectations are the exact formulas above; for the others it integrates
# numerically, assuming $\mathrm{net}$ is Gaussian, which holds for wide layers).
# Compare it with a real 50-layer ReLU stack, 64 units wide:

# %%
depth = 50
inits = {"He normal": "he_normal", "Glorot uniform": "glorot_uniform",
         "fan-in uniform": "fan_in_uniform", "uniform ±0.05": "uniform"}
print(f"{'ReLU +':<16}{'std of Y¹':>11}{'std of Y⁵⁰':>12}{'theory Y⁵⁰':>12}"
      f"{'factor per layer':>18}")
profiles = {}
for label, init in inits.items():
    profiles[label] = ll.experiments.init_profile(depth, init=init, activation="relu")
    std, theory = profiles[label]["std"], profiles[label]["std_theory"]
    print(f"{label:<16}{std[0]:>11.2g}{std[-1]:>12.2g}{theory[-1]:>12.2g}"
          f"{theory[1] / theory[0]:>18.3g}")

# %%
names = list(inits)
dashed = ["theory"] + [f"_theory {k}" for k in names[1:]]   # "_": one legend entry for all
plot = ll.plots.LinePlot(names + dashed, xlabel="layer (1 = input side)",
                         ylabel="std of layer output (log scale)", logy=True,
                         styles=dict.fromkeys(dashed, {"ls": "--", "lw": 1.2, "color": "#555555"}))
plot.update(np.arange(1, depth + 1),
            {**{k: profiles[k]["std"] for k in names},
             **{line: profiles[k]["std_theory"] for line, k in zip(dashed, names)}})
plot.ax.legend(loc="lower left", fontsize="small")
_ = ll.plots.show_static(plot.fig)

# %% [markdown]
# On a log scale the recursion predicts straight lines: a factor of
# $\sqrt{\tfrac12 n\,\mathrm{Var}(W)}$ per layer, about 0.71 for Glorot (whose
# variance $1/n$ suits tanh, not ReLU), 0.41 for the fan-in uniform and 0.16
# for ±0.05 — and a flat line for He. The measured curves follow them across
# forty orders of magnitude, never more than a factor of five away.
#
# Around the flat He line the measured one wanders, here by up to a factor of
# two: the theory is the *average over random weights*, and one draw of a
# 64-unit-wide net is a single sample from it. Other draws wander further — one
# of the five in the panel below ends ten times too low at layer 50 — while
# with 256-unit layers all five stay within a factor of two.
#
# ## The live panel: initializer × activation × depth
#
# * **init** — the recipe, smallest weights first (the layers are square,
#   $n_\text{in} = n_\text{out} = 64$, where Glorot's variance equals LeCun's
#   $1/n$: Glorot uniform and LeCun normal differ only in the shape of the
#   distribution); **activation**; **depth** (1–50 layers); **weight draw** —
#   another random network with the same recipe.
# * **Left**: the standard deviation of every layer's output $Y^l$ (forward).
#   **Right**: the learning signal $\|\delta^l\|$ (backward). Solid lines are
#   measured on one batch of 256 standard-normal inputs; the **dashed** lines
#   are `variance_recursion` (on the right it is pinned to the measured last
#   layer).
# * The text under the plot gives the first and last layer's numbers and the
#   theoretical backward factor per layer,
#   $\sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[f'(\mathrm{net})^2]}$.
#
# One thing the theory leaves out: the error at the output, $Y - T$, contains
# the network's own output, made by the same weights that carry $\delta$ back.
# That correlation makes the measured $\|\delta\|$ of a well-initialized net
# climb a few-fold toward the input where the dashed line is flat — slowly,
# not exponentially.

# %% tags=["nbval-ignore-output"]
ll.widgets.init_explorer(depth=50)

# %% [markdown]
# **Try these** (predict, then look):
#
# 1. **ReLU, He normal** (the start): the output std stays within a factor of
#    two of the theory's 0.83 over all 50 layers, and $\|\delta\|$ changes by a
#    factor of about 4 (first weight draw). Move **weight draw** to see other networks wander
#    around the same dashed line.
# 2. **ReLU, Glorot uniform**, then **fan-in uniform**, then **uniform ±0.05**:
#    the activations at layer 50 fall to about $10^{-8}$, $10^{-20}$ and
#    $10^{-40}$, and the learning signal with them.
# 3. **sigmoid**, any init: the activations are fine (the sigmoid's outputs
#    stay between 0 and 1), but no recipe in this list keeps the learning
#    signal: even He normal leaves the first layer below $10^{-24}$ of the last.
#    All of them were derived for a slope of 1 at 0 (He: for ReLU); the
#    sigmoid's is $\tfrac14$. The section after the next cell gives it the
#    larger weights it needs.
# 4. **SELU, LeCun normal**: the std stays within 0.16 of 1 at every layer,
#    for every weight draw. ($\|\delta\|$ does grow toward the input, about
#    5-fold by the dashed line and 8- to 10-fold measured: SELU's average
#    squared slope, $\mathrm{E}[\mathrm{selu}'^2] \approx 1.07$, is a little above
#    1.) Switch to **He normal** and the std grows to 10–45 by layer 50 (25 for
#    the first draw) — the SELU section explains.
#
# The next cell prints these numbers for the first weight draw.

# %%
panel_runs = {
    "1 ReLU, He normal": ("relu", "he_normal"),
    "2 ReLU, Glorot uniform": ("relu", "glorot_uniform"),
    "2 ReLU, fan-in uniform": ("relu", "fan_in_uniform"),
    "2 ReLU, uniform ±0.05": ("relu", "uniform"),
    "3 sigmoid, Glorot uniform": ("sigmoid", "glorot_uniform"),
    "3 sigmoid, He normal": ("sigmoid", "he_normal"),
    "4 SELU, LeCun normal": ("selu", "lecun_normal"),
    "4 SELU, He normal": ("selu", "he_normal"),
}
print(f"{'experiment':<27}{'std of Y⁵⁰':>11}{'theory':>9}{'‖δ¹‖ ÷ ‖δ⁵⁰‖':>14}{'theory':>9}")
for label, (act, init) in panel_runs.items():
    r = ll.experiments.init_profile(depth, init=init, activation=act)
    print(f"{label:<27}{r['std'][-1]:>11.2g}{r['std_theory'][-1]:>9.2g}"
          f"{r['delta'][0] / r['delta'][-1]:>14.2g}"
          f"{r['delta_theory'][0] / r['delta_theory'][-1]:>9.2g}")

# %% [markdown]
# ## The logistic sigmoid needs larger weights
#
# Apply the backward condition $n\,\mathrm{Var}(W)\,\mathrm{E}[\sigma'^2] = 1$
# to the sigmoid. Near 0, $\sigma'(z) \approx \tfrac14$, so
# $\mathrm{E}[\sigma'^2] \le \tfrac1{16}$ and the condition needs
# $\mathrm{Var}(W) \ge 16/n$: 16 times Glorot's variance on square layers, a
# **weight scale** of 4. That is only where the search starts: larger weights
# spread the net inputs, the average slope falls below $\tfrac14$, and the
# sigmoid's outputs have mean $\tfrac12$, which adds to the next layer's net
# input variance as well. Measure 30-layer stacks (Glorot weights times the
# scale, five weight draws each) next to the estimate of lesson 05, the
# recursion's $\prod\sqrt{n\,\mathrm{Var}(W)\,\mathrm{E}[\sigma'^2]}$:

# %%
print(f"{'weight scale':>12}{'‖δ¹‖ ÷ ‖δ³⁰‖ over five draws':>30}{'estimate':>10}"
      f"{'std of net':>12}")
for scale in (1.0, 10 ** 0.3, 10 ** 0.6, 10 ** 0.9):
    ratios = [d[0] / d[-1] for d in
              (ll.experiments.gradient_profile(30, activation="sigmoid", weight_scale=scale,
                                               batch=256, seed=seed) for seed in range(5))]
    theory = ll.experiments.variance_recursion(30, activation="sigmoid", init="glorot_uniform",
                                               weight_scale=scale)
    print(f"{scale:>12.2f}{min(ratios):>19.1g} to {max(ratios):<7.1g}"
          f"{theory['delta'][0]:>10.1g}{np.sqrt(theory['net_var'][-1]):>12.1f}")

# %% [markdown]
# Four times the weights (scale 3.98 on the slider) lifts the first layer's
# share from $10^{-19}$ to about $10^{-6}$; eight times (7.94) to a few
# hundredths. So the weights *can* keep the sigmoid's signal alive. The price
# shows in the last column: the net inputs then have a standard deviation of
# about 5, and a large share of the units sits in the flat tails, about 40 %
# with $\sigma'$ below 5 % of its maximum, which slows them once training
# starts. (The estimate's factor per layer reaches 1 only near a weight scale
# of 10.) That is why deep sigmoid networks call for more than a weight
# scale: batch normalization (lesson 07) or a different activation.
#
# **Try it** in lesson 05's gradient explorer, started here on a sigmoid
# stack with Glorot weights: move **weight scale** to 3.98, then to 7.94, and
# watch the blue curve straighten and the dashed estimate follow it.

# %% tags=["nbval-ignore-output"]
ll.widgets.gradient_explorer(depth=30, activation="sigmoid", init="glorot_uniform")

# %% [markdown]
# ## SELU: a network that normalizes itself
#
# SELU, $\lambda\,\mathrm{ELU}_\alpha$ with $\lambda \approx 1.0507$ and
# $\alpha \approx 1.6733$, has its two constants chosen so that a standard
# normal input comes out with mean 0 and variance 1 again:

# %%
m = ll.experiments.gaussian_moments("selu", 1.0)
print(f"net ~ N(0, 1):  E[selu(net)] = {round(m['mean'], 4) + 0.0:.4f},  "
      f"E[selu(net)²] = {m['second']:.4f}")

# %% [markdown]
# With LeCun weights, $n\,\mathrm{Var}(W) = 1$, so the next layer's net input
# has variance $1\cdot\mathrm{E}[\mathrm{selu}^2] = 1$ again: mean 0 and
# standard deviation 1 are a **fixed point**, layer after layer. The notes
# give three conditions for this *self-normalization* (自归一化):
#
# 1. the inputs are standardized (mean 0, standard deviation 1);
# 2. every hidden layer uses LeCun normal weights (`kernel_initializer="lecun_normal"`;
#    what matters is $\mathrm{Var}(W) = 1/n_\text{in}$, so on square layers Glorot
#    uniform works as well);
# 3. the network is sequential — no shortcuts around layers.
#
# Break each condition in turn, on a 50-layer SELU stack 128 units wide
# (batch of 128 inputs):

# %%
selu_runs = {
    "all three conditions": dict(),
    "He normal weights": dict(init="he_normal"),
    "shortcuts (residual)": dict(residual=True),
    "inputs ~ N(2, 3²)": dict(input_mean=2.0, input_std=3.0),
}
selu_kw = dict(activation="selu", init="lecun_normal", width=128, batch=128)
selu = {}
print(f"{'':<22}{'std of the output of layer':^36}{'mean at':>10}")
print(f"{'':<22}{'1':>9}{'10':>9}{'20':>9}{'50':>9}{'layer 50':>10}")
for label, change in selu_runs.items():
    selu[label] = ll.experiments.activation_profile(depth, **{**selu_kw, **change})
    std = selu[label]["std"]
    print(f"{label:<22}" + "".join(f"{std[k]:>9.3g}" for k in (0, 9, 19, 49))
          + f"{selu[label]['mean'][49]:>10.2g}")

# %%
plot = ll.plots.LinePlot(list(selu_runs), xlabel="layer (1 = input side)",
                         ylabel="std of layer output (log scale)", logy=True)
plot.update(np.arange(1, depth + 1), {label: selu[label]["std"] for label in selu_runs})
plot.ax.legend(loc="upper left", fontsize="small")
_ = ll.plots.show_static(plot.fig)

# %% [markdown]
# * **All three conditions**: mean within 0.1 of 0 and standard deviation
#   within 0.1 of 1 at every one of the 50 layers (for five weight draws).
# * **He weights** ($n\,\mathrm{Var}(W) = 2$): every layer pushes the variance up
#   and nothing pulls it back; the std grows steadily (about 34 at layer 50,
#   where the recursion also predicts 34; 29 to 44 over five weight draws —
#   the panel's narrower 64-unit layers scatter more widely, 10 to 45).
# * **Shortcuts** add each layer's input to its output,
#   $Y^l = Y^{l-1} + \mathrm{selu}(Y^{l-1}W^l)$, and both the mean and the std
#   explode, to about $10^8$ by layer 50. The mean leads: the cell after this
#   list takes it apart.
# * **Unstandardized inputs** are the gentle case, and it is worth being
#   honest about it: the first layers start far off (std about 2.8), but the
#   fixed point *attracts*, and after about 20 layers mean and std are back
#   near 0 and 1. The early layers still compute on badly scaled signals,
#   which is why standardizing the inputs is on the list.
#
# **Why shortcuts break it.** The first branch sees $\mathrm{net} \sim N(0, 1)$,
# the fixed point, and adds mean 0 and variance 1: the stream now has variance
# 2. From then on every branch sees net inputs with variance
# $n\,\mathrm{Var}(W)\,\mathrm{E}[Y^2] = \mathrm{E}[Y^2] > 1$, off the fixed point,
# and SELU of such a Gaussian has a **positive mean** (its positive side grows
# without limit, its negative side stops at $-\lambda\alpha \approx -1.76$).
# Nothing subtracts that mean — the weights turn it into zero-mean net inputs
# for the branch, but the shortcut carries it along unchanged — so the means
# add up, layer after layer. And a larger mean makes
# $\mathrm{E}[Y^2] = \text{mean}^2 + \text{variance}$ larger, so the next branch
# sits further off the fixed point and adds a larger mean still. Follow mean
# $m$ and variance $v$ of the stream with `gaussian_moments`, taking each branch
# as independent of the stream:
# $m \leftarrow m + \mathrm{E}[\mathrm{selu}(z)]$, $v \leftarrow v + \mathrm{Var}[\mathrm{selu}(z)]$,
# $z \sim N(0, m^2 + v)$. The last column runs the same recursion with the
# branch means left out, as if only variance were added:

# %%
shortcut = selu["shortcuts (residual)"]
m, v, v_only = 0.0, 1.0, 1.0                  # the standardized input
recursion = []
for layer in range(depth):
    branch = ll.experiments.gaussian_moments("selu", m * m + v)
    m, v = m + branch["mean"], v + branch["second"] - branch["mean"] ** 2
    centered = ll.experiments.gaussian_moments("selu", v_only)
    v_only += centered["second"] - centered["mean"] ** 2
    recursion.append((m, np.sqrt(v), np.sqrt(v_only)))
print(f"{'layer':>5}{'measured mean':>15}{'std':>9}{'recursion mean':>16}{'std':>9}"
      f"{'variance only: std':>20}")
for k in (1, 2, 5, 10, 20, 50):
    rm, rs, ro = recursion[k - 1]
    rm = round(rm, 6) + 0.0                   # the recursion's mean at layer 1 is 0
    print(f"{k:>5}{shortcut['mean'][k - 1]:>15.2g}{shortcut['std'][k - 1]:>9.2g}"
          f"{rm:>16.2g}{rs:>9.2g}{ro:>20.2g}")

# %% [markdown]
# The two-line recursion follows the measured stack to within a factor of
# 1.5 at every layer shown (within 2 for other weight draws; at layer 1 the
# recursion's mean is exactly 0, and the measured −0.013 is sampling noise), and the mean
# ends *larger* than the std. Without
# the branch means, the std would reach only about $8\times10^3$ by layer 50:
# the blow-up to $10^8$ is the mean drifting up, fed back through
# $\mathrm{E}[Y^2]$. (The measured "std" is taken over all units and samples,
# so it includes how the units' means differ from each other.)

# %% [markdown]
# ## Exercise: the VarianceScaling standard deviation
#
# Write `variance_scaling_std(scale, mode, n_in, n_out)`: the standard
# deviation $\sqrt{\mathrm{scale}/n}$ of Keras's `VarianceScaling`, where $n$ is
# `n_in` for `mode="fan_in"`, `n_out` for `"fan_out"` and their average for
# `"fan_avg"`. (Then He normal is `variance_scaling_std(2.0, "fan_in", n_in, n_out)`.)

# %%
def variance_scaling_std(scale, mode, n_in, n_out):
    """Standard deviation of VarianceScaling(scale, mode) for a layer n_in -> n_out."""
    # YOUR CODE HERE
    raise NotImplementedError

# %%
ll.exercises.check_variance_scaling_std(variance_scaling_std)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `variance_scaling_std` is left as it is. To run the check on
# this one: ll.exercises.check_variance_scaling_std(variance_scaling_std_solution)
def variance_scaling_std_solution(scale, mode, n_in, n_out):
    """sqrt(scale / n) with n the fan chosen by mode."""
    n = {"fan_in": n_in, "fan_out": n_out, "fan_avg": (n_in + n_out) / 2}[mode]
    return (scale / n) ** 0.5

# %% [markdown]
# > **In a framework**
# >
# > * Keras: `keras.layers.Dense(64, activation="relu", kernel_initializer="he_normal")`;
# >   `kernel_initializer=keras.initializers.VarianceScaling(scale=2., mode="fan_avg", distribution="uniform")`;
# >   `keras.layers.Dense(64, activation="selu", kernel_initializer="lecun_normal")`.
# >   A `Dense` layer starts from `"glorot_uniform"` weights and zero biases.
# > * PyTorch: `nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")` (He),
# >   `nn.init.xavier_uniform_(layer.weight)` (Glorot), `nn.init.zeros_(layer.bias)`.
# >   An `nn.Linear` starts from $U(-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}})$ — the
# >   fan-in uniform above, which shrinks a deep ReLU stack's signal by about 0.41 per layer.
# >   PyTorch's normal initializers are not truncated; Keras's are.

# %% [markdown]
# ## Summary
#
# * Equal starting weights keep every unit of a layer identical forever; random weights break the symmetry.
# * Each layer multiplies the signal's variance by $n\,\mathrm{Var}(W)$ times a factor of the activation, so Glorot ($1/\mathit{fan}_\text{avg}$), He ($2/n_\text{in}$, ReLU) and LeCun ($1/n_\text{in}$) choose $\mathrm{Var}(W)$ to make it 1.
# * SELU with LeCun normal weights, standardized inputs and a sequential net keeps mean 0 and std 1 through 50 layers; He weights or shortcuts make it drift for good.
#
# **Next:** [07 · Batch normalization](07_batch_normalization.ipynb)

# %% [markdown]
# ## References
#
# * LeCun, Y., Bottou, L., Orr, G. B., & Müller, K.-R. (1998). Efficient
#   BackProp. In G. B. Orr & K.-R. Müller (Eds.), *Neural Networks: Tricks of
#   the Trade* (LNCS 1524). Springer. — Weights with variance $1/n_\text{in}$
#   (LeCun normal) and standardized inputs, so that each unit starts in the
#   steep range of its activation.
# * Glorot, X., & Bengio, Y. (2010). Understanding the difficulty of training
#   deep feedforward neural networks. *Proceedings of the 13th International
#   Conference on Artificial Intelligence and Statistics (AISTATS)*, PMLR 9. —
#   The forward and backward variance conditions and their compromise
#   $\mathrm{Var}(W) = 2/(n_\text{in}+n_\text{out})$, derived for units with
#   $f'(0) = 1$.
# * He, K., Zhang, X., Ren, S., & Sun, J. (2015). Delving deep into rectifiers:
#   Surpassing human-level performance on ImageNet classification.
#   *Proceedings of the IEEE International Conference on Computer Vision
#   (ICCV)*. — $\mathrm{Var}(W) = 2/n_\text{in}$ for ReLU and
#   $2/\big((1+\alpha^2)n_\text{in}\big)$ for leaky ReLU.
# * Klambauer, G., Unterthiner, T., Mayr, A., & Hochreiter, S. (2017).
#   Self-normalizing neural networks. *Advances in Neural Information
#   Processing Systems 30 (NeurIPS)*. — SELU, its constants $\lambda$ and
#   $\alpha$, and the fixed point at mean 0 and variance 1 with LeCun normal
#   weights.
