# %% [markdown]
# # 11 · Gradient-flow lab: every knob at once
#
# Lessons 01–10 each turned one knob: the activation, the initial weights,
# BatchNorm, dropout, clipping, weight penalties, shortcuts. A real network has
# all of them at once, and they interact. This lab puts every knob on one
# panel and trains a deep network live on a small 2-D data set, so you can
# watch the learning signal vanish, explode, or flow, layer by layer.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% [markdown]
# ## The lab
#
# Press **Train**. The *network* knobs build a new model (step 0) when you
# change them; η, clipping and L2 change the running model from its next step.
# Two knobs come from lesson 12: *LayerNorm*, the alternative to BatchNorm (a
# layer has one of the two: while BatchNorm is on, the LayerNorm checkbox is
# grayed out and ignored), and the *optimizer* (SGD, momentum, RMSProp, Adam).
# Another optimizer also starts again from step 0, with a fresh optimizer
# state, and η follows it while η sits at the optimizer's usual value (SGD 0.3,
# Adam 0.001).
# **Pause** keeps the model; **Reset** starts again from step 0 with the same
# starting weights (the weights are drawn from a fixed seed, so a run can be
# repeated exactly, and the exercise below trains from these same weights).

# %% tags=["nbval-ignore-output"]
lab = ll.widgets.gradient_flow_lab()
lab

# %% [markdown]
# **Reading the three panels**
#
# * *loss*: the cross-entropy $E$ (lesson 04) of every step, on a log scale:
#   on the 200 training points (solid), and on 200 new points from the same
#   distribution that the network never trains on (dashed, the *test* loss:
#   lesson 08). A test loss that rises while the training loss falls is
#   over-fitting. A flat training loss at $\ln 2 \approx 0.693$ means the
#   network answers about 0.5 for every point; the accuracy then says little,
#   since which side of 0.5 a point lands on is decided by tiny differences
#   (for the default network after 500 steps it is anything from 15 % to 88 %
#   over five random draws of the starting weights; the lab uses one fixed
#   draw). The dotted line marks step 100, where the exercise
#   checks; the readout shows the training accuracy there.
# * *P(class 1)*: the network's probability over the plane; the white band is
#   the decision boundary, the markers are the 200 training points.
# * *heat map*: one row per layer (input side at the bottom, output layer on
#   top), one column per step, color $\log_{10}\|\partial E/\partial W^l\|$.
#   Even colors up the rows mean the signal flows; rows that get darker toward
#   the bottom mean it shrinks on its way to the first layers (black: below
#   $10^{-10}$); orange means it explodes (above $10^{2}$). A run whose numbers
#   overflow stops and says so.

# %% [markdown]
# ## What one training step does
#
# The lab trains on all $N = 200$ points at once (full-batch gradient
# descent). Layer $h$ computes $\mathrm{net}^h = Y^{h-1}W^h$ (plus a bias, or
# BatchNorm instead), $Y^h = f(\mathrm{net}^h)$, and with a shortcut
# $Y^h = Y^{h-1} + f(\mathrm{net}^h)$; dropout masks $Y^h$. The output is one
# logit $z$ with prediction $y = \sigma(z)$ and error
#
# $$E = -\frac1N\sum_n \big[t_n\ln y_n + (1-t_n)\ln(1-y_n)\big]
#       + \frac{\lambda}{2}\sum_h \|W^h\|^2 .$$
#
# With this error the output's learning signal is simply
# $\delta = (y - t)/N$: the sigmoid's slope cancels. Backpropagation then
# passes $\delta^h = \big(\delta^{h+1}(W^{h+1})^\top\big)\circ f'(\mathrm{net}^h)$
# down the layers (a shortcut adds $\delta^{h+1}$ unchanged), and each weight
# gradient is $\partial E/\partial W^h = (Y^{h-1})^\top\delta^h + \lambda W^h$;
# the heat map shows the norm of the first term. All gradients together form
# $g$; clipping by global norm rescales it, $g \leftarrow g\,\min(1, c/\|g\|)$,
# and the update is $W \leftarrow W - \eta\,g$ (with SGD; the other optimizers
# change this last update, lesson 12).

# %% [markdown] tags=["voila-hide"]
# ## The lab in a few lines
#
# The panel is a `LabRun` (a model and its training history) drawn by a
# `LabPlot`. Train the lab's default network, ten sigmoid layers with Glorot
# weights, and the same network with tanh, for 1000 steps each, with a smaller
# step than the lab's: $\eta = 0.03$. At $\eta = 0.3$ the tanh network learns
# too, but its loss jumps up and down on the way, and how it jumps depends on
# the last digits of the arithmetic, which differ from one computer to the
# next. So the cell prints only what does not depend on them: a loss that ends
# far below 0.01 is printed as "below 0.01".

