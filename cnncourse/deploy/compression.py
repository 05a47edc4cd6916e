"""Model compression for deployment: quantization parameters, magnitude pruning, low-rank dense layers, distillation.

Used in lesson 17.

* :func:`quant_params` / :func:`quantize` / :func:`dequantize` -- affine (asymmetric) 8-bit quantization
  x ~ scale * (q - zero_point), with the float range widened to contain 0.0 so that zero is exact.
* :func:`magnitude_mask` / :func:`prune_model` / :class:`KeepPruned` -- zero the smallest
  weights of every Conv2D/Dense kernel and keep them zero while fine-tuning.
* :func:`low_rank_factors` / :func:`factorize_dense` -- replace a Dense kernel W (n x m) by
  two thinner layers A (n x r) and B (r x m) from a truncated SVD (Eckart-Young optimal).
* :func:`distillation_loss_np` / :class:`Distiller` / :func:`soft_target_loss` -- Hinton et al.'s knowledge distillation:
  a student matches the teacher's temperature-softened probabilities as well as the labels.
* :func:`student` / :func:`train_in_stages` / :func:`hard_and_soft_students` / :func:`load_distillation_record` --
  lesson 17's two distillation studies (``scripts/distillation_study.py`` records them; the lesson re-runs a seed).
* :func:`gzip_size` -- bytes of a model's weights after gzip: what pruning actually saves.
"""
from __future__ import annotations

import gzip
import io

import keras
import numpy as np
from keras import layers, ops

from cnncourse.course.paths import DATA_DIR


# ----------------------------------------------------------------------------- quantization
QUANT_RANGES = {"uint8": (0, 255), "int8": (-128, 127)}


def quant_params(x_min: float, x_max: float, dtype: str = "int8") -> tuple[float, int]:
    """Scale and zero point of affine 8-bit quantization of the float range [x_min, x_max].

    The range is first widened to contain 0.0, so that 0.0 (zero padding, ReLU outputs) is the integer
    ``zero_point`` exactly. ``scale = (x_max - x_min) / (q_max - q_min)`` spreads the range over all 256
    levels; ``zero_point = round(q_min - x_min / scale)`` clipped to [q_min, q_max]. As in TFLite
    (Jacob et al., 2018), with ``dtype`` "uint8" (0..255) or "int8" (-128..127).
    """
    if dtype not in QUANT_RANGES:
        raise ValueError(f"dtype must be 'uint8' or 'int8', got {dtype!r}")
    x_min, x_max = float(x_min), float(x_max)
    if not (np.isfinite(x_min) and np.isfinite(x_max)) or x_min > x_max:
        raise ValueError(f"need a finite range with x_min <= x_max, got [{x_min}, {x_max}]")
    q_min, q_max = QUANT_RANGES[dtype]
    x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)
    if x_max == x_min:      # the range is {0}: any scale represents it exactly with q = 0
        return 1.0, 0
    scale = (x_max - x_min) / (q_max - q_min)
    zero_point = int(np.clip(round(q_min - x_min / scale), q_min, q_max))
    return scale, zero_point


def quantize(x, scale: float, zero_point: int, dtype: str = "int8") -> np.ndarray:
    """round(x / scale) + zero_point, saturated to the 8-bit range of ``dtype``."""
    q_min, q_max = QUANT_RANGES[dtype]
    return np.clip(np.round(np.asarray(x, dtype=np.float64) / scale) + zero_point, q_min, q_max).astype(dtype)


def dequantize(q, scale: float, zero_point: int) -> np.ndarray:
    """scale * (q - zero_point) as float32."""
    return (scale * (np.asarray(q, dtype=np.float64) - zero_point)).astype(np.float32)


# ----------------------------------------------------------------------------- pruning
def magnitude_mask(weights, sparsity: float) -> np.ndarray:
    """Boolean mask of ``weights``' shape that is False for the round(sparsity * n) smallest |w|."""
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    w = np.asarray(weights)
    k = int(round(sparsity * w.size))
    mask = np.ones(w.size, dtype=bool)
    if k:
        mask[np.argsort(np.abs(w).ravel(), kind="stable")[:k]] = False
    return mask.reshape(w.shape)


def prunable_layers(model: keras.Model) -> list:
    """The Conv2D and Dense layers of ``model`` (their kernels get pruned; biases do not)."""
    return [layer for layer in model.layers if isinstance(layer, (layers.Conv2D, layers.Dense))]


def prune_model(model: keras.Model, sparsity: float, layer_names=None) -> dict:
    """Zero the smallest-magnitude fraction ``sparsity`` of each kernel, layer by layer, in place.

    ``layer_names`` limits pruning to those layers (default: every Conv2D/Dense layer; in
    practice the tiny first and last layers are often left dense). Returns
    ``{layer name: mask}`` for :class:`KeepPruned`.
    """
    masks = {}
    for layer in prunable_layers(model):
        if layer_names is not None and layer.name not in layer_names:
            continue
        kernel = layer.kernel.numpy()
        mask = magnitude_mask(kernel, sparsity)
        layer.kernel.assign(kernel * mask)
        masks[layer.name] = mask
    return masks


