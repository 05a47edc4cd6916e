"""Checkers for lesson 12 (transfer learning)."""
from __future__ import annotations

import numpy as np

from cnncourse.checks.expect import case_rng, expect_close, expect_true, hidden_cases
from cnncourse.checks.registry import exercise


@exercise("12.top_k", points=1, title="top-k class names from probabilities")
def top_k(student_fn):
    """``top_k(probs, k, names)`` -> per row, the k (name, probability) pairs, most likely first."""
    from cnncourse.data.imagenet import top_k as reference

    rng = case_rng(12)
    cases = [(rng.dirichlet(np.ones(7), size=3), 3, [f"class{i}" for i in range(7)]),
             (rng.dirichlet(np.ones(20) * 0.3, size=5), 5, [f"c{i:02d}" for i in range(20)]),
             (rng.dirichlet(np.ones(4), size=1), 1, ["cat", "dog", "cup", "car"])]
    cases += [(rng.dirichlet(np.ones(c) * a, size=r), k, [f"n{i}" for i in range(c)]) for r, c, k, a in hidden_cases("12.top_k")]
    for probs, k, names in cases:
        got = student_fn(probs, k, names)
        want = reference(probs, k, names)
        expect_true(len(got) == len(want), f"expected one list per row ({len(want)} rows), got {len(got)}")
        for r, (g, w) in enumerate(zip(got, want)):
            expect_true(len(g) == k, f"row {r}: expected {k} pairs, got {len(g)}")
            got_names = [pair[0] for pair in g]
            expect_true(got_names == [pair[0] for pair in w],
                        f"row {r} with k={k}: got {got_names}, expected {[pair[0] for pair in w]}. "
                        "Hint: sort by probability in *decreasing* order (np.argsort(-p)) and keep the first k")
            expect_close([pair[1] for pair in g], [pair[1] for pair in w], f"row {r} probabilities",
                         hint="return the probability of each chosen class next to its name")
    return "3 hidden cases (k = 3, 5, 1) match"


@exercise("12.freeze_base", points=2, title="freeze all but the top N blocks")
def freeze_base(student_fn):
    """``freeze_base(model, n_blocks)`` sets ``trainable`` so only the top n blocks + head train."""
    from cnncourse.models.efficientnet_lite import build_efficientnet_lite0
    from cnncourse.vision.transfer import count_params, freeze_all_but_top

    model = build_efficientnet_lite0(input_shape=(32, 32, 3), include_top=True, num_classes=10)
    for n_blocks, start_frozen in [(2, False), (6, True), (0, False)] + hidden_cases("12.freeze_base"):
        model.trainable = not start_frozen
        student_fn(model, n_blocks)
        got_flags = {layer.name: bool(layer.trainable) for layer in model.layers}
        got = count_params(model.trainable_weights)
        freeze_all_but_top(model, n_blocks)
        want_flags = {layer.name: bool(layer.trainable) for layer in model.layers}
        want = count_params(model.trainable_weights)
        wrong = [name for name in want_flags if got_flags[name] != want_flags[name]]
        if start_frozen and got == 0:
            raise AssertionError(f"n_blocks={n_blocks}: the model was frozen as a whole before your call and "
                                 "stays frozen. Hint: set model.trainable = True first, then freeze layer by layer")
        expect_true(not wrong, f"n_blocks={n_blocks}: wrong trainable flag on {len(wrong)} layers, e.g. "
                    f"{wrong[:3]} should be {[want_flags[w] for w in wrong[:3]]}. Hint: use block_index(layer.name) "
                    f"and train layers with index > NUM_BLOCKS - n_blocks (the head has index NUM_BLOCKS)")
        expect_true(got == want, f"n_blocks={n_blocks}: {got:,} trainable parameters, expected {want:,}")
    return "trainable flags and parameter counts match for n_blocks = 2, 6, 0"
