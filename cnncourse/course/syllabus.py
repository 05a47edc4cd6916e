"""The course's syllabus: one row per lesson, the single list that README, tests, flashcard links
and ``cnncourse lint`` read.

Course tooling: not imported by the lessons.

The table is explicit data; ``tests/test_course_syllabus.py`` checks it against the notebooks (title = the
first heading, exercise ids = those of the check cells, modules = the ``cnncourse`` modules the
lesson imports besides ``checks`` and ``repro``, deck file exists).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cnncourse.course.paths import DATA_DIR, LESSONS_DIR, SOLUTIONS_DIR


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``slug`` is the notebook's file stem (``NN_name``), ``title`` its heading after ``NN · ``;
    ``short`` and ``shows`` fill README's lesson table, whose "you write" column lists ``exercises``."""

    slug: str
    title: str
    objectives: str
    modules: tuple[str, ...]
    exercises: tuple[str, ...]
    short: str = ""   # README's "lesson" column
    shows: str = ""   # README's "what it shows" column

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
           ("analysis.costs", "analysis.plots", "analysis.shifts", "data", "models.baselines"),
           ("01.layer_param_counts", "01.build_small_cnn"),
           short='CNNs vs fully connected networks',
           shows='locality, weight sharing and translation equivariance, measured; a dense net vs a CNN on Fashion-MNIST'),
    Lesson("02_convolution", "How a convolutional layer works",
           "Convolution by hand, feature maps, cross-correlation vs convolution, padding, stride and output "
           "shapes, receptive field; conv2d forward pass in NumPy.",
           ("analysis.plots", "analysis.receptive_field", "data", "ops"),
           ("02.conv2d_forward", "02.receptive_field_sizes"),
           short='Convolution',
           shows='sliding dot products and feature maps on real photos; cross-correlation vs convolution; padding, stride, output size; receptive field by formula and by gradients'),
    Lesson("03_pooling", "Pooling: downsampling that keeps what matters",
           "Max and average pooling, tolerance to small shifts, compute and memory saved, global average "
           "pooling; max-pool forward and backward in NumPy.",
           ("analysis.costs", "analysis.plots", "analysis.shifts", "data", "models.baselines"),
           ("03.max_pool_forward", "03.max_pool_backward"),
           short='Pooling',
           shows='max vs average pooling; shift tolerance measured; compute saved; global average pooling'),
    Lesson("04_activations_dense_loss", "Activations, the dense head and the loss",
           "Why non-linear activations (ReLU, sigmoid, tanh, GELU), the fully connected head, softmax and "
           "cross-entropy loss in log-sum-exp form.",
           ("data",),
           ("04.activation_grads", "04.stable_softmax_cross_entropy"),
           short='Activations, dense head and loss',
           shows='a linear stack collapses to one matrix; ReLU, leaky ReLU, sigmoid, tanh, GELU; stable softmax cross-entropy'),
    Lesson("05_backpropagation", "Backpropagation",
           "Forward pass, loss, backward pass (chain rule) and update by hand on a tiny conv net; the "
           "backward pass of a convolution; gradient checks.",
           ("data", "ops", "ops.tinynet"),
           ("05.conv2d_backward", "05.avg_pool_backward"),
           short='Backpropagation',
           shows='the four training steps by hand on a NumPy conv net learning real digits; the conv backward pass as correlation and full convolution'),
    Lesson("06_training_loop", "The training loop",
           "Training a CNN with a GradientTape loop and with model.fit; optimizers SGD, momentum and Adam; "
           "honest test accuracy; the fast recipe.",
           ("data", "models.fashion", "training.loop", "training.schedules"),
           ("06.clipped_train_step", "06.momentum_update"),
           short='The training loop',
           shows="a `GradientTape` loop vs `model.fit`; SGD vs momentum vs Adam; the course's fast recipe"),
    Lesson("07_initialization_and_hyperparameters", "Initialization and hyper-parameters",
           "Weight initialization (Glorot, He), learning rate and the range test, batch size, learning-rate "
           "schedules.",
           ("data", "training.batch_size", "training.initialization", "training.lr_finder", "training.regularization", "training.schedules"),
           ("07.he_init", "07.cosine_schedule"),
           short='Initialization and hyperparameters',
           shows='activation/gradient statistics through depth; learning rate too high/low; LR range test; batch size vs gradient noise and training; schedules'),
    Lesson("08_regularization_and_overfitting", "Regularization and overfitting",
           "Overfitting on 1,000 images; dropout, L1/L2 weight penalties, batch normalization, early stopping "
           "and smaller models.",
           ("data", "ops", "training.regularization"),
           ("08.batchnorm_forward", "08.batchnorm_backward", "08.l1l2_penalty", "08.dropout_forward",
            "08.early_stopping_epoch"),
           short='Regularization and overfitting',
           shows='batch normalization (formula, training vs inference, a deep net it rescues); overfit 1,000 images, '
                 'then dropout, L1/L2, batch norm, early stopping, a smaller model, with the noise level; L2 with Adam vs AdamW'),
    Lesson("09_data_augmentation", "Data augmentation",
           "Random flips, translations, rotations, zoom, contrast and noise; label-preserving augmentation; "
           "its effect on a small-data run.",
           ("data", "training.augmentation", "training.regularization"),
           ("09.random_translate", "09.build_augmenter"),
           short='Data augmentation',
           shows='which transforms preserve labels, chosen on validation; augmentation measured on 500 digits (test gain over the noise, more epochs needed); Keras random layers'),
    Lesson("10_classic_architectures", "Classic CNN architectures: LeNet-5, AlexNet, VGG",
           "LeNet-5, AlexNet and VGG; stacks of small 3x3 filters; networks as repeated blocks; parameters and "
           "FLOPs of a network.",
           ("analysis.flops", "data", "models.classic"),
           ("10.lenet5", "10.conv_flops"),
           short='Classic architectures',
           shows='LeNet-5 on real digits; AlexNet and VGG with their published parameter counts; why 3x3 stacks win'),
    Lesson("11_modern_architectures", "Modern CNN architectures: ResNet, Inception, Xception/MobileNet, DenseNet",
           "Skip connections and residual blocks (ResNet, bottleneck, pre-activation), Inception modules and 1x1 "
           "bottlenecks, depthwise-separable convolutions (Xception, MobileNet), inverted residuals with "
           "squeeze-and-excitation (MobileNetV2, EfficientNet), dense blocks (DenseNet), batch norm folded for inference.",
           ("analysis.flops", "analysis.gradflow", "data", "models.efficientnet_lite", "models.modern"),
           ("11.residual_block", "11.separable_params", "11.fold_batchnorm"),
           short='Modern architectures',
           shows='gradient flow in a 32-layer plain net vs a ResNet and a 3-seed training race, measured; bottleneck and '
                 'pre-activation blocks; Inception; depthwise-separable convs; MBConv with squeeze-and-excitation; '
                 'DenseNet; batch norm folded into the conv'),
    Lesson("12_transfer_learning", "Transfer learning with a real ImageNet network (offline)",
           "A pre-trained EfficientNet-Lite0 loaded offline; feature extraction vs fine-tuning vs training "
           "from scratch; freezing; which layers transfer to a distant domain.",
           ("data", "data.imagenet", "models.efficientnet_lite", "vision.torch_weights", "vision.transfer"),
           ("12.top_k", "12.freeze_base"),
           short='Transfer learning',
           shows='real ImageNet EfficientNet-Lite0 read offline without torch; frozen base vs fine-tuning vs from scratch; on digits, features from a lower block beat the whole frozen network'),
    Lesson("13_interpretability", "Looking inside a CNN: activations, filters, saliency and class activation maps",
           "Interpretability (explainability) of a trained CNN: activation maps, filters, gradient saliency, "
           "CAM, Grad-CAM, Grad-CAM++ and Score-CAM.",
           ("data", "data.imagenet", "models.efficientnet_lite", "vision.interpret"),
           ("13.saliency", "13.grad_cam"),
           short='Interpretability',
           shows='activation maps, filters, saliency, CAM, Grad-CAM, Grad-CAM++, Score-CAM (tf-keras-vis) on a course model and EfficientNet'),
    Lesson("14_vision_tasks", "Vision tasks: classification, detection, segmentation",
           "Classification, object detection and segmentation; IoU and non-max suppression; a grid detector "
           "scored by precision-recall and mAP; anchors; a U-Net segmenter.",
           ("analysis.receptive_field", "data", "data.scenes", "models.detection", "models.segmentation", "vision.boxes",
            "vision.masks"),
           ("14.iou", "14.nms", "14.average_precision", "14.per_class_iou"),
           short='Vision tasks',
           shows='classification vs detection vs segmentation on scenes of real digits: a grid detector, NMS, PR curve and mAP, anchors, a U-Net, mean IoU'),
    Lesson("15_beyond_images", "Beyond images: 1D CNNs for time series, 2D CNNs for spectrograms",
           "1D CNNs (Conv1D) on a synthetic benchmark time series vs a dense network; conv1d in NumPy; causal "
           "and dilated convolutions and their receptive field; spectrograms classified by a 2D CNN.",
           ("data.timeseries", "models.sequence"),
           ("15.conv1d_forward", "15.causal_conv1d", "15.spectrogram"),
           short='Beyond images',
           shows='1D CNNs on the synthetic Trace time series (robust to shifts, unlike a dense net); causal and dilated convolutions; spectrograms and a 2D CNN'),
    Lesson("16_cnn_vs_classical_ml", "CNNs vs classical machine learning (SVMs, random forests)",
           "SVMs and random forests on raw pixels and HOG features vs a small CNN: accuracy, training and "
           "prediction time, amount of data; when classical models fit.",
           ("analysis.classical", "data", "models.fashion"),
           ("16.hog_features", "16.evaluate_classifier"),
           short='CNNs vs classical ML',
           shows='SVM and random forest on pixels and HOG vs a CNN (three seeds) on the same split; confusion matrices; accuracy vs training-set size'),
    Lesson("17_deployment", "Deployment: making inference cheap",
           "Model compression for deployment: TensorFlow Lite conversion, int8 quantization, pruning, "
           "distillation, low-rank factorization; serving over HTTP vs on-device inference.",
           ("data", "deploy.compression", "deploy.serving", "deploy.teacher", "deploy.tflite_utils", "models.edge_cnn"),
           ("17.quant_params", "17.magnitude_prune", "17.distillation_loss", "17.low_rank_dense"),
           short='Deployment',
           shows='TFLite and int8 (converter settings, scale and zero point), pruning, distillation, low-rank layers, a fp32/fp16/int8 size/latency/accuracy table, a local prediction server'),
    Lesson("18_limitations_and_trends", "Limitations of CNNs and where the field is going",
           "Data and compute needs, fixed input sizes, local receptive fields vs self-attention and vision "
           "transformers, adversarial examples (FGSM), pseudo-labelling (semi-supervised learning), self-supervised "
           "contrastive pre-training with a linear probe, GANs.",
           ("course.tracing", "data", "models.edge_cnn", "models.gan", "models.vit", "ops.attention", "training.self_supervised", "training.semi_supervised", "vision.robustness"),
           ("18.self_attention", "18.fgsm", "18.pseudo_label_select"),
           short='Limitations and trends',
           shows='labels and compute vs accuracy; variable-sized inputs; a tiny ViT vs a CNN; accuracy under FGSM attack; '
                 'pseudo-labelling; a self-supervised (SimCLR) encoder\'s linear probe vs training from scratch; a DCGAN'),
)

