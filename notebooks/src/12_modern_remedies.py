# %% [markdown]
# # 12 · Modern remedies: adaptive steps, LayerNorm, GELU, warm-up
#
# Lessons 04–11 fixed vanishing and exploding gradients at their source: the
# activation, the initial weights, BatchNorm, shortcuts, clipping. The
# networks trained today (transformers, deep CNNs) add a few more remedies,
# and almost every one of them comes with its own default:
#
# * an **adaptive optimizer** (自适应优化器, Adam or RMSProp) divides each
#   weight's step by the recent size of its own gradient, so a layer whose
#   gradient has shrunk a millionfold still moves;
# * **layer normalization** (层归一化, LayerNorm) normalizes each sample on its
#   own, where BatchNorm needs the whole batch;
# * **GELU** and **SiLU**, smooth relatives of ReLU that never switch a unit off
#   for good;
# * **learning-rate warm-up** (学习率预热): a learning rate that starts small and
#   climbs during the first steps;
# * and the habit of **watching** every layer's gradient while a network
#   trains, so that a vanishing or exploding layer is seen, not guessed.
#
# Each one is built here in a few lines of numpy, measured, and shown live. The
# question to keep in mind: *which part of the problem does each remedy fix,
# and which does it leave alone?*

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## 1 · Adaptive optimizers: a step for every weight
#
# Plain gradient descent moves every weight by $\Delta w = -\eta\,g$, with
# $g = \partial E/\partial w$. In a deep sigmoid stack (lesson 05) the
# gradient of the first layer is many orders of magnitude smaller than the
# last layer's, so with one learning rate for all the first layer does not
# move. **RMSProp** keeps, for every weight, a running average of its
# squared gradient and divides the step by its square root:
#
# $$s \leftarrow \rho\,s + (1-\rho)\,g^2, \qquad
#   \Delta w = -\eta\,\frac{g}{\sqrt{s} + \epsilon}.$$
#
# **Adam** does the same and also replaces $g$ by a running average $m$
# (momentum, lesson 08). Both averages start at 0, so early on they are too
# small; dividing by $1-\beta^t$ corrects that (**bias correction**; $t$
# counts the steps from 1):
#
# $$m \leftarrow \beta_1 m + (1-\beta_1)\,g, \qquad
#   v \leftarrow \beta_2 v + (1-\beta_2)\,g^2,$$
# $$\hat m = \frac{m}{1-\beta_1^t}, \qquad \hat v = \frac{v}{1-\beta_2^t}, \qquad
#   \Delta w = -\eta\,\frac{\hat m}{\sqrt{\hat v} + \epsilon}.$$
#
# With the defaults $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$.
# If a weight's gradient keeps its sign and size, $\hat m/\sqrt{\hat v} \approx
# \pm 1$: the step is about $\eta$ **whatever the size of $g$**, as long as
# $|g| \gg \epsilon$. Multiply every gradient of a layer by $10^{-6}$ and
# Adam's steps for that layer do not change.
#
# How fast does a layer learn? A number that does not depend on the size of
# the weights is the **update-to-weight ratio** $\|\Delta W^l\|/\|W^l\|$, the
# relative change of layer $l$'s weights in one step. A common rule of thumb
# (CS231n) is that a healthy ratio is around $10^{-3}$: much smaller and the
# layer barely learns, much larger and it forgets what it learned.
#
# `ll.experiments.update_ratios` trains a stack of dense sigmoid layers (16
# units, Glorot-uniform weights, the two moons, full batch) for 50 steps and
# returns that ratio for every step and layer. Ten dense layers, once with
# SGD ($\eta = 0.1$) and once with Adam ($\eta = 0.001$), median over the
# steps, layer 1 (the input side) first:

# %%
for name in ("sgd", "adam"):
    ratios = ll.experiments.update_ratios(10, optimizer=name)
    median = np.median(ratios, axis=0)
    print(f"{name:5}", " ".join(f"{r:.0e}" for r in median))

