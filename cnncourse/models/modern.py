"""Modern CNN building blocks as Keras 3 functional pieces, and small models built from them.

* :func:`residual_block` / :func:`resnet_small` -- ResNet (He et al., 2015): ``relu(F(x) + shortcut(x))``.
  ``resnet_small(residual=False)`` is the *plain* network of the same depth, for comparisons.
* :func:`inception_module` -- GoogLeNet (Szegedy et al., 2014): parallel 1x1 / 3x3 / 5x5 / pool branches,
  1x1 bottlenecks, channel concatenation.
* :func:`separable_block` / :func:`mobilenet_small` -- MobileNet (Howard et al., 2017): depthwise 3x3 then
  pointwise 1x1 (the depthwise-separable convolution of Xception).
* :func:`dense_block` / :func:`transition` / :func:`densenet_small` -- DenseNet (Huang et al., 2016): every
  layer sees the concatenation of all earlier maps and adds ``growth_rate`` channels.
* :func:`bottleneck_block` -- ResNet-50's 1x1 reduce / 3x3 / 1x1 expand block (He et al., 2015);
  :func:`preact_residual_block` -- the pre-activation ordering BN-ReLU-conv (He et al., 2016b).
* :func:`inverted_residual` / :func:`squeeze_excite` -- MobileNetV2's MBConv (Sandler et al., 2018) with
  squeeze-and-excitation (Hu et al., 2018), the block of EfficientNet.
* :func:`fold_batchnorm` -- batch norm at inference folded into the preceding convolution's kernel and bias.

Blocks take and return Keras tensors, so they compose inside ``keras.Model(inputs, outputs)``.

Used in lesson 11.
"""
from __future__ import annotations

import keras
from keras import layers


def _add_shortcut_and_relu(x, y, stride: int, name: str):
    """``ReLU(y + shortcut(x))``: identity shortcut, or conv1x1(stride) -> BN when the shape changes."""
    shortcut = x
    if stride != 1 or x.shape[-1] != y.shape[-1]:
        shortcut = layers.Conv2D(y.shape[-1], 1, strides=stride, use_bias=False, name=f"{name}_proj")(x)
        shortcut = layers.BatchNormalization(name=f"{name}_proj_bn")(shortcut)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)


def residual_block(x, filters: int, stride: int = 1, name: str = "res"):
    """ResNet basic block.

    residual path: conv3x3(stride) -> BN -> ReLU -> conv3x3 -> BN   (convs without bias)
    shortcut:      identity, or conv1x1(stride) -> BN when the shape changes
    output:        ReLU(residual + shortcut)
    """
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    return _add_shortcut_and_relu(x, y, stride, name)


def plain_block(x, filters: int, stride: int = 1, name: str = "plain"):
    """The same two conv-BN layers as :func:`residual_block`, without the shortcut."""
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(x)
    y = layers.BatchNormalization(name=f"{name}_bn1")(y)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    return layers.Activation("relu", name=f"{name}_out")(y)


def resnet_small(input_shape=(28, 28, 1), num_classes: int = 10, stages=(16, 32, 64),
                 blocks_per_stage: int = 2, residual: bool = True, stem_stride: int = 1,
                 preact: bool = False) -> keras.Model:
    """A CIFAR-style ResNet: 3x3 stem, ``len(stages)`` stages of ``blocks_per_stage`` blocks
    (stride 2 at the start of every stage but the first), global average pool, softmax.

    Depth = ``2 * len(stages) * blocks_per_stage + 2`` weighted layers. With ``residual=False``
    it is the plain network of the same depth: the same main-path layers without the shortcuts, so
    also without the 1x1 projection convs (+ BN) of the blocks that change shape. ``preact=True``
    uses :func:`preact_residual_block` (and a final BN-ReLU before the pooling, as He et al., 2016b).
    """
    if preact and not residual:
        raise ValueError("preact=True needs residual=True: pre-activation is an ordering of the residual block")
    block = preact_residual_block if preact else (residual_block if residual else plain_block)
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(stages[0], 3, strides=stem_stride, padding="same", use_bias=False, name="stem_conv")(inputs)
    if not preact:
        x = layers.BatchNormalization(name="stem_bn")(x)
        x = layers.Activation("relu", name="stem_relu")(x)
    for s, filters in enumerate(stages, start=1):
        for b in range(1, blocks_per_stage + 1):
            stride = 2 if (s > 1 and b == 1) else 1
            x = block(x, filters, stride=stride, name=f"s{s}b{b}")
    if preact:
        x = layers.BatchNormalization(name="final_bn")(x)
        x = layers.Activation("relu", name="final_relu")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    depth = 2 * len(stages) * blocks_per_stage + 2
    return keras.Model(inputs, outputs, name=f"{'resnet' if residual else 'plain'}{depth}")


