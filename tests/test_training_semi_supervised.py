import numpy as np

from cnncourse.training.semi_supervised import balanced_labelled_subset, select_pseudo_labels


def test_select_pseudo_labels_threshold_and_cap():
    probs = np.array([[0.95, 0.05], [0.6, 0.4], [0.99, 0.01], [0.1, 0.9], [0.97, 0.03], [0.2, 0.8]])
    idx, labels = select_pseudo_labels(probs, threshold=0.9)
    assert idx.tolist() == [0, 2, 3, 4] and labels.tolist() == [0, 0, 1, 0]
    idx, labels = select_pseudo_labels(probs, threshold=0.9, max_per_class=2)
    assert idx.tolist() == [2, 3, 4] and labels.tolist() == [0, 1, 0]  # 0.99 and 0.97 kept, 0.95 dropped
    idx, labels = select_pseudo_labels(probs, threshold=0.999)
    assert len(idx) == 0 and len(labels) == 0


def test_balanced_labelled_subset():
    y = np.repeat(np.arange(5), 20)
    idx = balanced_labelled_subset(y, 3, seed=1)
    assert len(idx) == 15 and np.bincount(y[idx]).tolist() == [3] * 5
    assert (np.diff(idx) > 0).all()
    assert idx.tolist() == balanced_labelled_subset(y, 3, seed=1).tolist()


def test_train_and_test_is_deterministic_and_learns():
    import keras

    from cnncourse.training.semi_supervised import train_and_test

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(2), 40)
    x = rng.normal(size=(80, 4)).astype("float32")
    x[:, 0] += 3 * (2 * y - 1)                       # class is the sign of feature 0
    model_fn = lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    first = train_and_test(model_fn, x, y, x, y, steps=(1, 40), batch_size=16)
    again = train_and_test(model_fn, x, y, x, y, steps=(1, 40), batch_size=16)
    assert first == again                            # the record's numbers can be re-made exactly
    assert first[1] > 0.95 and first[1] >= first[0], first


def test_train_and_test_refuses_steps_that_do_not_increase():
    import pytest

    from cnncourse.training.semi_supervised import train_and_test

    with pytest.raises(ValueError, match="increasing"):
        train_and_test(None, None, None, None, None, steps=(100, 50))


def test_studies_record_loads_and_missing_record_names_the_script(tmp_path):
    import pytest

    from cnncourse.training.semi_supervised import load_studies

    record = load_studies()
    assert set(record) >= {"labels", "widths", "pseudo_labelling", "from_scratch"}
    assert set(record["labels"]["accuracy"]) == {"100", "300", "1000", "3000"}
    assert all(len(accs) == 3 for accs in record["from_scratch"]["accuracy"].values())
    with pytest.raises(FileNotFoundError, match="scripts/lesson18_studies.py"):
        load_studies(tmp_path / "missing.json")
