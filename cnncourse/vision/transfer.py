"""Transfer-learning helpers: a tiny real-texture task, freezing, heads, scratch baselines, step timing.

Used in lesson 12.
"""
from __future__ import annotations

import time
from functools import partial

import numpy as np

from cnncourse.analysis.costs import count_params  # noqa: F401 - lesson 12 and its checker import it from here
from cnncourse.course.paths import DATA_DIR
from cnncourse.course.tracing import build_optimizer_state
from cnncourse.models.fashion import small_cnn as the_small_cnn

#: grayscale 512x512 texture photos bundled with scikit-image (no download)
TEXTURES = ("brick", "grass", "gravel", "moon")


def texture_crops(n_per_class: int, split: str = "train", size: int = 128, seed: int = 0):
    """Random square crops (64..160 px, random flips) of skimage's texture photos, resized to ``size``.

    ``split="train"`` crops from the top half of each photo and ``"test"`` from the bottom half,
    so no test pixel was seen in training. Returns ``x`` float32 (N, size, size, 3) in 0..255
    (gray repeated on 3 channels) and ``y`` int64 labels indexing :data:`TEXTURES`.
    """
    import skimage.data
    import tensorflow as tf

    if split not in ("train", "test"):
        raise ValueError("split must be 'train' or 'test'")
    rng = np.random.default_rng(seed + (0 if split == "train" else 1))
    xs, ys = [], []
    for label, name in enumerate(TEXTURES):
        img = getattr(skimage.data, name)()
        half = img.shape[0] // 2
        rows = (0, half) if split == "train" else (half, img.shape[0])
        for _ in range(n_per_class):
            s = int(rng.integers(64, 161))
            top = int(rng.integers(rows[0], rows[1] - s + 1))
            left = int(rng.integers(0, img.shape[1] - s + 1))
            crop = img[top:top + s, left:left + s]
            if rng.random() < 0.5:
                crop = crop[:, ::-1]
            xs.append(tf.image.resize(crop[..., None].astype(np.float32), (size, size), antialias=True).numpy())
            ys.append(label)
    x = np.repeat(np.stack(xs), 3, axis=-1).astype(np.float32)
    return x, np.asarray(ys, dtype=np.int64)


def freeze_all_but_top(model, n_blocks: int) -> None:
    """Reference for exercise 12.freeze_base: train only the top ``n_blocks`` blocks of an EfficientNet-Lite0.

    Blocks are counted from the top with :func:`~cnncourse.models.efficientnet_lite.block_index`: the
    head (index 16, with the classifier if present) is the first, then MBConv blocks 15, 14, ...
    ``n_blocks=0`` freezes everything (pure feature extraction); layers without a block stay frozen.
    """
    from cnncourse.models.efficientnet_lite import NUM_BLOCKS, block_index

    model.trainable = True
    for layer in model.layers:
        index = block_index(layer.name)
        layer.trainable = index is not None and index > NUM_BLOCKS - n_blocks


def split_after_block(base, block: int):
    """Cut an EfficientNet-Lite0 built by cnncourse after MBConv ``block`` (0..15) into ``(bottom, top)``.

    ``bottom`` maps the image to the output of ``block``; ``top`` maps that tensor to ``base``'s
    output through blocks ``block + 1``.. and the head. Both share ``base``'s layers (and weights), so
    ``top(bottom(x))`` equals ``base(x)``. When only the top is trained, ``bottom``'s output never
    changes: compute it once per image and train ``top`` on the cached tensors.
    """
    import keras

    from cnncourse.models.efficientnet_lite import NUM_BLOCKS

    if not 0 <= block < NUM_BLOCKS:
        raise ValueError(f"block must be an MBConv block index 0..{NUM_BLOCKS - 1}, got {block}")
    names = {layer.name for layer in base.layers}
    last = f"block{block}_add" if f"block{block}_add" in names else f"block{block}_project_bn"
    if last not in names:
        raise ValueError(f"{base.name} has no layer {last!r}: expected an EfficientNet-Lite0 built by cnncourse")
    cut = base.get_layer(last).output
    return (keras.Model(base.input, cut, name=f"{base.name}_to_block{block}"),
            keras.Model(cut, base.output, name=f"{base.name}_after_block{block}"))


