# %% [markdown]
# # 08 · Dropout
#
# Lessons 05–07 were about networks that learn too *little* because their
# gradients vanish or explode. A big network on a small data set fails the
# other way: it learns too *well*. It drives its training loss toward zero
# by memorizing the noise of the training points, and its loss on new data
# goes up — **over-fitting**.
#
# **Dropout** (Hinton et al., 2012; Srivastava et al., 2014) fights this with
# noise of its own: during training every hidden unit is switched off at
# random, anew for every sample of every mini-batch. No unit can rely on a particular partner being there
# (units that only work in such fixed teams are said to *co-adapt*), and
# the network behaves like a large ensemble of smaller networks. This lesson
# builds the mask, shows why two ways of scaling it agree, follows the
# gradient through it, and measures what it does to an over-fitting network.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## The maths
#
# Let $y_j$ be the output of hidden unit $j$, $p$ the **drop rate** and
# $q = 1 - p$ the **keep probability**. In training, each mini-batch draws a
# mask $r_j \sim \mathrm{Bernoulli}(q)$ (1 with probability $q$, else 0), one
# entry per unit and sample, and the layer passes on $r_j\,y_j$. Two ways to
# keep training and testing consistent:
#
# | | training | inference |
# |---|---|---|
# | test-time scaling (original paper) | $\tilde y_j = r_j\,y_j$ | $q\,y_j$ |
# | **inverted dropout** (used today) | $\tilde y_j = r_j\,y_j / q$ | $y_j$ |
#
# Both have the same expectation: $\mathbb E[r_j\,y_j] = q\,y_j$, and
# $\mathbb E[r_j\,y_j/q] = y_j$. Inverted dropout does the scaling in
# training, so the network is used unchanged at test time.
#
# Backward, the mask multiplies the gradient just as it multiplied the signal:
#
# $$\frac{\partial E}{\partial y_j} = \frac{r_j}{q}\,\frac{\partial E}{\partial\tilde y_j},$$
#
# so a dropped unit ($r_j = 0$) passes back nothing, and the weights feeding it
# get no update from that sample.
#
# (Careful when reading other texts: some write $p$ for the *keep*
# probability. Here, in Keras and in PyTorch, $p$ is the *drop* rate.)

# %% [markdown]
# ## Built in a few lines
#
# `ll.layers.Dropout(p)` with $p = 0.5$ on a batch of ones: every call in
# training mode draws a new mask, the kept entries become $1/q = 2$; inference
# mode passes the input through.

# %%
drop = ll.layers.Dropout(0.5, seed=0)
X = np.ones((2, 8))
print("mini-batch 1:\n", drop.forward(X, training=True))
print("mini-batch 2:\n", drop.forward(X, training=True))
print("inference:\n", drop.forward(X, training=False))

# %% [markdown]
# ## One network, $2^N$ sub-networks
#
# Each mask keeps some units and drops the others, so it selects one
# *thinned* network. With $N$ units under dropout there are $2^N$ possible
# masks. All these sub-networks share the same weights; every training step
# trains a few of them a little (one per sample of the mini-batch, since each
# sample draws its own mask). The network of this
# lesson's experiment has two hidden layers of 64 units:

# %%
model = ll.model.MLP([2, 64, 64, 1], activation="relu", dropout=0.5, seed=0)
n_units = sum(model.layer_sizes[1:-1])
n_sub = ll.experiments.ensemble_size(n_units)
print(f"{n_units} hidden units -> 2^{n_units} = {n_sub:,} sub-networks (about {float(n_sub):.1e})")

# %% [markdown]
# Training could never visit more than a tiny fraction of them, yet at test
# time one pass through the full network with the scaled activations stands
# in for averaging all of them — a cheap version of *bagging*, where many
# separately trained models vote.

# %% [markdown]
# ## Test-time scaling vs inverted dropout: equal on average
#
# Take one unit's activations, draw 20 000 masks, and average the training-mode
# outputs. Each scheme's average should match its own inference output, up to
# the Monte Carlo error (the standard error of a mean of 20 000 draws):

# %%
y_units = np.array([1.0, 2.0, -0.5, 3.0])
for inverted in (False, True):
    mc = ll.experiments.monte_carlo_mean(y_units, p=0.5, inverted=inverted, n_samples=20_000,
                                         seed=0)
    name = "inverted dropout  " if inverted else "test-time scaling "
    within = np.all(np.abs(mc["mc_mean"] - mc["inference"]) < 3 * mc["std_error"])
    with np.printoptions(precision=2, suppress=True):
        print(f"{name} average of 20 000 training passes {mc['mc_mean']}, "
              f"inference {mc['inference']}, within 3 standard errors: {within}")

