"""Makes docs/figures/synthetic_scenes.png: 8 synthetic scenes and their plate masks.

Run: ``python benchmarks/make_figures.py`` (a few seconds).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from plate_unet.data.synthetic.generate import generate_scene, scene_seed
from plate_unet.viz.plotting import show_scenes

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "synthetic_scenes.png"


def main() -> None:
    scenes = [generate_scene(scene_seed(0, i), 580, 360) for i in range(8)]
    images, plates = zip(*scenes, strict=True)
    fig = show_scenes(images, plates, cols=8, size=1.6)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=110)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
