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