def bottleneck_block(x, filters: int, stride: int = 1, expansion: int = 4, name: str = "bottleneck"):
    """ResNet-50's bottleneck block; outputs ``expansion * filters`` channels.

    residual path: conv1x1 (reduce to ``filters``) -> BN -> ReLU -> conv3x3(stride) -> BN -> ReLU
                   -> conv1x1 (expand to ``expansion * filters``) -> BN      (convs without bias)
    shortcut:      identity, or conv1x1(stride) -> BN when the shape changes
    output:        ReLU(residual + shortcut)
    The stride sits on the 3x3 conv (as in torchvision's ResNet-50, "v1.5"; the paper's v1 strides the
    first 1x1).
    """
    out_channels = expansion * filters
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_reduce")(x)
    y = layers.BatchNormalization(name=f"{name}_reduce_bn")(y)
    y = layers.Activation("relu", name=f"{name}_reduce_relu")(y)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv3x3")(y)
    y = layers.BatchNormalization(name=f"{name}_conv3x3_bn")(y)
    y = layers.Activation("relu", name=f"{name}_conv3x3_relu")(y)
    y = layers.Conv2D(out_channels, 1, use_bias=False, name=f"{name}_expand")(y)
    y = layers.BatchNormalization(name=f"{name}_expand_bn")(y)
    return _add_shortcut_and_relu(x, y, stride, name)


def preact_residual_block(x, filters: int, stride: int = 1, name: str = "preact"):
    """Pre-activation basic block (He et al., 2016b): ``x + F(x)`` with nothing after the addition.

    residual path: BN -> ReLU -> conv3x3(stride) -> BN -> ReLU -> conv3x3   (convs without bias)
    shortcut:      identity, or a 1x1 conv(stride) of the pre-activated input when the shape changes
    output:        residual + shortcut (no ReLU: the identity path stays an identity)
    """
    pre = layers.BatchNormalization(name=f"{name}_bn1")(x)
    pre = layers.Activation("relu", name=f"{name}_relu1")(pre)
    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=f"{name}_conv1")(pre)
    y = layers.BatchNormalization(name=f"{name}_bn2")(y)
    y = layers.Activation("relu", name=f"{name}_relu2")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv2")(y)
    shortcut = x
    if stride != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False, name=f"{name}_proj")(pre)
    return layers.Add(name=f"{name}_add")([y, shortcut])


def squeeze_excite(x, reduced_channels: int, name: str = "se"):
    """Squeeze-and-excitation (Hu et al., 2018): rescale each channel by a gate in (0, 1) computed from the
    whole map -- global average pool -> Dense(``reduced_channels``, ReLU) -> Dense(C, sigmoid) -> multiply."""
    channels = x.shape[-1]
    s = layers.GlobalAveragePooling2D(keepdims=True, name=f"{name}_squeeze")(x)
    s = layers.Conv2D(reduced_channels, 1, activation="relu", name=f"{name}_reduce")(s)
    s = layers.Conv2D(channels, 1, activation="sigmoid", name=f"{name}_gate")(s)
    return layers.Multiply(name=f"{name}_excite")([x, s])