# %% [markdown]
# Under SGD the first layer changes by a few $10^{-8}$ of its size per step,
# the last by up to $10^{-3}$: over five draws of the weights the ratios
# span 3.4 to 4.6 orders of magnitude. Under Adam every layer changes by
# about $10^{-3}$ of its size: over the same five draws every layer's median
# lies between $2\times10^{-4}$ and $4\times10^{-3}$. The gradients themselves are as uneven as before; only the
# steps are evened out. The figure adds momentum (SGD's shape, larger by 9
# to 27 times over the five draws, since the velocity adds up consistent
# gradients) and RMSProp (level too; its default $\eta = 0.01$,
# ten times Adam's, makes its ratios 9 to 25 times Adam's).

# %%
runs = {name: ll.experiments.update_ratios(10, optimizer=name)
        for name in ("sgd", "momentum", "rmsprop", "adam")}
_ = ll.plots.show_static(ll.plots.plot_update_ratio_profiles(runs).fig)

# %% [markdown]
# ### Live: optimizer × depth × activation × ε
#
# The heat map shows $\log_{10}\|\Delta W^l\|/\|W^l\|$ for every step
# (columns) and layer (rows, input side at the bottom); the line plot the
# median over the steps, layer by layer, with the $10^{-3}$ rule of thumb
# dashed. Things to try:
#
# * SGD, sigmoid, depth 2 → 20: the bottom rows darken layer by layer.
# * Adam at the same depths: even rows up to about depth 12, then the
#   bottom rows darken again. Now lower ε to $10^{-14}$ (next section).
# * ReLU or GELU with SGD: much less spread (lesson 04), but not level.

# %% tags=["nbval-ignore-output"]
ll.widgets.update_ratio_panel()

# %% [markdown]
# ### The limit: ε is a floor
#
# Adam divides by $\sqrt{\hat v} + \epsilon$. While $|g| \gg \epsilon$ the
# $\epsilon$ does not matter; when $|g| \ll \epsilon$ the step becomes
# $\eta\,\hat m/\epsilon \approx \eta\,g/\epsilon$ — proportional to the
# gradient again, as in SGD, and tiny. The deeper the sigmoid stack, the
# smaller the first layer's gradient, so at some depth it crosses
# $\epsilon = 10^{-8}$. `ll.experiments.eps_floor` measures, for each depth and
# five draws of the weights, the root mean square of the first layer's
# gradient entries at the first step, and how fast Adam moves the first
# layer compared with its fastest layer:

# %%
floor = ll.experiments.eps_floor(depths=tuple(range(8, 21)))
print("depth  RMS of layer 1's gradient (5 draws)          layer 1's ratio / fastest layer's")
for d, rms, rel in zip(floor.depths, floor.grad_rms, floor.first_vs_fastest):
    print(f"{d:5}  " + " ".join(f"{v:7.0e}" for v in rms) + "   "
          + " ".join(f"{v:5.2f}" for v in rel))
_ = ll.plots.show_static(ll.plots.plot_eps_floor(floor).fig)

# %% [markdown]
# The first layer's gradient falls through $\epsilon = 10^{-8}$ between
# depth 11 and depth 13. Up to depth 11 Adam moves the first layer at more
# than half the rate of its fastest layer in every draw; from depth 16 on at
# less than 2 %, and from depth 18 on below 0.2 %. Nothing is wrong with
# the code: $\epsilon$ is there to avoid dividing by zero, and a gradient
# below it is treated as noise. Lower it in the panel above (try $10^{-14}$ at
# depth 20) and the floor moves down — until float64's own resolution stops
# you (lesson 05's $10^{-16}$).
#
# ### What Adam does not fix
#
# Adam rescales the gradient that backpropagation hands it; it does not
# change the forward pass or the chain rule. Two consequences:
#
# * Under the $\epsilon$ floor the 20-layer sigmoid stack does not learn: after
#   300 Adam steps its loss is still $\ln 2 \approx 0.6931$ in each of five
#   draws.
# * A gradient that is exactly 0 stays 0: $m = v = 0$ and the step is
#   $0/(0 + \epsilon) = 0$. A dead ReLU unit (lesson 04) stays dead under Adam
#   as under SGD. Here six hidden units are switched off by a bias of −10,
#   then 200 steps of each optimizer:

# %%
X, y = ll.data.moons(128, noise=0.1, seed=0)
X, T = ll.data.standardize(X), y[:, None].astype(float)
for name in ("sgd", "adam"):
    model = ll.model.MLP([2, 16, 16, 1], "relu", init="he_normal", seed=0)
    first = model.dense_layers[0]
    first.params["b"][:6] = -10.0                 # units 0-5: never above 0 on this data
    before = first.params["W"].copy()
    opt = ll.optim.get(name)
    for _ in range(200):
        model.step(X, T, optimizer=opt, loss="binary_cross_entropy")
    moved = np.abs(first.params["W"] - before).max(axis=0)
    print(f"{name:5} largest change of a dead unit's weights: {moved[:6].max():.1g}; "
          f"of a live unit's: {moved[6:].max():.2f}")

# %% [markdown]
# Good initial weights and normalization (lessons 06–07) are still what keeps
# the forward signal and the gradient alive; Adam makes the most of a
# gradient that arrives.
#
# ## 2 · LayerNorm: normalize each sample on its own
#
# BatchNorm (lesson 07) normalizes every feature over the **batch**. That
# makes a sample's output depend on which other samples share its batch, it
# needs running averages for inference, and it breaks down for small
# batches: with one sample $x - \mu_B = 0$ for every input, and with two,
# $\hat x = \pm 1$ whatever the inputs. **LayerNorm** (Ba, Kiros & Hinton, 2016)
# normalizes every **sample** over its own $D$ features:
#
# $$\mu = \frac1D\sum_{j=1}^D x_j, \quad
#   \sigma^2 = \frac1D\sum_{j=1}^D (x_j-\mu)^2, \quad
#   \hat x_j = \frac{x_j-\mu}{\sqrt{\sigma^2+\epsilon}}, \quad
#   y_j = \gamma_j\hat x_j + \beta_j.$$
#
# Nothing depends on the batch, so training and inference compute the same
# thing and one sample is enough. The backward pass is BatchNorm's with the
# axes swapped; with $g_j = \gamma_j\,\partial E/\partial y_j$ and the bars
# averages over the sample's features,
#
# $$\frac{\partial E}{\partial x_j} = \frac{1}{\sqrt{\sigma^2+\epsilon}}
#   \Big(g_j - \bar g - \hat x_j\,\overline{g\hat x}\Big).$$
#
# `ll.layers.LayerNorm` is those lines; here it is on one sample, and checked
# against finite differences:

# %%
rng = np.random.default_rng(0)
ln = ll.layers.LayerNorm(6)
x = rng.normal(3.0, 2.0, size=(1, 6))
print("one sample:   ", np.round(ln.forward(x), 3))
print("mean 0 and std 1 (to 4 decimals):",
      np.allclose(ln.forward(x).mean(), 0.0, atol=1e-4), np.allclose(ln.forward(x).std(), 1.0, atol=1e-4))
print("inference too:", np.array_equal(ln.forward(x, training=False), ln.forward(x)))
errors = ll.gradcheck.check_layer(ln, rng.standard_normal((4, 6)))
print("relative error vs finite differences below 1e-6:", max(errors.values()) < 1e-6)
try:
    ll.layers.BatchNorm(6).forward(x)
except ValueError as err:
    print("BatchNorm:", err)

# %% [markdown]
# How much does one sample's normalized output depend on the other samples
# of its batch? `ll.experiments.batch_dependence` puts one fixed sample into
# 20 batches whose other members are random and measures the spread of its
# output:

# %%
print("batch size   BatchNorm   LayerNorm")
for b in (2, 4, 16, 64, 256):
    ln_spread = ll.experiments.batch_dependence("layer", b)
    print(f"{b:10}   {ll.experiments.batch_dependence('batch', b):9.3f}   "
          + ("below 1e-15" if ln_spread < 1e-15 else f"{ln_spread:9.3f}"))

