"""The held-out synthetic test set the demo and the pretrained checkpoint score on.

:func:`heldout_set` generates (or reuses) a preset's test scenes from the random seed
``seed + TEST_SEED_OFFSET``, never seen in training. Both :mod:`plate_unet.demo.run`
and :mod:`plate_unet.demo.pretrained` import it; this module imports neither.
"""

from __future__ import annotations

from pathlib import Path

from plate_unet.data.readers import load_annotations
from plate_unet.data.records import Sample
from plate_unet.data.synthetic.generate import generate_dataset, is_current
from plate_unet.training.presets import Preset

#: The held-out set's seed is ``seed + TEST_SEED_OFFSET``; training uses ``seed``
#: and validation ``seed + VAL_SEED_OFFSET`` (1,000,003; see
#: :data:`plate_unet.training.presets.VAL_SEED_OFFSET`).
TEST_SEED_OFFSET = 2_000_003


def heldout_set(
    preset: Preset, data_dir: str | Path, n: int, seed: int = 0
) -> tuple[Path, list[Sample]]:
    """Generates (or reuses) the held-out synthetic test set of a preset.

    Args:
        preset: The preset (its ``scene_size`` and name are used).
        data_dir: Parent folder; the set goes to ``<name>-test-<seed>``.
        n: Number of scenes.
        seed: The run's seed; the set uses ``seed + TEST_SEED_OFFSET``.

    Returns:
        ``(folder, samples)``; the images are in ``folder/images``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from plate_unet.demo import heldout_set
        >>> from plate_unet.training import get_preset
        >>> tmp = Path(tempfile.mkdtemp())
        >>> folder, samples = heldout_set(get_preset("smoke"), tmp / "data", 8)
        >>> folder.name, len(samples)  # seed 0 + TEST_SEED_OFFSET
        ('smoke-test-2000003', 8)
        >>> again, _ = heldout_set(get_preset("smoke"), tmp / "data", 8)  # reused
        >>> again == folder
        True
    """
    test_seed = seed + TEST_SEED_OFFSET
    folder = Path(data_dir) / f"{preset.name}-test-{test_seed}"
    if not is_current(folder, n, test_seed, preset.scene_size):
        generate_dataset(folder, n, seed=test_seed, size=preset.scene_size)
    return folder, load_annotations(folder / "labels.csv")
