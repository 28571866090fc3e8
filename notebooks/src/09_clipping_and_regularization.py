# %% [markdown]
# # 09 · Clipping & regularization
#
# Lesson 05 showed that a deep net multiplies its learning signal by every
# layer's weights on the way back, so weights slightly too large make the
# gradient **explode**. Lessons 06 and 07 fixed the cause (initialization,
# batch normalization). This lesson is about two cheap safety nets that work
# whatever the cause:
#
# * **gradient clipping** (梯度裁剪) puts a ceiling on the size of one update,
#   so a single exploding gradient cannot throw the weights to infinity;
# * **weight penalties** (L1/L2 正则化) keep the weights themselves small, and
#   with them the factor by which the backward pass can amplify the signal.
#
# The one question to keep in mind: *does the fix keep the direction of the
# gradient?* Only one kind of clipping does.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## An exploding network
#
# Eight ReLU layers of 32 units with He-normal weights keep the signal's size
# (lesson 06). Multiply every weight by 1.5 and each layer amplifies the
# signal by 1.5 instead: with nine weight matrices (eight hidden layers and the
# output) and zero biases, the untrained net's output is exactly
# $1.5^{9} \approx 38$ times that of the He-initialized one. The reason is that
# ReLU is **positively homogeneous**: scaling its input by any $a > 0$ scales
# its output by the same $a$, $\mathrm{ReLU}(a z) = a\,\mathrm{ReLU}(z)$. So
# each layer's factor 1.5 passes straight through the next ReLU, and with zero
# biases nothing else is added: the nine factors multiply. The backward pass
# amplifies the learning signal in the same way. We train it on the two moons with plain
# gradient descent, $\eta = 0.1$, on the binary cross-entropy.
# `ll.training.train` records the global gradient norm $\|g\|$ before every
# step and stops, setting `diverged`, as soon as something overflows.

# %%
X, y = ll.data.moons(200, noise=0.1, seed=0)
T = y[:, None].astype(float)
model = ll.experiments.exploding_model(depth=8, width=32, weight_scale=1.5, seed=0)
result = ll.training.train(model, X, T, loss="binary_cross_entropy", lr=0.1, steps=200)
print("diverged:", result.diverged, "after", result.steps, "steps")
print("‖g‖ per step:", ", ".join(f"{v:.2g}" for v in result.grad_norm))

# %% [markdown]
# The first gradient is already large; each step then makes the weights larger,
# which makes the next gradient larger still: tens of thousands after three
# steps, beyond $10^{60}$ after five, then overflow. The learning rate and the
# data are fine — the same net with He init trains — but nothing stops one bad
# step from feeding the next.

# %% [markdown]
# ## The maths of clipping
#
# Write the gradient of all weights as one long vector
# $g = (\partial E/\partial W^1, \dots, \partial E/\partial W^L)$ and the update
# as $\Delta W = -\eta\,\hat g$, where $\hat g$ is the clipped gradient. Pick a
# threshold $c > 0$.
#
# * **Clip by value** — every entry on its own:
#   $$\hat g_i = \min\big(\max(g_i, -c),\ c\big).$$
# * **Clip by norm** — the whole vector by one factor:
#   $$\hat g = g\cdot\min\Big(1,\ \frac{c}{\|g\|}\Big), \qquad
#     \|g\| = \sqrt{\textstyle\sum_h \|\partial E/\partial W^h\|^2}.$$
#   Applied to all layers together this is *clipping by global norm*; applied
#   to each weight matrix and each bias vector on its own it is *per-tensor*
#   clipping.
#
# How far did clipping turn the gradient? The **cosine similarity**
# $$\cos\theta = \frac{g\cdot\hat g}{\|g\|\,\|\hat g\|}$$
# is 1 for the same direction. Clipping by norm multiplies $g$ by a positive
# number $s$, so $\cos\theta = s\|g\|^2/(\|g\|\cdot s\|g\|) = 1$ exactly: the
# step gets shorter (at most $\eta c$ long) but points the same way. Clipping by
# value cuts only the large entries and leaves the small ones, so the ratios
# between entries change and $\cos\theta < 1$ as soon as one entry is cut
# (unless all entries have the same size). It never points uphill, though:
# every term $g_i\hat g_i$ is $\ge 0$, so $\cos\theta > 0$.
#
# A 2-D example with $g = (3, 1)$ and $c = 1$: by value gives $(1, 1)$, with
# $\cos\theta = (3+1)/(\sqrt{10}\sqrt{2}) \approx 0.894$, a turn of about 27°;
# by norm gives $g/\sqrt{10} \approx (0.949, 0.316)$, with $\cos\theta = 1$.

