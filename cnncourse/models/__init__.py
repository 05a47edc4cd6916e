"""Keras 3 functional model builders used across the lessons, one module per family.

Used in lessons 01, 03, 06, 10, 11, 12, 13, 14, 15, 16, 17, 18.

    from cnncourse.models import lenet5, resnet_small, pretrained_efficientnet_lite0
"""
from cnncourse.models.baselines import compact_cnn, dense_net
from cnncourse.models.classic import alexnet, lenet5, vgg, vgg_block
from cnncourse.models.detection import build_grid_detector
from cnncourse.models.edge_cnn import edge_cnn
from cnncourse.models.efficientnet_lite import build_efficientnet_lite0, pretrained_efficientnet_lite0
from cnncourse.models.fashion import fast_cnn, small_cnn
from cnncourse.models.gan import dcgan_discriminator, dcgan_generator
from cnncourse.models.modern import (
    dense_block, densenet_small, inception_module, mobilenet_small, residual_block, resnet_small, separable_block,
)
from cnncourse.models.segmentation import build_unet
from cnncourse.models.sequence import build_conv1d_classifier, build_dense_classifier, build_spectrogram_cnn
from cnncourse.models.vit import tiny_vit

__all__ = [
    "alexnet", "build_conv1d_classifier", "build_dense_classifier", "build_efficientnet_lite0", "build_grid_detector",
    "build_spectrogram_cnn", "build_unet", "compact_cnn", "dcgan_discriminator", "dcgan_generator", "dense_block",
    "dense_net", "densenet_small", "edge_cnn", "fast_cnn", "inception_module", "lenet5", "mobilenet_small",
    "pretrained_efficientnet_lite0", "residual_block", "resnet_small", "separable_block", "small_cnn", "tiny_vit",
    "vgg", "vgg_block",
]
