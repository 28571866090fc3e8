# %% [markdown]
# # 10 · Residual, LSTM, pre-training
#
# Every lesson so far fought the same product: on its way back, the learning
# signal is multiplied by one factor per layer (or per time step), and a long
# product of factors below one vanishes. Lessons 06–09 changed the *size* of
# the factors. This lesson changes the *path*:
#
# * **residual shortcuts** (残差连接) give the signal a route around every
#   layer, so 100+ layers no longer form one long product;
# * the **LSTM** (长短期记忆网络) gives a recurrent net a memory cell whose
#   gradient is multiplied only by a gate that can stay open;
# * **greedy layer-wise pre-training** (逐层预训练) was the historical remedy:
#   start deep nets from weights that already do something useful.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## Identity shortcuts
#
# A plain layer maps $X \mapsto F(X)$, here $F(X) = f(XW)$. A **residual
# block** adds its input back:
# $$Y = X + F(X).$$
# The chain rule gives its backward pass in one line: with
# $dY = \partial E/\partial Y$,
# $$\frac{\partial E}{\partial X} = dY + \Big(\frac{\partial F}{\partial X}\Big)^{\!\top} dY .$$
# The first term is the signal passed through *unchanged*; the second is what
# the block adds. Stack $L$ blocks and the gradient at the bottom is
# $\prod_l (I + J_l)^\top\, dY$ (with $J_l$ block $l$'s Jacobian): however small
# the $J_l$, the identity keeps a direct path open. A plain stack has
# $\prod_l J_l^\top\, dY$ instead. With sigmoid units every $J_l$ contains the
# slopes $\sigma' \le 1/4$, so with weights of gain 1 (lesson 05) each block
# shrinks the signal by a factor of *at least* 4: over 100 blocks by more than
# $4^{100} \approx 10^{60}$.
#
# `ll.layers.Residual` wraps any block this way. Its backward pass really is
# "$dY$ plus the block's own backward pass":

# %%
rng = np.random.default_rng(0)
block = [ll.layers.Dense(4, 4, seed=1), ll.layers.Activation("sigmoid")]
residual = ll.layers.Residual(block)
X = rng.standard_normal((3, 4))
dY = rng.standard_normal((3, 4))
residual.forward(X)
dX = residual.backward(dY)
through_block = block[0].backward(block[1].backward(dY))      # (∂F/∂X)ᵀ dY
print("dX == dY + (∂F/∂X)ᵀ dY:", np.allclose(dX, dY + through_block))

# %% [markdown]
# Now 100 sigmoid blocks of 32 units (Glorot init), with and without shortcuts.
# We send a gradient of norm 1 into the top and measure the norm
# $\|\partial E/\partial X^l\|$ that reaches the input of every block:

# %%
with_shortcuts = ll.experiments.residual_profile(100, residual=True, activation="sigmoid")
plain = ll.experiments.residual_profile(100, residual=False, activation="sigmoid")
ll.plots.show_static(ll.plots.plot_gradient_profile(
    {"100 sigmoid blocks with shortcuts": with_shortcuts, "plain": plain}).fig)
print(f"block 1 receives {with_shortcuts[0]:.3g} with shortcuts, {plain[0]:.2g} without")

# %% [markdown]
# More than sixty orders of magnitude apart. With shortcuts the gradient at
# the bottom is about as large as the one that came in at the top.
#
# A gradient that arrives is needed for learning, but it is not enough. Each
# of these blocks adds its sigmoid output, which is positive (about 0.5 per
# unit on average), to the stream, so the stream's mean grows by about 0.5
# per block. Deep blocks then get large weighted sums, their sigmoids
# saturate ($\sigma' \approx 0$), and they cannot change what they compute.
# The lab of lesson 11 shows it in training: 30 sigmoid blocks with shortcuts
# alone stay at chance; with BatchNorm, which re-centers every block's input,
# they learn.
#
# The gradient explorer of lesson 05 has a *residual* box too. It measures the
# learning signal $\|\delta^l\|$ (the size of $\partial E/\partial\,\mathrm{net}^l$) inside
# each block, which also carries the block's own slope $\sigma'$, so the numbers
# differ; the story does not:

