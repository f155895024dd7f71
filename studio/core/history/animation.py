"""The region's evolution as an animation: a GIF with Pillow, an MP4 when ffmpeg is there.

Each frame is the decision region of one epoch coloured as in the window
(:mod:`studio.core.palette`), the disk data set's true boundary drawn over it, and
``"epoch N · test acc 97.5%"`` written under it.

**Thinning rule.** At most :data:`MAX_FRAMES` frames: with ``n`` epochs and
``k = ceil(n / MAX_FRAMES)`` (:func:`frame_stride`) the k-th, 2k-th, … epochs are drawn, and
always the last; up to 300 epochs that is every epoch. MP4 needs the optional
``imageio-ffmpeg`` package (the ``video`` extra); without it :func:`write_mp4` raises
:class:`AnimationUnavailable` saying so.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from minidl.data import DISK_RADIUS
from studio.core.evaluation import GRID_SIZE
from studio.core.io import atomic_write_bytes
from studio.core.palette import region_rgb

from .replay import SnapshotViewer
from .timeline import Timeline

__all__ = ["MAX_FRAMES", "MP4_HINT", "AnimationFrame", "AnimationUnavailable",
           "frame_stride", "mp4_available", "render_frame", "thin_frames", "timeline_frames",
           "write_animation", "write_gif", "write_mp4"]

#: Most frames an animation gets (see the thinning rule above).
MAX_FRAMES = 300
MP4_HINT = ("MP4 export needs the optional imageio-ffmpeg package (the 'video' extra of "
            "minidl-studio); GIF export works without it")
_TEXT, _OUTLINE, _BACKGROUND = (34, 34, 34), (68, 68, 68), (255, 255, 255)
_BAND = 32  # pixels of the caption band under the region


class AnimationUnavailable(RuntimeError):
    """The requested animation format needs a package that is not installed."""


@dataclass(frozen=True, eq=False)
class AnimationFrame:
    """One frame: ``grid`` is an ``(S, S)`` P(class 1) grid (row = y, as reported)."""

    epoch: int
    grid: np.ndarray
    test_acc: float


def frame_stride(n: int, max_frames: int | None = None) -> int:
    """``k = ceil(n / max_frames)`` (at least 1): draw every k-th of ``n`` epochs.

    ``max_frames`` defaults to :data:`MAX_FRAMES`, read at call time.
    """
    max_frames = MAX_FRAMES if max_frames is None else max_frames
    if max_frames < 1:
        raise ValueError(f"max_frames must be >= 1, got {max_frames}")
    return max(1, math.ceil(n / max_frames))


def thin_frames(frames: Sequence[AnimationFrame],
                max_frames: int | None = None) -> list[AnimationFrame]:
    """The k-th, 2k-th, … frames and always the last (:func:`frame_stride`)."""
    k = frame_stride(len(frames), max_frames)
    return [f for i, f in enumerate(frames, start=1) if i % k == 0 or i == len(frames)]


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow < 10.1 or no FreeType: the bitmap font
        return ImageFont.load_default()


def render_frame(frame: AnimationFrame, *, dataset: str | None = None,
                 size: int = 320) -> Image.Image:
    """Draw ``frame`` as an RGB image of ``size`` × ``size + 32`` pixels.

    Parameters
    ----------
    frame : AnimationFrame
        The epoch, its grid and its test accuracy (a fraction).
    dataset : str, optional
        ``"disk"`` draws the true boundary circle.
    size : int
        Side of the region in pixels (a multiple of 16 suits video encoders).
    """
    # Row 0 of the grid is y near 0; images count rows from the top: flip.
    region = Image.fromarray(region_rgb(frame.grid[::-1])).resize(
        (size, size), Image.Resampling.BILINEAR)
    image = Image.new("RGB", (size, size + _BAND), _BACKGROUND)
    image.paste(region, (0, 0))
    draw = ImageDraw.Draw(image)
    if dataset == "disk":
        r = DISK_RADIUS * size
        c = 0.5 * size
        draw.ellipse((c - r, c - r, c + r, c + r), outline=_OUTLINE, width=2)
    text = f"epoch {frame.epoch} · test acc {100 * frame.test_acc:.1f}%"
    draw.text((size / 2, size + _BAND / 2), text, fill=_TEXT, font=_font(16), anchor="mm")
    return image


def _images(frames, dataset, max_frames, size) -> list[Image.Image]:
    if not frames:
        raise ValueError("an animation needs at least one frame")
    return [render_frame(f, dataset=dataset, size=size) for f in thin_frames(frames, max_frames)]


def write_gif(path: str | os.PathLike, frames: Sequence[AnimationFrame], *,
              dataset: str | None = None, max_frames: int | None = None, frame_ms: int = 100,
              last_ms: int = 1500, size: int = 320) -> int:
    """Write an animated GIF (looping) atomically; return the number of frames written.

    Every frame shows for ``frame_ms`` milliseconds, the last for ``last_ms`` (so the result
    can be read before the loop restarts). GIF stores hundredths of a second.
    """
    images = _images(frames, dataset, max_frames, size)
    durations = [frame_ms] * (len(images) - 1) + [last_ms]
    buffer = io.BytesIO()
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=durations, loop=0)
    atomic_write_bytes(path, buffer.getvalue())
    return len(images)


def mp4_available() -> bool:
    """Whether :func:`write_mp4` can work (``imageio-ffmpeg`` is importable)."""
    try:
        import imageio_ffmpeg  # noqa: F401
    except ImportError:
        return False
    return True


def write_mp4(path: str | os.PathLike, frames: Sequence[AnimationFrame], *,
              dataset: str | None = None, max_frames: int | None = None, fps: int = 10,
              size: int = 320) -> int:
    """Write an H.264 MP4 atomically; return the number of frames written.

    Raises
    ------
    AnimationUnavailable
        ``imageio-ffmpeg`` is not installed (:data:`MP4_HINT`).
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        raise AnimationUnavailable(MP4_HINT) from None
    images = _images(frames, dataset, max_frames, size)
    path = Path(path)
    # ffmpeg writes a file by name: a temp file beside the target, renamed when complete.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".mp4")
    os.close(fd)
    try:
        writer = imageio_ffmpeg.write_frames(tmp, images[0].size, fps=fps, quality=8)
        writer.send(None)
        for image in images:
            writer.send(np.ascontiguousarray(np.asarray(image)))
        writer.close()
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(images)


def write_animation(path: str | os.PathLike, frames: Sequence[AnimationFrame],
                    **options) -> int:
    """:func:`write_gif` or :func:`write_mp4` by the suffix of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return write_gif(path, frames, **options)
    if suffix == ".mp4":
        return write_mp4(path, frames, **options)
    raise ValueError(f"{os.fspath(path)!r}: an animation is a .gif or .mp4 file")


def timeline_frames(timeline: Timeline, viewer: SnapshotViewer,
                    grid_size: int = GRID_SIZE) -> list[AnimationFrame]:
    """One frame per kept snapshot of ``timeline`` (grids replayed with ``viewer``)."""
    return [AnimationFrame(e.epoch, viewer.predict_grid(e.weights, grid_size),
                           e.report.test_acc)
            for e in timeline.entries if e.weights is not None]