# %% [markdown]
# `ll.layers.Dropout` does both: `inverted=True` (the default) or `False`.
# For one layer the equality is exact in expectation. Through the non-linear
# activations of a deep network, one scaled pass is only an approximation of
# the average over masks — a good one in practice.

# %% [markdown]
# ## The gradient flows only through kept units
#
# Send a gradient of ones back through the layer: it comes out as $r/q$,
# zero exactly where the forward pass dropped a unit. Put a dense layer in
# front and, for a single sample, the weights feeding a dropped unit get a
# gradient of exactly zero:

# %%
dense = ll.layers.Dense(3, 6, seed=1)
drop = ll.layers.Dropout(0.5, seed=3)
x = np.array([[1.0, -2.0, 0.5]])
out = drop.forward(dense.forward(x), training=True)
dout = np.ones_like(out)
d_net = drop.backward(dout)
dense.backward(d_net)
kept = drop.mask[0] != 0
print("kept units     :", kept.astype(int))
print("gradient back  :", d_net[0])
print("columns of ∂E/∂W that are all zero:", np.flatnonzero(np.all(dense.grads["W"] == 0, axis=0)),
      " = the dropped units", np.flatnonzero(~kept))

# %% [markdown]
# Each step therefore updates a different random part of the network, which
# is what keeps units from co-adapting. With the mask held fixed (the layer's
# random generator re-seeded before every pass) the backward pass agrees with
# finite differences, for both schemes:

# %%
for inverted in (True, False):
    layer = ll.layers.Dropout(0.5, inverted=inverted)
    reseed = lambda: setattr(layer, "rng", np.random.default_rng(0))  # noqa: E731
    errors = ll.gradcheck.check_layer(layer, np.random.default_rng(1).normal(size=(4, 5)),
                                      reset=reseed)
    print(f"inverted={inverted!s:5}: relative error < 1e-6:", errors["X"] < 1e-6)

# %% [markdown]
# ## Over-fitting, and what dropout does about it
#
# The experiment: **50 noisy training points** from two concentric circles
# (noise 0.3, so the classes overlap), a separate test set of 500 points from
# the same distribution, and the 64-64 ReLU network above — far more
# parameters than points. Each drop rate $p = 0, 0.1, \dots, 0.7$ trains from
# the same initial weights for 500 full-batch steps (a new mask every step),
# and the losses are measured in inference mode every 10 steps.
#
# The optimizer is **SGD with momentum** (Polyak's "heavy ball"). Plain
# gradient descent steps along $-\eta\,\partial E/\partial W$. Momentum keeps
# a *velocity* $v$ (zero at the start) that remembers the earlier steps:
# $$v \leftarrow \mu\,v - \eta\,\frac{\partial E}{\partial W}, \qquad
#   W \leftarrow W + v,$$
# here with $\eta = 0.1$ and $\mu = 0.9$. Steps that point the same way add
# up (up to $1/(1-\mu) = 10$ times a plain step), steps that zig-zag cancel.
# It only makes the training faster; it is not part of dropout.
#
# One run depends on its random draw (initial weights and masks), so every
# drop rate is trained with **five seeds** (0–4) and the table gives the mean
# over them, with the smallest and largest value where they matter.

# %%
X_train, y_train, X_test, y_test = ll.experiments.overfit_data()
n_params = sum(w.size for w in model.parameters().values())
print(f"{n_params:,} parameters for {len(X_train)} training points "
      f"({len(X_test)} test points)")

rates = ll.experiments.DROP_RATES                                          # p = 0, 0.1, ..., 0.7
seeds = ll.experiments.overfit_seeds(rates, ll.experiments.OVERFIT_SEEDS)  # 8 rates × 5 seeds
print(f"mean over seeds {list(ll.experiments.OVERFIT_SEEDS)} (smallest - largest)")
print("   p   train loss      test loss            gap          train acc  test acc")
for i, p in enumerate(rates):
    row = {k: seeds[k][i] for k in ("final_train", "final_test", "gap", "train_acc",
                                    "test_acc")}
    print(f"{p:4.1f}   {row['final_train'].mean():6.2f}   "
          f"{row['final_test'].mean():5.2f} ({row['final_test'].min():.2f}-"
          f"{row['final_test'].max():.2f})   {row['gap'].mean():5.2f} ({row['gap'].min():.2f}-"
          f"{row['gap'].max():.2f})   {row['train_acc'].mean():6.0%}   "
          f"{row['test_acc'].mean():6.0%}")