# %%
for shortcuts in (True, False):
    delta = ll.experiments.gradient_profile(100, activation="sigmoid", residual=shortcuts)
    print(f"residual={shortcuts!s:5}  ‖δ‖ first ÷ last layer = {delta[0] / delta[-1]:.2g}")

# %% [markdown]
# ### Live: depth, activation, weight scale
#
# Slide the depth up to 200 (the readout gives the ratio of the gradients at
# the first and the last block).
# Then switch to tanh and ReLU: the shortcuts still save the input side, but
# with full-size branches each block *adds* its own term and the gradient
# grows toward the input — over 100 blocks by about 200 times for tanh and by
# about $10^{21}$ for ReLU with He init (in the panel's draw of weights 210
# and $6\cdot 10^{20}$; over six draws 160–260 and $6\cdot 10^{20}$ to
# $3\cdot 10^{22}$). Lower the weight scale to 0.1: the branches now
# contribute little and the curve with shortcuts flattens (within a factor of
# 2 for tanh; for ReLU 18 in the panel's draw, 10 to 50 over six draws), while
# the plain net vanishes completely. Real residual networks keep their
# branches small at the start in exactly this spirit — batch normalization
# inside the branch (lesson 07), or the branch's last weights initialized at
# or near zero.

# %% tags=["nbval-ignore-output"]
ll.widgets.residual_panel()

# %%
for activation in ("tanh", "relu"):
    for scale in (1.0, 0.1):
        kw = dict(activation=activation, weight_scale=scale)
        res = ll.experiments.residual_profile(100, residual=True, **kw)
        pl = ll.experiments.residual_profile(100, residual=False, **kw)
        print(f"{activation:5s} weight scale {scale}: block 1 ÷ block 100 = "
              f"{res[0] / res[-1]:.2g} with shortcuts, {pl[0] / pl[-1]:.2g} plain")

# %% [markdown]
# ## Through time: a plain RNN and an LSTM
#
# A recurrent net reads a sequence $x_1, \dots, x_T$ one step at a time and
# carries a state from step to step. The plain (Elman) RNN:
# $$h_t = \tanh(x_t W_x + h_{t-1}W_h + b).$$
# Backpropagation through time (BPTT) runs the chain rule backwards over the
# steps. If the loss reads only the last state, the gradient at an earlier
# state is
# $$\frac{\partial E}{\partial h_{t-1}} = \Big(\frac{\partial E}{\partial h_t}\circ(1-h_t^2)\Big)W_h^\top ,$$
# one factor $\mathrm{diag}(1-h_t^2)\,W_h^\top$ per step, always with the same
# $W_h$: over $T$ steps it shrinks or grows geometrically, exactly like a
# $T$-layer plain net.
#
# The **LSTM** of Hochreiter and Schmidhuber (1997) attacked exactly this
# product. It adds a memory *cell* $c_t$ whose connection to itself has the
# fixed weight 1, $c_t = c_{t-1} + i_t\circ g_t$: going back one step the
# gradient is multiplied by 1, so it neither shrinks nor grows, however long
# the sequence. They called this the **constant error carousel**. An *input
# gate* $i_t$ decides what is written into the cell and an *output gate* $o_t$
# what the cell shows. A third gate came three years later: Gers, Schmidhuber
# and Cummins (2000) replaced the fixed 1 by a learned **forget gate** $f_t$, so
# the cell can also clear its memory when a new part of the sequence starts.
# That is the LSTM everyone uses today, and the one built here. All gates are
# computed from $z_t = x_t W_x + h_{t-1}W_h + b$ (four blocks of columns):
# $$i_t = \sigma(z^i_t),\quad f_t = \sigma(z^f_t),\quad o_t = \sigma(z^o_t),\quad
#   g_t = \tanh(z^g_t),$$
# $$c_t = f_t\circ c_{t-1} + i_t\circ g_t, \qquad h_t = o_t\circ\tanh(c_t).$$
# The input gate $i$ decides what to write, the forget gate $f$ what to keep,
# the output gate $o$ what to show. Backwards, the cell passes its gradient on
# as
# $$\frac{\partial E}{\partial c_{t-1}} = \frac{\partial E}{\partial c_t}\circ f_t
#   + \text{(paths through } h_{t-1}\text{)} ,$$
# multiplied by the forget gate only: no weight matrix, no squashing slope.
# With the forget gate open, $f_t \approx 1$, this *is* the 1997 carousel
# again: the identity path, the same idea as the shortcut's identity term, in
# time. The gate's opening at the start is set by its bias $b_f$:
# $f \approx \sigma(b_f)$, which is 0.73 for $b_f = 1$ (the Keras default,
# recommended by Jozefowicz et al., 2015) and 0.95 for $b_f = 3$. A large
# forget bias rebuilds the carousel at initialization and lets training learn
# when to close the gate.
#
# `lessons_lib.recurrent` implements both layers with their BPTT (every
# gradient is tested against finite differences). After `backward`, the
# attribute `dh` holds $\partial E/\partial h_t$ for every step:

# %%
X_seq = np.random.default_rng(1).standard_normal((8, 100, 8))     # 8 sequences, T = 100
for net in (ll.recurrent.RNN(8, 32, seed=0), ll.recurrent.LSTM(8, 32, forget_bias=3.0, seed=0)):
    H = net.forward(X_seq)
    dH = np.zeros_like(H)
    dH[:, -1] = 1.0                       # the loss reads only the last state
    net.backward(dH)
    size = np.linalg.norm(net.dh, axis=(0, 2))
    print(f"{type(net).__name__:4s} ‖∂E/∂h_1‖ / ‖∂E/∂h_100‖ = {size[0] / size[-1]:.2g}")

# %% [markdown]
# A quick finite-difference check of the LSTM's recurrent weights, the way the
# tests check every gradient:

# %%
small = ll.recurrent.LSTM(3, 4, forget_bias=1.0, seed=2)
X_small = np.random.default_rng(2).standard_normal((2, 5, 3))
R = np.random.default_rng(3).standard_normal((2, 5, 4))
loss = lambda: float(np.sum(small.forward(X_small) * R))       # E = Σ R ∘ H
loss()
small.backward(R)
numeric = ll.gradcheck.numerical_gradient(loss, small.params["W_h"])
print("relative error of ∂E/∂W_h below 1e-7:",
      ll.gradcheck.rel_error(small.grads["W_h"], numeric) < 1e-7)

# %% [markdown]
# ### Live: sequence length and forget-gate bias
#
# The panel sends a gradient of norm 1 into the last step $T$ and plots
# $\|\partial E/\partial h_t\|$ for every step, for an RNN and an LSTM with 32
# units (dashed: the LSTM's cell gradient $\|\partial E/\partial c_t\|$).
# Lengthen the sequence: the RNN's curve is a straight line on the log scale —
# geometric decay. Raise the RNN's weight scale toward 3 and it explodes
# instead (lesson 09's case for clipping). Move the LSTM's forget bias: at
# $b_f \le 1$ the LSTM decays too, only more slowly; from about $b_f = 3$ its
# curve stays within a factor of about 30 of the top, even over 200 steps (in
# the panel's draw of weights; other draws lose up to about 200 times).

# %% tags=["nbval-ignore-output"]
ll.widgets.rnn_lstm_panel()

# %% [markdown]
# The same comparison at $T = 100$, without a kernel. These curves use the
# panel's weights, inputs and top gradient, another random draw than the cell
# above, so the RNN's number differs (8.2e-22 here, 7.3e-23 there): read the
# order of magnitude, not the digits. The last line gives the spread over six
# draws (seeds 0–5).

# %%
curves = {"RNN": ll.experiments.bptt_profile(100)["rnn"]}
for b_f in (1.0, 3.0):
    curves[f"LSTM, b_f = {b_f:g}"] = ll.experiments.bptt_profile(100, forget_bias=b_f)["lstm_h"]