def reset_optimizer_state(optimizer) -> None:
    """Zero a built optimizer's step counter and slots (Adam's moments), keeping its learning rate.

    Lets one compiled model be re-trained from new weights without compiling (and tracing) again.
    """
    import keras

    for variable in optimizer.variables:
        if not variable.path.endswith("learning_rate"):
            variable.assign(keras.ops.zeros_like(variable))


def classifier_on(base, num_classes: int, dropout: float = 0.2, name: str = "transfer"):
    """``base`` (a feature extractor, run in inference mode so batch-norm statistics stay put)
    followed by global average pooling, dropout and a softmax layer."""
    import keras

    inputs = keras.Input(base.input_shape[1:])
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="classifier")(x)
    return keras.Model(inputs, outputs, name=name)


#: A small from-scratch baseline: :func:`cnncourse.models.fashion.small_cnn` that rescales 0..255 inputs itself,
#: has three conv-relu-pool blocks, global average pooling (``head="flatten"`` keeps where features are),
#: no hidden layer and a softmax ``classifier``; called as ``small_cnn(input_shape, num_classes, ...)``.
small_cnn = partial(the_small_cnn, filters=(16, 32, 64), dense=None, head="gap", rescale=1.0 / 255, softmax=True,
                    input_name=None, output_name="classifier", name="scratch_cnn")


def train_step_seconds(model, x, y, steps: int = 3) -> float:
    """Median wall time of one ``train_on_batch`` on ``(x, y)`` after a warm-up step (compiled model).

    The optimizer's state is created first (:func:`cnncourse.course.tracing.build_optimizer_state`), so the warm-up step traces the
    training graph once; left to the first step, creating variables inside ``tf.function`` makes
    TensorFlow trace it twice, which for a 300-variable network costs seconds.
    """
    build_optimizer_state(model)
    model.train_on_batch(x, y)
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


# ----------------------------------------------------------------------------- lesson 12's digits study
DIGITS_RECORD = DATA_DIR / "transfer_digits_study.json"


def upscale(digits, size: int = 96) -> np.ndarray:
    """28x28 gray digits (0..255) -> ``size`` x ``size`` RGB in 0..255, the photo network's input."""
    import tensorflow as tf

    resized = tf.image.resize(np.asarray(digits, "float32")[..., None], (size, size)).numpy()
    return np.repeat(resized, 3, axis=-1)


