"""Draw the application icon: 验 in white on a seal-red rounded square.

resources/icons holds no artwork yet, so the icon is drawn here with Pillow from the font
the program ships (resources/fonts). Run it again after changing the drawing; its outputs
are kept in the repository so a build needs no Pillow step:

    .venv/bin/python packaging/make_icon.py

writes packaging/windows/yanshou.ico (16–256 px, for the .exe, the installer and the
.yanshou file type) and resources/icons/yanshou.png (256 px: the window icon, and for Linux desktop files).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent / "resources" / "fonts" / "wqy-microhei.ttc"
ICO = HERE / "windows" / "yanshou.ico"
PNG = HERE.parent / "resources" / "icons" / "yanshou.png"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
RED = (178, 34, 34, 255)
SIDE = 1024  # drawn large, then scaled down for each size


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = SIDE // 32
    pen.rounded_rectangle((margin, margin, SIDE - margin, SIDE - margin), radius=SIDE // 6, fill=RED)
    font = ImageFont.truetype(str(FONT), int(SIDE * 0.70))
    pen.text((SIDE / 2, SIDE / 2), "验", font=font, fill=(255, 255, 255, 255), anchor="mm")
    return image


def main() -> None:
    image = draw()
    ICO.parent.mkdir(parents=True, exist_ok=True)
    image.save(ICO, sizes=[(s, s) for s in SIZES])
    image.resize((256, 256), Image.Resampling.LANCZOS).save(PNG, optimize=True)
    print(f"wrote {ICO} and {PNG}")


if __name__ == "__main__":
    main()
