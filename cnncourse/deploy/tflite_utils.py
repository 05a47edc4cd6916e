"""TensorFlow Lite (LiteRT) conversion and evaluation for Keras 3 models.

Used in lesson 17.

Keras 3 models are exported as a SavedModel (``model.export``) and converted with
``tf.lite.TFLiteConverter.from_saved_model``. Modes:

* ``"float"``   -- float32 weights and activations (the baseline flatbuffer);
* ``"float16"`` -- float16 weights (half the file), dequantized to float32 when run on a CPU;
* ``"dynamic"`` -- int8 weights, float activations (no calibration data needed);
* ``"int8"``    -- full integer: int8 weights *and* activations, int8 input/output, calibrated
  on a representative dataset of real training images.

Runs with ``tf.lite.Interpreter`` (deprecated in favour of ``ai_edge_litert``, which has
the same API; it is used when installed).
"""
from __future__ import annotations

import contextlib
import io
import tempfile
import time
import warnings

import numpy as np

MODES = ("float", "float16", "dynamic", "int8")


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence C++ log lines (e.g. "Created TensorFlow Lite XNNPACK delegate") written to fd 2."""
    import os
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def export_saved_model(model, directory: str) -> str:
    """Write ``model``'s inference function as a SavedModel (endpoint ``serve``) and return the path."""
    import logging

    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)  # silence "INFO:tensorflow:Assets written to: /tmp/..."
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # export prints a signature summary
            model.export(directory, format="tf_saved_model", verbose=False)
    finally:
        tf_logger.setLevel(level)
    return directory


def convert(model, mode: str = "float", representative=None, num_calibration: int = 200) -> bytes:
    """Convert a Keras model to a TFLite flatbuffer (bytes).

    ``representative`` (mode ``"int8"``): float32 images (N, H, W, C) used to calibrate
    activation ranges; the first ``num_calibration`` are fed one at a time.
    """
    import tensorflow as tf

    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    with tempfile.TemporaryDirectory() as tmp:
        converter = tf.lite.TFLiteConverter.from_saved_model(export_saved_model(model, tmp))
        if mode in ("float16", "dynamic", "int8"):
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if mode == "float16":
            converter.target_spec.supported_types = [tf.float16]
        if mode == "int8":
            if representative is None:
                raise ValueError("mode 'int8' needs representative images for calibration")
            calib = np.asarray(representative[:num_calibration], dtype=np.float32)

            def gen():
                for image in calib:
                    yield [image[None]]

            converter.representative_dataset = gen
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        with warnings.catch_warnings(), _quiet_native_stderr():
            warnings.simplefilter("ignore")
            return converter.convert()