# %% [markdown]
# BatchNorm's output for the same sample moves by about 0.8–0.9 (in units of
# the normalized feature; 0.79–0.93 over five draws) at batch size 2 and
# still by 0.06–0.07 at 256: it
# shrinks roughly like $1/\sqrt{\text{batch}}$. LayerNorm's moves only by
# rounding, below $10^{-15}$. That spread is noise in every gradient BatchNorm passes
# back, and at inference the running averages replace the batch statistics.
# At batch size 2 both hurt. `ll.experiments.small_batch_run` trains six
# blocks Dense → norm → ReLU (32 units) with mini-batches of a given size
# and measures the accuracy in inference mode. Its `nudge` multiplies the
# inputs by $1 + 10^{-15}$ or so, changing only their last digits — the size
# of the difference between two CPUs' arithmetic. Five draws of the weights
# for each normalization and batch size, and the batch-2 runs again with two
# nudges:

# %%
nudges = (1e-15, -1e-15)
for norm, b in (("layer", 2), ("layer", 32), ("batch", 32)):   # BatchNorm at 2: see below
    acc = [ll.experiments.small_batch_run(norm, b, seed=s).accuracy for s in range(5)]
    print(f"{norm.capitalize()}Norm, batch {b:2}: " + " ".join(f"{a:.2f}" for a in acc))
ln = [[ll.experiments.small_batch_run("layer", 2, seed=s, nudge=n).accuracy for n in nudges]
      for s in range(5)]
bn = np.array([[ll.experiments.small_batch_run("batch", 2, seed=s, nudge=n).accuracy
                for n in (0.0, *nudges)] for s in range(5)])
print("nudged LayerNorm runs, batch 2: every accuracy unchanged:",
      all(a == ll.experiments.small_batch_run("layer", 2, seed=s).accuracy
          for s, row in enumerate(ln) for a in row))
print("nudged BatchNorm runs, batch 2 (15 runs): spread over more than 25 points:",
      bool(bn.max() - bn.min() > 0.25), "/ mean below 70 %:", bool(bn.mean() < 0.7))

# %% [markdown]
# LayerNorm learns with batches of two (84–90 % over five draws), and not
# one of its results changes when the inputs are nudged. BatchNorm with
# batches of two is close to chance on average, and *which* result a run
# reaches depends on the last digits of the arithmetic: over its 15 runs the
# accuracy spreads over more than 25 percentage points (so the notebook does
# not print them: another CPU would print other numbers). Every step normalizes with the statistics of two
# samples, which are mostly noise, and the running averages used for
# inference are averages of that noise. With batches of 32 both reach
# 98–100 %. That is why
# transformers, trained with long sequences and small or varying batches,
# use LayerNorm. `ll.model.MLP(..., layernorm=True)`
# puts one before every hidden activation, as `batchnorm=True` does (and
# keeps the dense bias: LayerNorm removes only its average over the
# features, so without it the first layer could not tell $x$ from $2x$).
#
# ### Pre-LN and post-LN
#
# Where should LayerNorm go in a residual block (lesson 10)? The original
# Transformer put it after the sum, **post-LN**: $x \leftarrow
# \mathrm{LN}(x + F(x))$. Most models now put it at the start of the branch,
# **pre-LN**: $x \leftarrow x + F(\mathrm{LN}(x))$, which leaves the shortcut a
# pure identity from the output to the first block. A stack of 50 blocks,
# branch Dense → ReLU (32 units, He-normal), a random gradient coming back
# from the top; the gradient of each block's weights:

# %%
profiles = {p: ll.experiments.norm_placement_profile(p, 50) for p in ("none", "pre", "post")}
for p, prof in profiles.items():
    print(f"{p:5} std of the stream after block 50: {prof.stream_std[-1]:8.2g}   "
          f"gradient at block 1 / block 50: {prof.grad_norms[0] / prof.grad_norms[-1]:6.3g}")
_ = ll.plots.show_static(ll.plots.plot_norm_placement(profiles).fig)

