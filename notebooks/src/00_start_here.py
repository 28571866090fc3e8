# %% [markdown]
# # 00 · Start here: why deep networks stop learning
#
# A network learns by passing an error signal backwards through its layers.
# Each layer multiplies that signal by its weights and by the slope of its
# activation function. Multiply many numbers smaller than one and the signal
# fades to nothing (**vanishing gradient**); multiply many numbers larger than
# one and it blows up (**exploding gradient**). Either way the layers near the
# input stop learning.
#
# This series builds that story from the ground up in plain numpy — every
# gradient is a line of code you can read — and then tries each remedy while
# you watch the per-layer gradient sizes move with a slider.
#
# The course follows a handful of Chinese study notes — blog posts and
# study-guide pages on backpropagation, activation functions and the
# vanishing-gradient problem, which retell standard textbook material. When a
# lesson says **"the notes"**, it means these. Their notation (bias input
# $x_0 = 1$, learning signal $\delta$, weights $W^h$ of layer $h$) is used
# throughout, the glossary at the end gives their Chinese terms, and each
# lesson ends with the original papers its ideas come from.

# %% [markdown]
# ## The map
#
# | # | lesson | what you will see |
# |---|---|---|
# | 01 | [Perceptron](01_perceptron.ipynb) | the rule $\Delta w_i = \eta(t-y)x_i$ learns AND and OR, and cannot learn XOR |
# | 02 | [Delta rule](02_delta_rule.ipynb) | gradient descent on $E=\tfrac12(t-y)^2$; a learning rate that converges or diverges |
# | 03 | [Backpropagation](03_backpropagation.ipynb) | the learning signal $\delta$ passed back layer by layer; XOR solved |
# | 04 | [Activation functions](04_activation_functions.ipynb) | sigmoid, tanh, ReLU and friends, their slopes, saturation and dead units |
# | 05 | [Vanishing & exploding gradients](05_vanishing_exploding.ipynb) | **the gradient explorer**: depth, activation and weight scale against per-layer gradient size |
# | 06 | [Initialization](06_initialization.ipynb) | Glorot, He, LeCun: choosing the weight scale so signals keep their size |
# | 07 | [Batch normalization](07_batch_normalization.ipynb) | normalizing each layer's inputs during training |
# | 08 | [Dropout](08_dropout.ipynb) | random masks against over-fitting, and what they do to gradients |
# | 09 | [Clipping & regularization](09_clipping_and_regularization.ipynb) | capping an exploding gradient without turning it |
# | 10 | [Residual, LSTM, pre-training](10_residual_lstm_pretraining.ipynb) | shortcuts and gates that let the signal through 100+ steps |
# | 11 | [Gradient-flow lab](11_gradient_flow_lab.ipynb) | every knob at once, training live |
# | 12 | [Modern remedies](12_modern_remedies.ipynb) | Adam and RMSProp against vanishing steps, LayerNorm, GELU/SiLU, warm-up, watching gradient health |
#
# Each lesson has the same parts: a motivation, the maths, the idea built in a
# few lines with `lessons_lib`, a live panel, an exercise that checks itself,
# an *in a framework* box with the Keras and PyTorch one-liners, a
# three-line summary and the references: the papers the ideas come from.

# %% [markdown]
# ## How to run the lessons
#
# * **On your machine** — from the repository root, one command installs
#   everything into a fresh virtual environment and opens this notebook:
#
#   ```bash
#   python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt && jupyter lab notebooks/00_start_here.ipynb
#   ```
#
# * **In the browser, nothing to install** — on [mybinder.org](https://mybinder.org),
#   give the repository's GitHub address, choose *URL* as the path type and
#   enter `lab/tree/notebooks/00_start_here.ipynb`: Binder builds the
#   environment in `binder/` and opens JupyterLab on this notebook. The links
#   in the table above then open every other lesson in the same session.
#
# * **Run everything in order**: *Run ▸ Run All Cells*. Every notebook runs
#   top to bottom in a few seconds.
#
# <!-- binder-links -->
# <!-- /binder-links -->