falls = np.all(np.diff(seeds["gap"], axis=0) < 0, axis=0)
print(f"the mean gap falls at every step of p: {bool(np.all(np.diff(seeds['gap'].mean(axis=1)) < 0))};"
      f" in single seeds: {int(falls.sum())} of {falls.size}")

# %% [markdown]
# Look at $p = 0$ of seed 0 first, step by step:

# %%
runs = ll.experiments.overfit_sweep(rates)  # seed 0, every rate: the figures and the panel use them
r0 = runs[0.0]
best = int(np.argmin(r0["test_loss"]))
print(f"p = 0: test loss is lowest at step {r0['best_step']} ({r0['best_test']:.2f}), "
      f"then rises to {r0['final_test']:.2f} at step {int(r0['step'][-1])}, "
      f"{r0['final_test'] / r0['best_test']:.1f}× its minimum;")
print(f"       meanwhile the training loss keeps falling, "
      f"{r0['train_loss'][best]:.2f} -> {r0['final_train']:.3f}")

# %%
_ = ll.plots.show_static(ll.plots.plot_overfit_curves(runs, show=(0.0, 0.5), summary=seeds))

# %% [markdown]
# What the measurements say, over the five seeds:
#
# * **Without dropout the network over-fits**: in seed 0, after its best point
#   (step 30) the test loss climbs to 6× its minimum while the training loss
#   heads for zero; in every seed it ends between 4 and 5. The growing test
#   loss is mostly confidence in wrong answers: about 67 % of the test points
#   are classified right, against 97 % of the training points.
# * **The mean gap between test and training loss shrinks at every step of
#   $p$**, from 4.5 at $p = 0$ to 0.86 at $p = 0.5$ and 0.37 at $p = 0.7$. The
#   training loss rises (the network can no longer memorize every point) and
#   the test loss falls more. A single seed need not fall at *every* step: in
#   one of the five, the gap at $p = 0.4$ is a little larger than at $p = 0.3$.
#   The trend is robust, the exact ordering of neighbors is not.
# * **Accuracy moves less than loss**: the mean test accuracy goes from 67 % to
#   75 %. Dropout does not make these overlapping circles separable; it stops
#   the network from betting everything on the noise.
#
# The decision regions (seed 0) show the same: without dropout the boundary
# bends around individual noisy points; with $p = 0.5$ it is a smooth closed
# curve.

# %%
_ = ll.plots.show_static(ll.plots.plot_decision_maps(runs, X_train, y_train, show=(0.0, 0.5)))

# %% [markdown]
# ## Early stopping: the free regularizer
#
# The $p = 0$ curve suggests a cheaper cure: stop training before the test
# loss turns up. But a real run must not look at its test set to decide — the
# test set would then no longer measure new data. **Early stopping** holds
# back a *validation set* (here 50 more points from the same distribution),
# measures its loss during training and keeps the weights from the step where
# the validation loss was lowest. Fewer steps mean weights that moved less
# from their small initial values, so early stopping limits the network's
# effective size much as a weight penalty does (lesson 09). The price: the
# validation points are labeled data that do not train the network.
#
# How does it compare with dropout, over the same five seeds?

# %%
i0, i7 = rates.index(0.0), rates.index(0.7)
for name, loss, acc in [
        ("p = 0, trained to the end", seeds["final_test"][i0], seeds["test_acc"][i0]),
        ("p = 0, stopped early", seeds["early_test"][i0], seeds["early_test_acc"][i0]),
        ("p = 0.7, trained to the end", seeds["final_test"][i7], seeds["test_acc"][i7]),
        ("p = 0.7, stopped early", seeds["early_test"][i7], seeds["early_test_acc"][i7])]:
    print(f"{name:28s} test loss {loss.mean():.2f} ({loss.min():.2f}-{loss.max():.2f}), "
          f"test accuracy {acc.mean():.0%}")
print("step kept by early stopping, p = 0:  ", seeds["stop_step"][i0].astype(int))
print("step kept by early stopping, p = 0.7:", seeds["stop_step"][i7].astype(int))

