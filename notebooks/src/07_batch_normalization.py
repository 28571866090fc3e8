# %% [markdown]
# # 07 · Batch normalization
#
# In lesson 05 a 30-layer sigmoid stack passed almost nothing back to its
# first layer; in lesson 06 a well-chosen weight scale fixed the *start* of
# training. But training changes the weights, so the inputs each layer sees
# keep shifting and stretching, and a layer can drift back into the flat tails
# of its activation.
#
# **Batch normalization** (BN, Ioffe & Szegedy, 2015) takes a direct route: in
# every layer, on every mini-batch, it re-centers and re-scales each feature to
# mean 0 and variance 1, then lets the network learn the scale and shift it
# actually wants. This lesson builds it, checks its gradient, and measures what
# it does to the gradients of a deep sigmoid network: the first layer goes from
# receiving nothing to learning as fast as the last.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## The maths: four steps per feature
#
# Take one feature (one unit's weighted sum $\mathrm{net}$) over a mini-batch
# $B$ of $m$ samples $x^{(1)},\dots,x^{(m)}$:
#
# $$
# \begin{array}{ll}
# 1. & \mu_B = \dfrac1m\sum_{i=1}^{m} x^{(i)} \\[6pt]
# 2. & \sigma_B^2 = \dfrac1m\sum_{i=1}^{m} \bigl(x^{(i)}-\mu_B\bigr)^2 \\[6pt]
# 3. & \hat x^{(i)} = \dfrac{x^{(i)}-\mu_B}{\sqrt{\sigma_B^2+\varepsilon}} \\[6pt]
# 4. & y^{(i)} = \gamma\otimes\hat x^{(i)} + \beta
# \end{array}
# $$
#
# Step 2 is the *biased* variance (divide by $m$). $\varepsilon$ (here
# $10^{-5}$) keeps step 3 finite when a feature is constant. $\otimes$ is the
# elementwise product: every feature has its own scale $\gamma$ and shift
# $\beta$, learned by backpropagation like weights. Steps 1–3 force mean 0 and
# variance 1; step 4 gives the network a way back to any mean and variance it
# finds useful. With $\gamma = \sqrt{\sigma_B^2+\varepsilon}$ and $\beta = \mu_B$
# step 4 undoes steps 1–3 exactly, $y^{(i)} = x^{(i)}$: the layer can learn to
# be the identity, so normalizing takes nothing away from what the network
# can represent.
#
# In hidden layer $h$ the usual place is between the weighted sum and the
# activation: $\mathrm{net}^h = Y^{h-1}W^h$, then $Y^h = f\bigl(\mathrm{BN}(\mathrm{net}^h)\bigr)$.

# %% [markdown]
# ## Built in a few lines
#
# Three features with very different means and spreads, a batch of 64.
# `ll.layers.BatchNorm` in training mode brings every column to mean 0 and
# variance 1:

# %%
rng = np.random.default_rng(0)
X = rng.normal(loc=[5.0, -2.0, 0.5], scale=[3.0, 0.5, 10.0], size=(64, 3))
bn = ll.layers.BatchNorm(3)
Y = bn.forward(X, training=True)

with np.printoptions(precision=3, suppress=True):
    print("input  mean", X.mean(axis=0), "  variance", X.var(axis=0))
    print("output mean", np.round(Y.mean(axis=0), 3) + 0.0, "  variance", Y.var(axis=0))

# %% [markdown]
# The same four steps written out by hand give the same numbers
# ($\gamma = 1$, $\beta = 0$ at the start):

# %%
mu_B = X.mean(axis=0)                                # 1. batch mean
var_B = ((X - mu_B) ** 2).mean(axis=0)               # 2. batch variance (biased)
x_hat = (X - mu_B) / np.sqrt(var_B + bn.eps)         # 3. normalize
y = bn.params["gamma"] * x_hat + bn.params["beta"]   # 4. scale and shift
print("same as the layer (to 1e-12):", np.abs(y - Y).max() < 1e-12)
undo = np.sqrt(var_B + bn.eps) * x_hat + mu_B        # gamma = sqrt(var + eps), beta = mu
print("gamma = √(σ²+ε), beta = μ gives the input back (to 1e-12):",
      np.abs(undo - X).max() < 1e-12)