# %%
g = np.array([3.0, 1.0])
by_value = ll.optim.clip_by_value({"g": g}, 1.0)["g"]
by_norm = ll.optim.clip_by_norm(g, 1.0)
cos_value = ll.experiments.cosine_similarity(g, by_value)
cos_norm = ll.experiments.cosine_similarity(g, by_norm)
print("by value:", by_value, " cos =", round(cos_value, 4),
      f" turned by {np.degrees(np.arccos(cos_value)):.1f}°")
print("by norm: ", np.round(by_norm, 3), " cos =", round(cos_norm, 4))

# %% [markdown]
# ## Live: move the threshold
#
# Left, the 2-D gradient $g = (3, 1)$: gray is the original, orange clipped by
# value (projected into the dashed box $|g_i| \le c$), blue clipped by norm
# (shrunk onto the dotted circle $\|g\| = c$). Right, a gradient of 16
# entries where two are much larger than the rest, as at an explosion step.
#
# Slide $c$ down from 20, the slider's top. Nothing happens while $c$ is above every entry (and
# above $\|g\|$). Below that, the orange arrow bends toward the diagonal while
# the blue one only gets shorter. The bars show the sizes $|g_i|$ on a log
# scale, so dividing every entry by the same factor moves every bar down by
# the same distance. Value clipping cuts the two spikes down to the dashed
# line $c$ and leaves the small entries alone — now *they* set the direction —
# while the blue bars of norm clipping slide down together and keep their
# pattern. The text under the plot gives both cosines.

# %% tags=["nbval-ignore-output"]
ll.widgets.clip_panel()

# %% [markdown]
# The same picture at $c = 1$, for reading without a kernel, and its numbers
# for the 16-entry gradient:

# %%
g16 = ll.experiments.example_gradient(16, seed=0)
two, sixteen = ll.experiments.clip_comparison(g, 1.0), ll.experiments.clip_comparison(g16, 1.0)
snapshot = ll.plots.ClipPlot(g, g16, legend=True)
snapshot.update(1.0, two, sixteen)
ll.plots.show_static(snapshot.fig)
print(f"16 entries, ‖g‖ = {sixteen['norm_g']:.3g}, c = 1: by value cuts "
      f"{sixteen['n_clipped']} entries, cos = {sixteen['cos_value']:.3f}; "
      f"by norm cos = {sixteen['cos_norm']:.3f}")

# %% [markdown]
# ## Global norm, per layer, or by value?
#
# In a network the gradient is a dict of arrays, one per weight matrix and
# bias. Clip the first gradient of the exploding net in the three ways and
# compare the *whole* update's direction with the unclipped one:

# %%
grads = ll.experiments.exploding_gradients(depth=8, width=32, weight_scale=1.5, seed=0)
global_clip, norm = ll.optim.clip_by_global_norm(grads, 5.0)
per_tensor = {k: ll.optim.clip_by_norm(v, 5.0) for k, v in grads.items()}
by_value = ll.optim.clip_by_value(grads, 1.0)
print(f"global norm before clipping: {norm:.3g}")
for name, clipped in [("by global norm, c = 5", global_clip), ("per tensor, c = 5", per_tensor),
                      ("by value, c = 1", by_value)]:
    print(f"{name:22s} cos = {ll.experiments.cosine_similarity(grads, clipped):.3f}")

# %% [markdown]
# Only the global version keeps the direction of the full update. Per-tensor
# clipping keeps each tensor's direction but changes how much each one moves
# relative to the others (tensors with large gradients are damped more), so
# the full update turns too, here to $\cos\theta = 0.859$.
#
# This matters in practice, because per-tensor is what Keras' `clipnorm`
# option does, the one the notes show: `SGD(clipnorm=1.0)` clips every weight
# tensor separately and so turns the update. To keep the whole update's
# direction, use `global_clipnorm` in Keras or
# `torch.nn.utils.clip_grad_norm_` in PyTorch, which clips the global norm of
# all the parameters it is given.

