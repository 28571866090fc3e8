# %% [markdown]
# # 01 · Perceptron
#
# Every network in this series learns with the same recipe: look at the error,
# and change each weight in proportion to that error and to the input that
# passed through the weight. The perceptron is that recipe in its simplest
# form — one unit, one rule, a few lines of code — and it already learns the
# logic gates AND and OR on its own.
#
# It also fails, in an instructive way. It cannot learn XOR, and the fix (a
# hidden layer) leaves its rule with nothing to work with: the rule needs a
# target for every unit, and hidden units have none. Finding a learning signal
# for units without a target is what the rest of the series is about — and
# that signal is exactly the thing that vanishes or explodes in deep networks.

# %% [markdown]
# ## The maths
#
# The unit gets the inputs $x_1, \dots, x_n$ plus a constant **bias input**
# $x_0 = 1$, so that the threshold is just one more weight $w_0$. It forms the
# weighted sum and fires when the sum is positive:
#
# $$\mathrm{net} = \sum_{i=0}^{n} w_i x_i, \qquad
#   y = \begin{cases} 1 & \text{if } \mathrm{net} > 0 \\ 0 & \text{otherwise.} \end{cases}$$
#
# After each sample with target $t$ the **perceptron rule** adjusts every weight:
#
# $$\Delta w_i = \eta\,(t - y)\,x_i .$$
#
# The learning rate $\eta > 0$ sets the step size. The factor $t - y$ is 0 when
# the answer was right (nothing changes), $+1$ when the unit should have fired
# (the weights move *toward* $x$, so $\mathrm{net}$ for this $x$ grows by
# $\eta\|x\|^2$) and $-1$ when it fired by mistake (they move away from $x$).
#
# With two inputs the unit fires on one side of the **decision line**
# $w_0 + w_1x_1 + w_2x_2 = 0$, that is $x_2 = -(w_0 + w_1x_1)/w_2$.
# Learning is moving that line until every point is on its correct side.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## Learning AND, one update at a time
#
# The truth table of AND has four rows. `with_bias` puts the bias input
# $x_0 = 1$ in front of each row; the starting weights are drawn at random
# (seeded, so they are the same every time).

# %%
X, t = ll.data.logic_gate("and")
Xb = ll.experiments.with_bias(X)              # columns x0 = 1, x1, x2
w = ll.experiments.initial_weights(seed=0)    # (w0, w1, w2) drawn from U(-1, 1)
print(Xb)
print("t =", t, "  w =", np.round(w, 3), "  y =", ll.experiments.perceptron_output(w, Xb))

# %% [markdown]
# The random line gets some rows wrong. One **epoch** shows the unit the four
# rows in order and applies the rule after each; only the rows it gets wrong
# change the weights.

# %%
lr = 0.1
for x_i, t_i in zip(Xb, t):
    y_i = ll.experiments.perceptron_output(w, x_i[None])[0]
    w_new = ll.experiments.perceptron_update(w, x_i, t_i, lr)
    print(f"x = {x_i}  t = {t_i}  y = {y_i:.0f}   Δw = {np.round(w_new - w, 3)}")
    w = w_new

# %% [markdown]
# Keep going, epoch after epoch, until all four answers are right:

# %%
for epoch in range(2, 101):
    for x_i, t_i in zip(Xb, t):
        w = ll.experiments.perceptron_update(w, x_i, t_i, lr)
    if np.all(ll.experiments.perceptron_output(w, Xb) == t):
        break
print(f"all four right after epoch {epoch}: w = {np.round(w, 3)}")
print(f"decision line: x2 = {-w[0] / w[2]:.3f} {-w[1] / w[2]:+.3f}·x1")

# %% [markdown]
# `train_perceptron` is the same loop with the history recorded: the weights
# and the number of wrong answers after every epoch. AND and OR both reach
# zero wrong answers. XOR (output 1 when exactly one input is 1) never does.

# %%
runs = {gate: ll.experiments.train_perceptron(gate, lr=0.1, epochs=30)
        for gate in ("and", "or", "xor")}
for gate, run in runs.items():
    k = run.first_all_correct
    print(f"{gate.upper():>3}:", "never all four right" if k is None else f"all four right from epoch {k}")

curves = ll.plots.LinePlot(["AND", "OR", "XOR"], xlabel="epoch", ylabel="wrong answers (of 4)",
                           styles={"OR": {"ls": "--"}}, ylim=(-0.3, 4.3))
curves.update(np.arange(31), {gate.upper(): run.errors for gate, run in runs.items()})
_ = ll.plots.show_static(curves.fig)

# %% [markdown]
# The three lines after 30 epochs. Shaded regions show the unit's answer
# (blue: 0, orange: 1); circles are rows with target 0, triangles target 1.