static = ll.plots.LinePlot(list(curves), xlabel="time step t (loss reads t = 100)",
                           ylabel="‖∂E/∂hₜ‖ (log scale)", logy=True)
static.update(np.arange(1, 101), curves)
ll.plots.show_static(static.fig)
for name, g in curves.items():
    print(f"{name:14s} ‖∂E/∂h_1‖ = {g[0]:.2g}   smallest over t: {g.min():.2g}")
draws = np.array([(ll.experiments.bptt_profile(100, seed=s)["rnn"][0],
                   ll.experiments.bptt_profile(100, forget_bias=1.0, seed=s)["lstm_h"][0],
                   ll.experiments.bptt_profile(100, forget_bias=3.0, seed=s)["lstm_h"].min())
                  for s in range(6)])
print(f"seeds 0-5: RNN ‖∂E/∂h_1‖ from {draws[:, 0].min():.0e} to {draws[:, 0].max():.0e}; "
      f"LSTM b_f = 1 from {draws[:, 1].min():.0e} to {draws[:, 1].max():.0e}; "
      f"LSTM b_f = 3 never below {draws[:, 2].min():.1%}")

# %% [markdown]
# The RNN's gradient at the first step is about $10^{-21}$ of what the loss
# sent in (between $10^{-22}$ and $10^{-17}$ over the six draws): nothing from
# the start of the sequence can be learned. The LSTM with $b_f = 1$ keeps far
# more but still loses eight to nine orders of magnitude; with $b_f = 3$ no
# step receives less than about 1.5 % in any draw. Training can then learn
# when to close the gate.
#
# ## Greedy layer-wise pre-training
#
# Before ReLU, good initialization and batch normalization, deep sigmoid nets
# often did not train at all from random weights. Hinton, Osindero and Teh
# (2006) showed a way around it: **train one layer at a time without labels,
# then fine-tune the whole stack with backpropagation**. They used restricted
# Boltzmann machines for the layers; the simpler variant here (Bengio et al.,
# 2007) uses autoencoders:
#
# 1. train a one-hidden-layer autoencoder $H \mapsto f(HW + b) \mapsto (\cdot)V + c$
#    to reproduce its input $H$ (squared error), starting with $H = X$;
# 2. keep the encoder $W, b$ as the network's next layer and compute that
#    layer's output $f(HW + b)$, which becomes the next autoencoder's $H$;
# 3. repeat for every hidden layer, add an output layer and train everything
#    on the labeled task (fine-tuning).
#
# The task: the two moons (standardized) with a net of five sigmoid layers of
# 16 units, trained with the binary cross-entropy for 400 steps at
# $\eta = 1$. Three starts: random Glorot init, the same net pre-trained
# layer by layer, and for comparison the modern recipe — ReLU with He init,
# no pre-training (at $\eta = 0.1$, a usual rate for ReLU nets).
# `ll.experiments.pretraining_comparison` trains all three; the steps 1–3
# above are its `pretrain_layers` (in `lessons_lib/experiments/residual_lstm.py`).

# %%
comparison = ll.experiments.pretraining_comparison(depth=5, width=16, pre_steps=300, pre_lr=0.5,
                                                   steps=400, lr=1.0, relu_lr=0.1, seed=0)
print("reconstruction error of each autoencoder:",
      np.round(comparison["pretrained"].reconstruction_error, 3))
runs = {"random init": comparison["random"], "pre-trained": comparison["pretrained"],
        "ReLU + He, no pre-training": comparison["relu_he"]}
for name, run in runs.items():
    p = run.probability                          # σ(y) of the trained net for every point
    print(f"{name:27s} loss {run.loss[0]:.3f} → {run.loss[-1]:.3f}, "
          f"accuracy {run.accuracy:.1%}, "
          f"outputs σ(y) from {p.min():.2f} to {p.max():.2f}, "
          f"first ÷ last layer gradient at the start {run.first_over_last:.2g}")