# %% [markdown]
# ## Training with and without clipping
#
# Same net, same data, same $\eta = 0.1$, three runs: no clipping, clipping by
# value at $c = 1$, clipping by global norm at $c = 5$.

# %%
runs = {"no clipping": ll.experiments.clipping_run("none"),
        "clip by value, c = 1": ll.experiments.clipping_run("value", 1.0),
        "clip by global norm, c = 5": ll.experiments.clipping_run("norm", 5.0)}
ll.plots.show_static(ll.plots.plot_clipping_runs(runs))
for name, run in runs.items():
    status = f"overflow after {run.steps} steps" if run.diverged else (
        f"final loss {run.loss[-1]:.2g}, accuracy {run.accuracy:.0%}")
    print(f"{name:28s} {status}")

print("\nthe same three runs for six draws of the initial weights:")
print("seed  no clipping: overflow   by value: accuracy   by global norm: accuracy, "
      "last update with ‖g‖ > 5")
for seed in range(6):
    none, value, norm_run = (ll.experiments.clipping_run(m, c, seed=seed)
                             for m, c in (("none", 1.0), ("value", 1.0), ("norm", 5.0)))
    last = int(np.flatnonzero(norm_run.grad_norm > 5.0)[-1]) + 1
    print(f"{seed:4d}  after {none.steps} steps {value.accuracy:20.1%} "
          f"{norm_run.accuracy:20.1%}, update {last}")

# %% [markdown]
# The unclipped run overflows after 5 steps (5 to 7 over the six draws);
# both clipped runs train, to 100 % training accuracy within 100 steps in this
# draw and to 95–100 % in the others. Early on their gradient norms are still
# in the tens and hundreds — clipping does not make the gradient small, it
# makes the *step* small. Soon the weights have moved somewhere the gradient is
# of normal size: in the global-norm run, $\|g\|$ exceeds $c = 5$ for the last
# time in update 19 (between update 10 and 85 over the draws), and from then
# on clipping no longer acts at all.
#
# Clipping by value trains too, even though it turns the gradient: a step
# within 90° of $-g$ still goes downhill. The notes recommend clipping by norm
# when the direction should be kept — with the caveat above: by the *global*
# norm.
#
# ## Why clipping suits recurrent nets
#
# A recurrent net (RNN) applies the *same* weight matrix $W_h$ at every time
# step, $h_t = \tanh(x_t W_x + h_{t-1}W_h + b)$. Backpropagation through time
# sends the learning signal back through all steps:
# $$\frac{\partial E}{\partial h_{t-1}} = \Big(\frac{\partial E}{\partial h_t}
#   \circ (1 - h_t^2)\Big)\,W_h^\top ,$$
# so over $T$ steps it is multiplied by $T$ factors that all contain the same
# $W_h$ — a power of one matrix, not a product of different ones. How a power
# of a matrix grows is set by its **spectral radius**, the largest absolute
# value of its eigenvalues: multiplying by the matrix again and again makes a
# vector grow or shrink by about that factor per step. Our $W_h$ has random
# entries scaled so that its spectral radius is about 1; multiply it by a
# scale and the spectral radius follows. The gradient reaching the first of
# 50 steps then changes by tens of orders of magnitude (the tanh slopes
# $1 - h_t^2 \le 1$ shrink it further, so here even a spectral radius of 2
# only about keeps the gradient's size):

# %%
for scale in (0.5, 1.0, 2.0, 3.0):
    g_t = ll.experiments.rnn_gradient_through_time(50, recurrent_scale=scale)
    print(f"W_h scale {scale}: ‖∂E/∂h_1‖ / ‖∂E/∂h_50‖ = {g_t[0] / g_t[-1]:.2g}")

