"""Training progress for a learner in JupyterLab, never stored in a notebook.

Lessons call ``model.fit(..., verbose=0)`` so that stored outputs stay deterministic. In a kernel
started by a Jupyter server (JupyterLab, a JupyterHub), ``start_lesson()`` calls ``install()``,
which adds a small progress widget (epoch, steps, loss, seconds) to every Keras ``fit``; the widget
closes itself when training ends, so the cell then looks exactly as its stored output.

Kernels started by nbval, ``cnncourse execute`` or ``cnncourse grade`` show no progress: only a
Jupyter server sets ``JPY_SESSION_NAME`` for its kernels. ``CNNCOURSE_PROGRESS=0`` turns progress
off anywhere and ``CNNCOURSE_PROGRESS=1`` turns it on anywhere.

Course tooling: progress display for every lesson that trains, installed by ``start_lesson``.
"""
from __future__ import annotations

import functools
import os
import time

ENV = "CNNCOURSE_PROGRESS"
CSS_CLASS = "cnncourse-progress"


def enabled() -> bool:
    """True in a kernel a Jupyter server started, unless ``$CNNCOURSE_PROGRESS`` says otherwise."""
    value = os.environ.get(ENV, "").strip().lower()
    if value:
        return value not in ("0", "false", "no", "off")
    return bool(os.environ.get("JPY_SESSION_NAME"))


def _keras_callback_base():
    import keras

    return keras.callbacks.Callback


class FitProgress(_keras_callback_base()):
    """A Keras callback showing a progress bar widget while ``fit`` runs, removed when it ends."""

    def __init__(self, min_interval: float = 0.25):
        super().__init__()
        self.min_interval = min_interval
        self.box = None

    def on_train_begin(self, logs=None):
        import ipywidgets as widgets
        from IPython.display import display

        self.epochs = int(self.params.get("epochs") or 1)
        self.steps = int(self.params.get("steps") or 0)
        self.epoch = 0
        self.start = self.last = time.perf_counter()
        self.bar = widgets.IntProgress(min=0, max=self.epochs * self.steps if self.steps else self.epochs)
        self.label = widgets.Label("training: starting")
        self.box = widgets.HBox([self.bar, self.label])
        self.box.add_class(CSS_CLASS)
        display(self.box)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if self.box is None or now - self.last < self.min_interval:
            return
        self.last = now
        if self.steps:
            self.bar.value = min(self.epoch * self.steps + batch + 1, self.bar.max)
        self._describe(logs, now)

    def on_epoch_end(self, epoch, logs=None):
        if self.box is None:
            return
        self.bar.value = (epoch + 1) * self.steps if self.steps else epoch + 1
        self._describe(logs, time.perf_counter())

    def _describe(self, logs, now):
        text = f"training: epoch {self.epoch + 1}/{self.epochs}"
        loss = (logs or {}).get("loss")
        if loss is not None:
            text += f", loss {float(loss):.4f}"
        self.label.value = text + f", {now - self.start:.0f} s"

    def on_train_end(self, logs=None):
        if self.box is not None:
            self.box.close()
            self.box = None


def install() -> bool:
    """Make every Keras ``fit`` show ``FitProgress`` when ``enabled()``; returns whether it is on."""
    if not enabled():
        return False
    import keras

    if getattr(keras.Model.fit, "_cnncourse_progress", False):
        return True
    original_fit = keras.Model.fit

    @functools.wraps(original_fit)
    def fit(self, *args, callbacks=None, **kwargs):
        callbacks = list(callbacks or [])
        if enabled() and not any(isinstance(c, FitProgress) for c in callbacks):
            callbacks.append(FitProgress())
        return original_fit(self, *args, callbacks=callbacks, **kwargs)

    fit._cnncourse_progress = True
    keras.Model.fit = fit
    return True
