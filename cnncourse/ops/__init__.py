"""From-scratch NumPy layers (the lessons' subject), each tested against TensorFlow.

Used in lessons 02, 05, 08, 18.
"""
from cnncourse.ops.batchnorm import batchnorm_backward, batchnorm_forward
from cnncourse.ops.conv import (
    col2im, conv2d_backward, conv2d_backward_naive, conv2d_forward, conv2d_forward_naive,
    convolve2d, correlate2d, im2col, output_size,
)
from cnncourse.ops.gradcheck import gradcheck, numerical_gradient, relative_error
from cnncourse.ops.layers import (
    dense_backward, dense_forward, relu_backward, relu_forward, softmax, softmax_cross_entropy,
)
from cnncourse.ops.pool import avg_pool_backward, avg_pool_forward, max_pool_backward, max_pool_forward