# %% [markdown]
# Batch normalization, the other cure for explosion, is awkward in an RNN
# (the statistics differ from one time step to the next), while clipping needs
# nothing but the gradient. That is why the notes call clipping the standard
# tool for RNNs. It only helps against *explosion*, though: a vanishing
# gradient through time needs a different architecture, the gated LSTM of
# lesson 10.
#
# ## Weight penalties: keep the weights small
#
# Add a penalty on the weight matrices (not the biases) to the error:
# $$E_{L2} = E + \frac{\lambda}{2}\sum_h \|W^h\|^2, \qquad
#   \frac{\partial E_{L2}}{\partial W^h} = \frac{\partial E}{\partial W^h} + \lambda W^h,$$
# so every step becomes
# $W^h \leftarrow (1 - \eta\lambda)\,W^h - \eta\,\partial E/\partial W^h$: the
# weights *decay* by the factor $1-\eta\lambda$ before each update ("weight
# decay"). With L1, $E_{L1} = E + \lambda\sum_h |W^h|$ and the extra gradient
# is $\lambda\,\mathrm{sign}(W^h)$: every weight is pulled toward 0 by the same
# amount $\eta\lambda$ per step, so weights the data does not need end up
# hovering at zero.
#
# Why this helps against explosion: the learning signal goes back through
# $\delta^{h} = \delta^{h+1}(W^{h+1})^\top \circ f'$, so with $|f'| \le 1$
# (tanh) its size can grow by at most the product of the spectral norms,
# $\|\delta^1\| \le \|\delta^L\|\prod_{h\ge 2}\|W^h\|_2$, where $\|W\|_2$, the
# largest singular value of $W$, is the most $W$ can stretch any vector. Small
# weights, small worst case.
#
# Below, a tanh net `[2, 16, 16, 16, 1]` trains on the moons for 300 steps
# ($\eta = 0.3$). Move $\lambda$ and switch between L2 and L1: the left plot is
# the total weight norm $\sqrt{\sum_h\|W^h\|^2}$, the middle one the data loss
# $E$ (without the penalty), the right one a histogram of the weights' sizes
# $|w|$ after training (log scale; the dotted line is $|w| = 0.01$). At
# $\lambda = 0.003$ switch to L1 and watch a second pile of weights appear far
# left of the line. Every $\lambda$ of the slider was trained once when the
# panel was built, so the slider only looks results up.

# %% tags=["nbval-ignore-output"]
ll.widgets.penalty_panel()

# %% [markdown]
# The same runs for L2 side by side, and their numbers:

# %%
l2_runs = {f"λ = {lam:g}": ll.experiments.penalty_run(lam, "l2")
           for lam in ll.experiments.LAMBDA_GRID}
ll.plots.show_static(ll.plots.plot_weight_norms(l2_runs))
for name, run in l2_runs.items():
    print(f"{name:10s} weight norm {run.weight_norm[0]:.3g} → {run.weight_norm[-1]:.3g}, "
          f"bound Π‖W‖₂ = {run.gain_bound:5.3g}, loss {run.loss[-1]:.3f}, "
          f"accuracy {run.accuracy:.1%}")

# %% [markdown]
# Without a penalty the weight norm keeps growing for as long as we train: on
# data it can separate, the cross-entropy keeps rewarding larger weights
# (sharper outputs). With $\lambda = 0.01$ it levels off, the bound on the
# signal's growth halves, and in this draw the net still classifies every
# training point. With $\lambda \ge 0.03$ the penalty beats the data: small
# weights, but the loss stalls (0.28 at $\lambda = 0.03$, 0.37 at
# $\lambda = 0.1$) and accuracy drops below 90 % — under-fitting. Does that
# hold for other initial weights? The same runs for six draws:

# %%
print("λ        training accuracy over seeds 0-5")
for lam in ll.experiments.LAMBDA_GRID:
    accs = [ll.experiments.penalty_run(lam, "l2", seed=s).accuracy for s in range(6)]
    print(f"{lam:<6g}   " + "  ".join(f"{a:6.1%}" for a in accs))

# %% [markdown]
# $\lambda = 0.003$ fits every training point in every draw, $\lambda \ge 0.03$
# under-fits in every draw, and $\lambda = 0.01$ sits on the edge: half the
# draws fit every point, the other half fall into the under-fitting state of
# the larger $\lambda$. So $\lambda$ is a trade-off, best tuned on validation
# data, with some room to spare.
#
# L1 and L2 shape the weights differently. Count the weights within 0.01 of
# zero after training, at the same $\lambda = 0.003$:

