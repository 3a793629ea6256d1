"""Makes docs/figures/synthetic_scenes.png: portrait and landscape synthetic scenes.

Six portrait scenes (the CCPD shape, 580×360 H×W) above four landscape ones
(360×580, as most phone and street-camera photos are), each plate outlined in
green. Run: ``python benchmarks/make_figures.py`` (a few seconds).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import cv2
import matplotlib.pyplot as plt

from plate_unet.data.synthetic.generate import generate_scene, scene_seed

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "synthetic_scenes.png"


def outlined(seed: int, height: int, width: int):
    """One scene with its plates outlined, and its number of plates."""
    image, plates = generate_scene(seed, height, width)
    image = image.copy()
    for q in plates:
        cv2.polylines(image, [q.round().astype("int32")], True, (0, 255, 0), 2)
    return image, len(plates)


def main() -> None:
    fig = plt.figure(figsize=(12, 6.6), layout="constrained")
    grid = fig.add_gridspec(2, 12, height_ratios=[580 / 360 * 2, 360 / 580 * 3])
    # (row, random seed of the set, scenes, (height, width), grid columns each)
    rows = ((0, 0, 6, (580, 360), 2), (1, 1, 4, (360, 580), 3))
    for row, seed, n, size, span in rows:
        kind = "portrait" if size[0] > size[1] else "landscape"
        for i in range(n):
            image, plates = outlined(scene_seed(seed, i), *size)
            ax = fig.add_subplot(grid[row, span * i : span * (i + 1)])
            ax.imshow(image)
            ax.set_title(f"{kind}, {plates} plate(s)", fontsize=9)
            ax.axis("off")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=100)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
