"""The plotting helpers draw the requested panels (Agg backend, no display)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from cnncourse.analysis import plots  # noqa: E402


def test_show_images_grid_and_titles():
    imgs = [np.zeros((8, 8)), np.ones((8, 8, 1)), np.full((8, 8, 3), 200.0), np.zeros((8, 8, 3), np.uint8), np.eye(8)]
    fig = plots.show_images(imgs, titles=list("abcde"), ncols=3)
    axes = fig.axes
    assert len(axes) == 6                       # 2 rows x 3 columns, last one empty
    assert [ax.get_title() for ax in axes[:5]] == list("abcde")
    assert len(axes[5].images) == 0 and all(len(ax.images) == 1 for ax in axes[:5])
    plt.close(fig)


def test_draw_layers_has_a_box_per_layer():
    fig = plots.draw_layers([("in", "28x28", "white"), ("conv", "26x26x8", "blue"), ("out", "10", "red")], title="t")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert {"in", "conv", "out", "26x26x8"} <= set(texts)
    assert len(ax.patches) == 3 + 2             # boxes + arrows
    plt.close(fig)