# %%
for name, run in [("no penalty", ll.experiments.penalty_run(0.0)),
                  ("L2, λ = 0.003", ll.experiments.penalty_run(0.003, "l2")),
                  ("L1, λ = 0.003", ll.experiments.penalty_run(0.003, "l1"))]:
    print(f"{name:14s} {np.mean(np.abs(run.weights) < 0.01):.0%} of {run.weights.size} "
          f"weights are within 0.01 of zero; accuracy {run.accuracy:.0%}")

# %% [markdown]
# L2 shrinks every weight in proportion to its size, so few become tiny; L1
# takes the same small amount off every weight, so about half of them end up
# near zero while the net still fits the data — a *sparse* network. Over the
# six draws it is 50–56 % of the weights, and the accuracy is 89–100 %:
# losing half its weights sometimes costs the net a few points. None of them
# is *exactly* zero, though: the step $-\eta\lambda\,\mathrm{sign}(w)$
# overshoots zero and the weight hops back and forth around it, within about
# $\eta\lambda \approx 0.001$. Solvers that want exact zeros (as for the lasso)
# use a proximal step instead, soft-thresholding: a weight that would cross
# zero is set to zero.
#
# **Too much L1.** Move the panel's $\lambda$ up with L1 on. At
# $\lambda = 0.03$ only 7 to 12 of the 560 weights (over the six draws) end
# further than 0.01 from zero, and those few still classify 89 % of the
# points. At $\lambda = 0.1$ the loss sits at $\ln 2 \approx 0.693$, the
# accuracy reads anything from about 30 % to 55 %, and the histogram looks
# *less* sparse than at $\lambda = 0.003$: only about a third of the weights
# are left of the dotted line. All three come from one effect,
# over-regularization carried to the end. An L1 step moves a weight by
# $-\eta\,(\partial E/\partial w + \lambda\,\mathrm{sign}(w))$, so every weight
# whose data gradient is smaller than $\lambda$ is pulled toward zero,
# whatever the data say. At the start only 0 to 5 of the 560 entries of
# $\partial E/\partial W$ are larger than 0.1 (the largest is 0.09 to 0.18);
# as the other weights shrink, the signal through the three tanh layers
# shrinks with them, and so do the last few gradients. Every weight ends at
# zero, hopping across it by $\eta\lambda = 0.03$ per step:

# %%
l1_runs = [ll.experiments.penalty_run(0.1, "l1", seed=seed) for seed in range(6)]
print("L1, λ = 0.1, seeds 0-5:")
print("  largest |w|:", ", ".join(f"{np.abs(r.weights).max():.3f}" for r in l1_runs),
      f"  (ηλ = {0.3 * 0.1:.2f})")
print("  data loss:  ", ", ".join(f"{r.loss[-1]:.3f}" for r in l1_runs),
      f"  (ln 2 = {np.log(2):.3f})")

# %% [markdown]
# Weights spread evenly between $-0.03$ and $0.03$ put only a third of
# themselves below 0.01: that is the histogram. A net whose weights are all
# that small computes almost nothing: its output logit stays within $10^{-3}$
# of 0, a probability of 0.5 for every point, and the loss is $\ln 2$. Its
# accuracy then only counts on which side of 0 these tiny logits fall: 50 %
# when they all share one sign (the moons are half one class, half the
# other), and anything else when the hopping weights tip some of them —
# below 50 % too. Read the loss here, not the accuracy. An L1 $\lambda$ must
# stay below the size of the gradients the data produce; 0.003 does, 0.1 does
# not.
#
# A penalty is no emergency brake: it shrinks the weights by $\eta\lambda$ per
# step, far too slowly for the exploding net above. With `l2=1.0` in
# `ll.training.train` it still overflows within 7 steps in five of the six
# draws; only clipping acts on the very step that explodes.
#
# ## Weight clipping in WGAN is something else
#
# The Wasserstein GAN (Arjovsky et al., 2017) also "clips", but **weights**,
# not gradients: after every update each weight of the critic network is
# clamped to $[-c, c]$ (with $c = 0.01$ in the paper). The goal is not to stop
# an explosion but to keep the critic a **Lipschitz** function: one whose
# output changes at most $K$ times as much as its input,
# $|f(a) - f(b)| \le K\,\|a - b\|$ for all inputs $a, b$ and a fixed $K$. The
# Wasserstein distance the critic estimates requires that. The notes point out exactly this: same
# word, different purpose. (Later work replaced the clamp by a penalty on the
# critic's gradient norm, WGAN-GP.)