# %% [markdown]
# Without normalization every block adds a branch about as large as the
# stream, so the stream's spread grows by a constant factor per block: above
# $10^{10}$ after 50 blocks (lesson 10's warning about shortcuts on their own). Post-LN keeps
# the stream at exactly 1 but every gradient must cross every LayerNorm on
# its way down, each one rescaling it; the gradient at block 1 ends up 70–140
# times that at block 50 over five draws (2.3–2.6 times with 10 blocks).
# Pre-LN lets the stream grow slowly (a spread of about 6 after 50 blocks)
# and the gradient at block 1 is 9–14 times that at block 50 (2.8–3.6 times
# with 10 blocks): the identity path delivers the top's gradient to every block
# unchanged, and each branch only adds to it. In large transformers this is
# what lets pre-LN train without the warm-up post-LN needs (Xiong et al.,
# 2020), whose analysis also finds post-LN's gradients uneven across depth
# (largest near the output in their transformer; this small ReLU stack is
# steeper at the bottom).
#
# ## 3 · GELU and SiLU
#
# ReLU's derivative is exactly 0 for every negative input, which is what lets
# a unit die (lesson 04). Two smooth relatives, now the defaults of most
# transformers, weigh the input by a probability instead of cutting it:
#
# * **GELU** (Hendrycks & Gimpel, 2016): $f(z) = z\,\Phi(z)$, with $\Phi$ the
#   standard normal CDF, $\Phi(z) = \tfrac12\big(1 + \mathrm{erf}(z/\sqrt2)\big)$;
#   $f'(z) = \Phi(z) + z\,\varphi(z)$.
# * **SiLU** or **Swish** (Elfwing et al., 2018; Ramachandran et al., 2017):
#   $f(z) = z\,\sigma(z)$; $f'(z) = \sigma(z)\big(1 + z(1-\sigma(z))\big)$.
#
# Both are smooth, equal to about $z$ for large $z$ and about 0 for very
# negative $z$, and **non-monotone**: they dip below 0 just left of the origin
# (GELU's minimum is −0.17 at $z \approx -0.75$, SiLU's −0.28 at
# $z \approx -1.28$). Their derivative is never exactly 0 on an interval, so a
# unit whose input is negative still passes some gradient back (a little
# negative, down to −0.13 and −0.10), and it is at most 1.13 and 1.10: a
# little more than ReLU's 1. numpy has no erf; `ll.activations.erf` evaluates
# W. J. Cody's rational approximations, within a few units in the last place
# of Python's `math.erf`.

# %%
gallery = ll.plots.plot_activation_gallery({
    "ReLU": ll.experiments.activation_curve("relu"),
    "GELU": ll.experiments.activation_curve("gelu"),
    "SiLU": ll.experiments.activation_curve("silu"),
})
_ = ll.plots.show_static(gallery.fig)
for name in ("gelu", "silu"):
    act = ll.activations.get(name)
    z = np.linspace(-6.0, 6.0, 1_200_001)
    f, d = act.forward(z), act.grad(z)
    print(f"{name}: minimum {f.min():.3f} at z = {z[f.argmin()]:.2f}; "
          f"f' from {d.min():.3f} to {d.max():.3f}")

# %% [markdown]
# Lesson 04's gallery and the lab's activation menu include both.
#
# ## 4 · Learning-rate warm-up
#
# At the very first step Adam has seen one gradient: $\hat m = g$ and
# $\hat v = g^2$, so every weight moves by $\eta\,g/(|g| + \epsilon) \approx
# \pm\eta$ — all of them by the full learning rate at once, in the direction
# of their own gradient. In a layer with $n$ inputs those $n$ changes add up
# in each weighted sum. For a wide, deep network an $\eta$ that is fine
# later can throw the first steps far off. **Warm-up** starts with a small
# learning rate and raises it linearly over the first $k$ steps,
# $\eta_t = \eta\,\min(1, t/k)$, while Adam's averages fill up.
#
# Eight ReLU layers of 64 units (He-normal, no normalization), Adam with
# $\eta = 0.03$ on 64 points of the two moons; the loss of the first steps,
# without and with a 20-step warm-up:

# %%
for k in (0, 20):
    run = ll.experiments.warmup_run(0.03, k)
    print(f"warm-up {k:2}: " + " ".join(f"{v:.2f}" for v in run.loss[:12]))