# %% [markdown]
# ## Four vectors per layer, two of them not trained
#
# A BatchNorm layer keeps **four vectors**, one number per feature in each:
#
# * $\gamma$ and $\beta$ — trained by backpropagation; they are the layer's `params`;
# * the running mean $\hat\mu$ and running variance $\hat\sigma^2$ — *not*
#   trained; they are plain attributes, updated during training-mode forward
#   passes by an exponential moving average
#
# $$\hat v \leftarrow \hat v\cdot\text{momentum} + v\cdot(1-\text{momentum}),$$
#
# with $v$ the current batch's $\mu_B$ or $\sigma^2_B$. A good momentum is close
# to 1, typically 0.9 or 0.99. This layer averages the biased $\sigma^2_B$ of
# step 2, which underestimates the variance by the factor $(m-1)/m$ (3 % for
# batches of 32). The BN paper uses the unbiased $\frac{m}{m-1}\sigma^2_B$ for
# inference, and so does PyTorch's running variance.

# %%
print("trained (params):", list(bn.params))
print("not trained     : running_mean, running_var")
with np.printoptions(precision=3, suppress=True):
    print("after one batch, running_mean =", bn.running_mean,
          "= 0.9 × 0 + 0.1 × μ_B =", 0.1 * mu_B)
    print("                 running_var  =", bn.running_var,
          "= 0.9 × 1 + 0.1 × σ²_B =", 0.9 + 0.1 * var_B)

# %% [markdown]
# ## Training mode vs inference mode
#
# At prediction time there is often a single sample. In a batch of one the
# batch mean *is* the sample, $\mu_B = x$, so step 3 gives $\hat x = 0$ (and
# $y = \beta$) whatever the input: the prediction would not depend on the input
# at all. That is why training needs batches of more than one sample (and in
# practice many more: the statistics of a small batch are noisy), and why a
# prediction should not depend on which other samples happen to share the
# batch. In inference mode the layer therefore uses the running statistics:
#
# $$\hat x = \frac{x-\hat\mu}{\sqrt{\hat\sigma^2+\varepsilon}},\qquad y = \gamma\otimes\hat x+\beta .$$

# %%
x_one = X[:1]
try:
    bn.forward(x_one, training=True)
except ValueError as err:
    print("training mode:", err)

by_hand = (x_one - bn.running_mean) / np.sqrt(bn.running_var + bn.eps)
print("inference mode uses the running statistics:",
      np.allclose(bn.forward(x_one, training=False), by_hand))

# %% [markdown]
# How quickly do the running statistics find the true ones? The layer starts
# from $\hat\mu = 0$. If every batch mean equals $\mu$ on average, after $k$
# steps the running mean is $\mu(1-\rho^k)$ on average, with $\rho$ the momentum
# (a new letter, since $m$ is already the batch size). It
# is within 1 % of $\mu$ once $\rho^k \le 0.01$, that is after
# $k \ge \ln 0.01/\ln \rho$ steps. Once it has forgotten its start it still
# jitters, because every batch mean is noisy: its standard deviation is
# $\frac{\sigma}{\sqrt m}\sqrt{\frac{1-\rho}{1+\rho}}$ for batches of $m$ values with
# spread $\sigma$.

# %%
for m in (0.9, 0.99):
    trace = ll.experiments.running_mean_trace(m, batch_size=32, true_mean=3.0, true_std=2.0)
    print(f"momentum {m}: within 1 % after {ll.experiments.steps_to_converge(m)} steps, "
          f"then jitters by ±{trace['steady_std']:.3f}")

# %% [markdown]
# So there is a trade-off: momentum 0.99 averages ten times as many batches
# (smoother), but needs ten times as many steps to get there. Here both are fed
# batches of 32 values from $\mathcal N(3, 2^2)$:

# %%
fig = ll.plots.plot_running_means({f"momentum ρ = {m}": ll.experiments.running_mean_trace(m)
                                   for m in (0.9, 0.99)})
_ = ll.plots.show_static(fig)

# %% [markdown]
# **Try it.** Move the momentum slider: at 0.999 the running mean is still far
# below μ after 600 steps; at 0 it simply copies the last batch mean. The batch
# size slider changes how noisy each batch mean (light blue) is.

# %% tags=["nbval-ignore-output"]
ll.widgets.running_mean_panel(momentum=0.9)

