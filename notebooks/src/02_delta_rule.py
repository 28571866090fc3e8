# %% [markdown]
# # 02 · Delta rule
#
# The perceptron's step function is flat everywhere except at the jump, so it
# says only "right" or "wrong", never "a bit more of this weight". Swap the
# step for a smooth activation and the error $E$ becomes a smooth function of
# the weights: we can compute its slope and walk downhill. That walk is
# **gradient descent**, and for one layer of units it is called the **delta
# rule** (or the continuous perceptron rule). Backpropagation, in lesson 03, is
# this same rule applied layer after layer.
#
# The delta rule also shows the first **explosion** of the series: with a
# learning rate just a little too large, every step overshoots further than
# the last and the weights run off to infinity. For a linear unit we can say
# exactly where that starts.

# %% [markdown]
# ## The maths
#
# Each sample is a row $X$ (bias input $x_0 = 1$ in front), the weights form a
# column $W$, and the unit's output is $Y = f(\mathrm{net})$ with
# $\mathrm{net} = XW$ and a differentiable $f$. The error is
#
# $$E = \tfrac12 (T - Y)^2 = \tfrac12\big(t - f(XW)\big)^2 ,$$
#
# summed over the samples when $X$ holds a whole batch, one per row. The chain
# rule gives, for one weight, $\partial E/\partial w_i = -(t - y)\,f'(\mathrm{net})\,x_i$.
# Gradient descent steps against it:
#
# $$\Delta W = -\eta\,\frac{\partial E}{\partial W}
#            = \eta\,X^\top\big((T - Y)\circ f'(XW)\big) = \eta\,X^\top\delta,
#   \qquad \delta = (T - Y)\circ f'(XW),$$
#
# or per weight $\Delta w_i = \eta\,x_i\,\delta$ for one sample. Here $\circ$
# multiplies entry by entry (each sample's error by its own slope), and the
# product with $X^\top$ adds up the samples. The **learning signal**
# $\delta$ is the error times the slope of the activation. (The notes write
# $f(WX)$ with $X$ a column; here samples are rows, $Y = f(XW)$, so $X^\top$
# stands on the left and adds up the samples' contributions.)
#
# Two activations matter in this lesson:
#
# * **sigmoid** $f(z) = 1/(1+e^{-z})$, whose slope is $f'(z) = y(1-y)$, so
#   $\delta = (t - y)\,y\,(1 - y)$;
# * **linear** $f(z) = z$, with $f' = 1$: then $\delta = t - y$ and
#   $\Delta w_i = \eta\,(t - y)\,x_i$ — the perceptron rule's form, except that
#   $y$ is now $\mathrm{net}$ itself rather than a step.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## A sigmoid unit learns AND
#
# The same truth table as in lesson 01, the targets as a column $T$ of shape
# (4, 1), all weights starting at 0. Each epoch is one full-batch step
# $W \leftarrow W + \eta X^\top\delta$:

# %%
X, t = ll.data.logic_gate("and")
Xb, T = ll.experiments.with_bias(X), t[:, None].astype(float)
W = np.zeros((3, 1))
for epoch in range(1, 2001):
    W = ll.experiments.delta_rule_update(W, Xb, T, lr=0.5)   # sigmoid unit: ΔW = η Xᵀδ
    if epoch in (1, 10, 100, 1000, 2000):
        y = ll.experiments.unit_output(W, Xb).ravel()
        E = ll.experiments.delta_loss(W, Xb, T)
        print(f"epoch {epoch:>4}:  E = {E:.4f}   y = {np.round(y, 3)}")

# %% [markdown]
# The error shrinks smoothly and the outputs creep toward 0, 0, 0, 1 without
# ever reaching them (a sigmoid is never exactly 0 or 1). Reading $y > 0.5$
# as "fire" gives the AND table:

# %%
print("y > 0.5:", (ll.experiments.unit_output(W, Xb).ravel() > 0.5).astype(int), "  targets:", t)

# %% [markdown]
# Is $-X^\top\delta$ really the gradient of $E$? Compare it with finite
# differences, $\big(E(w_i + h) - E(w_i - h)\big)/2h$ for each weight:

# %%
numeric = ll.gradcheck.numerical_gradient(lambda: ll.experiments.delta_loss(W, Xb, T), W)
analytic = ll.experiments.delta_gradient(W, Xb, T)       # −Xᵀδ
print("relative error below 1e-6:", ll.gradcheck.rel_error(analytic, numeric) < 1e-6)

# %% [markdown]
# Smoothness does not buy XOR. From random weights the unit settles at
# $E = 0.5$, the least error one sigmoid unit can reach on XOR (among 100 000
# random weight vectors none does better), here by answering
# 0.5 to every row.