runs = {k: ll.experiments.warmup_run(0.03, k) for k in (0, 20)}
_ = ll.plots.show_static(ll.plots.plot_warmup(runs).fig)

# %% [markdown]
# Without warm-up the loss jumps within the first two updates: over eight
# draws of the weights the largest loss of the first 12 steps is 6.7 to 26
# (from 0.6–0.9 at the start). With a 20-step warm-up it stays below 1.6.
# Warm-up does not make any learning rate safe — at $\eta = 0.03$ this net
# can still jump later, once the rate is at its full value — it removes the
# jump that comes from Adam's all-at-once first steps. It is the standard
# companion of Adam in transformers, and especially of post-LN ones.

# %% tags=["nbval-ignore-output"]
ll.widgets.warmup_panel()

# %% [markdown]
# ## 5 · Watching gradient health
#
# Every lesson drew per-layer gradients from inside the network. In your own
# training code, make it a habit: record each layer's gradient norm and
# update-to-weight ratio and look at them before tuning anything else.
# `ll.probes.GradientMonitor` does it for any model here. Two runs of the
# 12-layer sigmoid stack, 30 steps each:

# %%
for name in ("sgd", "adam"):
    model = ll.model.MLP([2] + [16] * 11 + [1], "sigmoid", seed=0)
    monitor = ll.probes.GradientMonitor(model)
    opt = ll.optim.get(name)
    for _ in range(30):
        model.step(X, T, optimizer=opt, loss="binary_cross_entropy")
        monitor.record()
    print(name)
    print(monitor.report())
    print()

# %% [markdown]
# Both runs have the same vanishing gradient at the input side (four orders of
# magnitude below the top layer's, flagged "vanishing"). Under SGD that
# means a stalled layer (update ratio far below $10^{-5}$); under Adam the
# same layers move at a healthy ~$10^{-3}$. The two columns answer two
# questions: *does the signal arrive?* and *does the layer learn?*
#
# In a framework the same numbers are a few lines away:
#
# > **PyTorch** — after `loss.backward()`: `{n: p.grad.norm() for n, p in
# > model.named_parameters()}`; `torch.nn.utils.clip_grad_norm_(...)` returns
# > the total norm before clipping (log it even when you do not clip); the
# > update ratio is `(p.detach() - before).norm() / before.norm()` with
# > `before = p.detach().clone()` taken before `optimizer.step()`;
# > `p.register_hook(lambda g: ...)` sees a gradient as it is computed;
# > `SummaryWriter().add_histogram(name, p.grad, step)` sends whole
# > distributions to TensorBoard.
# >
# > **Keras** — `with tf.GradientTape() as tape: ...`, then
# > `grads = tape.gradient(loss, model.trainable_variables)` and
# > `tf.norm(g)` per variable; `keras.callbacks.TensorBoard(log_dir,
# > histogram_freq=1)` records weight histograms every epoch.

# %% [markdown]
# ## Exercise: one Adam step
#
# Write `adam_step(w, g, m, v, t, lr, beta1, beta2, eps)` that returns the
# new `(w, m, v)` after one Adam step, with bias correction, for arrays of
# any shape. `m` and `v` are the running averages before this step (zeros
# before the first), `t` counts steps from 1; return the running averages
# themselves, not the corrected ones. Do not change the arguments in place.
# The check tries the first step, a late step, gradients of very different
# sizes (one below ε) and 2-D arrays.

# %%
def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    # YOUR CODE HERE
    raise NotImplementedError