# %% [markdown]
# ## Before or after the activation?
#
# The original paper puts BN **before** the activation, on $\mathrm{net}^h$.
# For a saturating activation that matters. Take a layer whose weighted sums
# are spread far too widely (standard deviation 5) and compare three wirings:
# $f(\mathrm{net})$, $f(\mathrm{BN}(\mathrm{net}))$ and
# $\mathrm{BN}(f(\mathrm{net}))$, counting sigmoid units in their flat tails
# ($\sigma' < 5\,\%$ of its maximum 0.25):

# %%
placements = ll.experiments.saturation_by_placement(activation="sigmoid", net_std=5.0)
for placement, s in placements.items():
    print(f"{placement:9s}: saturated {s['saturated']:5.1%}, mean slope σ′ {s['mean_slope']:.3f}, "
          f"output std {s['out_std']:.2f}")

# %% [markdown]
# BN after the activation hands the next layer nicely scaled inputs (std 1),
# but the sigmoid itself still works in its tails and passes back a quarter of
# the gradient it could. BN before keeps the sigmoid in its sensitive middle:
# the mean slope is the $E[\sigma'(z)] \approx 0.207$ of a standard normal $z$.
# (With ReLU-like activations both placements are used in practice.)
#
# ### The bias before BN is redundant
#
# Step 1 subtracts the batch mean, so a constant $b$ added to every sample of a
# feature is subtracted again: in training mode $\mathrm{BN}(XW + b) =
# \mathrm{BN}(XW)$ exactly, and $\beta$ already provides the shift. The bias
# cannot even learn: its gradient is zero.

# %%
dense = ll.layers.Dense(4, 3, seed=1)                 # has a bias b, zero at the start
bn2 = ll.layers.BatchNorm(3)
X4 = rng.normal(size=(16, 4))
out_without_b = bn2.forward(dense.forward(X4))
dense.params["b"][:] = [5.0, -2.0, 0.7]                # a large bias
out_with_b = bn2.forward(dense.forward(X4))
print("output unchanged by the bias (to 1e-12):",
      np.abs(out_with_b - out_without_b).max() < 1e-12)

bn2.forward(dense.forward(X4))
dense.backward(bn2.backward(rng.normal(size=(16, 3))))
print("gradient of the bias is 0 (to 1e-12):   ", np.abs(dense.grads["b"]).max() < 1e-12)

# %% [markdown]
# That is why `ll.model.MLP(..., batchnorm=True)` builds its hidden dense layers
# **without** a bias (and Keras users pass `use_bias=False`):

# %%
print(ll.model.MLP([2, 8, 8, 1], activation="sigmoid", batchnorm=True))

# %% [markdown]
# ## The `axis`: which numbers share one mean
#
# `axis` names the **feature axis**; statistics are taken over every *other*
# axis. For a dense layer's $(N, D)$ batch that is the default `axis=-1`: one
# mean per feature, over the $N$ samples.
#
# In a convolutional layer one filter's weights are shared by every position
# of its feature map, so all those positions are normalized together: with a
# batch of $b$ images and feature maps of $h\times w$, each channel gets one
# $\mu_B$, one $\sigma^2_B$, one $\gamma$ and one $\beta$, computed over
# $b\cdot h\cdot w$ numbers. For channels-first tensors $(N, C, H, W)$ that is
# `axis=1`; for channels-last $(N, H, W, C)$ it is `axis=-1` again.

# %%
feature_maps = rng.normal(loc=4.0, scale=3.0, size=(8, 3, 5, 5))    # (N, C, H, W)
out_first = ll.layers.BatchNorm(3, axis=1).forward(feature_maps)
channels_last = feature_maps.transpose(0, 2, 3, 1)                   # (N, H, W, C)
out_last = ll.layers.BatchNorm(3, axis=-1).forward(channels_last)

print("values per channel: b·h·w =", 8 * 5 * 5)
with np.printoptions(precision=3, suppress=True):
    print("per-channel mean:", np.round(out_first.mean(axis=(0, 2, 3)), 3) + 0.0,
          " variance:", out_first.var(axis=(0, 2, 3)))
print("channels-last gives the same numbers:",
      np.allclose(out_last, out_first.transpose(0, 2, 3, 1)))

