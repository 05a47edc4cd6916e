"""How a model is fitted: the training loop, learning-rate schedules and finder, batch size,
initialization, regularization, augmentation, semi-supervised learning, self-supervised pre-training.

Used in lessons 06, 07, 08, 09, 18.
"""
