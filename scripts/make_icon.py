"""Draw the program's icon (考 on the red of official seals) into resources/icons/.

    .venv/bin/python scripts/make_icon.py

kaoping.ico (16–256 px, the Windows executables and shortcuts) and kaoping.png (the
window's icon); both are committed, this only makes them again.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
OUT = ROOT / "resources" / "icons"


def render(size: int) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=max(2, size // 6), fill=(178, 34, 34, 255))
    font = ImageFont.truetype(str(FONT), int(size * 0.68))
    box = draw.textbbox((0, 0), "考", font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    draw.text(((size - w) / 2 - box[0], (size - h) / 2 - box[1]), "考", font=font, fill=(255, 255, 255, 255))
    return img


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = render(256)
    big.save(OUT / "kaoping.png")
    big.save(OUT / "kaoping.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])


if __name__ == "__main__":
    main()