# %%
X_xor, t_xor = ll.data.logic_gate("xor")
Xb_xor, T_xor = ll.experiments.with_bias(X_xor), t_xor[:, None].astype(float)
W_xor = ll.experiments.initial_weights(seed=0)[:, None]
for epoch in range(2000):
    W_xor = ll.experiments.delta_rule_update(W_xor, Xb_xor, T_xor, lr=0.5)
y = ll.experiments.unit_output(W_xor, Xb_xor).ravel()
E = ll.experiments.delta_loss(W_xor, Xb_xor, T_xor)
print(f"XOR after 2000 epochs:  E = {E:.4f}   y = {np.round(y, 3)}")

# %% [markdown]
# ## The learning rate: converge or explode
#
# To *see* gradient descent we need a unit with only two weights, so that $E$
# is a landscape over a plane. Take a linear unit $y = w_0 + w_1x_1$ and ten
# points near the line $t = 0.5 + x_1$:

# %%
Xl, Tl = ll.experiments.toy_line()       # columns x0 = 1 and x1; targets t
print("x1:", np.round(Xl[:, 1], 2))
print("t: ", np.round(Tl[:, 0], 2))

# %% [markdown]
# In this section and its panel the error is **averaged** over the $N$
# samples, $E = \frac1N\sum\tfrac12(t - y)^2$, as Keras and PyTorch do by
# default, so the step is $W \leftarrow W + \frac{\eta}{N}X^\top(T - XW)$ and a
# good $\eta$ does not depend on $N$. (The exercise at the end goes back to
# the summed error of the notes.)
#
# For a linear unit $E$ is a quadratic function of the weights. Its matrix of
# second derivatives, the **Hessian**, is the same everywhere:
#
# $$H = \frac{\partial^2 E}{\partial W^2} = \frac1N X^\top X .$$
#
# Its eigenvalues are the curvatures of the bowl along its two axes: a large
# $\lambda$ is a steep direction, a small one a flat valley floor.

# %%
H = ll.experiments.linear_hessian(Xl)    # XᵀX / N  (mean reduction)
lam = np.linalg.eigvalsh(H)              # ascending
eta_star = 2 / lam[-1]
print("H =", np.round(H, 4).tolist())
print(f"eigenvalues: λ_min = {lam[0]:.4f}, λ_max = {lam[-1]:.4f}  (ratio {lam[-1] / lam[0]:.1f})")
print(f"η* = 2 / λ_max = {eta_star:.4f}")
print(f"with the summed error (H = XᵀX) the limit is N = {len(Xl)} times smaller: "
      f"{ll.experiments.lr_threshold(Xl, reduction='sum'):.4f}")

# %% [markdown]
# **Why $2/\lambda_{\max}$.** Let $W^*$ be the minimum. For a quadratic the
# gradient is exactly $H(W - W^*)$, so one step gives
#
# $$W_{k+1} - W^* = (I - \eta H)\,(W_k - W^*).$$
#
# Along each eigenvector of $H$ the distance to the minimum is multiplied by
# $1 - \eta\lambda$ at every step. It shrinks when $|1 - \eta\lambda| < 1$,
# that is $0 < \eta < 2/\lambda$. The steepest direction sets the limit:
#
# * $\eta < 1/\lambda_{\max}$: every direction shrinks without changing sign;
# * $1/\lambda_{\max} < \eta < 2/\lambda_{\max}$: along the steep direction each
#   step overshoots the valley floor — the path zig-zags — but less every time;
# * $\eta > 2/\lambda_{\max}$: each overshoot is larger than the last; the
#   distance grows by $|1 - \eta\lambda_{\max}| > 1$ per step and the loss
#   explodes.
#
# Just below and just above $\eta^*$:

# %%
labels = {0.3: "η = 0.3 η*", 0.95: "η = 0.95 η*", 1.05: "η = 1.05 η*"}
paths = {label: ll.experiments.descent_path(f * eta_star, steps=40) for f, label in labels.items()}
for label, path in paths.items():
    print(f"{label:<12} (η = {path.lr:.3f}):  |1 − ηλ_max| = {path.factor:.2f},  "
          f"E − E_min = {path.excess[0]:.3g} at the start, {path.excess[-1]:.3g} after 40 steps")

# %% [markdown]
# The contour lines of $E(w_0, w_1)$ with the first 20 steps of each run
# (the star is the minimum), then $E - E_{\min}$ over all 40 steps on a log
# scale, where a constant factor per step is a straight line:

# %%
w0, w1, E = ll.experiments.loss_surface(ll.widgets.delta_rule.SURFACE_EXTENT)
fig = ll.plots.new_figure((11.0, 3.5), ncols=3, wspace=0.38)
axes = fig.axes
for ax, (label, path) in zip(axes, paths.items()):
    surface = ll.plots.SurfacePlot(w0, w1, E, labels=list(paths), minimum=path.minimum, ax=ax,
                                   title=label)
    surface.update({label: path.weights[:21]})
_ = ll.plots.show_static(fig)

