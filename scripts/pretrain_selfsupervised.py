#!/usr/bin/env python
"""Pre-train lesson 18's self-supervised encoder: SimCLR-style contrastive learning on unlabelled Fashion-MNIST.

Uses the 60,000 Fashion-MNIST *training* images and no label. Writes the encoder weights
(cnncourse.training.self_supervised.encoder) to data/selfsupervised_encoder.weights.h5, which
lesson 18 loads. Fixed seed, TensorFlow op determinism, 2 threads; the shipped file took 332 s of
training on 2 CPU cores shared with other jobs (loss 6.24 = chance -> 3.14). With the defaults:

    python scripts/pretrain_selfsupervised.py            # re-make the shipped weights
    python scripts/pretrain_selfsupervised.py --validate # also print a linear probe on training images

--validate measures a logistic-regression probe with 10 labels per class on 5,000 other training
images (never the test set), the number the settings were chosen by (temperature 0.2 and 1000 steps gave 0.695 +- 0.026; 0.5 and 1500
steps 0.698 +- 0.024, not worth the extra time; a random encoder 0.646 +- 0.021).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--steps", type=int, default=1000, help="optimizer steps (default 1000)")
    parser.add_argument("--batch-size", type=int, default=256, help="images per step, two views each (default 256)")
    parser.add_argument("--learning-rate", type=float, default=2e-3, help="peak Adam learning rate, cosine decay")
    parser.add_argument("--temperature", type=float, default=0.2, help="NT-Xent temperature (default 0.2)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--out", type=Path, default=None, help="weights file (default: the one lesson 18 loads)")
    parser.add_argument("--validate", action="store_true", help="print a 10-labels-per-class probe on training images")
    args = parser.parse_args(argv)

    import keras
    import tensorflow as tf

    from cnncourse.data import load_fashion_mnist, prepare_images
    from cnncourse.training import self_supervised as ssl

    keras.utils.set_random_seed(args.seed)
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_inter_op_parallelism_threads(2)
    tf.config.threading.set_intra_op_parallelism_threads(2)

    (x_train_u8, y_train), _ = load_fashion_mnist()
    images = prepare_images(x_train_u8)                      # labels are not used for training
    ds = (tf.data.Dataset.from_tensor_slices(images).shuffle(len(images), seed=args.seed)
          .repeat().batch(args.batch_size, drop_remainder=True).prefetch(2))

    encoder = ssl.encoder()
    pretrainer = ssl.ContrastivePretrainer(encoder, temperature=args.temperature, seed=args.seed)
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, args.steps, warmup_target=None)
    pretrainer.compile(optimizer=keras.optimizers.Adam(schedule))
    chunk = 100
    start = time.perf_counter()
    for done in range(0, args.steps, chunk):
        steps = min(chunk, args.steps - done)
        history = pretrainer.fit(ds, epochs=1, steps_per_epoch=steps, shuffle=False, verbose=0)
        print(f"step {done + steps:5d}  NT-Xent loss {history.history['loss'][-1]:.3f}  "
              f"({time.perf_counter() - start:.0f} s)", flush=True)

    out = args.out or ssl.WEIGHTS_FILE
    encoder.save_weights(str(out))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} KiB)")

    if args.validate:
        from cnncourse.training.semi_supervised import balanced_labelled_subset

        val_x, val_y = images[55000:], y_train[55000:]
        for name, model in [("pretrained", ssl.load_pretrained_encoder(out)), ("random", ssl.encoder())]:
            f_val = ssl.features(model, val_x)
            accs = []
            for seed in range(3):
                idx = balanced_labelled_subset(y_train[:50000], 10, seed=seed)
                accs.append(ssl.linear_probe(ssl.features(model, images[idx]), y_train[idx], f_val, val_y))
            print(f"{name:10s} encoder, probe on 100 labels: {np.mean(accs):.3f} +- {np.std(accs):.3f}")


if __name__ == "__main__":
    main()
