"""ImageNet class names and top-k decoding."""
import numpy as np

from cnncourse.data.imagenet import CAT_CLASSES, class_names, short_name, top_k


def test_class_names_in_index_order():
    names = class_names()
    assert len(names) == 1000 == len(set(names))
    assert names[0].startswith("tench") and names[1].startswith("goldfish")
    assert names[281] == "tabby, tabby cat" and names[967] == "espresso" and names[999].startswith("toilet tissue")
    assert all(name in names for name in CAT_CLASSES)
    assert short_name(names[281]) == "tabby"


def test_top_k_orders_and_reports_probabilities():
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    out = top_k(probs, 2, names=["a", "b", "c"])
    assert out == [[("b", 0.6), ("c", 0.3)], [("a", 0.5), ("c", 0.3)]]
    assert top_k(probs[0], 1, names=["a", "b", "c"]) == [[("b", 0.6)]]