# %% [markdown]
# ## How to use the sliders
#
# The first code cell of every lesson switches matplotlib to its live backend
# (`%matplotlib widget`, provided by the `ipympl` package). A panel then
# redraws *in place* when you move a control: drag a slider, or (in JupyterLab)
# click its handle and use the arrow keys for single steps — Jupyter Notebook 7
# does not pass arrow keys to sliders, so drag there. The line under the plot
# repeats the key numbers in text.
#
# Check that it works on your setup: move the slider **k** below. The curve
# should change to $k$ full waves at once, and the text under it should follow.

# %%
%matplotlib widget
import numpy as np
import lessons_lib as ll

# %% tags=["nbval-ignore-output"]
ll.widgets.widget_check()

# %% [markdown]
# **Nothing moves?**
#
# * The cell shows text like `VBox(...)` instead of a slider: the page has no
#   widget support. Open the notebook in JupyterLab 4 (or Notebook 7) from the
#   environment the README command made.
# * The slider moves but the plot does not: run *Kernel ▸ Restart Kernel and
#   Run All Cells*. If the text under the plot mentions "inline", `ipympl` is
#   missing: `pip install -r requirements.txt` installs it. The panels still
#   work inline, only more slowly.
# * Errors raised while a panel redraws are printed in red inside the panel
#   itself, so nothing fails silently.

# %% [markdown]
# ## A preview: one product decides everything
#
# On its way back through a deep network, the learning signal is multiplied
# by one factor per layer. Factors a little below 1 and a little above 1 look
# harmless — until there are a hundred of them:

# %%
for factor in (0.9, 1.0, 1.1):
    print(f"{factor} multiplied 100 times: {factor ** 100:.3g}")

# %% [markdown]
# This is the picture you will be able to explain by lesson 05: the size of
# the learning signal in each layer of a 30-layer network, relative to the
# last layer. With sigmoid units it fades layer after layer toward the input;
# with ReLU units and He-scaled weights it stays about the same size. (Glorot
# and He are two standard recipes for the size of the random starting
# weights; lesson 04 states them and lesson 06 derives them.)

# %%
profiles = {
    "sigmoid, Glorot weights": ll.experiments.gradient_profile(30, activation="sigmoid"),
    "ReLU, He weights": ll.experiments.gradient_profile(30, activation="relu", init="he_normal"),
}
preview = ll.plots.plot_gradient_profile({k: v / v[-1] for k, v in profiles.items()},
                                         title="learning signal per layer, 30 layers")
preview.ax.set_ylabel("‖δˡ‖ ÷ ‖δ³⁰‖ (log scale)")
ll.plots.show_static(preview.fig)

# %% [markdown]
# ## Warm-up exercise: a repeated factor
#
# Every exercise in the series works the same way: fill in the function,
# then run the check below it. It tells you whether it is right; if not, it
# shows the inputs of a case that failed, what came out and what was
# expected, names the mistake when it recognizes one, and gives a first
# hint. Each time you run the check again on a wrong answer it adds one more
# hint (the last one is the formula). A collapsed cell below the check holds
# a worked solution; open it (click its bar) once you have tried.
#
# Write `repeated_factor(factor, layers)`: the size of a signal of size 1
# after it has been multiplied by `factor` once per layer.

# %%
def repeated_factor(factor, layers):
    # YOUR CODE HERE
    raise NotImplementedError


# %%
ll.exercises.check_repeated_factor(repeated_factor)

# %% jupyter={"source_hidden": true}
# A worked solution: open it once you have tried (the hints of the check
# come first). Your own `repeated_factor` is left as it is. To run the check on
# this one: ll.exercises.check_repeated_factor(repeated_factor_solution)
def repeated_factor_solution(factor, layers):
    return factor ** layers

