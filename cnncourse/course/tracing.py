"""Create a compiled Keras model's training state up front, so ``fit`` traces its step once.

Used in lesson 18.

Keras 3 on TensorFlow (without a distribution strategy) creates the optimizer's slot variables
and the compiled loss/metric state lazily, *inside* the first trace of the training step. A
``tf.function`` that creates variables is traced twice, and tracing a small CNN's training step
costs about a second on a laptop CPU. :func:`build_training_state` creates that state eagerly
from one example instead. Training is unchanged: the new variables hold the same initial values
(zeros), no weight is updated, and ``fit`` resets the metrics at the start of every epoch.
"""
from __future__ import annotations


def build_optimizer_state(model):
    """Create the optimizer variables of compiled ``model`` now, once (the course's one optimizer pre-build).

    Left to the first training step, they are created inside ``tf.function``, which is then traced twice.
    Returns ``model``.
    """
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model before building its optimizer state")
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    return model


def build_training_state(model, x, y, sample_weight=None):
    """Build ``model``'s optimizer, loss and metric state from the first example of ``(x, y)``.

    ``model`` must be compiled. Nothing is trained and no random numbers are drawn (the model
    runs with ``training=False``). Returns ``model``, so it can end a ``compile`` helper.
    """
    if getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model before building its training state")
    x1, y1 = x[:1], y[:1]
    w1 = None if sample_weight is None else sample_weight[:1]
    y_pred = model(x1, training=False)
    model.compute_loss(x1, y1, y_pred, w1, training=False)
    model.compute_metrics(x1, y1, y_pred, sample_weight=w1)
    build_optimizer_state(model)
    model.reset_metrics()
    return model