# %% tags=["voila-hide"]
sigmoid_run = ll.experiments.LabRun(depth=10, activation="sigmoid", lr=0.03)
sigmoid_run.train(1000)
tanh_run = ll.experiments.LabRun(depth=10, activation="tanh", lr=0.03)
tanh_run.train(1000)

for name, run in (("sigmoid", sigmoid_run), ("tanh", tanh_run)):
    g = run.grad_norms[0]              # step 1: one norm per layer, input side first
    end = run.losses[-1]
    end_text = f"{end:.3f}" if end >= 0.01 else "below 0.01"
    print(f"{name:8s} loss after 1000 steps {end_text}, "
          f"step 1: ‖∂E/∂W¹‖ / ‖∂E/∂W¹¹‖ = {g[0] / g[-1]:.1g}")
print(f"ln 2 = {np.log(2):.3f};  tanh training accuracy {tanh_run.accuracy():.0%}")

# %% [markdown] tags=["voila-hide"]
# The sigmoid network's first layer gets about $10^{-5}$ of the gradient the
# output layer gets (on the way back each sigmoid layer multiplies the signal
# by its slope, at most ¼, lesson 05), and its loss never leaves $\ln 2$. The upper layers
# soon learn the only thing they can without the input's information, to
# answer 0.5, and then their gradients sink too: after 1000 steps every
# layer's is below $10^{-5}$, and the whole heat map is dark. With tanh, whose
# slope reaches 1, the gradient arrives nearly whole and the network fits every
# training point. Here are both runs as the lab draws them:

# %% tags=["voila-hide"]
for run in (sigmoid_run, tanh_run):
    plot = ll.plots.LabPlot(run.X, run.y, run.n_layers,
                            label=f"10 {run.settings.activation} layers")
    plot.update(run.frame(plot.grid_points))
    ll.plots.show_static(plot.fig)

# %% [markdown]
# ## Recipes
#
# Five experiments to try in the lab, with what you should see (each number
# is checked by the test suite).
#
# 1. **Watch it vanish.** Keep the defaults (moons, depth 10, sigmoid, Glorot,
#    η = 0.3) and train 500 steps. At the first step the colors run from dark
#    at the bottom (layer 1: about $10^{-6}$) to bright at the top (the output
#    layer: $10^{-2}$ to 1), about five orders of magnitude. The loss settles
#    at 0.693, and once the upper layers have learned to answer 0.5 their
#    gradients sink too: at step 500 every row is about the same dark blue,
#    close to $10^{-6}$. Switch the activation to *tanh* and η to 0.03:
#    100 % training accuracy within 1000 steps.
# 2. **Make it explode.** Depth 50, *relu*, init *N(0, 1): too large*. At the
#    first step every layer's gradient is above $10^{20}$ (an orange column) and
#    the run diverges at step 2. Setting clipping to 1 prevents the overflow but
#    cannot repair the weights: the accuracy stays at 50 %. Init *He normal*
#    is the real fix: every layer's first gradient lies between $10^{-2}$ and 1.
# 3. **Tame a step that is too large.** Depth 20, *relu*, *He normal*, η = 1:
#    the run diverges within ten steps. Clip ‖g‖ to 0.1, so that no step moves
#    the weights by more than η · 0.1 = 0.1, and the same η reaches 100 %
#    training accuracy within 300 steps.
# 4. **Over-fit, then regularize.** Moons, depth 3, width 32, *relu*,
#    *He normal*, η = 0.3, and train 1000 steps. The training loss falls
#    toward 0; the dashed test loss is lowest between steps 200 and 450 and
#    then climbs back (it ends 1.07 to 2.4 times above its lowest value over
#    five random draws of the data and weights; the lab shows one of them):
#    the network keeps growing more confident, also on the few test points it
#    gets wrong. Set L2 λ to 0.01 and press Reset: now the test loss is still
#    falling at step 1000 (within 2 % of its lowest), and its final value
#    averaged over the five draws is 0.06 instead of 0.11. Dropout 0.2 lands in
#    between (0.08). The test *accuracy* hardly moves (96 to 99.5 % in every run):
#    the loss sees the confidence that the accuracy cannot.
# 5. **Adam instead of SGD.** Back to the defaults of recipe 1, and choose the
#    optimizer *Adam* (η moves to 0.001). The starting weights, and so the first
#    step's gradients, are the same as under SGD, dark floor included: Adam
#    does not bring the signal down. It divides each weight's step by that
#    weight's own recent gradient size, so a small gradient no longer means a
#    small step (down to the $\epsilon$ floor of lesson 12). The loss leaves
#    $\ln 2$ between steps 150 and 550, and after 1000 steps it is below 0.4,
#    with a training accuracy of 87 % or more (over five random draws of the
#    starting weights).