curves = ll.plots.LinePlot(list(paths), xlabel="step", ylabel="$E - E_{\\min}$ (log scale)",
                           logy=True)
curves.update(np.arange(41), {label: path.excess for label, path in paths.items()})
_ = ll.plots.show_static(curves.fig)

# %% [markdown]
# The most careful rate is not the fastest: after 40 steps $\eta = 0.95\,\eta^*$
# is far closer to the minimum than $\eta = 0.3\,\eta^*$. Most of the
# distance lies along the flat valley floor, where each step shrinks it by only
# $1 - \eta\lambda_{\min}$, so there a larger $\eta$ helps. The steep
# direction caps $\eta$, the flat direction sets the pace.

# %% [markdown]
# ## Live: find the edge
#
# Move $\eta$. The left plot is the loss surface with the path of 40 steps
# from the same start; the right plot is $E - E_{\min}$ per step. Things to try:
#
# * $\eta$ = 0.05: no zig-zag, but a slow walk along the flat valley floor.
#   The rate that is safe for the steep direction is small for the flat one.
# * $\eta$ from 0.5 up to 0.85: the path zig-zags across the valley and
#   still converges.
# * $\eta$ = 0.89 and 0.90, on either side of $\eta^* \approx 0.899$: the
#   first converges and the second diverges, both very slowly, because
#   $|1 - \eta\lambda_{\max}|$ is within 0.03 of 1.
# * $\eta$ above 1: the zig-zag widens every step and $E - E_{\min}$ climbs
#   in a straight line on the log scale.

# %% tags=["nbval-ignore-output"]
ll.widgets.delta_rule_panel(lr=0.3)

# %% [markdown]
# ## Exercise: one delta-rule step
#
# Write `delta_rule_update(W, X, T, lr)` for a **sigmoid** unit. Careful: this
# is the **summed** error of the notes and of the first part of this lesson,
# $E = \sum\tfrac12(t - y)^2$, not the averaged one of the linear-unit section,
# so there is no $\tfrac1N$. Shapes: `W` (n, 1), `X` (N, n)
# with the bias column, `T` (N, 1). Compute $Y = \sigma(XW)$, the learning
# signal $\delta = (T - Y)\circ Y\circ(1 - Y)$, and return $W + \eta X^\top\delta$.

# %%
def delta_rule_update(W, X, T, lr):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_delta_rule_update(delta_rule_update)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `delta_rule_update` is left as it is. To run the check on
# this one: ll.exercises.check_delta_rule_update(delta_rule_update_solution)
def delta_rule_update_solution(W, X, T, lr):
    Y = 1.0 / (1.0 + np.exp(-(X @ W)))
    delta = (T - Y) * Y * (1.0 - Y)
    return W + lr * X.T @ delta

# %% [markdown]
# > **In a framework.** A sigmoid unit trained by gradient descent on the
# > squared error:
# >
# > * Keras: `model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])`, then
# >   `model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="mse")`
# > * PyTorch: `model = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid())`,
# >   `opt = torch.optim.SGD(model.parameters(), lr=0.5)`, `loss = torch.nn.MSELoss()(model(x), t)`
# >
# > Their `"mse"` is the mean of $(t - y)^2$ without the $\tfrac12$: its
# > gradient is twice that of our averaged $E$ and $2/N$ times that of the
# > summed one — the same rule with $\eta$ rescaled.

# %% [markdown]
# ## Summary
#
# * The delta rule is gradient descent on $E = \tfrac12(T-Y)^2$: $\Delta W = \eta X^\top\delta$ with the learning signal $\delta = (T-Y)\circ f'(XW)$; a linear unit ($f' = 1$) gives the perceptron rule's form.
# * For a linear unit $E$ is a bowl with Hessian $X^\top X/N$; gradient descent converges when $\eta < 2/\lambda_{\max}$ and explodes above it, growing by $|1-\eta\lambda_{\max}|$ per step.
# * One smooth unit still cannot learn XOR; the learning signal $\delta$ pays off once it is passed back to hidden units.
#
# **Next:** [03 · Backpropagation](03_backpropagation.ipynb)

# %% [markdown]
# ## References
#
# * Widrow, B., & Hoff, M. E. (1960). Adaptive switching circuits. *IRE WESCON
#   Convention Record*, Part 4, 96–104. — The delta rule (LMS rule) for a
#   linear unit (ADALINE): gradient descent on the squared error. With a
#   sigmoid unit it is the one-layer case of backpropagation (lesson 03).
# * LeCun, Y., Bottou, L., Orr, G. B., & Müller, K.-R. (1998). Efficient
#   BackProp. In G. B. Orr & K.-R. Müller (Eds.), *Neural Networks: Tricks of
#   the Trade* (LNCS 1524). Springer. — Gradient descent on a quadratic
#   error through the eigenvalues of the Hessian: the largest sets the limit
#   $\eta < 2/\lambda_{\max}$, the smallest the pace.
