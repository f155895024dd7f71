"""The k-class region colours: eight distinct class colours, white where the model guesses."""

from __future__ import annotations

import numpy as np

from studio.core.limits import MAX_CLASSES
from studio.core.palette import CLASS_COLORS, REGION_STRENGTH, classes_rgb, hex_rgb


def test_one_distinct_colour_per_class_and_the_first_two_unchanged():
    assert len(set(CLASS_COLORS)) == len(CLASS_COLORS) == MAX_CLASSES
    assert CLASS_COLORS[:2] == ("#2f6db5", "#e07b00")


def test_sure_pixels_take_their_class_colour_and_chance_is_white():
    classes = np.array([[0, 1, 2]], dtype=np.uint8)
    rgb = classes_rgb(classes, np.array([[1.0, 1.0, 1 / 3]]), 3)
    for i in (0, 1):
        expected = 255 + REGION_STRENGTH * (np.array(hex_rgb(CLASS_COLORS[i])) - 255)
        assert np.array_equal(rgb[0, i], np.rint(expected).astype(np.uint8))
    assert tuple(rgb[0, 2]) == (255, 255, 255)