class KeepPruned(keras.callbacks.Callback):
    """Re-apply pruning masks after every training batch, so pruned weights stay exactly zero."""

    def __init__(self, masks: dict):
        super().__init__()
        self.masks = masks

    def on_train_batch_end(self, batch, logs=None):
        for name, mask in self.masks.items():
            kernel = self.model.get_layer(name).kernel
            kernel.assign(kernel * mask.astype(kernel.dtype))


def kernel_sparsity(model: keras.Model, layer_names=None) -> float:
    """Fraction of exactly-zero entries over the Conv2D/Dense kernels (optionally only ``layer_names``)."""
    kernels = [layer.kernel.numpy() for layer in prunable_layers(model)
               if layer_names is None or layer.name in layer_names]
    return float(sum((k == 0).sum() for k in kernels) / sum(k.size for k in kernels))


def gzip_size(model: keras.Model, dtype=np.float32, compresslevel: int = 6) -> int:
    """Bytes of all weights saved as raw arrays (``np.savez``) and then gzip-compressed.

    ``compresslevel`` 6 is the gzip command's default (and zlib's); 9 saves a few percent more on pruned (mostly zero)
    weights but is about 15x slower on them.
    """
    buffer = io.BytesIO()
    np.savez(buffer, *[np.asarray(w, dtype=dtype) for w in model.get_weights()])
    return len(gzip.compress(buffer.getvalue(), compresslevel=compresslevel, mtime=0))


# ----------------------------------------------------------------------------- low rank
def low_rank_factors(w, rank: int):
    """Truncated SVD: ``A (n x r), B (r x m)`` with ``A @ B`` the best rank-r approximation of ``w``."""
    u, s, vt = np.linalg.svd(np.asarray(w, dtype=np.float64), full_matrices=False)
    if not 1 <= rank <= len(s):
        raise ValueError(f"rank must be in [1, {len(s)}], got {rank}")
    return (u[:, :rank] * s[:rank]).astype(np.float32), vt[:rank].astype(np.float32)


def dense_params(n_in: int, n_out: int, rank: int | None = None) -> int:
    """Parameters of Dense(n_in -> n_out) with bias, or of its rank-r factorization (A has no bias)."""
    from cnncourse.analysis import costs

    if rank is None:
        return costs.dense_params(n_in, n_out)
    return costs.dense_params(n_in, rank, use_bias=False) + costs.dense_params(rank, n_out)


def factorize_dense(model: keras.Model, layer_name: str, rank: int) -> keras.Model:
    """A copy of a chain-shaped functional ``model`` whose Dense ``layer_name`` is replaced by
    Dense(rank, linear, no bias) -> Dense(n_out, original activation, original bias).

    Other layers are shared with ``model`` (same weights).
    """
    target = model.get_layer(layer_name)
    w, b = target.get_weights()
    a_mat, b_mat = low_rank_factors(w, rank)
    inputs = keras.Input(shape=model.input.shape[1:], name="image")
    x = inputs
    for layer in model.layers[1:]:
        if layer is target:
            first = layers.Dense(rank, use_bias=False, name=f"{layer_name}_A")
            second = layers.Dense(w.shape[1], activation=target.activation, name=f"{layer_name}_B")
            x = second(first(x))
            first.set_weights([a_mat])
            second.set_weights([b_mat, b])
        else:
            x = layer(x)
    return keras.Model(inputs, x, name=f"{model.name}_rank{rank}")