# %%
curves = ll.plots.LinePlot(list(runs), xlabel="fine-tuning step",
                           ylabel="training loss (log scale)", logy=True)
curves.update(np.arange(400), {name: run.loss for name, run in runs.items()})
ll.plots.show_static(curves.fig);

# %% [markdown]
# For this seed, the randomly initialized sigmoid net gets stuck at
# $\ln 2 \approx 0.693$ — the loss of answering "50 %" for every point — for
# the rest of the 400 steps: its first layer starts with a gradient about a
# thousand times weaker than the last layer's. The pre-trained net starts with
# a 26 times stronger first-layer gradient (relative to its last layer) and
# gets the loss down to 0.28.
#
# Yet both sigmoid nets print the same accuracy, 89 %. Accuracy only asks on
# which side of 50 % an output lies (threshold 0 on the logit $y$), not by how
# much. The stuck net answers 0.50 everywhere to two decimals, but its tiny
# deviations from 0.5 lean the right way for 89 % of the points: a nearly
# flat function can still have the right sign. The pre-trained net's outputs
# spread from 0.05 to 0.98: it is confident, and the loss, which measures
# confidence in the right answer, tells the two apart; but its boundary still
# misclassifies 11 % of the points after 400 steps. Only ReLU + He reaches a
# loss below 0.01 and 100 %. The loss is the number to watch here.
#
# One seed can mislead, so the same three starts run for seeds 0–5:

# %%
names = {"random": "random init", "pretrained": "pre-trained", "relu_he": "ReLU + He"}
print("seed  " + "".join(f"{n:>26s}" for n in names.values()))
for seed in range(6):
    comparison = ll.experiments.pretraining_comparison(seed=seed)
    print(f"{seed:4d}  " + "".join(f"   loss {comparison[k].loss[-1]:.3f}, "
                                   f"acc {comparison[k].accuracy:5.1%}" for k in names))

# %% [markdown]
# Pre-training got the net moving (a loss below 0.3) in 4 of the 6 seeds,
# random init in none (every loss stays above 0.6), and ReLU + He in all 6 —
# only those six runs reach a loss below 0.01 and 100 % accuracy. The
# accuracies of the two sigmoid starts overlap (81–89 %): again the loss, not
# the accuracy, shows which nets learned.
#
# The ReLU + He column is why greedy pre-training fell out of use for this purpose.
# It costs an extra training run per layer, its benefit depends on the
# settings, and from about 2010 on the causes it worked around were fixed
# directly: ReLU units (lesson 04) do not squash the gradient, Glorot and He
# initialization (lesson 06) set the weights to the right scale, batch
# normalization (lesson 07) keeps them there during training, and residual
# shortcuts (above) open a direct path through any depth. The word lives on
# with another meaning: today's *pre-trained* models (BERT, GPT, ImageNet
# ResNets) are whole networks trained end-to-end on a large data set to
# learn useful features, not stacks of autoencoders to make gradients flow.

# %% [markdown]
# ## Exercise: one RNN step backwards
#
# BPTT repeats one step. For $h = \tanh(x W_x + h_{\mathrm{prev}} W_h + b)$ and
# the gradient `dh` $= \partial E/\partial h$ arriving at its output, compute
# the gradient at the weighted sum, `dnet` $= \partial E/\partial\,\mathrm{net} =
# dh\circ(1 - h^2)$ (lesson 03's learning signal with the opposite sign, $-\delta$),
# and return the tuple `(dh_prev, dW_x, dW_h, db)`:
# $$dh_{\mathrm{prev}} = d\mathrm{net}\,W_h^\top,\quad dW_x = x^\top d\mathrm{net},\quad
#   dW_h = h_{\mathrm{prev}}^\top d\mathrm{net},\quad
#   db = \textstyle\sum_n d\mathrm{net}_n .$$
# Shapes: `x` (N, n_in); `h_prev`, `h`, `dh` (N, n_h); `W_x` (n_in, n_h);
# `W_h` (n_h, n_h).