# %% [markdown]
# ## Glossary · 术语表
#
# The notes are in Chinese; here are the terms in both languages, in the
# order the lessons meet them.
#
# | English | 中文 | first met in |
# |---|---|---|
# | perceptron | 感知器 | 01 |
# | weight, bias | 权值（权重）, 偏置 | 01 |
# | learning rate $\eta$ | 学习率 | 01 |
# | linearly separable | 线性可分 | 01 |
# | XOR (exclusive or) | 异或 | 01 |
# | delta rule | Delta 学习规则 | 02 |
# | cost / loss function | 代价函数 / 损失函数 | 02 |
# | mean squared error (MSE) | 均方误差 | 02 |
# | gradient descent | 梯度下降法 | 02 |
# | backpropagation | 反向传播 | 03 |
# | forward signal, backward error | 信号正向传播, 误差反向传播 | 03 |
# | hidden layer | 隐藏层 | 03 |
# | learning signal $\delta$ | 学习信号 | 03 |
# | chain rule | 链式法则 | 03 |
# | universal approximation theorem | 万能逼近定理 | 03 |
# | activation function | 激活函数 | 04 |
# | logit | 对数几率（logit） | 04 |
# | cross-entropy | 交叉熵 | 04 |
# | zero-centered | 以 0 为中心 | 04 |
# | saturation | 饱和 | 04 |
# | dead neuron (dying ReLU) | 死神经元 | 04 |
# | fan-in, fan-out | 扇入, 扇出 | 04 |
# | vanishing gradient | 梯度消失 | 05 |
# | exploding gradient | 梯度爆炸 | 05 |
# | weight initialization | 权重初始化 | 06 |
# | self-normalizing network | 自归一化网络 | 06 |
# | batch normalization | 批量归一化 | 07 |
# | moving average, momentum | 移动平均, 动量 | 07 |
# | dropout | Dropout（随机失活） | 08 |
# | over-fitting | 过拟合 | 08 |
# | gradient clipping | 梯度裁剪 | 09 |
# | regularization (L1, L2) | 正则化 | 09 |
# | residual (shortcut) connection | 残差连接 | 10 |
# | LSTM (long short-term memory) | 长短期记忆网络 | 10 |
# | layer-wise pre-training, fine-tuning | 逐层预训练, 微调 | 10 |
# | adaptive optimizer (Adam, RMSProp) | 自适应优化器 | 12 |
# | layer normalization | 层归一化 | 12 |
# | learning-rate warm-up | 学习率预热 | 12 |

# %% [markdown]
# ## Summary
#
# * The series follows one learning signal from the perceptron rule to a 100-layer network.
# * Every lesson pairs the maths with a live panel and a self-checking exercise.
# * If the slider above redraws the sine curve, you are ready.
#
# **Next:** [01 · Perceptron](01_perceptron.ipynb)

# %% [markdown]
# ## References
#
# This lesson only previews the story; each later lesson lists the papers it
# teaches. Where the problem was first named:
#
# * Hochreiter, S. (1991). *Untersuchungen zu dynamischen neuronalen Netzen.*
#   Diploma thesis, Technische Universität München. — The first analysis of
#   the vanishing (and exploding) learning signal.
# * Bengio, Y., Simard, P., & Frasconi, P. (1994). Learning long-term
#   dependencies with gradient descent is difficult. *IEEE Transactions on
#   Neural Networks*, 5(2). — Why products of many per-step factors make
#   gradient descent fail.
# * Glorot, X., & Bengio, Y. (2010). Understanding the difficulty of training
#   deep feedforward neural networks. *AISTATS 2010.* — Per-layer gradient
#   sizes of deep sigmoid and tanh nets, as in the preview above.
# * Goodfellow, I., Bengio, Y., & Courville, A. (2016). *Deep Learning.* MIT
#   Press. — A textbook treatment of most of the series: backpropagation
#   (chapter 6), dropout and weight penalties (7), initialization and batch
#   normalization (8), LSTM and gradient clipping (10).