# %% [markdown]
# * **Early stopping alone is about as good as the strongest dropout on test
#   loss**: 0.73 against 0.70 on average, with overlapping ranges over the
#   seeds. Its network stops after 30–40 steps, before it has fitted much
#   noise — but also before it has learned much of the circle, so its test
#   accuracy (69 %) stays below dropout's (75 %).
# * **The two combine**: dropout with early stopping has the lowest test loss
#   of all, about 0.6. Dropout slows the over-fitting down, so in most seeds
#   the validation loss reaches its minimum much later, after more learning.
# * **Loss and accuracy need not agree**: the stopped $p = 0.7$ networks have
#   the lower test loss but also the lower test accuracy (71 % against 75 %).
#   Stopping early leaves the outputs cautious, near 50 %, which the
#   cross-entropy rewards on overlapping classes; the longer run draws the
#   better boundary with more confident outputs. Which to prefer depends on
#   whether the probabilities or only the decisions are used.
#
# In practice both are used together: early stopping costs nothing but a
# validation set (Keras `callbacks.EarlyStopping(patience=...,
# restore_best_weights=True)`), and it also protects the runs whose drop rate
# was chosen too small.

# %% [markdown]
# **Try it.** Every drop rate was trained above (seed 0), so the slider only
# switches between stored curves. Watch the orange test curve flatten as $p$ grows,
# while the blue training curve stops diving; the dotted line keeps $p = 0$'s
# test loss for comparison.

# %% tags=["nbval-ignore-output"]
ll.widgets.dropout_panel(p=0.3)

# %% [markdown]
# ## Exercise: inverted dropout, forward
#
# Write `dropout_forward(X, p, rng)`, inverted dropout in training mode: drop
# each entry of `X` with probability `p`, independently of the others, and
# divide the kept entries by $1 - p$. Draw the random numbers from the
# generator `rng` you are given (`rng.random(X.shape)` gives one uniform
# number in $[0, 1)$ per entry), so that a seeded run can be repeated. The
# check runs it for several `p` and tests that every entry is either 0 or
# $x/(1-p)$, that about a share $p$ is dropped, that `p = 0` changes nothing,
# and that the mask is random: another `rng` drops other entries, and every
# call draws a fresh mask.

# %%
def dropout_forward(X, p, rng):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_dropout_forward(dropout_forward)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `dropout_forward` is left as it is. To run the check on
# this one: ll.exercises.check_dropout_forward(dropout_forward_solution)
def dropout_forward_solution(X, p, rng):
    mask = rng.random(X.shape) >= p
    return X * mask / (1.0 - p)

# %% [markdown]
# > **In a framework**
# >
# > **Keras**: `keras.layers.Dropout(0.5)` after a hidden layer; the argument
# > `rate` is the drop rate and the scaling is inverted. It is active only in
# > training: `fit` (or `model(x, training=True)`) drops, `predict` passes through.
# >
# > **PyTorch**: `nn.Dropout(p=0.5)`, also the drop rate, also inverted; it drops
# > after `model.train()` and passes through after `model.eval()`. The
# > functional form is `torch.nn.functional.dropout(x, p=0.5, training=True)`.

# %% [markdown]
# ## Summary
#
# * Dropout multiplies each hidden unit by a fresh Bernoulli mask (new for every sample at every step), sampling one of $2^N$ weight-sharing sub-networks, and the gradient flows only through the kept units.
# * Inverted dropout ($r\,y/q$ in training, $y$ at test) and test-time scaling ($r\,y$, then $q\,y$) agree in expectation.
# * On 50 noisy points (mean of five seeds) the test-minus-training loss gap falls from 4.5 at $p = 0$ to 0.37 at $p = 0.7$, while the test accuracy rises only from 67 % to 75 %; early stopping on a validation set matches the strongest dropout's test loss, and the two together do best.
#
# **Next:** [09 · Clipping & regularization](09_clipping_and_regularization.ipynb)

# %% [markdown]
# ## References
#
# * N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever, R. Salakhutdinov (2014).
#   Dropout: a simple way to prevent neural networks from overfitting.
#   *Journal of Machine Learning Research* 15. — The Bernoulli mask, the
#   thinned sub-networks sharing weights, scaling by $q$ at test time.
# * G. E. Hinton, N. Srivastava, A. Krizhevsky, I. Sutskever, R. R. Salakhutdinov
#   (2012). Improving neural networks by preventing co-adaptation of feature
#   detectors. arXiv:1207.0580. — The first description of dropout and of
#   co-adaptation.
# * B. T. Polyak (1964). Some methods of speeding up the convergence of
#   iteration methods. *USSR Computational Mathematics and Mathematical
#   Physics* 4(5). — The heavy-ball momentum of the experiment's optimizer.
# * L. Prechelt (1998). Early stopping — but when? In *Neural Networks: Tricks
#   of the Trade*, Springer (LNCS 1524). — Stopping on a validation set and
#   how much it costs.
