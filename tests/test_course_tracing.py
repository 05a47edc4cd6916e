import keras
import numpy as np
import pytest

from cnncourse.deploy import compression
from cnncourse.models.edge_cnn import edge_cnn
from cnncourse.course.tracing import build_optimizer_state, build_training_state

X = np.random.default_rng(0).random((64, 28, 28, 1)).astype("float32")
Y = np.arange(64) % 10


def compiled(seed=0):
    keras.utils.set_random_seed(seed)
    model = edge_cnn((4, 8), 16)
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def count_traces(model):
    calls = []
    step = model.train_step
    model.train_step = lambda data: (calls.append(1), step(data))[1]   # runs only while tracing
    return calls


def test_fit_traces_once_and_trains_exactly_the_same():
    plain, built = compiled(), compiled()
    assert build_training_state(built, X, Y) is built and built.optimizer.built
    traces_plain, traces_built = count_traces(plain), count_traces(built)
    h_plain = plain.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    h_built = built.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    assert len(traces_plain) == 2 and len(traces_built) == 1
    assert h_plain.history == h_built.history   # same losses and accuracies, metrics reset per epoch
    for a, b in zip(plain.get_weights(), built.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_custom_compute_loss_model_and_sample_weights():
    keras.utils.set_random_seed(0)
    teacher, student = edge_cnn((4, 8), 16, name="t"), edge_cnn((2, 4), 8, name="s")
    distiller = compression.Distiller(student, teacher, temperature=2.0, alpha=0.5)
    distiller.compile(optimizer=keras.optimizers.Adam(1e-3), metrics=["accuracy"])
    before = student.get_weights()
    build_training_state(distiller, X, Y)
    assert distiller.optimizer.built
    for a, b in zip(before, student.get_weights()):   # nothing trained
        np.testing.assert_array_equal(a, b)
    model = compiled()
    build_training_state(model, X, Y, sample_weight=np.ones(len(Y), "float32"))
    model.fit(X, Y, sample_weight=np.ones(len(Y), "float32"), epochs=1, batch_size=32, verbose=0)


def test_needs_a_compiled_model():
    with pytest.raises(ValueError, match="compile"):
        build_training_state(edge_cnn((2, 4), 8), X, Y)


def test_optimizer_state_is_built_once_and_only_for_a_compiled_model():
    model = compiled()
    assert not model.optimizer.built
    assert build_optimizer_state(model) is model and model.optimizer.built
    variables = [v.path for v in model.optimizer.variables]
    assert len(variables) > 2 * len(model.trainable_variables)   # Adam: two slots per trainable variable
    build_optimizer_state(model)
    assert [v.path for v in model.optimizer.variables] == variables   # a second call creates nothing
    with pytest.raises(ValueError, match="compile the model"):
        build_optimizer_state(edge_cnn((2, 4), 8))