def interpreter(flatbuffer: bytes):
    """A ready (tensors allocated) TFLite interpreter for ``flatbuffer``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            import tensorflow as tf

            Interpreter = tf.lite.Interpreter
        with _quiet_native_stderr():
            interp = Interpreter(model_content=flatbuffer, num_threads=1)
            interp.allocate_tensors()
    return interp


class TFLiteModel:
    """Call a TFLite flatbuffer like a model: float images in, float outputs out.

    Quantized (int8) inputs and outputs are (de)quantized with the tensors' scale and zero point.
    """

    def __init__(self, flatbuffer: bytes):
        self.flatbuffer = flatbuffer
        self.interp = interpreter(flatbuffer)
        self.batch = None

    def _resize(self, n: int):
        if n != self.batch:
            idx = self.interp.get_input_details()[0]["index"]
            shape = list(self.interp.get_input_details()[0]["shape"])
            self.interp.resize_tensor_input(idx, [n] + shape[1:])
            with _quiet_native_stderr():
                self.interp.allocate_tensors()
            self.batch = n

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        self._resize(len(x))
        inp, out = self.interp.get_input_details()[0], self.interp.get_output_details()[0]
        if inp["dtype"] != np.float32:
            scale, zero = inp["quantization"]
            info = np.iinfo(inp["dtype"])
            x = np.clip(np.round(x / scale + zero), info.min, info.max).astype(inp["dtype"])
        self.interp.set_tensor(inp["index"], x)
        self.interp.invoke()
        y = self.interp.get_tensor(out["index"])
        if out["dtype"] != np.float32:
            scale, zero = out["quantization"]
            y = (y.astype(np.float32) - zero) * scale
        return y

    def predict(self, x, batch_size: int = 500) -> np.ndarray:
        return np.concatenate([self(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])

    @property
    def size(self) -> int:
        return len(self.flatbuffer)


def accuracy(predict_fn, x, y, batch_size: int = 500) -> float:
    """Top-1 accuracy of ``predict_fn`` (images -> scores) on ``(x, y)``."""
    preds = np.concatenate([np.asarray(predict_fn(x[i:i + batch_size])) for i in range(0, len(x), batch_size)])
    return float((preds.argmax(axis=1) == np.asarray(y)).mean())


def latency_ms(predict_fn, x, repeats: int = 200, warmup: int = 10) -> float:
    """Median wall-clock milliseconds of ``predict_fn`` on one image (batch of 1)."""
    x = np.asarray(x, dtype=np.float32)
    for i in range(warmup):
        predict_fn(x[i % len(x)][None])
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        predict_fn(x[i % len(x)][None])
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


def _ready_interpreter(flatbuffer: bytes, image):
    """An interpreter with ``image`` (H, W, C floats; quantized for an int8 model) set as its input."""
    interp = interpreter(flatbuffer)
    detail = interp.get_input_details()[0]
    x = np.asarray(image, dtype=np.float32)[None]
    if detail["dtype"] != np.float32:
        scale, zero = detail["quantization"]
        info = np.iinfo(detail["dtype"])
        x = np.clip(np.round(x / scale + zero), info.min, info.max)
    interp.set_tensor(detail["index"], x.astype(detail["dtype"]))
    return interp


def _time_invokes(interp, repeats: int) -> list:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        interp.invoke()
        times.append(time.perf_counter() - start)
    return times


def invoke_times_ms(flatbuffer: bytes, image, repeats: int = 300, warmup: int = 20) -> np.ndarray:
    """Milliseconds of each of ``repeats`` ``Interpreter.invoke()`` calls on one float ``image`` (H, W, C), one thread.

    Unlike :func:`latency_ms` on a :class:`TFLiteModel`, no Python-side (de)quantization or tensor
    copies are timed: this is the kernels' own time. An int8 model gets the image quantized once.
    """
    interp = _ready_interpreter(flatbuffer, image)
    _time_invokes(interp, warmup)
    return np.array(_time_invokes(interp, repeats)) * 1000


def compare_invoke_times_ms(flatbuffers: dict, image, repeats: int = 300, rounds: int = 10, warmup: int = 20) -> dict:
    """``{name: invoke times in ms}`` for several flatbuffers, measured in interleaved rounds.

    Each round times ``repeats // rounds`` calls of every model in turn, so a burst of load on a shared
    machine slows all models alike instead of whichever happened to be measured at that moment.
    """
    interps = {name: _ready_interpreter(fb, image) for name, fb in flatbuffers.items()}
    for interp in interps.values():
        _time_invokes(interp, warmup)
    times = {name: [] for name in interps}
    for _ in range(rounds):
        for name, interp in interps.items():
            times[name] += _time_invokes(interp, max(1, repeats // rounds))
    return {name: np.array(t) * 1000 for name, t in times.items()}


def invoke_latency_ms(flatbuffer: bytes, image, repeats: int = 300, warmup: int = 20) -> float:
    """Median milliseconds of ``Interpreter.invoke()`` alone (see :func:`invoke_times_ms`)."""
    return float(np.median(invoke_times_ms(flatbuffer, image, repeats, warmup)))