# %%
fig = ll.plots.new_figure((11.0, 3.5), ncols=3, wspace=0.38)
axes = fig.axes
for ax, (gate, run) in zip(axes, runs.items()):
    X_g, t_g = ll.data.logic_gate(gate)
    plot = ll.plots.DecisionPlot(X_g, t_g, extent=(-0.5, 1.5, -0.5, 1.5), ax=ax,
                                 title=f"{gate.upper()}: {run.errors[-1]} of 4 wrong")
    w_end = run.weights[-1]
    grid = ll.experiments.with_bias(plot.grid_points)
    plot.update(ll.experiments.perceptron_output(w_end, grid), line=w_end)
_ = ll.plots.show_static(fig)

# %% [markdown]
# The learning rate matters only relative to the size of the weights. From
# random starting weights a small $\eta$ nudges the line slowly and a large one
# makes it jump. (Start from $w = 0$ instead and $\eta$ makes no difference at
# all: every update is then a multiple of $\eta$, so the weights are $\eta$
# times those of $\eta = 1$ and the line is the same.) Epochs until all four
# rows are right, for a few learning rates:

# %%
for lr_try in (0.03, 0.1, 0.3, 1.0):
    first = {g: ll.experiments.train_perceptron(g, lr=lr_try, epochs=100).first_all_correct
             for g in ("and", "or")}
    print(f"η = {lr_try:<4}  AND: {first['and']:>2} epochs   OR: {first['or']:>2} epochs")

# %% [markdown]
# ## XOR: no straight line will do
#
# However long it trains, the perceptron never gets all four XOR rows right:

# %%
for lr_try in (0.01, 0.1, 1.0):
    xor = ll.experiments.train_perceptron("xor", lr=lr_try, epochs=1000)
    print(f"η = {lr_try:<4}  epochs with all four right: {np.count_nonzero(xor.errors == 0)} "
          f"of 1000,  fewest wrong: {xor.errors.min()},  corrections in the last epoch: "
          f"{xor.updates[-1]}")

# %% [markdown]
# In the end the rule goes round in circles. Every row is answered wrongly
# when its turn comes, so each epoch makes four corrections:
# $-x$ for (0,0), $+x$ for (0,1) and (1,0), $-x$ for (1,1). With $x = (1, x_1, x_2)$
# they add up to $-(1,0,0) + (1,0,1) + (1,1,0) - (1,1,1) = (0,0,0)$: after
# every epoch the weights are back exactly where they started it.

# %% [markdown]
# That is not bad luck. Write down what the four rows of XOR demand of the
# weights ($y = 1$ needs $\mathrm{net} > 0$, $y = 0$ needs $\mathrm{net} \le 0$):
#
# | $x_1$ | $x_2$ | $t$ | condition |
# |---|---|---|---|
# | 0 | 0 | 0 | $w_0 \le 0$ |
# | 0 | 1 | 1 | $w_0 + w_2 > 0$ |
# | 1 | 0 | 1 | $w_0 + w_1 > 0$ |
# | 1 | 1 | 0 | $w_0 + w_1 + w_2 \le 0$ |
#
# Add the two middle rows: $2w_0 + w_1 + w_2 > 0$. Add the first and the last:
# $2w_0 + w_1 + w_2 \le 0$. Both cannot hold, so **no** weights solve XOR: its
# two classes sit on opposite corners of the square and no straight line
# separates them. XOR is **not linearly separable**. (AND and OR are: for them
# the same four conditions have solutions, and for such problems the rule is
# guaranteed to stop making mistakes after a finite number of updates — the
# perceptron convergence theorem.)
#
# A brute-force check agrees: among 200 000 random weight vectors, the best
# gets all four rows of AND and OR right, but only three of XOR.

# %%
W_random = np.random.default_rng(0).uniform(-1, 1, (200_000, 3))
for gate in ("and", "or", "xor"):
    X_g, t_g = ll.data.logic_gate(gate)
    right = ((ll.experiments.with_bias(X_g) @ W_random.T > 0) == t_g[:, None]).sum(axis=0)
    print(f"{gate.upper():>3}: best random weights get {right.max()} of 4 right")

# %% [markdown]
# ## A hidden layer solves XOR — but what would teach it?
#
# XOR is "OR, but not AND":
#
# $$\mathrm{XOR}(x_1, x_2) = \mathrm{AND}\big(\mathrm{OR}(x_1, x_2),\ \mathrm{NAND}(x_1, x_2)\big).$$
#
# So two perceptrons in a **hidden layer**, one computing OR and one NAND,
# feed a third that computes AND of their outputs.
# Each of the three can be trained with the perceptron rule:

# %%
w_or, w_nand, w_and = (ll.experiments.train_perceptron(g, lr=0.1, epochs=30).weights[-1]
                       for g in ("or", "nand", "and"))