# %% [markdown]
# ## The backward pass, checked
#
# Write $\frac{\partial E}{\partial y}$ for the gradient arriving from above.
# Per feature, summing over the batch:
#
# $$
# \frac{\partial E}{\partial\gamma} = \sum_i \frac{\partial E}{\partial y^{(i)}}\hat x^{(i)},\qquad
# \frac{\partial E}{\partial\beta} = \sum_i \frac{\partial E}{\partial y^{(i)}},\qquad
# \frac{\partial E}{\partial\hat x^{(i)}} = \gamma\,\frac{\partial E}{\partial y^{(i)}},
# $$
#
# $$
# \frac{\partial E}{\partial x^{(i)}} = \frac{1}{m\sqrt{\sigma_B^2+\varepsilon}}
# \Bigl(m\,\frac{\partial E}{\partial\hat x^{(i)}} - \sum_j\frac{\partial E}{\partial\hat x^{(j)}}
# - \hat x^{(i)}\sum_j\frac{\partial E}{\partial\hat x^{(j)}}\hat x^{(j)}\Bigr).
# $$
#
# The two subtracted sums are there because $\mu_B$ and $\sigma_B^2$ depend on
# every sample of the batch. In inference mode the statistics are constants and
# only $\frac{\partial E}{\partial x} = \gamma\,\frac{\partial E}{\partial y}/\sqrt{\hat\sigma^2+\varepsilon}$
# remains. Finite differences agree with both, for 2-D and 4-D inputs:

# %%
bn3 = ll.layers.BatchNorm(4, momentum=0.9)
bn3.params["gamma"][:] = rng.uniform(0.5, 2.0, 4)
bn3.params["beta"][:] = rng.normal(size=4)
Xg = rng.normal(loc=1.0, scale=2.0, size=(6, 4))
for _ in range(5):                                   # give the running statistics values
    bn3.forward(rng.normal(loc=1.0, scale=2.0, size=(6, 4)))

for training in (True, False):
    errors = ll.gradcheck.check_layer(bn3, Xg, training=training)
    mode = "training " if training else "inference"
    print(f"{mode} mode: worst relative error < 1e-6:", max(errors.values()) < 1e-6,
          "  checked:", list(errors))

errors = ll.gradcheck.check_layer(ll.layers.BatchNorm(2, axis=1), rng.normal(size=(3, 2, 2, 2)))
print("4-D, axis=1    : worst relative error < 1e-6:", max(errors.values()) < 1e-6)

# %% [markdown]
# **Why this cures vanishing and exploding signals.** Multiply a layer's
# weights by any $a > 0$: $\mathrm{net}$ is multiplied by $a$, its batch mean
# and standard deviation too, and $\hat x$ does not change (up to
# $\varepsilon$). Too-large or too-small weights no longer blow up or shrink
# the forward signal. The weight gradient scales by $1/a$: larger weights get
# smaller updates, which keeps their growth in check (the BN paper's own
# argument).

# %%
dense_a = ll.layers.Dense(4, 3, bias=False, seed=2)
bn_a = ll.layers.BatchNorm(3)
dout = rng.normal(size=(16, 3))
results = {}
for a in (1.0, 10.0):
    dense_a.params["W"] *= a
    out = bn_a.forward(dense_a.forward(X4))
    dense_a.backward(bn_a.backward(dout))
    results[a] = (out, np.linalg.norm(dense_a.grads["W"]))
    dense_a.params["W"] /= a
print("output unchanged with 10× weights:", np.allclose(results[1.0][0], results[10.0][0]))
print("‖∂E/∂W‖ with 1× weights ÷ with 10× weights:", f"{results[1.0][1] / results[10.0][1]:.2f}")

# %% [markdown]
# ## Gradients through a deep stack, with and without BN
#
# Now the experiment of lesson 05: a stack of sigmoid layers (width 64, Glorot
# init, one batch of 96), one backward pass, and the size of each layer's
# weight gradient $\|\partial E/\partial W^l\|$. The same weights, once plain
# and once with BN before every activation:

# %%
profiles = ll.experiments.bn_gradient_profiles(30, activation="sigmoid")
for name, g in profiles.items():
    print(f"{name + ' BN':10s}: first layer ÷ last layer = {g[0] / g[-1]:.2g}")

fig = ll.plots.plot_bn_profiles(profiles, title="30 sigmoid layers, one backward pass")
_ = ll.plots.show_static(fig)