# %%
ll.exercises.check_adam_step(adam_step)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `adam_step` is left as it is. To run the check on
# this one: ll.exercises.check_adam_step(adam_step_solution)
def adam_step_solution(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * g          # running average of g
    v_new = beta2 * v + (1 - beta2) * g ** 2     # running average of g² (entry by entry)
    m_hat = m_new / (1 - beta1 ** t)             # undo their start at 0
    v_hat = v_new / (1 - beta2 ** t)
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, m_new, v_new                   # the running averages, uncorrected

# %% [markdown]
# ## In a framework
#
# > **PyTorch** — `torch.optim.Adam(model.parameters(), lr=1e-3,
# > betas=(0.9, 0.999), eps=1e-8)` (and `AdamW` for weight decay done right);
# > `torch.optim.RMSprop(params, lr=0.01, alpha=0.99)` (note: PyTorch's
# > default `alpha`, our $\rho$, is 0.99); `torch.nn.LayerNorm(d)`;
# > `torch.nn.GELU()` (exact; `GELU(approximate="tanh")` is the tanh form),
# > `torch.nn.SiLU()`; warm-up with `torch.optim.lr_scheduler.LinearLR(opt,
# > start_factor=0.05, total_iters=20)`.
# >
# > **Keras** — `keras.optimizers.Adam(learning_rate=1e-3)` (Keras's default
# > `epsilon` is `1e-7`, ten times PyTorch's), `keras.optimizers.RMSprop(rho=0.9)`,
# > `keras.layers.LayerNormalization()`, `activation="gelu"` or `"silu"`
# > (`"swish"`), and warm-up as a schedule, e.g.
# > `keras.optimizers.schedules.CosineDecay(0.0, decay_steps, warmup_target=1e-3,
# > warmup_steps=20)`.

# %% [markdown]
# ## Summary
#
# * Adam and RMSProp give every weight a step of about η, so layers whose gradients vanished still learn — until the gradient falls below ε, and a zero gradient stays zero.
# * LayerNorm normalizes each sample over its features: no batch dependence, the same in training and inference, fine with batches of one or two; pre-LN keeps the shortcut an identity.
# * GELU and SiLU never switch a unit off for good; warm-up tames Adam's all-at-once first steps; a gradient monitor shows which layers vanish, explode or stall.
#
# That is the whole series: back to [00 · Start here](00_start_here.ipynb) for the map, or to the [lab](11_gradient_flow_lab.ipynb), which now has Adam and LayerNorm too.

# %% [markdown]
# ## References
#
# * T. Tieleman, G. Hinton (2012). Lecture 6.5, RMSProp. *Neural Networks for
#   Machine Learning* (Coursera). — Dividing the step by a running RMS of the
#   gradient.
# * D. P. Kingma, J. Ba (2015). Adam: a method for stochastic optimization.
#   *ICLR 2015*. — Adam and its bias correction.
# * J. L. Ba, J. R. Kiros, G. E. Hinton (2016). Layer normalization.
#   *arXiv:1607.06450*. — LayerNorm.
# * R. Xiong, Y. Yang, D. He, K. Zheng, S. Zheng, C. Xing, H. Zhang, Y. Lan,
#   L. Wang, T.-Y. Liu (2020). On layer normalization in the Transformer
#   architecture. *ICML 2020*. — Pre-LN vs post-LN and the warm-up post-LN needs.
# * D. Hendrycks, K. Gimpel (2016). Gaussian error linear units (GELUs).
#   *arXiv:1606.08415*. — GELU.
# * S. Elfwing, E. Uchibe, K. Doya (2018). Sigmoid-weighted linear units for
#   neural network function approximation in reinforcement learning. *Neural
#   Networks* 107. — SiLU.
# * P. Ramachandran, B. Zoph, Q. V. Le (2017). Searching for activation
#   functions. *arXiv:1710.05941*. — Swish.
# * P. Goyal et al. (2017). Accurate, large minibatch SGD: training ImageNet
#   in 1 hour. *arXiv:1706.02677*. — Gradual learning-rate warm-up.
# * L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han (2020). On the
#   variance of the adaptive learning rate and beyond. *ICLR 2020*. — Why Adam
#   needs warm-up (RAdam).
# * W. J. Cody (1969). Rational Chebyshev approximations for the error
#   function. *Mathematics of Computation* 23. — The erf used for GELU.
# * A. Karpathy et al. *CS231n: Convolutional neural networks for visual
#   recognition*, notes "Neural networks part 3" (2016). — The update-to-weight
#   ratio of about 1e-3 as a health check.