SLUGS: tuple[str, ...] = tuple(lesson.slug for lesson in LESSONS)

# README's "you write (graded)" text per exercise id. An id missing here shows its checker's title
# (``cnncourse.checks.REGISTRY[id].title``), so adding or renaming an exercise is one edit of ``LESSONS``.
EXERCISE_SUMMARIES: dict[str, str] = {
    "01.layer_param_counts": 'parameter counts of Dense/Conv2D',
    "01.build_small_cnn": 'a small functional CNN',
    "02.conv2d_forward": 'conv2d forward in NumPy',
    "02.receptive_field_sizes": 'receptive-field sizes',
    "03.max_pool_forward": 'max pooling forward',
    "03.max_pool_backward": 'max pooling backward',
    "04.activation_grads": 'activation gradients',
    "04.stable_softmax_cross_entropy": 'stable softmax cross-entropy',
    "05.conv2d_backward": 'conv2d backward',
    "05.avg_pool_backward": 'average-pooling backward',
    "06.clipped_train_step": 'a train step with regularisation losses and gradient clipping',
    "06.momentum_update": 'plain and Nesterov momentum steps',
    "07.he_init": 'He/Glorot initialisers',
    "07.cosine_schedule": 'a warm-up + cosine schedule with a floor',
    "08.batchnorm_forward": 'batch norm forward (training and inference)',
    "08.batchnorm_backward": 'batch norm backward',
    "08.l1l2_penalty": 'an L1 + L2 penalty over the kernels only',
    "08.dropout_forward": 'inverted dropout',
    "08.early_stopping_epoch": 'where early stopping stops',
    "09.random_translate": 'random translation',
    "09.build_augmenter": 'an augmentation pipeline',
    "10.lenet5": 'LeNet-5',
    "10.conv_flops": "a convolution's MACs",
    "11.residual_block": 'a residual block',
    "11.separable_params": 'separable-conv parameter counts',
    "11.fold_batchnorm": 'batch norm folded into a conv',
    "12.top_k": 'top-k class names',
    "12.freeze_base": 'freezing all but the top blocks',
    "13.saliency": 'gradient saliency',
    "13.grad_cam": 'Grad-CAM from scratch',
    "14.iou": 'box IoU',
    "14.nms": 'non-max suppression',
    "14.average_precision": 'average precision (all-point)',
    "14.per_class_iou": 'per-class IoU',
    "15.conv1d_forward": 'conv1d forward',
    "15.causal_conv1d": 'a causal dilated conv1d',
    "15.spectrogram": 'a spectrogram',
    "16.hog_features": 'HOG features',
    "16.evaluate_classifier": 'classifier evaluation',
    "17.quant_params": 'int8 scale and zero point',
    "17.magnitude_prune": 'magnitude pruning',
    "17.distillation_loss": 'distillation loss',
    "17.low_rank_dense": 'low-rank dense',
    "18.self_attention": 'scaled dot-product attention',
    "18.pseudo_label_select": 'pseudo-label selection',
    "18.fgsm": 'an FGSM adversarial perturbation',
}

