"""Real colour photographs bundled with scikit-image and scikit-learn (no download)."""
from __future__ import annotations

import numpy as np

SKIMAGE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket")
SKLEARN_PHOTOS = ("china", "flower")
PHOTO_NAMES = SKIMAGE_PHOTOS + SKLEARN_PHOTOS


def load_photo(name: str) -> np.ndarray:
    """One photo as uint8 (H, W, 3). Names: astronaut, chelsea (a cat), coffee, rocket, china, flower."""
    if name in SKIMAGE_PHOTOS:
        import skimage.data

        return getattr(skimage.data, name)()
    if name in SKLEARN_PHOTOS:
        from sklearn.datasets import load_sample_image

        return load_sample_image(f"{name}.jpg")
    raise ValueError(f"unknown photo {name!r}; choose one of {', '.join(PHOTO_NAMES)}")


def load_photos(names=PHOTO_NAMES) -> dict[str, np.ndarray]:
    """Several photos as a dict name -> uint8 (H, W, 3)."""
    return {name: load_photo(name) for name in names}


def resize(image: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """Centre-crop to the target's aspect ratio, then resize with antialiasing; float32 in 0..255."""
    import tensorflow as tf

    out_h, out_w = (size, size) if isinstance(size, int) else tuple(size)
    h, w = image.shape[:2]
    scale = min(h / out_h, w / out_w)
    crop_h, crop_w = int(round(out_h * scale)), int(round(out_w * scale))
    top, left = (h - crop_h) // 2, (w - crop_w) // 2
    crop = image[top: top + crop_h, left: left + crop_w]
    return tf.image.resize(crop, (out_h, out_w), antialias=True).numpy().astype(np.float32)
