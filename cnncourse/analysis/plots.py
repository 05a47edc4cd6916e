"""Small matplotlib helpers shared by the lessons: image grids and layer diagrams.

Used in lessons 01, 02, 03.

Each function draws one figure and returns it; end the notebook cell with ``plt.show()``
so the figure is shown once. Figures are kept small (the course's dpi is 80).
"""
from __future__ import annotations

import math

import numpy as np


def show_images(images, titles=None, ncols: int | None = None, cmap: str = "gray", size: float = 1.6,
                vmin=None, vmax=None, suptitle: str | None = None):
    """A grid of images (each (H, W), (H, W, 1) or (H, W, 3); uint8 or float) with optional titles.

    Colour images in float are assumed to be in 0..255 or 0..1 and are scaled for display.
    """
    import matplotlib.pyplot as plt

    images = list(images)
    n = len(images)
    ncols = ncols or min(n, 8)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + (0.3 if suptitle else 0)),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k >= n:
            continue
        img = np.asarray(images[k])
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        if img.ndim == 3 and img.dtype != np.uint8:
            img = np.clip(img / (255.0 if img.max() > 1.0 else 1.0), 0, 1)
        ax.imshow(img, cmap=None if img.ndim == 3 else cmap, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(str(titles[k]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    return fig


def draw_layers(boxes, title: str | None = None, width: float = 1.0, height: float = 2.6):
    """A left-to-right diagram of a network: ``boxes`` is a list of ``(label, detail, colour)``;
    ``detail`` (e.g. an output shape) is written under the label, arrows join the boxes."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    n = len(boxes)
    fig, ax = plt.subplots(figsize=(width * 1.45 * n, height))
    for i, (label, detail, colour) in enumerate(boxes):
        x = i * 1.45
        ax.add_patch(FancyBboxPatch((x, 0.2), 1.1, 1.6, boxstyle="round,pad=0.05", fc=colour, ec="black"))
        ax.text(x + 0.55, 1.25, label, ha="center", va="center", fontsize=8, wrap=True)
        ax.text(x + 0.55, 0.6, detail, ha="center", va="center", fontsize=7, color="#333333")
        if i:
            ax.add_patch(FancyArrowPatch((x - 0.3, 1.0), (x - 0.02, 1.0), arrowstyle="-|>",
                                         mutation_scale=10, color="black"))
    ax.set_xlim(-0.1, 1.45 * n - 0.25)
    ax.set_ylim(0, 2.1)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
