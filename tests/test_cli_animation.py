"""``--animation``: the headless CLI writes the region's evolution as a GIF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

import studio.cli as cli
import studio.core.history.animation as animation
from studio.core import LayerSpec, RunSpec, save_spec


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.json"
    save_spec(path, RunSpec(layers=(LayerSpec(6),), epochs=7, name="small"))
    return path


def _frames(path: Path) -> tuple[int, list[int], tuple[int, int]]:
    with Image.open(path) as gif:
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
        return gif.n_frames, durations, gif.size


def test_animation_has_one_frame_per_epoch(tmp_path: Path, config: Path) -> None:
    gif = tmp_path / "anim.gif"
    assert cli.main(["--headless", str(config), "--out", str(tmp_path / "out"), "--quiet",
                     "--animation", str(gif)]) == 0
    count, durations, size = _frames(gif)
    assert count == 7 and size == (320, 352)
    assert durations == [100] * 6 + [1500]
    assert (tmp_path / "out" / "curves.csv").exists()


def test_animation_of_a_long_run_follows_the_thinning_rule(tmp_path: Path, config: Path,
                                                           monkeypatch) -> None:
    monkeypatch.setattr(animation, "MAX_FRAMES", 3)  # 7 epochs: k = 3, frames 3, 6, 7
    gif = tmp_path / "anim.gif"
    assert cli.main(["--headless", str(config), "--out", str(tmp_path / "out"), "--quiet",
                     "--animation", str(gif)]) == 0
    assert _frames(gif)[0] == 3


@pytest.mark.parametrize(("name", "words"), [("anim.avi", "must end in .gif or .mp4"),
                                             ("anim.mp4", "imageio-ffmpeg")])
def test_a_bad_animation_file_is_refused_before_training(tmp_path: Path, config: Path, name,
                                                         words, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "mp4_available", lambda: False)
    out = tmp_path / "out"
    assert cli.main(["--headless", str(config), "--out", str(out),
                     "--animation", str(tmp_path / name)]) == cli.EXIT_BAD_CONFIG
    assert words in capsys.readouterr().err and not out.exists()
