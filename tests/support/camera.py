"""A fake webcam for Chromium: a still picture written as a YUV4MPEG2 (.y4m) video file.

Chromium's ``--use-file-for-fake-video-capture=FILE.y4m`` plays it as the camera, so a page's
live QR scanning is tested with real pixels and the real decoder in the page.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 1280, 720


def write_y4m(path: Path, picture: Image.Image, frames: int = 6) -> Path:
    """YUV4MPEG2 with raw I420 (4:2:0) frames: the format Chromium's fake camera reads."""
    frame = Image.new("RGB", (WIDTH, HEIGHT), (235, 235, 230))
    picture = picture.convert("RGB")
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(half, Image.BILINEAR).tobytes() + \
        cr.resize(half, Image.BILINEAR).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            out.write(b"FRAME\n")
            out.write(planes)
    return path


def qr_picture(text: str, box_size: int) -> Image.Image:
    from passport_vc.qr import qr_png

    return Image.open(io.BytesIO(qr_png(text, box_size=box_size)))


def camera_args(video: Path) -> list[str]:
    return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]
