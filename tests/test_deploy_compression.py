import keras
import numpy as np
import pytest

from cnncourse.deploy import compression
from cnncourse.models.edge_cnn import edge_cnn


def test_magnitude_mask_exact_count_and_keeps_largest():
    w = np.random.default_rng(0).normal(size=(3, 3, 4, 8))
    mask = compression.magnitude_mask(w, 0.7)
    assert mask.shape == w.shape and (~mask).sum() == round(0.7 * w.size)
    assert np.abs(w[mask]).min() >= np.abs(w[~mask]).max()
    assert compression.magnitude_mask(w, 0.0).all()
    with pytest.raises(ValueError):
        compression.magnitude_mask(w, 1.5)


def test_prune_model_and_keep_pruned_during_fit():
    keras.utils.set_random_seed(0)
    model = edge_cnn((4, 8), 16)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    dense_gzip = compression.gzip_size(model)
    masks = compression.prune_model(model, 0.8, layer_names=["conv2", "dense"])
    assert set(masks) == {"conv2", "dense"}
    assert compression.kernel_sparsity(model, ["conv2", "dense"]) == pytest.approx(0.8, abs=1e-3)
    assert (model.get_layer("conv1").kernel.numpy() != 0).all()
    x = np.random.default_rng(1).random((64, 28, 28, 1)).astype("float32")
    y = np.arange(64) % 10
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[compression.KeepPruned(masks)])
    for name, mask in masks.items():
        assert (model.get_layer(name).kernel.numpy()[~mask] == 0).all()
    assert compression.gzip_size(model) < 0.6 * dense_gzip
    for level in (1, 9):   # any gzip level: zeros compress
        assert compression.gzip_size(model, compresslevel=level) < 0.6 * dense_gzip


def test_low_rank_factors_are_eckart_young_optimal():
    w = np.random.default_rng(2).normal(size=(30, 12))
    a, b = compression.low_rank_factors(w, 4)
    assert a.shape == (30, 4) and b.shape == (4, 12)
    s = np.linalg.svd(w, compute_uv=False)
    assert np.linalg.norm(w - a @ b) == pytest.approx(np.sqrt((s[4:] ** 2).sum()), rel=1e-5)
    with pytest.raises(ValueError):
        compression.low_rank_factors(w, 13)


def test_factorize_dense_full_rank_reproduces_model_and_counts_params():
    keras.utils.set_random_seed(0)
    model = edge_cnn((4, 8), 16)
    x = np.random.default_rng(3).random((5, 28, 28, 1)).astype("float32")
    full = compression.factorize_dense(model, "dense", 16)
    np.testing.assert_allclose(full.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-4)
    low = compression.factorize_dense(model, "dense", 2)
    n_in = 7 * 7 * 8
    assert low.count_params() == model.count_params() - compression.dense_params(n_in, 16) + compression.dense_params(n_in, 16, 2)
    assert compression.dense_params(n_in, 16, 2) == n_in * 2 + 2 * 16 + 16


def test_distiller_loss_matches_numpy_reference():
    keras.utils.set_random_seed(0)
    teacher, student = edge_cnn((4, 8), 16, name="t"), edge_cnn((2, 4), 8, name="s")
    x = np.random.default_rng(4).random((6, 28, 28, 1)).astype("float32")
    y = np.array([0, 1, 2, 3, 4, 5])
    d = compression.Distiller(student, teacher, temperature=3.0, alpha=0.3)
    loss = float(d.compute_loss(x, y, student(x)))
    ref = compression.distillation_loss_np(y, student(x).numpy(), teacher(x).numpy(), 3.0, 0.3)
    assert loss == pytest.approx(ref, rel=1e-4)
    d.compile(optimizer="adam")
    d.fit(x, y, epochs=1, verbose=0)
    assert not teacher.trainable


@pytest.mark.parametrize("dtype", ["uint8", "int8"])
def test_quant_params_cover_the_range_and_keep_zero_exact(dtype):
    rng = np.random.default_rng(3)
    for lo, hi in [(-1.5, 4.0), (0.3, 5.0), (-6.0, -0.2), (0.0, 1.0), (-2.0, 2.0)]:
        scale, zero = compression.quant_params(lo, hi, dtype)
        assert isinstance(zero, int)
        assert compression.dequantize(compression.quantize(0.0, scale, zero, dtype), scale, zero) == 0.0
        x = rng.uniform(lo, hi, 1000)
        err = np.abs(compression.dequantize(compression.quantize(x, scale, zero, dtype), scale, zero) - x)
        assert err.max() <= scale / 2 + 1e-6, (lo, hi, err.max(), scale)   # inside the range: half a step at most
        assert scale == pytest.approx((max(hi, 0) - min(lo, 0)) / 255)


