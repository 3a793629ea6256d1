"""The course's colours: truth against prediction, and a mask on its own.

The error map, the worst cases, the outlines of found plates (the notebooks'
figures and the overlays ``plate-unet predict`` writes) all use these, so
inference and viz import them from here, the package's base.

Taken from the Okabe-Ito palette, which readers with any common colour-vision
deficiency can tell apart: **blue** is the truth (an annotated plate, or plate
the model missed), **orange** is the model's (a predicted plate, or plate it
invented), and **white** is where both agree. Blue, orange and white also differ
in lightness, so the error map reads in greyscale too. A mask tinted onto a photo
on its own, with nothing to tell it from, is magenta (:data:`PLATE_COLOUR`).
"""

from __future__ import annotations

#: Where truth and prediction agree (the error map's "found").
BOTH = (255, 255, 255)
#: The annotation: outlines of true plates; the error map's "missed".
TRUTH = (0, 114, 178)
#: The model: outlines of predicted plates; the error map's "invented".
PREDICTED = (230, 159, 0)
#: A mask on its own: magenta stands out on cars, roads and blue plates.
PLATE_COLOUR = (255, 0, 255)


def hex_colour(rgb: tuple[int, int, int]) -> str:
    """``(230, 159, 0)`` → ``"#e69f00"``, the form matplotlib takes.

    Example:
        >>> from plate_unet.colours import PREDICTED, hex_colour
        >>> hex_colour(PREDICTED)
        '#e69f00'
    """
    return "#{:02x}{:02x}{:02x}".format(*rgb)
