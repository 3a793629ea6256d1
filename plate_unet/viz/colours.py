"""The colours that tell truth from prediction: the error map, the worst cases
and the outlines of found plates.

Taken from the Okabe-Ito palette, which readers with any common colour-vision
deficiency can tell apart: **blue** is the truth (an annotated plate, or plate
the model missed), **orange** is the model's (a predicted plate, or plate it
invented), and **white** is where both agree. Blue, orange and white also differ
in lightness, so the error map reads in greyscale too. (A mask tinted onto a photo
on its own, with nothing to tell it from, stays magenta: ``PLATE_COLOUR`` in
:mod:`plate_unet.viz.widgets.render`.)
"""

from __future__ import annotations

#: Where truth and prediction agree (the error map's "found").
BOTH = (255, 255, 255)
#: The annotation: outlines of true plates; the error map's "missed".
TRUTH = (0, 114, 178)
#: The model: outlines of predicted plates; the error map's "invented".
PREDICTED = (230, 159, 0)


def hex_colour(rgb: tuple[int, int, int]) -> str:
    """``(230, 159, 0)`` → ``"#e69f00"``, the form matplotlib takes.

    Example:
        >>> from plate_unet.viz.colours import PREDICTED, hex_colour
        >>> hex_colour(PREDICTED)
        '#e69f00'
    """
    return "#{:02x}{:02x}{:02x}".format(*rgb)