class DigitsTransfer:
    """Lesson 12's four ways to learn 500 labelled MNIST digits, one seed (= one draw of the labels) at a time.

    Built once from an EfficientNet-Lite0 at 96x96 (``include_top=False``): the digits pass once through blocks
    0..``block`` (``bottom``, cached), and :meth:`run` trains, on the same 500 labels,
    a linear head on the whole frozen network's pooled features, that head followed by fine-tuning the
    top blocks, a linear head on the flattened block-``block`` map, and a tiny CNN from scratch.
    ``scripts/transfer_digits_study.py`` records three seeds; the lesson re-runs one.
    """

    def __init__(self, base96, digits, labels, block: int = 13, pool: int = 1000, test: int = 500):
        from cnncourse.models import efficientnet_lite as effnet

        order = np.random.default_rng(0).permutation(len(labels))
        digits, labels = np.asarray(digits)[order], np.asarray(labels)[order]
        self.d_pool, self.l_pool = digits[:pool], labels[:pool]
        self.d_test, self.l_test = digits[-test:], labels[-test:]
        self.base96, self.block = base96, block
        self.bottom, self.top = split_after_block(base96, block)
        self.m_pool = self.bottom.predict(effnet.preprocess_input(upscale(self.d_pool)), verbose=0, batch_size=100)
        self.m_test = self.bottom.predict(effnet.preprocess_input(upscale(self.d_test)), verbose=0, batch_size=100)
        # the whole frozen network + global average pooling
        self.g_pool = self.top.predict(self.m_pool, verbose=0, batch_size=250).mean(axis=(1, 2))
        self.g_test = self.top.predict(self.m_test, verbose=0, batch_size=250).mean(axis=(1, 2))
        self.imagenet_top = self.top.get_weights()

    def _accuracy(self, model, x) -> float:
        return float(np.mean(np.argmax(model(np.asarray(x, "float32"), training=False), axis=-1) == self.l_test))

    def _linear_head(self, f_train, y, f_test, seed: int):
        import keras

        keras.utils.set_random_seed(seed)
        head = keras.Sequential([keras.Input(f_train.shape[1:]), keras.layers.Dropout(0.2),
                                 keras.layers.Dense(10, activation="softmax")])
        head.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"],
                     steps_per_execution=5)
        history = head.fit(f_train, y, epochs=30, batch_size=100, verbose=0)
        return head, self._accuracy(head, f_test), history.history["accuracy"][-1]

    def run(self, seed: int) -> dict:
        """Test accuracies of the four methods for label draw ``seed`` (and the frozen head's training accuracy)."""
        import keras

        from cnncourse.models.efficientnet_lite import NUM_BLOCKS

        idx = np.random.default_rng(seed).choice(len(self.l_pool), 500, replace=False)
        y = self.l_pool[idx]
        flat = lambda m: m.reshape(len(m), -1)                 # keep where on the 3x3 map each feature is
        result = {}
        # 1. linear head on the whole frozen network's pooled features
        head, result["frozen network + head"], result["head training accuracy"] = self._linear_head(
            self.g_pool[idx], y, self.g_test, seed)
        # 2. then unfreeze the top (blocks 15, 14 and the head conv), starting from that head, small learning rate
        self.top.set_weights(self.imagenet_top)
        freeze_all_but_top(self.base96, NUM_BLOCKS - self.block)      # the head conv and blocks 15, 14 for block 13
        keras.utils.set_random_seed(seed)
        inputs = keras.Input(self.m_pool.shape[1:])
        x = keras.layers.GlobalAveragePooling2D()(self.top(inputs, training=False))
        x = keras.layers.Dropout(0.2)(x)
        fine_tuned = keras.Model(inputs, keras.layers.Dense(10, activation="softmax", name="classifier")(x))
        fine_tuned.get_layer("classifier").set_weights(head.layers[-1].get_weights())
        fine_tuned.compile(keras.optimizers.Adam(1e-4), "sparse_categorical_crossentropy", steps_per_execution=10)
        fine_tuned.fit(self.m_pool[idx], y, epochs=1, batch_size=50, verbose=0)
        result["fine-tuned top blocks"] = self._accuracy(fine_tuned, self.m_test)
        self.top.set_weights(self.imagenet_top)
        # 3. linear head on the (flattened) map after block 13
        result["block-13 map + head"] = self._linear_head(flat(self.m_pool[idx]), y, flat(self.m_test), seed)[1]
        # 4. a tiny CNN trained from scratch on the 28x28 digits
        keras.utils.set_random_seed(seed)
        tiny = small_cnn((28, 28, 1), 10, filters=(16, 32), head="flatten")
        tiny.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", steps_per_execution=16)
        tiny.fit(self.d_pool[idx][..., None], y, epochs=8, batch_size=32, verbose=0)
        result["tiny CNN, scratch"] = self._accuracy(tiny, self.d_test[..., None])
        return result


def load_digits_record(path=DIGITS_RECORD) -> dict:
    """The three-seed digits study ``scripts/transfer_digits_study.py`` recorded."""
    from cnncourse.course.files import read_record

    return read_record(path, "transfer_digits_study.py")
