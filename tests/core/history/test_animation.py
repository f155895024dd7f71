"""The training animation: thinning, frames as the window draws them, GIFs read back."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.core import LayerSpec, RunSpec, Session
from studio.core.history import (
    AnimationFrame,
    AnimationUnavailable,
    SnapshotViewer,
    Timeline,
    frame_stride,
    render_frame,
    thin_frames,
    write_animation,
    write_gif,
    write_mp4,
)
from studio.core.history.animation import timeline_frames
from studio.core.palette import REGION_COLORMAP, hex_rgb


def _frames(n: int, size: int = 16) -> list[AnimationFrame]:
    return [AnimationFrame(e, np.full((size, size), e / n, np.float32), 0.5 + e / (2 * n))
            for e in range(1, n + 1)]


@pytest.mark.parametrize(("n", "most", "epochs"), [
    (5, 300, [1, 2, 3, 4, 5]),
    (7, 3, [3, 6, 7]),
    (9, 3, [3, 6, 9]),
    (1, 3, [1]),
])
def test_thinning_keeps_every_kth_epoch_and_the_last(n, most, epochs) -> None:
    assert [f.epoch for f in thin_frames(_frames(n), most)] == epochs


def test_thinning_never_exceeds_the_maximum() -> None:
    for n in (299, 300, 301, 5000, 100_000):
        k = frame_stride(n)
        kept = [i for i in range(1, n + 1) if i % k == 0 or i == n]
        assert len(kept) <= 300 and kept[-1] == n


def test_a_frame_shows_the_region_the_disk_boundary_and_the_caption() -> None:
    grid = np.zeros((8, 8), np.float32)
    grid[0, :] = 1.0  # the bottom row (y near 0) is class 1
    image = render_frame(AnimationFrame(12, grid, 0.975), dataset="disk", size=160)
    assert image.size == (160, 192) and image.mode == "RGB"
    pixels = np.asarray(image)
    assert tuple(pixels[2, 2]) == hex_rgb(REGION_COLORMAP[0][1])  # top: class 0's blue
    assert tuple(pixels[157, 2]) == hex_rgb(REGION_COLORMAP[-1][1])  # bottom: class 1
    # The true boundary: a dark ring at radius 160/sqrt(2π) ≈ 63.8 px around the centre.
    ring = pixels[80, 80 + 63]
    assert ring.max() < 120
    caption = pixels[160:]
    assert (caption < 128).any()  # text was drawn on the white band
    plain = np.asarray(render_frame(AnimationFrame(12, grid, 0.975), size=160))
    assert plain[80, 80 + 63].min() > 120  # no circle for other data sets


def test_a_gif_reads_back_with_one_frame_per_epoch_and_its_durations(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    assert write_gif(path, _frames(6), dataset="disk", frame_ms=80, last_ms=1000) == 6
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 6 and gif.size == (320, 352)
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
        assert durations == [80] * 5 + [1000] and gif.info.get("loop") == 0


def test_long_runs_are_thinned_in_the_gif(tmp_path: Path) -> None:
    assert write_animation(tmp_path / "a.gif", _frames(10), max_frames=4, size=32) == 4
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 4  # epochs 3, 6, 9 and the last, 10


def test_mp4_without_imageio_ffmpeg_says_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # import raises ImportError
    with pytest.raises(AnimationUnavailable, match="imageio-ffmpeg"):
        write_mp4(tmp_path / "a.mp4", _frames(2))
    assert not (tmp_path / "a.mp4").exists()
    with pytest.raises(ValueError, match=".gif or .mp4"):
        write_animation(tmp_path / "a.avi", _frames(2))
    with pytest.raises(ValueError, match="at least one frame"):
        write_gif(tmp_path / "a.gif", [])


def test_mp4_is_written_when_imageio_ffmpeg_is_installed(tmp_path: Path) -> None:
    pytest.importorskip("imageio_ffmpeg")
    assert write_mp4(tmp_path / "a.mp4", _frames(4), size=64) == 4
    assert (tmp_path / "a.mp4").stat().st_size > 0


def test_timeline_frames_replay_the_kept_snapshots() -> None:
    spec = RunSpec(layers=(LayerSpec(6),), epochs=4, batch_size=100)
    session = Session(spec)
    timeline = Timeline()
    reports = []
    for report in session.run(grid_every=1, grid_size=16):
        reports.append(report)
        timeline.record(report, session.weights())
    frames = timeline_frames(timeline, SnapshotViewer(spec, session.data), grid_size=16)
    assert [f.epoch for f in frames] == [1, 2, 3, 4]
    for frame, report in zip(frames, reports, strict=True):
        assert frame.grid.tobytes() == report.grid.tobytes()
        assert frame.test_acc == report.test_acc