def test_quant_params_match_tflite_input_of_unit_range():
    # the int8 converter calibrated on pixels in [0, 1] gives scale 1/255 and zero point -128
    assert compression.quant_params(0.0, 1.0, "int8") == (pytest.approx(1 / 255), -128)
    assert compression.quant_params(0.0, 1.0, "uint8") == (pytest.approx(1 / 255), 0)
    with pytest.raises(ValueError, match="uint8"):
        compression.quant_params(0.0, 1.0, "int16")
    with pytest.raises(ValueError, match="x_min <= x_max"):
        compression.quant_params(2.0, 1.0)


def test_soft_target_loss_is_the_distillation_loss_without_labels():
    rng = np.random.default_rng(5)
    student, teacher = rng.normal(0, 3, (8, 10)).astype("float32"), rng.normal(0, 3, (8, 10)).astype("float32")
    labels = rng.integers(0, 10, 8)
    for t in (1.0, 4.0):
        loss = float(np.mean(compression.soft_target_loss(t)(teacher, student)))
        assert loss == pytest.approx(compression.distillation_loss_np(labels, student, teacher, t, alpha=0.0), rel=1e-4)
    assert float(np.mean(compression.soft_target_loss(4.0)(teacher, teacher))) == pytest.approx(0.0, abs=1e-5)


# ------------------------------------------------------------------ lesson 17's distillation studies
TINY = dict(filters=(2, 4), dense=8)


def _toy_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, n)


def test_training_in_stages_continues_one_stream_of_batches():
    x, y = _toy_data()
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    staged, whole = compression.student(TINY, 3), compression.student(TINY, 3)
    assert all(np.array_equal(a, b) for a, b in zip(staged.get_weights(), whole.get_weights()))   # same seed, same start
    assert list(compression.train_in_stages(staged, x, y, loss, [3, 7], batch_size=16, seed=5)) == [3, 7]
    assert list(compression.train_in_stages(whole, x, y, loss, [7], batch_size=16, seed=5)) == [7]
    for a, b in zip(staged.get_weights(), whole.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)        # pausing after 3 steps changes nothing
    other_order = compression.student(TINY, 3)
    list(compression.train_in_stages(other_order, x, y, loss, [7], batch_size=16, seed=6))
    assert not np.allclose(other_order.get_weights()[0], whole.get_weights()[0])   # the shuffle seed matters


@pytest.mark.parametrize("stages", [[], [5, 3], [0, 4]])
def test_training_in_stages_rejects_bad_stages(stages):
    x, y = _toy_data(8)
    with pytest.raises(ValueError, match="stages"):
        next(compression.train_in_stages(compression.student(TINY, 0), x, y, "mse", stages))


def test_hard_and_soft_students_learn_their_targets():
    classes = np.arange(40) % 10
    x = np.zeros((40, 28, 28, 1), "float32")
    for i, c in enumerate(classes):                                # class c: a bright patch at its own place
        x[i, (c // 5) * 14:(c // 5) * 14 + 7, (c % 5) * 5:(c % 5) * 5 + 5] = 1.0
    rng = np.random.default_rng(1)
    teacher_logits = (4.0 * np.eye(10)[classes] + rng.normal(scale=0.5, size=(40, 10))).astype("float32")
    students = compression.hard_and_soft_students(teacher_logits, x, TINY, seeds=[4, 5], epochs=40, batch_size=20,
                                                  learning_rate=1e-2)
    assert [len(students["hard"]), len(students["soft"])] == [2, 2]
    soft_loss = compression.soft_target_loss(4.0)
    before = float(np.mean(soft_loss(teacher_logits, compression.student(TINY, 4)(x))))
    after = float(np.mean(soft_loss(teacher_logits, students["soft"][0](x))))
    assert after < 0.5 * before, (before, after)                  # the soft student imitates the teacher
    for model in students["hard"]:
        assert (np.asarray(model(x)).argmax(axis=1) == classes).mean() > 0.9   # the hard ones learn the top class


def test_distillation_record_loads_and_a_missing_one_names_the_script(tmp_path):
    record = compression.load_distillation_record()
    assert set(record) >= {"seeds", "transfer_set", "soft_vs_hard", "teacher_test_accuracy"}
    assert all(len(v) == len(record["seeds"]) for r in record["soft_vs_hard"]["students"].values()
               for k, v in r.items() if k != "params")
    with pytest.raises(FileNotFoundError, match="distillation_study"):
        compression.load_distillation_record(tmp_path / "absent.json")
