"""The course's syllabus: one row per lesson, the single list that README, tests, flashcard links
and ``cnncourse lint`` read.

The table is explicit data; ``tests/test_syllabus.py`` checks it against the notebooks (title = the
first heading, exercise ids = those of the check cells, modules = the ``cnncourse`` modules the
lesson imports besides ``checks`` and ``repro``, deck file exists).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnncourse.paths import DATA_DIR, LESSONS_DIR, SOLUTIONS_DIR


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``slug`` is the notebook's file stem (``NN_name``), ``title`` its heading after ``NN · ``."""

    slug: str
    title: str
    objectives: str
    modules: tuple[str, ...]
    exercises: tuple[str, ...]

    @property
    def number(self) -> int:
        return int(self.slug[:2])

    @property
    def notebook(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def solution_path(self) -> Path:
        return SOLUTIONS_DIR / self.notebook

    @property
    def lesson_path(self) -> Path:
        return LESSONS_DIR / self.notebook

    @property
    def deck(self) -> Path:
        return DATA_DIR / "flashcards" / f"{self.slug}.txt"

    @property
    def heading(self) -> str:
        """The notebook's first line, e.g. ``# 02 · How a convolutional layer works``."""
        return f"# {self.slug[:2]} · {self.title}"


LESSONS: tuple[Lesson, ...] = (
    Lesson("01_cnn_vs_dense", "What is a CNN? Convolutional vs fully connected networks",
           "Locality, weight sharing and translation equivariance; parameter counts; the components of a CNN; "
           "a dense net vs a CNN on Fashion-MNIST.",
           ("costs", "data", "models", "plots", "shifts"),
           ("01.layer_param_counts", "01.build_small_cnn")),
    Lesson("02_convolution", "How a convolutional layer works",
           "Convolution by hand, feature maps, cross-correlation vs convolution, padding, stride and output "
           "shapes, receptive field; conv2d forward pass in NumPy.",
           ("data", "ops", "plots", "receptive_field"),
           ("02.conv2d_forward", "02.receptive_field_sizes")),
    Lesson("03_pooling", "Pooling: downsampling that keeps what matters",
           "Max and average pooling, tolerance to small shifts, compute and memory saved, global average "
           "pooling; max-pool forward and backward in NumPy.",
           ("costs", "data", "models", "ops", "plots", "shifts"),
           ("03.max_pool_forward", "03.max_pool_backward")),
    Lesson("04_activations_dense_loss", "Activations, the dense head and the loss",
           "Why non-linear activations (ReLU, sigmoid, tanh, GELU), the fully connected head, softmax and "
           "cross-entropy loss in log-sum-exp form.",
           ("activations", "data", "ops"),
           ("04.activation_grads", "04.stable_softmax_cross_entropy")),
    Lesson("05_backpropagation", "Backpropagation",
           "Forward pass, loss, backward pass (chain rule) and update by hand on a tiny conv net; the "
           "backward pass of a convolution; gradient checks.",
           ("data", "ops", "tinynet"),
           ("05.conv2d_backward", "05.avg_pool_backward")),
    Lesson("06_training_loop", "The training loop",
           "Training a CNN with a GradientTape loop and with model.fit; optimizers SGD, momentum and Adam; "
           "honest test accuracy; the fast recipe.",
           ("data", "models", "training"),
           ("06.clipped_train_step", "06.momentum_update")),
    Lesson("07_initialization_and_hyperparameters", "Initialization and hyper-parameters",
           "Weight initialization (Glorot, He), learning rate and the range test, batch size, learning-rate "
           "schedules.",
           ("batch_size", "data", "initialization", "lr_finder", "regularization", "schedules"),
           ("07.he_init", "07.cosine_schedule")),
    Lesson("08_regularization_and_overfitting", "Regularization and overfitting",
           "Overfitting on 1,000 images; dropout, L1/L2 weight penalties, batch normalization, early stopping "
           "and smaller models.",
           ("data", "regularization"),
           ("08.l2_penalty", "08.dropout_forward", "08.early_stopping_epoch")),
    Lesson("09_data_augmentation", "Data augmentation",
           "Random flips, translations, rotations, zoom, contrast and noise; label-preserving augmentation; "
           "its effect on a small-data run.",
           ("augmentation", "data", "regularization"),
           ("09.random_translate", "09.build_augmenter")),
    Lesson("10_classic_architectures", "Classic CNN architectures: LeNet-5, AlexNet, VGG",
           "LeNet-5, AlexNet and VGG; stacks of small 3x3 filters; networks as repeated blocks; parameters and "
           "FLOPs of a network.",
           ("data", "flops", "models"),
           ("10.lenet5", "10.conv_flops")),
    Lesson("11_modern_architectures", "Modern CNN architectures: ResNet, Inception, Xception/MobileNet, DenseNet",
           "Skip connections and residual blocks (ResNet), Inception modules and 1x1 bottlenecks, "
           "depthwise-separable convolutions (Xception, MobileNet), dense blocks (DenseNet).",
           ("data", "flops", "gradflow", "models"),
           ("11.residual_block", "11.separable_params")),
    Lesson("12_transfer_learning", "Transfer learning with a real ImageNet network (offline)",
           "A pre-trained EfficientNet-Lite0 loaded offline; feature extraction vs fine-tuning vs training "
           "from scratch; freezing; where transfer fails.",
           ("data", "imagenet", "models", "torch_weights", "transfer"),
           ("12.top_k", "12.freeze_base")),
    Lesson("13_interpretability", "Looking inside a CNN: activations, filters, saliency and class activation maps",
           "Interpretability (explainability) of a trained CNN: activation maps, filters, gradient saliency, "
           "CAM, Grad-CAM, Grad-CAM++ and Score-CAM.",
           ("data", "imagenet", "interpret", "models"),
           ("13.saliency", "13.grad_cam")),
    Lesson("14_vision_tasks", "Vision tasks: classification, detection, segmentation",
           "Classification, object detection and segmentation; IoU and non-max suppression; a grid detector "
           "and a U-Net segmenter.",
           ("boxes", "data", "masks", "models", "scenes"),
           ("14.iou", "14.nms", "14.per_class_iou")),
    Lesson("15_beyond_images", "Beyond images: 1D CNNs for time series, 2D CNNs for spectrograms",
           "1D CNNs (Conv1D) on a real time series vs a dense network; conv1d in NumPy; spectrograms "
           "classified by a 2D CNN.",
           ("models", "timeseries"),
           ("15.conv1d_forward", "15.spectrogram")),
    Lesson("16_cnn_vs_classical_ml", "CNNs vs classical machine learning (SVMs, random forests)",
           "SVMs and random forests on raw pixels and HOG features vs a small CNN: accuracy, training and "
           "prediction time, amount of data; when classical models fit.",
           ("classical", "data", "models"),
           ("16.hog_features", "16.evaluate_classifier")),
    Lesson("17_deployment", "Deployment: making inference cheap",
           "Model compression for deployment: TensorFlow Lite conversion, int8 quantization, pruning, "
           "distillation, low-rank factorization; serving over HTTP vs on-device inference.",
           ("compression", "data", "models", "serving", "tflite_utils"),
           ("17.magnitude_prune", "17.distillation_loss", "17.low_rank_dense")),
    Lesson("18_limitations_and_trends", "Limitations of CNNs and where the field is going",
           "Data and compute needs, fixed input sizes, local receptive fields vs self-attention and vision "
           "transformers, pseudo-labelling (semi-supervised learning), GANs.",
           ("attention", "data", "models", "semi_supervised", "tracing"),
           ("18.self_attention", "18.pseudo_label_select")),
)

SLUGS: tuple[str, ...] = tuple(lesson.slug for lesson in LESSONS)


def by_number(number: int) -> Lesson:
    """The lesson numbered ``number`` (1-based); ``KeyError`` naming the valid range otherwise."""
    for lesson in LESSONS:
        if lesson.number == number:
            return lesson
    raise KeyError(f"no lesson {number:02d}; lessons are numbered 01-{len(LESSONS):02d}")


def by_slug(slug: str) -> Lesson:
    """The lesson whose notebook stem is ``slug``; ``KeyError`` listing the slugs otherwise."""
    for lesson in LESSONS:
        if lesson.slug == slug:
            return lesson
    raise KeyError(f"unknown lesson {slug!r}; expected one of {', '.join(SLUGS)}")
