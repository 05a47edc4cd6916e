#!/usr/bin/env python
"""Record lesson 18's longest comparisons once; the lesson re-trains some of their models live and checks the record.

Every model is trained by cnncourse.training.semi_supervised.train_and_test with the lesson's settings
(Adam 2e-3, initial weights of seed 18, shuffle seed 0 unless a draw says otherwise), tested on the
lesson's 2,000 Fashion-MNIST test images:

1. labels: the small CNN (8/16 filters, 32 dense) on 100, 300, 1,000 and 3,000 class-balanced labels
   (draw seed 1) for 150 steps of 64 images;
2. widths: the same recipe on the 3,000 labels for filters (2, 4), (8, 16) and (16, 32);
3. pseudo-labelling: the 300-label model's 300 most confident predictions per class (above 0.5) among
   10,000 other training images, retrained for 150 steps with those pseudo-labels, with the same images'
   true labels, and with as many random images' true labels;
4. from scratch: the self-supervised encoder + a dense layer trained on 10 labels per class (draws 0, 1, 2),
   batches of 32, test accuracy after 50, 100 and 200 steps.

Writes data/lesson18_studies.json. A few minutes on 2 CPU cores.

    python scripts/lesson18_studies.py
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

LABEL_COUNTS = (100, 300, 1000, 3000)
WIDTHS = ((2, 4), (8, 16), (16, 32))
LABEL_DRAW = 1
SCRATCH = dict(per_class=10, draws=[0, 1, 2], lengths=[50, 100, 200], batch_size=32)
PSEUDO = dict(labels=300, pool=[30000, 40000], threshold=0.5, max_per_class=300, random_seed=0)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--out", type=Path, default=None, help="record file (default: the one lesson 18 reads)")
    args = parser.parse_args(argv)

    from cnncourse.course.files import write_record
    from cnncourse.course.repro import start_script

    start_script(0)
    import keras
    import numpy as np

    from cnncourse.data import load_fashion_mnist, prepare_images
    from cnncourse.models.edge_cnn import edge_cnn
    from cnncourse.training import self_supervised
    from cnncourse.training.semi_supervised import (STUDIES_RECORD, balanced_labelled_subset, select_pseudo_labels,
                                                    train_and_test)

    (x_all, y_all), (x_test_u8, y_test_u8) = load_fashion_mnist()
    x_test, y_test = prepare_images(x_test_u8[:2000]), y_test_u8[:2000]
    x_pool, y_pool = prepare_images(x_all[:20000]), y_all[:20000]
    start = time.perf_counter()
    record = {"test_images": len(y_test), "labelled_pool": len(y_pool)}

    def small_cnn(filters=(8, 16)):
        return lambda: edge_cnn(filters, 32)

    subsets = {n: balanced_labelled_subset(y_pool, n // 10, seed=LABEL_DRAW) for n in LABEL_COUNTS}
    labels = {str(n): train_and_test(small_cnn(), x_pool[idx], y_pool[idx], x_test, y_test)[0]
              for n, idx in subsets.items()}
    record["labels"] = {"settings": dict(counts=list(LABEL_COUNTS), draw_seed=LABEL_DRAW, steps=150, batch_size=64),
                        "accuracy": labels}
    print("labels", labels, flush=True)

    idx = subsets[3000]
    widths = {str(f): (labels["3000"] if f == (8, 16) else
                       train_and_test(small_cnn(f), x_pool[idx], y_pool[idx], x_test, y_test)[0]) for f in WIDTHS}
    record["widths"] = {"settings": dict(labels=3000, filters=[list(f) for f in WIDTHS], steps=150), "accuracy": widths}
    print("widths", widths, flush=True)

    idx = subsets[PSEUDO["labels"]]
    x_lab, y_lab = x_pool[idx], y_pool[idx]
    lo, hi = PSEUDO["pool"]
    x_unlab, y_unlab = prepare_images(x_all[lo:hi]), y_all[lo:hi]
    keras.utils.set_random_seed(18)
    base = edge_cnn((8, 16), 32)   # the 300-label model again, kept this time to predict the pool
    base.compile(optimizer=keras.optimizers.Adam(2e-3),
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    import tensorflow as tf
    from cnncourse.course.tracing import build_training_state
    build_training_state(base, x_lab, y_lab)
    base.fit(tf.data.Dataset.from_tensor_slices((x_lab, y_lab)).shuffle(len(x_lab), seed=0).repeat().batch(64),
             epochs=1, steps_per_epoch=150, verbose=0)
    probs = keras.ops.softmax(base.predict(x_unlab, batch_size=1000, verbose=0)).numpy()
    pseudo_idx, pseudo_y = select_pseudo_labels(probs, PSEUDO["threshold"], PSEUDO["max_per_class"])
    random_idx = np.random.default_rng(PSEUDO["random_seed"]).choice(len(x_unlab), len(pseudo_idx), replace=False)
    extra = {"+ pseudo-labelled confident images": (pseudo_idx, pseudo_y),
             "+ the same images, true labels": (pseudo_idx, y_unlab[pseudo_idx]),
             "+ as many random images, true labels": (random_idx, y_unlab[random_idx])}
    pseudo = {"300 labels only": labels["300"]}
    for name, (extra_idx, extra_y) in extra.items():
        pseudo[name] = train_and_test(small_cnn(), np.concatenate([x_lab, x_unlab[extra_idx]]),
                                      np.concatenate([y_lab, extra_y]), x_test, y_test)[0]
    record["pseudo_labelling"] = {"settings": PSEUDO, "kept": int(len(pseudo_idx)),
                                  "correct": float((pseudo_y == y_unlab[pseudo_idx]).mean()), "accuracy": pseudo}
    print("pseudo-labelling", json.dumps(record["pseudo_labelling"]), flush=True)

    scratch = {}
    for draw in SCRATCH["draws"]:
        idx = balanced_labelled_subset(y_pool, SCRATCH["per_class"], seed=draw)
        scratch[str(draw)] = train_and_test(lambda: self_supervised.classifier(self_supervised.encoder()),
                                            x_pool[idx], y_pool[idx], x_test, y_test, steps=SCRATCH["lengths"],
                                            batch_size=SCRATCH["batch_size"], seed=draw)
    record["from_scratch"] = {"settings": SCRATCH, "accuracy": scratch}
    print("from scratch", scratch, flush=True)

    record["seconds"] = round(time.perf_counter() - start, 1)
    out = args.out or STUDIES_RECORD
    write_record(out, record)
    print(f"{record['seconds']:.0f} s; record -> {out}")


if __name__ == "__main__":
    main()