# %%
def rnn_step_backward(dh, x, h_prev, h, W_x, W_h):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_rnn_step_backward(rnn_step_backward)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `rnn_step_backward` is left as it is. To run the check on
# this one: ll.exercises.check_rnn_step_backward(rnn_step_backward_solution)
def rnn_step_backward_solution(dh, x, h_prev, h, W_x, W_h):
    dnet = dh * (1.0 - h ** 2)
    return dnet @ W_h.T, x.T @ dnet, h_prev.T @ dnet, dnet.sum(axis=0)

# %% [markdown]
# ## In a framework
#
# > **Keras** — a shortcut is an addition:
# > `y = keras.layers.Add()([x, keras.layers.Dense(64, activation="relu")(x)])`.
# > Recurrent layers: `keras.layers.SimpleRNN(32)` and
# > `keras.layers.LSTM(32, unit_forget_bias=True)` (the default: forget bias 1).
# >
# > **PyTorch** — write the shortcut in `forward`: `return x + self.block(x)`.
# > Recurrent layers: `nn.RNN(8, 32, batch_first=True)` and
# > `nn.LSTM(8, 32, batch_first=True)`; its gates are stored in the order
# > i, f, g, o, so `lstm.bias_ih_l0.data[32:64].fill_(3.0)` opens the forget gate
# > (PyTorch adds `bias_ih` and `bias_hh`, so zero the other one's slice).
# > Greedy pre-training has no one-liner in either; "pre-trained" there means
# > downloaded weights, e.g. `torchvision.models.resnet18(weights="DEFAULT")`.

# %% [markdown]
# ## Summary
#
# * A residual block passes $dY$ through unchanged: 100 sigmoid blocks deliver a gradient of 1.3 to the first block, a plain stack $4\cdot 10^{-64}$.
# * The LSTM's cell gradient is multiplied only by the forget gate: with $b_f = 3$ it survives 100 steps where a plain RNN's drops by $10^{21}$.
# * Greedy layer-wise pre-training helped deep sigmoid nets (4 of 6 seeds here) but ReLU, good init, BN and shortcuts replaced it.
#
# **Next:** [11 · Gradient-flow lab](11_gradient_flow_lab.ipynb)

# %% [markdown]
# ## References
#
# * K. He, X. Zhang, S. Ren, J. Sun (2016). Deep residual learning for image
#   recognition. *CVPR 2016*. — Blocks $Y = X + F(X)$ with identity shortcuts.
# * K. He, X. Zhang, S. Ren, J. Sun (2016). Identity mappings in deep residual
#   networks. *ECCV 2016*. — Why the shortcut should stay a pure identity: the
#   term $dY$ then reaches every block unchanged.
# * J. L. Elman (1990). Finding structure in time. *Cognitive Science* 14(2). —
#   The plain recurrent net $h_t = f(x_t W_x + h_{t-1} W_h + b)$.
# * S. Hochreiter, J. Schmidhuber (1997). Long short-term memory. *Neural
#   Computation* 9(8). — The memory cell with the constant error carousel,
#   input and output gates.
# * F. A. Gers, J. Schmidhuber, F. Cummins (2000). Learning to forget:
#   continual prediction with LSTM. *Neural Computation* 12(10). — The forget
#   gate $f_t$.
# * R. Jozefowicz, W. Zaremba, I. Sutskever (2015). An empirical exploration of
#   recurrent network architectures. *ICML 2015*. — A forget-gate bias of 1
#   (Keras' `unit_forget_bias`).
# * G. E. Hinton, S. Osindero, Y.-W. Teh (2006). A fast learning algorithm for
#   deep belief nets. *Neural Computation* 18(7). — Greedy layer-wise
#   pre-training (with restricted Boltzmann machines), then fine-tuning.
# * Y. Bengio, P. Lamblin, D. Popovici, H. Larochelle (2007). Greedy layer-wise
#   training of deep networks. *Advances in Neural Information Processing
#   Systems 19*. — The autoencoder variant built here.