# %% [markdown]
# Without BN each layer multiplies the signal by its slope $\sigma' \le 0.25$
# (Glorot weights keep the rest of the factor near 1 on square layers),
# and the first layer gets $10^{-19}$ of what the last gets. With BN every
# sigmoid works in its steep middle and the profile is nearly flat.
#
# **Try it.** Drag the depth: the gap without BN grows by orders of magnitude,
# with BN it stays within a small factor. Then pick `tanh`: without BN its
# curve is level (first ÷ last within a factor of 1.5), since tanh's slope is
# 1 near 0. Pick `relu`: without BN its curve is level too, but far down —
# about $10^{-4}$ at depth 30 and $10^{-7}$ at depth 50. These are Glorot
# weights, which halve the ReLU signal's variance at every layer on the way
# forward (lesson 06), and $\delta$ shrinks as fast on the way back, so every
# layer gets the same tiny gradient: a level curve is not yet a healthy one.
# *With* BN, tanh and ReLU stacks now **grow** toward the input — about ×30 at
# depth 20 and ×10⁴ at depth 50 for ReLU. BN is not a cure-all at
# initialization; very deep networks pair it with the residual shortcuts of
# lesson 10.

# %% tags=["nbval-ignore-output"]
ll.widgets.bn_gradient_panel(depth=20)

# %% [markdown]
# ## Training a deep sigmoid network
#
# Does it matter for learning? Ten hidden sigmoid layers of 32 units on the two
# moons, mini-batches of 50, learning rate 0.5, 300 steps, binary cross-entropy
# — once plain, once with `batchnorm=True`. Accuracy is measured in inference
# mode, so the BN network is judged with its running statistics.

# %%
X_moons, y_moons = ll.data.moons(200, noise=0.1, seed=0)
runs, models = {}, {}
for use_bn in (False, True):
    name = "with BN" if use_bn else "without BN"
    models[name] = ll.model.MLP([2] + [32] * 10 + [1], activation="sigmoid",
                                batchnorm=use_bn, seed=0)
    runs[name] = ll.training.train(models[name], X_moons, y_moons[:, None],
                                   loss="binary_cross_entropy", lr=0.5, steps=300,
                                   batch_size=50, seed=0)

for name, r in runs.items():
    g = r.history.weight_grad[0]
    acc = ll.training.accuracy(models[name], X_moons, y_moons, threshold=0.0)
    print(f"{name:10s}: loss {r.loss[:20].mean():.2f} → {r.loss[-20:].mean():.2f} "
          f"(mean of first / last 20 steps), accuracy {acc:.0%}, "
          f"step-1 gradient first ÷ last layer {g[0] / g[-1]:.2g}")

# %%
_ = ll.plots.show_static(ll.plots.plot_bn_training(runs))

# %% [markdown]
# Without BN the loss stays at $\ln 2 \approx 0.69$ — the network predicts
# "50 %" for everything. At the first step the first layer's gradient is
# $3.6\times10^{-7}$ of the last layer's (the ratio printed above), and during
# training it stays around $10^{-7}$ in absolute size (right panel): the first
# layers never move. With BN the same network's loss (averaged over 10 steps)
# is below 0.1 after 58 steps and the accuracy reaches 100 %. That is one
# draw: over five seeds (weights and mini-batches) the loss gets below 0.1
# after roughly 60 to 140 steps and the accuracy ends between 93 % and 100 %,
# while every run without BN stays at $\ln 2$ and 50 %. (Past the first
# few dozen steps, the exact step differs with the last digits of the
# arithmetic, so it differs a little from one computer to another.)
#
# ## Two more effects: batch noise, and BN on the inputs
#
# **Batch noise.** In training mode a sample's output depends on the other
# samples in its mini-batch, through $\mu_B$ and $\sigma_B$. The same sample in
# two different batches comes out differently:

# %%
noise_rng = np.random.default_rng(3)
bn_noise = ll.layers.BatchNorm(2)
sample = np.array([[1.0, -0.5]])
batch_a = np.vstack([sample, noise_rng.normal(size=(31, 2))])
batch_b = np.vstack([sample, noise_rng.normal(size=(31, 2))])
with np.printoptions(precision=2, suppress=True):
    print("the sample in batch A:", bn_noise.forward(batch_a)[0])
    print("the sample in batch B:", bn_noise.forward(batch_b)[0])