# ----------------------------------------------------------------------------- distillation
def _softmax_np(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def distillation_loss_np(labels, student_logits, teacher_logits, temperature: float = 4.0,
                         alpha: float = 0.1) -> float:
    """alpha * CE(labels, softmax(s)) + (1 - alpha) * T^2 * KL(softmax(t/T) || softmax(s/T)), batch mean.

    ``labels`` are integer classes. The T^2 factor keeps the soft term's gradients on the
    same scale as the hard term's when T changes (Hinton et al., 2015).
    """
    labels = np.asarray(labels)
    s, t = np.asarray(student_logits, np.float64), np.asarray(teacher_logits, np.float64)
    p_student = _softmax_np(s)
    hard = -np.log(p_student[np.arange(len(labels)), labels] + 1e-12).mean()
    p_t, p_s = _softmax_np(t / temperature), _softmax_np(s / temperature)
    kl = (p_t * (np.log(p_t + 1e-12) - np.log(p_s + 1e-12))).sum(axis=-1).mean()
    return float(alpha * hard + (1 - alpha) * temperature ** 2 * kl)


def soft_target_loss(temperature: float = 4.0):
    """A Keras loss for training on a teacher's *precomputed* logits (``y_true``): T^2 * KL of the softened outputs.

    The same as :class:`Distiller`'s loss with ``alpha=0``, but the teacher runs once over the transfer
    set instead of inside every training step.
    """
    t = float(temperature)

    def soft_targets(teacher_logits, student_logits):
        p_teacher = ops.softmax(ops.convert_to_tensor(teacher_logits) / t, axis=-1)
        log_p_student = ops.log_softmax(student_logits / t, axis=-1)
        return t ** 2 * ops.sum(p_teacher * (ops.log(p_teacher + 1e-12) - log_p_student), axis=-1)

    return soft_targets


class Distiller(keras.Model):
    """Train ``student`` (logits) on labels and on a frozen ``teacher``'s softened logits.

    ``fit(x, y)`` minimises :func:`distillation_loss_np`'s loss (Keras version);
    ``evaluate``/``predict`` use the student alone.
    """

    def __init__(self, student: keras.Model, teacher: keras.Model, temperature: float = 4.0,
                 alpha: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.student, self.teacher = student, teacher
        self.teacher.trainable = False
        self.temperature, self.alpha = float(temperature), float(alpha)
        self.hard_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.soft_loss = soft_target_loss(temperature)   # T^2 * KL, per example

    def call(self, x, training=False):
        return self.student(x, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        teacher_logits = self.teacher(x, training=False)
        hard = self.hard_loss(y, y_pred)
        return self.alpha * hard + (1.0 - self.alpha) * ops.mean(self.soft_loss(teacher_logits, y_pred))


# ----------------------------------------------------------------------------- lesson 17's distillation studies
DISTILLATION_RECORD = DATA_DIR / "distillation_studies.json"


def student(shape: dict, seed: int) -> keras.Model:
    """A fresh :func:`cnncourse.models.edge_cnn.edge_cnn` student (``shape``: its ``filters`` and ``dense``), weights from ``seed``."""
    from cnncourse.models.edge_cnn import edge_cnn

    keras.utils.set_random_seed(seed)
    return edge_cnn(**shape, name="student")


def train_in_stages(model: keras.Model, x, y, loss, stages, *, batch_size: int = 32, seed: int = 0,
                    learning_rate: float = 2e-3):
    """Train ``model`` with Adam on shuffled batches of ``(x, y)``, pausing after each step count in ``stages``.

    Yields the number of steps done at each pause (e.g. ``stages=(200, 700)`` pauses after 200 and after 700
    steps). The batch order is drawn once from ``seed`` (a new permutation for every pass over the data),
    so pausing changes nothing: 200 + 500 steps train exactly as 700 steps in one go.
    """
    import tensorflow as tf

    stages = [int(s) for s in stages]
    if not stages or stages != sorted(stages) or stages[0] <= 0:
        raise ValueError(f"stages must be increasing positive step counts, got {stages}")
    rng = np.random.default_rng(seed)
    passes = -(-stages[-1] * batch_size // len(x))
    order = np.concatenate([rng.permutation(len(x)) for _ in range(passes)])[:stages[-1] * batch_size]
    x, y = tf.constant(np.asarray(x, "float32")), tf.constant(np.asarray(y))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, steps_per_execution=10)
    done = 0
    for stage in stages:
        batches = (tf.data.Dataset.from_tensor_slices(order[done * batch_size:stage * batch_size].reshape(-1, batch_size))
                   .map(lambda i: (tf.gather(x, i), tf.gather(y, i))))
        model.fit(batches, epochs=1, shuffle=False, verbose=0)
        done = stage
        yield done


def hard_and_soft_students(teacher_logits, x, shape: dict, seeds, *, epochs: int = 30, batch_size: int = 32,
                           temperature: float = 4.0, learning_rate: float = 2e-3) -> dict:
    """Per seed, one student trained on the teacher's top class (hard) and one on its softened outputs (soft).

    A hard and a soft student of one seed start from the same weights and see the same batches, for
    ``epochs`` passes over ``x``. Returns ``{"hard": [model per seed], "soft": [model per seed]}`` (logit models).
    """
    teacher_logits = np.asarray(teacher_logits, dtype="float32")
    targets = {"hard": (teacher_logits.argmax(axis=1), keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
               "soft": (teacher_logits, soft_target_loss(temperature))}
    steps = int(round(epochs * len(x) / batch_size))
    students = {name: [] for name in targets}
    for seed in seeds:
        for name, (y, loss) in targets.items():
            model = student(shape, seed)
            for _ in train_in_stages(model, x, y, loss, [steps], batch_size=batch_size, seed=seed,
                                     learning_rate=learning_rate):
                pass
            students[name].append(model)
    return students


def load_distillation_record(path=DISTILLATION_RECORD) -> dict:
    """The studies ``scripts/distillation_study.py`` recorded (settings, accuracies per seed, leftover loss)."""
    from cnncourse.course.files import read_record

    return read_record(path, "distillation_study.py")