README_BEGIN = "<!-- syllabus:begin (generated from cnncourse/course/syllabus.py by `cnncourse build`; edit it there) -->"
README_END = "<!-- syllabus:end -->"


def exercise_summary(exercise_id: str) -> str:
    """README's short text for an exercise: :data:`EXERCISE_SUMMARIES`, else its checker's title (first line)."""
    if exercise_id in EXERCISE_SUMMARIES:
        return EXERCISE_SUMMARIES[exercise_id]
    from cnncourse.checks import REGISTRY

    if exercise_id not in REGISTRY:
        raise KeyError(f"exercise {exercise_id!r} of the syllabus has no checker and no summary")
    return REGISTRY[exercise_id].title.strip().splitlines()[0].rstrip(".")


def readme_table() -> str:
    """README's lesson table (Markdown, one row per lesson), generated from :data:`LESSONS`."""
    lines = ["| # | lesson | what it shows | you write (graded) |",
             "|---|--------|---------------|--------------------|"]
    for lesson in LESSONS:
        writes = "; ".join(exercise_summary(exercise) for exercise in lesson.exercises)
        lines.append(f"| {lesson.slug[:2]} | {lesson.short or lesson.title} | {lesson.shows or lesson.objectives} | {writes} |")
    return "\n".join(lines)


def with_readme_table(readme: str, where: str = "README.md") -> str:
    """``readme`` with the block between :data:`README_BEGIN` and :data:`README_END` replaced by
    :func:`readme_table`; ``ValueError`` naming ``where`` when the markers are missing or out of order."""
    begin, end = readme.find(README_BEGIN), readme.find(README_END)
    if begin < 0 or end < begin or readme.count(README_BEGIN) != 1 or readme.count(README_END) != 1:
        raise ValueError(f"{where}: needs the lesson-table markers {README_BEGIN!r} and {README_END!r} once each, "
                         "in that order")
    return readme[:begin + len(README_BEGIN)] + "\n" + readme_table() + "\n" + readme[end:]


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
