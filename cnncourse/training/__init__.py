"""How a model is fitted: the training loop, learning-rate schedules and finder, batch size,
initialization, regularization, augmentation, semi-supervised learning.

Used in lessons 06, 07, 08, 09, 18.
"""