def inverted_residual(x, filters: int, expand: int = 6, stride: int = 1, kernel: int = 3,
                      se_ratio: float | None = None, name: str = "mbconv"):
    """MobileNetV2's inverted residual block (MBConv), optionally with squeeze-and-excitation.

    1x1 expand to ``expand * C_in`` -> BN -> ReLU6 -> depthwise kxk(stride) -> BN -> ReLU6
    [-> SE with ``max(1, int(C_in * se_ratio))`` reduced channels, as EfficientNet] -> 1x1 project to ``filters``
    -> BN with **no activation** (the linear bottleneck); identity shortcut added when stride is 1 and
    ``C_in == filters`` (no projection shortcut: the block is then simply not residual).
    """
    c_in = x.shape[-1]
    y = x
    if expand != 1:
        y = layers.Conv2D(c_in * expand, 1, use_bias=False, name=f"{name}_expand")(y)
        y = layers.BatchNormalization(name=f"{name}_expand_bn")(y)
        y = layers.ReLU(6.0, name=f"{name}_expand_relu6")(y)
    y = layers.DepthwiseConv2D(kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_dw")(y)
    y = layers.BatchNormalization(name=f"{name}_dw_bn")(y)
    y = layers.ReLU(6.0, name=f"{name}_dw_relu6")(y)
    if se_ratio:
        y = squeeze_excite(y, max(1, int(c_in * se_ratio)), name=f"{name}_se")
    y = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_project")(y)
    y = layers.BatchNormalization(name=f"{name}_project_bn")(y)
    if stride == 1 and c_in == filters:
        y = layers.Add(name=f"{name}_add")([y, x])
    return y


def fold_batchnorm(kernel, bias, gamma, beta, moving_mean, moving_variance, epsilon: float = 1e-3):
    """Fold an inference-mode BatchNormalization into the convolution before it.

    BN(conv(x)) = gamma * (W*x + b - mean) / sqrt(var + eps) + beta = (s W)*x + (s (b - mean) + beta),
    with s = gamma / sqrt(var + eps) per output channel (the kernel's **last** axis). ``bias`` may be None
    (a conv with ``use_bias=False``). Returns ``(kernel, bias)`` of the single equivalent convolution.
    """
    import numpy as np

    kernel = np.asarray(kernel, dtype=np.float64)
    c_out = kernel.shape[-1]
    bias = np.zeros(c_out) if bias is None else np.asarray(bias, dtype=np.float64)
    stats = {"gamma": gamma, "beta": beta, "moving_mean": moving_mean, "moving_variance": moving_variance,
             "bias": bias}
    for what, value in stats.items():
        if np.shape(value) != (c_out,):
            raise ValueError(f"{what} has shape {np.shape(value)}, expected ({c_out},): one value per output "
                             "channel (the kernel's last axis)")
    scale = np.asarray(gamma, dtype=np.float64) / np.sqrt(np.asarray(moving_variance, dtype=np.float64) + epsilon)
    return kernel * scale, scale * (bias - np.asarray(moving_mean, dtype=np.float64)) + np.asarray(beta, dtype=np.float64)


def conv_bn_relu(x, filters: int, kernel: int, stride: int = 1, name: str = "cbr"):
    """Conv (no bias) -> BatchNorm -> ReLU, the unit most modern blocks are made of."""
    x = layers.Conv2D(filters, kernel, strides=stride, padding="same", use_bias=False, name=f"{name}_conv")(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def inception_module(x, f1: int, f3_reduce: int, f3: int, f5_reduce: int, f5: int, pool_proj: int,
                     bottleneck: bool = True, name: str = "inception"):
    """GoogLeNet's Inception module: four parallel branches concatenated along channels.

    1x1 conv (f1) | 1x1 reduce (f3_reduce) -> 3x3 (f3) | 1x1 reduce (f5_reduce) -> 5x5 (f5) |
    3x3 max-pool -> 1x1 projection (pool_proj). All convs 'same' with ReLU and bias, as in the
    paper. ``bottleneck=False`` gives the naive module (no 1x1 reductions, pool branch passed through).
    Output channels: ``f1 + f3 + f5 + pool_proj`` (naive: ``f1 + f3 + f5 + C_in``).
    """
    conv = lambda t, f, k, n: layers.Conv2D(f, k, padding="same", activation="relu", name=f"{name}_{n}")(t)  # noqa: E731
    b1 = conv(x, f1, 1, "1x1")
    b3 = conv(conv(x, f3_reduce, 1, "3x3_reduce"), f3, 3, "3x3") if bottleneck else conv(x, f3, 3, "3x3")
    b5 = conv(conv(x, f5_reduce, 1, "5x5_reduce"), f5, 5, "5x5") if bottleneck else conv(x, f5, 5, "5x5")
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    if bottleneck:
        bp = conv(bp, pool_proj, 1, "pool_proj")
    return layers.Concatenate(name=f"{name}_concat")([b1, b3, b5, bp])


def separable_block(x, filters: int, stride: int = 1, name: str = "sep"):
    """MobileNet v1 unit: depthwise 3x3 (stride) -> BN -> ReLU -> pointwise 1x1 -> BN -> ReLU."""
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False, name=f"{name}_dw")(x)
    x = layers.BatchNormalization(name=f"{name}_dw_bn")(x)
    x = layers.Activation("relu", name=f"{name}_dw_relu")(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_pw")(x)
    x = layers.BatchNormalization(name=f"{name}_pw_bn")(x)
    return layers.Activation("relu", name=f"{name}_pw_relu")(x)


def mobilenet_small(input_shape=(28, 28, 1), num_classes: int = 10,
                    plan=((32, 1), (64, 2), (64, 1), (128, 2), (128, 1)), separable: bool = True) -> keras.Model:
    """A small MobileNet: 3x3 stem conv, then one :func:`separable_block` per ``(filters, stride)``
    in ``plan``, global average pool, softmax. ``separable=False`` swaps every block for a
    standard conv3x3-BN-ReLU of the same shape, to measure what the factorisation saves."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = conv_bn_relu(inputs, plan[0][0] // 2, 3, name="stem")
    for i, (filters, stride) in enumerate(plan, start=1):
        if separable:
            x = separable_block(x, filters, stride, name=f"sep{i}")
        else:
            x = conv_bn_relu(x, filters, 3, stride, name=f"conv{i}")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="mobilenet_small" if separable else "standard_conv_small")


def dense_layer(x, growth_rate: int, bottleneck: bool = False, name: str = "dense"):
    """One DenseNet layer: BN -> ReLU -> (1x1 conv to 4k ->  BN -> ReLU ->) 3x3 conv to ``growth_rate`` maps."""
    y = layers.BatchNormalization(name=f"{name}_bn1")(x)
    y = layers.Activation("relu", name=f"{name}_relu1")(y)
    if bottleneck:
        y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_conv1x1")(y)
        y = layers.BatchNormalization(name=f"{name}_bn2")(y)
        y = layers.Activation("relu", name=f"{name}_relu2")(y)
    return layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_conv3x3")(y)


def dense_block(x, num_layers: int, growth_rate: int, bottleneck: bool = False, name: str = "dblock"):
    """DenseNet block: each layer's output is concatenated to its input, so channels grow
    from ``C_in`` to ``C_in + num_layers * growth_rate``."""
    for i in range(1, num_layers + 1):
        y = dense_layer(x, growth_rate, bottleneck, name=f"{name}_l{i}")
        x = layers.Concatenate(name=f"{name}_concat{i}")([x, y])
    return x


def transition(x, compression: float = 0.5, name: str = "transition"):
    """DenseNet transition: BN -> ReLU -> 1x1 conv to ``compression * C`` channels -> 2x2 average pool."""
    channels = int(x.shape[-1] * compression)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(channels, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, name=f"{name}_pool")(x)


def densenet_small(input_shape=(28, 28, 1), num_classes: int = 10, blocks=(4, 4, 4), growth_rate: int = 12,
                   compression: float = 0.5, bottleneck: bool = False) -> keras.Model:
    """A small DenseNet: 3x3 stem with ``2 * growth_rate`` maps, dense blocks separated by
    transitions, BN-ReLU, global average pool, softmax."""
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(2 * growth_rate, 3, padding="same", use_bias=False, name="stem_conv")(inputs)
    for i, n in enumerate(blocks, start=1):
        x = dense_block(x, n, growth_rate, bottleneck, name=f"block{i}")
        if i < len(blocks):
            x = transition(x, compression, name=f"transition{i}")
    x = layers.BatchNormalization(name="final_bn")(x)
    x = layers.Activation("relu", name="final_relu")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="densenet_small")