# %% [markdown]
# That noise acts as a **regularizer** — anything that keeps a network from
# fitting the accidents of its training data too closely (*over-fitting*, the
# subject of lesson 08): the network cannot rely on exact
# values of one sample, a little like dropout (lesson 08), and Ioffe & Szegedy
# found they could reduce or drop dropout in BN networks. Smaller batches mean
# more noise. In inference mode the running statistics make the output a fixed
# function of the sample: no noise.
#
# **BN on the inputs.** A BN layer placed right after the input, before the
# first weights, standardizes every input feature with batch statistics (and
# learns its own $\gamma$ and $\beta$): a network can take unscaled inputs, and
# at inference the running mean and variance do about what a standardization
# step computed on the training data would do. In Keras that is a
# `BatchNormalization()` as the first layer.

# %% [markdown]
# ## Exercise: BatchNorm forward in training mode
#
# Write `batchnorm_forward(X, gamma, beta, eps)` for a batch `X` of shape
# $(m, D)$ and vectors `gamma`, `beta` of length $D$: steps 1–4 of the
# algorithm, per column, with the *biased* variance. Return `Y`, same shape as
# `X`. The check compares it with the reference on three batches.

# %%
def batchnorm_forward(X, gamma, beta, eps):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_batchnorm_forward(batchnorm_forward)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `batchnorm_forward` is left as it is. To run the check on
# this one: ll.exercises.check_batchnorm_forward(batchnorm_forward_solution)
def batchnorm_forward_solution(X, gamma, beta, eps):
    mu = X.mean(axis=0)
    var = ((X - mu) ** 2).mean(axis=0)
    return gamma * (X - mu) / np.sqrt(var + eps) + beta

# %% [markdown]
# > **In a framework**
# >
# > **Keras**: `keras.layers.Dense(100, use_bias=False)`, then
# > `keras.layers.BatchNormalization()` and `keras.layers.Activation("elu")`.
# > Defaults: `momentum=0.99`, `epsilon=1e-3`, `axis=-1` (channels last; use
# > `axis=1` for channels-first feature maps). `fit` runs it in training mode,
# > `predict` in inference mode; `model(x, training=False)` chooses by hand.
# >
# > **PyTorch**: `nn.Linear(n_in, 100, bias=False)`, then `nn.BatchNorm1d(100)`;
# > `nn.BatchNorm2d(C)` normalizes each channel of an $(N, C, H, W)$ tensor over
# > $N\cdot H\cdot W$ values. `model.train()` / `model.eval()` switch the mode.
# > Careful: PyTorch's `momentum=0.1` is the weight of the **new** batch,
# > $\hat v \leftarrow (1-0.1)\,\hat v + 0.1\,v$ — the same as momentum 0.9 here —
# > and its running variance uses the unbiased $\frac{m}{m-1}\sigma_B^2$.

# %% [markdown]
# ## Summary
#
# * BN standardizes every feature over the mini-batch, $\hat x = (x-\mu_B)/\sqrt{\sigma_B^2+\varepsilon}$, then learns $y = \gamma\otimes\hat x+\beta$; inference uses running averages $\hat v \leftarrow \rho\,\hat v + (1-\rho)\,v$ (momentum $\rho$).
# * Placed before the activation (with the bias dropped) it keeps a sigmoid out of its flat tails and makes each layer blind to the scale of its weights.
# * A 30-layer sigmoid stack goes from a $10^{-19}$ first-to-last gradient ratio to about 2, and a 10-layer one trains instead of staying at 50 %; the batch noise regularizes, and $\gamma$, $\beta$ can undo the normalization.
#
# **Next:** [08 · Dropout](08_dropout.ipynb)

# %% [markdown]
# ## References
#
# * Ioffe, S., & Szegedy, C. (2015). Batch normalization: Accelerating deep
#   network training by reducing internal covariate shift. *Proceedings of the
#   32nd International Conference on Machine Learning (ICML)*, PMLR 37. — The
#   four steps, $\gamma$ and $\beta$ that can restore the identity, the
#   running statistics for inference (with the unbiased variance), BN before
#   the activation without a bias, per-channel BN for convolutions, the
#   backward pass, and the regularizing effect of batch noise.