# %% [markdown]
# ## Exercise: clip by norm
#
# Write `clip_by_norm(g, max_norm)`: if $\|g\| >$ `max_norm`, return
# $g\cdot$ `max_norm` $/\|g\|$; otherwise return `g` unchanged. It must work for
# arrays of any shape (the norm is over all entries), must not divide by
# zero for a zero gradient, and must not change `g` in place (the caller may
# still need the unclipped gradient, e.g. to log its norm).

# %%
def clip_by_norm(g, max_norm):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_clip_by_norm(clip_by_norm)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `clip_by_norm` is left as it is. To run the check on
# this one: ll.exercises.check_clip_by_norm(clip_by_norm_solution)
def clip_by_norm_solution(g, max_norm):
    norm = np.linalg.norm(g)
    return g * (max_norm / norm) if norm > max_norm else g

# %% [markdown]
# ## In a framework
#
# > **Keras** — clipping is an optimizer option:
# > `keras.optimizers.SGD(learning_rate=0.1, clipvalue=1.0)` (by value),
# > `SGD(clipnorm=1.0)` (by norm, *each weight tensor separately*, which turns
# > the update) and `SGD(global_clipnorm=5.0)` (all together, like
# > `clip_by_global_norm`, which keeps its direction).
# > Penalties are per layer: `Dense(64, kernel_regularizer=keras.regularizers.l2(0.01))`
# > or `regularizers.l1(0.01)`; note that Keras' `l2(λ)` adds $\lambda\sum w^2$
# > without the ½, so its gradient is $2\lambda w$.
# >
# > **PyTorch** — clip between `loss.backward()` and `optimizer.step()`:
# > `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=5.0)` (global
# > norm) or `torch.nn.utils.clip_grad_value_(model.parameters(), 1.0)`. L2 is
# > `torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=0.01)`, which adds
# > $\lambda w$ to every parameter's gradient (biases too, unless you use
# > parameter groups). WGAN's weight clamp:
# > `for p in critic.parameters(): p.data.clamp_(-0.01, 0.01)`.

# %% [markdown]
# ## Summary
#
# * Clipping by (global) norm shortens an exploding gradient without turning it (cos = 1); clipping by value caps each entry and turns it.
# * Clipping rescued an exploding 8-layer net that overflowed after 5 steps, and it is the standard guard in recurrent nets.
# * L1/L2 penalties keep weights, and so the backward gain, small — too large a λ under-fits; WGAN's weight clipping serves another purpose.
#
# **Next:** [10 · Residual, LSTM, pre-training](10_residual_lstm_pretraining.ipynb)

# %% [markdown]
# ## References
#
# * T. Mikolov (2012). *Statistical language models based on neural networks*.
#   PhD thesis, Brno University of Technology. — Clipping the gradient of
#   recurrent nets.
# * R. Pascanu, T. Mikolov, Y. Bengio (2013). On the difficulty of training
#   recurrent neural networks. *ICML 2013*. — Exploding gradients through
#   time, the spectral radius of $W_h$, and clipping by norm.
# * A. Krogh, J. A. Hertz (1992). A simple weight decay can improve
#   generalization. *Advances in Neural Information Processing Systems 4*. —
#   The L2 penalty as weight decay.
# * R. Tibshirani (1996). Regression shrinkage and selection via the lasso.
#   *Journal of the Royal Statistical Society, Series B* 58(1). — The L1
#   penalty and the sparse solutions it gives.
# * M. Arjovsky, S. Chintala, L. Bottou (2017). Wasserstein generative
#   adversarial networks. *ICML 2017*. — Weight clipping to keep the critic
#   Lipschitz.
# * I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin, A. Courville (2017).
#   Improved training of Wasserstein GANs. *Advances in Neural Information
#   Processing Systems 30*. — WGAN-GP, the gradient penalty that replaced it.
