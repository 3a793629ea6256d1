"""Matplotlib helpers for the notebooks and reports: a cell shows *what* is
plotted, these functions hold the plumbing.

* U-Net anatomy and general plots: :func:`plot_transposed_conv` (notebook 02),
  :func:`plot_image_row` (with :func:`crop_around` to zoom onto the plates),
  :func:`plot_feature_maps` (notebook 06) and :func:`plot_curves`;
* evaluation: :func:`plot_worst_cases`, the images of an evaluation report with
  the lowest pixel IoU (``plate-unet demo``, notebook 07);
* synthetic scenes: :func:`show_scenes`, scenes with their plates outlined and
  their masks (notebook 01);
* training: :func:`plot_learning_curves` from a CSV log or ``History.history``
  (notebook 05);
* reading: :func:`plot_reading`, a crop and the reader's timesteps (notebook 08);

Each function imports what it needs (matplotlib, numpy, OpenCV, TensorFlow) when
called, so importing this module is cheap; each returns its matplotlib figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from plate_unet import colours
from plate_unet.colours import hex_colour

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure
    from numpy.typing import ArrayLike

    from plate_unet.inference.evaluate import EvalReport

# --- U-Net anatomy, image rows and curves -------------------------------------------

#: The widest figure, in inches, that a notebook shows without shrinking it (and
#: its titles with it).
ROW_WIDTH = 10.0


def _figure(*args, **kwargs):
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)


def _show_grid(ax, values, title: str, highlight=None, fmt: str = "{:g}") -> None:
    """Draws a small array as a grid of numbered cells."""
    import numpy as np
    from matplotlib.patches import Rectangle

    values = np.asarray(values, dtype=float)
    ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1e-9))
    for (r, c), v in np.ndenumerate(values):
        if v:
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=9)
    if highlight is not None:
        h, w = highlight
        ax.add_patch(Rectangle((-0.5, -0.5), w, h, fill=False, ec="red", lw=2))
    ax.set_xticks(np.arange(values.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(values.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="grey", lw=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_title(title, fontsize=10)


def plot_transposed_conv(x: ArrayLike, kernel: ArrayLike, stride: int = 2) -> Figure:
    """Draws how a transposed convolution scatters each input pixel onto a grid.

    Every input pixel ``x[i, j]`` stamps ``x[i, j] * kernel`` on the output, its
    top-left corner at ``(i * stride, j * stride)``; overlapping stamps add up. The
    last panel outlines in red the ``stride × input`` corner that Keras keeps with
    ``padding="same"``.

    Args:
        x: A small 2-D input, e.g. 2×2.
        kernel: A 2-D kernel, e.g. 3×3.
        stride: The up-sampling factor, >= 1.

    Returns:
        The matplotlib figure: input, kernel and the sum on top, one panel per
        stamp below; ``fig.axes`` lists input, kernel, the stamps, then the sum.

    Raises:
        ValueError: If ``x`` or ``kernel`` is not 2-D, or ``stride`` < 1.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.viz import plot_transposed_conv
        >>> fig = plot_transposed_conv(np.array([[1, 2], [3, 4]]), np.ones((3, 3)))
        >>> [ax.get_title() for ax in fig.axes][:3]
        ['input 2×2', 'kernel 3×3', 'x[0,0] · kernel']
        >>> plt.close(fig)
    """
    import numpy as np

    x, kernel = np.asarray(x, float), np.asarray(kernel, float)
    if x.ndim != 2 or kernel.ndim != 2 or stride < 1:
        raise ValueError(
            f"x {x.shape} and kernel {kernel.shape} must be 2-D and stride={stride!r}"
            " >= 1."
        )
    (n, m), (k, q) = x.shape, kernel.shape
    size = ((n - 1) * stride + k, (m - 1) * stride + q)
    stamps = []
    for (i, j), v in np.ndenumerate(x):
        stamp = np.zeros(size)
        stamp[i * stride : i * stride + k, j * stride : j * stride + q] = v * kernel
        stamps.append(((i, j), stamp))
    import matplotlib.pyplot as plt

    # Input, kernel and sum on top, the stamps in rows of four below: a figure no
    # wider than a notebook, with numbers that stay readable.
    cols = max(3, min(4, len(stamps)))
    rows = 1 + -(-len(stamps) // cols)
    fig = plt.figure(figsize=(min(2.4 * cols, ROW_WIDTH), 2.5 * rows))
    grid = fig.add_gridspec(rows, cols)
    _show_grid(fig.add_subplot(grid[0, 0]), x, f"input {n}×{m}")
    _show_grid(fig.add_subplot(grid[0, 1]), kernel, f"kernel {k}×{q}")
    for t, ((i, j), stamp) in enumerate(stamps):
        ax = fig.add_subplot(grid[1 + t // cols, t % cols])
        _show_grid(ax, stamp, f"x[{i},{j}] · kernel")
    total = sum(s for _, s in stamps)
    ax = fig.add_subplot(grid[0, 2])
    _show_grid(ax, total, "sum (red: 'same')", (n * stride, m * stride))
    fig.tight_layout()
    return fig


def plot_image_row(
    images: dict, cmap: str = "gray", vmax: float | None = None
) -> Figure:
    """Shows 2-D arrays side by side, each titled by its key.

    Args:
        images: ``{title: array (H, W) or (H, W, 1)}``.
        cmap: Matplotlib colour map for single-channel arrays.
        vmax: Upper end of the colour scale (``None``: each image's own maximum).

    Returns:
        The matplotlib figure.

    Raises:
        ValueError: If ``images`` is empty.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz import plot_image_row
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> probs = np.where(mask == 1, 0.95, 0.05).astype("float32")
        >>> fig = plot_image_row({"mask": mask, "probability": probs})
        >>> [ax.get_title() for ax in fig.axes]
        ['mask', 'probability']
        >>> plt.close(fig)
    """
    import numpy as np

    if not images:
        raise ValueError("images is empty: pass {title: array} with one entry or more.")
    planes = {title: _plane(np.asarray(img)) for title, img in images.items()}
    widest = max(p.shape[1] / max(p.shape[0], 1) for p in planes.values())
    fig, axes = _row(len(images), 2.8, panel_width=max(2.6, 2.5 * widest))
    for ax, (title, img) in zip(axes, planes.items(), strict=True):
        ax.imshow(img, cmap=cmap, vmin=0, vmax=vmax)
        ax.set_title(title, fontsize=10)
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def crop_around(
    images: dict, quads: Sequence, margin: float = 1.0, least: int = 24
) -> dict:
    """Crops every image of a row to the plates, so that they show at notebook width.

    Args:
        images: ``{title: array (H, W, ...)}``, all of one size (views of a photo).
        quads: The plates' corners ``(4, 2)`` (x, y) in those images' pixels.
        margin: Room around the plates' joint box, as a share of its size.
        least: The smallest room in pixels on each side.

    Returns:
        ``{title + " (zoomed)": crop}``; the images unchanged when there are no
        plates.

    Example:
        >>> import numpy as np
        >>> from plate_unet.viz.plotting import crop_around
        >>> quad = np.float32([[100, 50], [140, 50], [140, 62], [100, 62]])
        >>> crops = crop_around({"scene": np.zeros((200, 300))}, [quad], margin=0.5)
        >>> {title: c.shape for title, c in crops.items()}
        {'scene (zoomed)': (60, 88)}
    """
    import numpy as np

    if not len(quads):
        return dict(images)
    points = np.concatenate([np.asarray(q, np.float32) for q in quads])
    (x0, y0), (x1, y1) = points.min(0), points.max(0)
    pad_x = max(margin * (x1 - x0), least)
    pad_y = max(margin * (y1 - y0), least)
    out = {}
    for title, img in images.items():
        h, w = img.shape[:2]
        top, bottom = max(int(y0 - pad_y), 0), min(int(np.ceil(y1 + pad_y)), h)
        left, right = max(int(x0 - pad_x), 0), min(int(np.ceil(x1 + pad_x)), w)
        out[f"{title} (zoomed)"] = img[top:bottom, left:right]
    return out


def _row(n: int, height: float, panel_width: float = 2.6):
    """A figure of ``n`` panels side by side, at most :data:`ROW_WIDTH` wide."""
    width = min(panel_width * n, ROW_WIDTH)
    fig, axes = _figure(1, n, figsize=(width, height), squeeze=False)
    return fig, axes[0]


def _plane(img):
    """``(H, W, 1)`` → ``(H, W)``; other shapes unchanged."""
    return img[..., 0] if img.ndim == 3 and img.shape[-1] == 1 else img


def plot_feature_maps(image: ArrayLike, maps: dict, cmap: str = "viridis") -> Figure:
    """Shows the model input in grey and activation maps beside it, with colour bars.

    Each map is coloured over its own range (its colour bar says which values),
    because levels differ in scale by orders of magnitude.

    Args:
        image: The model input ``(H, W)`` or ``(H, W, 1)`` in [0, 1].
        maps: ``{title: activation (h, w)}``, e.g. one channel of each level.
        cmap: Colour map of the activations (viridis: readable in grey and for
            colour-blind readers).

    Returns:
        The matplotlib figure.

    Raises:
        ValueError: If ``maps`` is empty or a map is not 2-D.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.data import generate_scene, rasterize
        >>> from plate_unet.viz import plot_feature_maps
        >>> image, plates = generate_scene(1, 290, 180)
        >>> mask = rasterize(plates, 290, 180)  # 1 on the plate
        >>> act = np.arange(16.0).reshape(4, 4)  # one channel of a 4×4 level
        >>> fig = plot_feature_maps(mask, {"enc3 ch 0": act})
        >>> [ax.get_title() for ax in fig.axes[:2]], len(fig.axes)  # + a colour bar
        (['input', 'enc3 ch 0\\n4×4 (H×W)'], 3)
        >>> plt.close(fig)
    """
    import numpy as np

    if not maps:
        raise ValueError("maps is empty: pass {title: (h, w) array} with one or more.")
    fig, axes = _row(1 + len(maps), 3.4)
    axes[0].imshow(_plane(np.asarray(image)), cmap="gray", vmin=0, vmax=1)
    axes[0].set_title("input", fontsize=10)
    axes[0].set_axis_off()
    for ax, (title, act) in zip(axes[1:], maps.items(), strict=True):
        act = np.asarray(act)
        if act.ndim != 2:
            raise ValueError(f"map {title!r} has shape {act.shape}: pass (h, w).")
        shown = ax.imshow(act, cmap=cmap, interpolation="nearest")
        ax.set_title(f"{title}\n{act.shape[0]}×{act.shape[1]} (H×W)", fontsize=10)
        ax.set_axis_off()
        bar = fig.colorbar(shown, ax=ax, orientation="horizontal", pad=0.04)
        bar.ax.tick_params(labelsize=8)
    return fig


def plot_curves(
    x: ArrayLike, curves: dict, xlabel: str, ylabel: str = "", title: str = ""
) -> Figure:
    """Plots several curves over the same ``x``, one labelled line each.

    Args:
        x: Shared x values.
        curves: ``{label: y values}``.
        xlabel: Label of the x axis.
        ylabel: Label of the y axis.
        title: Figure title.

    Returns:
        The matplotlib figure.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.viz import plot_curves
        >>> p = np.linspace(0.01, 0.99, 50)
        >>> bce, dice = -np.log(p), 1 - 2 * p / (1 + p)
        >>> fig = plot_curves(p, {"BCE": bce, "Dice": dice}, "prediction on plates")
        >>> [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
        ['BCE', 'Dice']
        >>> plt.close(fig)
    """
    fig, ax = _figure(figsize=(6, 3.6))
    for label, y in curves.items():
        ax.plot(x, y, label=label)
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- evaluation: worst cases --------------------------------------------------------


def plot_worst_cases(report: EvalReport, k: int = 4, cols: int = 4) -> Figure:
    """Shows the ``k`` images with the lowest pixel IoU, truth and prediction drawn.

    Annotated plates are outlined in blue, predicted plates in orange (with their
    score; :mod:`plate_unet.colours`); each title gives the image name, its
    pixel IoU and plates found.

    Args:
        report: An :class:`~plate_unet.inference.evaluate.EvalReport`.
        k: Number of images to show.
        cols: Images per row.

    Returns:
        The matplotlib figure.

    Raises:
        ValueError: If the report has no rows or ``k`` < 1.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.data import load_annotations
        >>> from plate_unet.inference import evaluate_model, load_model
        >>> from plate_unet.viz import plot_worst_cases
        >>> samples = load_annotations("data/sample")[:4]
        >>> report = evaluate_model(load_model(), samples)  # the teaching checkpoint
        >>> fig = plot_worst_cases(report, k=2)
        >>> len(fig.axes)
        2
        >>> print(fig.axes[0].get_title())  # the worst image first
        000...jpg
        pixel IoU ..., found .../..., predicted ...
        >>> fig.canvas.draw()  # the figure renders
        >>> plt.close(fig)
    """
    from pathlib import Path

    import numpy as np
    from matplotlib.patches import Polygon

    truth, pred = hex_colour(colours.TRUTH), hex_colour(colours.PREDICTED)

    from plate_unet.data.images import read_image
    from plate_unet.errors import PlateUnetError

    if k < 1 or not report.rows:
        raise ValueError(f"nothing to plot: k={k}, report has {len(report.rows)} rows.")
    rows = report.worst(k)
    cols = max(1, min(cols, len(rows)))
    n_rows = -(-len(rows) // cols)
    fig, axes = _figure(n_rows, cols, figsize=(3.2 * cols, 4.2 * n_rows), squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    for ax, row in zip(axes.ravel(), rows, strict=False):
        try:
            image = read_image(row.image)
        except PlateUnetError:
            image = np.full((row.height, row.width, 3), 127, np.uint8)
        ax.imshow(image)
        for quad in row.true_quads:
            ax.add_patch(Polygon(quad, closed=True, fill=False, ec=truth, lw=1.5))
        for quad, score in zip(row.pred_quads, row.pred_scores, strict=True):
            ax.add_patch(Polygon(quad, closed=True, fill=False, ec=pred, lw=1.2))
            x0, y0 = np.min(quad, axis=0)
            ax.text(x0, y0 - 4, f"{score:.2f}", color=pred, fontsize=7)
        ax.set_title(
            f"{Path(row.image).name[:24]}\npixel IoU {row.pixel_iou:.2f}, "
            f"found {row.n_found}/{row.n_true}, predicted {row.n_pred}",
            fontsize=8,
        )
    fig.tight_layout()
    return fig


# --- synthetic scenes ---------------------------------------------------------------


def show_scenes(
    images: Sequence[np.ndarray],
    plates: Sequence[Sequence[ArrayLike]],
    cols: int = 4,
    masks: bool = True,
    size: float = 2.2,
) -> Figure:
    """Shows scenes with their plate outlines and, below each, the filled plate mask.

    Args:
        images: Sequence of uint8 (H, W, 3) RGB images.
        plates: For each image, a list of (4, 2) corner arrays (TL, TR, BR, BL).
        cols: Scenes per row.
        masks: Add a row of masks (plate polygons filled) under each row of scenes.
        size: Width of one panel in inches.

    Returns:
        The matplotlib figure.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.data import generate_scene
        >>> from plate_unet.viz import show_scenes
        >>> images, plates = zip(*(generate_scene(s, 290, 180) for s in range(4)))
        >>> fig = show_scenes(images, plates)  # a row of scenes, a row of masks
        >>> [ax.get_title() for ax in fig.axes]
        ['1 plate(s)', '1 plate(s)', '0 plate(s)', '1 plate(s)', '', '', '', '']
        >>> plt.close(fig)
    """
    import cv2
    import numpy as np

    n = len(images)
    rows = -(-n // cols)
    per = 2 if masks else 1
    h, w = images[0].shape[:2]
    fig, axes = _figure(
        rows * per,
        cols,
        figsize=(cols * size, rows * per * size * h / w),
        squeeze=False,
    )
    for ax in axes.ravel():
        ax.axis("off")
    for i, (image, quads) in enumerate(zip(images, plates, strict=True)):
        r, c = divmod(i, cols)
        ax = axes[r * per, c]
        ax.imshow(image)
        for q in quads:
            q = np.asarray(q)
            ax.plot(*np.vstack([q, q[:1]]).T, color="magenta", lw=1)
        ax.set_title(f"{len(quads)} plate(s)", fontsize=8)
        if masks:
            m = np.zeros(image.shape[:2], np.uint8)
            for q in quads:
                cv2.fillPoly(m, [np.round(np.asarray(q)).astype(np.int32)], 1)
            axes[r * per + 1, c].imshow(m, cmap="gray", vmin=0, vmax=1)
    fig.tight_layout()
    return fig


# --- training: learning curves ------------------------------------------------------


def plot_learning_curves(
    history: dict, metrics: Sequence[str] = ("loss", "iou"), title: str = ""
) -> Figure:
    """Plots training and validation curves per epoch, one panel per metric.

    The validation curve (``val_<metric>``) is dashed; for a metric where higher is
    better (anything but a loss) its best epoch is marked with a dot.

    Args:
        history: ``{column: values per epoch}``, e.g. from
            :func:`plate_unet.training.fit.read_log` or ``History.history``. An
            ``epoch`` column (0-based, as in the CSV log) gives the x values.
        metrics: Column names to plot (their ``val_`` twins are added).
        title: Figure title.

    Returns:
        The matplotlib figure.

    Raises:
        ValueError: If a metric is not in ``history`` (the message lists those
            that are).

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.viz import plot_learning_curves
        >>> history = {"epoch": [0, 1, 2], "loss": [0.9, 0.6, 0.5],
        ...            "val_loss": [1.0, 0.7, 0.6], "iou": [0.1, 0.4, 0.5],
        ...            "val_iou": [0.2, 0.5, 0.45]}  # as read_log returns it
        >>> fig = plot_learning_curves(history)
        >>> [ax.get_title() for ax in fig.axes]
        ['loss', 'iou']
        >>> fig.canvas.draw()  # the figure renders
        >>> plt.close(fig)
    """
    import numpy as np

    missing = [m for m in metrics if not history.get(m)]
    if missing or not metrics:
        raise ValueError(
            f"no values for {missing or 'any metric'} in the history; it has "
            f"{sorted(k for k, v in history.items() if v)}"
        )
    from matplotlib.ticker import MaxNLocator

    fig, axes = _figure(1, len(metrics), figsize=(4.2 * len(metrics), 3.2))
    for ax, metric in zip(np.atleast_1d(axes), metrics, strict=True):
        for key, style in ((metric, "-"), (f"val_{metric}", "--")):
            values = history.get(key)
            if not values:
                continue
            x = np.asarray(history.get("epoch", range(len(values))))[: len(values)] + 1
            label = "validation" if key.startswith("val_") else "training"
            ax.plot(x, values, style, marker=".", label=label)
            if key.startswith("val_") and "loss" not in metric:
                best = int(np.argmax(values))
                ax.plot(x[best], values[best], "o", color="black", ms=5)
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no epoch 1.5
        ax.set_title(metric, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


# --- data: augmented image + mask pairs ---------------------------------------------


# --- reading ----------------------------------------------------------------------


def plot_reading(
    crop: ArrayLike, probs: ArrayLike, alphabet: str, title: str = ""
) -> Figure:
    """A crop above what the reader saw in it, timestep by timestep.

    The lower panel shows, for each timestep (one column per 128 / timesteps
    pixels of the crop), the probability of the blank and of the best
    character, and writes that character above the timesteps where it beats
    the blank: the path that greedy decoding reads.

    Args:
        crop: ``(H, W)`` grey crop the reader read.
        probs: ``(timesteps, classes)`` the reader's probabilities, blank at 0.
        alphabet: The characters of classes 1, 2, ... (``ALPHABET``).
        title: Title of the upper panel.

    Returns:
        The matplotlib figure.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> from plate_unet.viz.plotting import plot_reading
        >>> probs = np.full((8, 3), 0.05, "float32")
        >>> probs[:, 0] = 0.9  # the blank ...
        >>> probs[2], probs[5] = [0.1, 0.85, 0.05], [0.1, 0.05, 0.85]  # ... A, B
        >>> fig = plot_reading(np.zeros((32, 128)), probs, "AB")
        >>> [t.get_text() for t in fig.axes[1].texts]
        ['A', 'B']
        >>> plt.close(fig)
    """
    import numpy as np

    p = np.asarray(probs, np.float32)
    steps = p.shape[0]
    fig, (top, bottom) = _figure(
        2, 1, figsize=(ROW_WIDTH * 0.7, 3.6), height_ratios=[1.2, 1],
        constrained_layout=True,
    )  # fmt: skip
    width = np.shape(crop)[1]
    top.imshow(np.asarray(crop), cmap="gray", extent=(0, width, np.shape(crop)[0], 0))
    top.set_title(title)
    top.set_xticks([])
    top.set_yticks([])
    x = (np.arange(steps) + 0.5) * width / steps
    best = p[:, 1:].argmax(axis=1) + 1
    bottom.plot(x, p[:, 0], color=hex_colour(colours.TRUTH), label="blank")
    bottom.bar(x, p[np.arange(steps), best], width=width / steps * 0.8,
               color=hex_colour(colours.PREDICTED), label="best character")  # fmt: skip
    for t in np.flatnonzero(p[np.arange(steps), best] > p[:, 0]):
        bottom.text(x[t], 1.04, alphabet[best[t] - 1], ha="center", fontsize=9)
    bottom.set_xlim(0, width)
    bottom.set_ylim(0, 1.18)
    bottom.set_xlabel(f"timestep ({steps} across the crop)")
    bottom.set_ylabel("probability")
    bottom.legend(loc="center right", fontsize=8)
    return fig