X_xor, t_xor = ll.data.logic_gate("xor")
Xb_xor = ll.experiments.with_bias(X_xor)
H = np.c_[ll.experiments.perceptron_output(w_or, Xb_xor),        # hidden layer: OR, NAND
          ll.experiments.perceptron_output(w_nand, Xb_xor)]
y_xor = ll.experiments.perceptron_output(w_and, ll.experiments.with_bias(H))   # output layer: AND
print("hidden outputs (OR, NAND):", H.tolist())
print("network output:", y_xor, "  XOR targets:", t_xor)

# %% [markdown]
# It works — but only because *we* told each hidden unit what to compute and
# so gave it a target $t$. A data set says what the **output** should be; it
# says nothing about what a hidden unit should output. With no $t$ there is no
# $t - y$, so the perceptron rule has nothing to apply to the hidden layer.
#
# Lesson 02 replaces the step by a smooth function so that the error has a
# slope (the delta rule); lesson 03 passes that error backwards and gives every
# hidden unit its own learning signal $\delta$ (backpropagation).

# %% [markdown]
# ## Live: move the line
#
# Pick a gate, then change $\eta$ and the number of epochs. The left plot
# shows the decision line and the unit's answers after that many epochs; the
# right plot counts the wrong answers per epoch. Things to try:
#
# * AND or OR with the smallest $\eta$, 0.01: the line creeps and needs about
#   100 epochs (AND is done at epoch 97, OR at 127). On the way the count of
#   wrong answers can go *up* (AND: from 2 to 3 at epoch 19). A correction
#   fixes the row in front of it and can break a row that was right: the rule
#   promises only that the mistakes stop in the end, not that each epoch is
#   better than the last.
# * The same with $\eta = 1$: it jumps and is done in a few epochs.
# * XOR, any $\eta$, up to 150 epochs: the count never reaches 0.

# %% tags=["nbval-ignore-output"]
ll.widgets.perceptron_panel(gate="and", lr=0.1, epochs=20)

# %% [markdown]
# ## Exercise: one perceptron update
#
# Write `perceptron_update(w, x, t, lr)`: `x` already contains the bias input
# $x_0 = 1$. Compute $y$ ($1$ if $w\cdot x > 0$, else $0$) and return the new
# weights $w + \eta\,(t - y)\,x$ as a new array. Run the next cell to check.

# %%
def perceptron_update(w, x, t, lr):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_perceptron_update(perceptron_update)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `perceptron_update` is left as it is. To run the check on
# this one: ll.exercises.check_perceptron_update(perceptron_update_solution)
def perceptron_update_solution(w, x, t, lr):
    y = 1.0 if np.dot(w, x) > 0 else 0.0
    return w + lr * (t - y) * x

# %% [markdown]
# > **In a framework.** Frameworks do not train perceptrons with this rule;
# > they train with gradients (next lesson). The unit itself is one layer whose
# > bias plays the part of $w_0$ with $x_0 = 1$:
# >
# > * Keras: `layer = keras.layers.Dense(1)`, answer `keras.ops.cast(layer(x) > 0, "float32")`
# > * PyTorch: `layer = torch.nn.Linear(2, 1)`, answer `(layer(x) > 0).float()`
# >
# > scikit-learn's `sklearn.linear_model.Perceptron(eta0=0.1)` trains with this
# > rule, up to details: it codes the labels as ±1 instead of 0/1, counts
# > $\mathrm{net} = 0$ as a mistake for either class, and shuffles the rows
# > every epoch unless `shuffle=False`.

# %% [markdown]
# ## Summary
#
# * The perceptron fires when $\sum_i w_i x_i > 0$ (with $x_0 = 1$) and learns by $\Delta w_i = \eta(t-y)x_i$, changing only after a mistake.
# * It learns AND and OR, whose classes a straight line separates, and never XOR, whose four conditions on the weights contradict each other.
# * A hidden layer could solve XOR, but hidden units have no target $t$, so the rule cannot train them: we need a learning signal that reaches them.
#
# **Next:** [02 · Delta rule](02_delta_rule.ipynb)

# %% [markdown]
# ## References
#
# * Rosenblatt, F. (1958). The perceptron: A probabilistic model for
#   information storage and organization in the brain. *Psychological Review*,
#   65(6), 386–408. — The threshold unit and its error-correcting rule
#   $\Delta w_i = \eta(t-y)x_i$.
# * Novikoff, A. B. J. (1962). On convergence proofs on perceptrons.
#   *Proceedings of the Symposium on the Mathematical Theory of Automata*,
#   Polytechnic Institute of Brooklyn. — The convergence theorem: on linearly
#   separable data the rule makes only finitely many mistakes.
# * Minsky, M., & Papert, S. (1969). *Perceptrons: An Introduction to
#   Computational Geometry.* MIT Press. — What a single layer of threshold
#   units cannot compute; XOR is the smallest example.