# %% [markdown] tags=["voila-hide"]
# ## Exercise: rescue a 30-layer sigmoid net
#
# In the lab, choose the *circles* data set, depth 30 and *sigmoid*, and press
# Train: nothing happens, the accuracy stays at 50 %. At the first step the
# first layer's gradient is below $10^{-19}$ times the last layer's.
#
# Find knob values that make this network learn, and return them from
# `lab_setting` as a dict such as `{"dropout": 0.1, "lr": 1.0}` (a dict of the
# right form, though these knobs do not rescue it; knobs you leave out keep the
# lab's defaults; depth, activation and data set are fixed). The check trains
# the network from the same starting weights as the lab after **Reset**, for
# 100 steps (the dotted line in the lab), and passes at 90 % training accuracy
# or more. A failed check says what your setting did and why, and each further
# try adds a hint. You can also check what the lab panel shows right now:
# `check_lab_setting(lab)`.

# %% tags=["voila-hide"]
def lab_setting():
    """Knob values that let a 30-layer sigmoid network learn the circles."""
    # YOUR CODE HERE: return a dict of knob values
    raise NotImplementedError


# %% tags=["voila-hide"]
ll.exercises.check_lab_setting(lab_setting)

# %% tags=["voila-hide"]
# The lab panel above, as it is set now (it starts at moons, depth 10: set it to
# the exercise's network and your knobs, then run this cell again)
ll.exercises.check_lab_setting(lab)

# %% tags=["voila-hide"] jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `lab_setting` is left as it is. To run the check on
# this one: ll.exercises.check_lab_setting(lab_setting_solution)
def lab_setting_solution():
    """BatchNorm re-centers every layer's weighted sums where the sigmoid is steep
    (and keeps the shortcut stream near zero); the shortcuts hand the learning
    signal past each layer unchanged. Either alone falls short: shortcuts
    without BatchNorm let each sigmoid block add about 0.5 to the stream, which
    saturates the deep blocks; BatchNorm alone trains at η = 0.3 in this seed
    but not in every one."""
    return {"batchnorm": True, "residual": True, "lr": 0.3}

# %% [markdown] tags=["voila-hide"]
# > **In a framework**
# >
# > **Keras**: `keras.layers.Dense(16, kernel_initializer="he_normal",
# > kernel_regularizer=keras.regularizers.L2(lam / 2))`, then
# > `keras.layers.BatchNormalization()`, `keras.layers.Activation("relu")`,
# > `keras.layers.Dropout(0.1)` and a shortcut `keras.layers.Add()([x, h])`;
# > train with `keras.optimizers.SGD(learning_rate=0.3, global_clipnorm=1.0)`
# > (Keras's `L2(l)` adds $l\|W\|^2$, hence half of our $\lambda$ = `lam`).
# >
# > **PyTorch**: `nn.Linear(16, 16)` with `nn.init.kaiming_normal_(layer.weight)`,
# > `nn.BatchNorm1d(16)`, `nn.ReLU()`, `nn.Dropout(0.1)`, and `x + block(x)`
# > for a shortcut; each step calls
# > `torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)` before
# > `torch.optim.SGD(model.parameters(), lr=0.3, weight_decay=lam).step()`
# > (`weight_decay` also shrinks the biases unless you pass parameter groups).
# > The heat map's numbers are `p.grad.norm()` of each weight after
# > `loss.backward()`.

# %% [markdown]
# ## Summary
#
# * Whether a deep network learns depends on the learning signal reaching its first layers;
#   the heat map shows it directly: even colors up the layers, or a dark floor and an orange ceiling.
# * Activation, init, BatchNorm and shortcuts keep that signal's size; clipping and L2 only bound
#   it, and the held-out test loss shows what L2 and dropout are for.
# * Remedies interact: shortcuts alone do not rescue deep sigmoid layers (each block shifts the
#   stream's mean), BatchNorm and shortcuts together do.
#
# **Next:** [12 · Modern remedies](12_modern_remedies.ipynb) — Adam, LayerNorm, GELU, warm-up
# and watching a network's gradients while it trains.

# %% [markdown]
# ## References
#
# * Glorot, X. & Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
#   neural networks. *AISTATS*. — the per-layer gradient norms the heat map shows; Glorot init.
# * He, K., Zhang, X., Ren, S. & Sun, J. (2015). Delving deep into rectifiers. *ICCV*. — He init.
# * Ioffe, S. & Szegedy, C. (2015). Batch normalization: accelerating deep network training by
#   reducing internal covariate shift. *ICML*. — the BatchNorm knob.
# * He, K., Zhang, X., Ren, S. & Sun, J. (2016). Deep residual learning for image recognition.
#   *CVPR*. — the shortcuts.
# * Pascanu, R., Mikolov, T. & Bengio, Y. (2013). On the difficulty of training recurrent neural
#   networks. *ICML*. — clipping by global norm.
# * Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I. & Salakhutdinov, R. (2014).
#   Dropout: a simple way to prevent neural networks from overfitting. *JMLR* 15. — dropout.
# * Krogh, A. & Hertz, J. A. (1992). A simple weight decay can improve generalization. *NIPS 4*.
#   — the L2 penalty.
