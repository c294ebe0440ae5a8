#!/usr/bin/env python3
"""Render a terminal capture with SGR escapes (tmux capture-pane -e -p) to a PNG.

pyte replays the escapes into a cell grid; Pillow draws each cell with a monospace font.
Box-drawing characters are drawn as lines so borders have no gaps.
Usage: ansi2png.py --cols 100 --rows 30 capture.ans out.png
"""
import argparse

import pyte
from PIL import Image, ImageDraw, ImageFont

PALETTE = {  # One Dark
    "black": (40, 44, 52), "red": (224, 108, 117), "green": (152, 195, 121), "brown": (229, 192, 123),
    "yellow": (229, 192, 123), "blue": (97, 175, 239), "magenta": (198, 120, 221), "cyan": (86, 182, 194),
    "white": (220, 223, 228),
}
BACKGROUND = (30, 33, 39)
FOREGROUND = (220, 223, 228)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
FALLBACK = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def has_glyph(font, char):
    """Whether the font draws `char` differently from a code point no font has."""
    missing = font.getmask("\U0010FFFD")
    mask = font.getmask(char)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


def draw_next_track(draw, x0, y0, w, h, fill):
    """⏭ drawn by hand: no installed font has it."""
    mid = y0 + h // 2
    half = max(2, h // 5)
    draw.polygon([(x0 + 1, mid - half), (x0 + w // 2 - 1, mid), (x0 + 1, mid + half)], fill=fill)
    draw.polygon([(x0 + w // 2 - 2, mid - half), (x0 + w - 3, mid), (x0 + w // 2 - 2, mid + half)], fill=fill)
    draw.line([(x0 + w - 2, mid - half), (x0 + w - 2, mid + half)], fill=fill)


def colour(name, default):
    if name in ("default", None):
        return default
    if name in PALETTE:
        return PALETTE[name]
    if len(name) == 6:
        try:
            return tuple(int(name[i:i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            return default
    return default


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--size", type=int, default=15)
    parser.add_argument("capture")
    parser.add_argument("out")
    args = parser.parse_args()

    screen = pyte.Screen(args.cols, args.rows)
    stream = pyte.Stream(screen)
    with open(args.capture, encoding="utf-8", errors="replace") as handle:
        text = handle.read().rstrip("\n")
    # capture-pane separates rows with bare newlines; the emulator needs carriage returns too.
    stream.feed(text.replace("\n", "\r\n"))

    regular = ImageFont.truetype(FONT, args.size)
    bold = ImageFont.truetype(BOLD, args.size)
    fallback = ImageFont.truetype(FALLBACK, args.size)
    left, top, right, bottom = regular.getbbox("M")
    cell_w = right - left + 1
    cell_h = int(args.size * 1.35)
    pad = 12
    image = Image.new("RGB", (args.cols * cell_w + 2 * pad, args.rows * cell_h + 2 * pad), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for y in range(args.rows):
        line = screen.buffer[y]
        for x in range(args.cols):
            char = line[x]
            fg = colour(char.fg, FOREGROUND)
            bg = colour(char.bg, BACKGROUND)
            if char.reverse:
                fg, bg = bg, fg
            x0, y0 = pad + x * cell_w, pad + y * cell_h
            if bg != BACKGROUND:
                draw.rectangle([x0, y0, x0 + cell_w - 1, y0 + cell_h - 1], fill=bg)
            data = char.data
            if data in "─━":
                draw.line([x0, y0 + cell_h // 2, x0 + cell_w, y0 + cell_h // 2], fill=fg)
            elif data in "│┃":
                draw.line([x0 + cell_w // 2, y0, x0 + cell_w // 2, y0 + cell_h], fill=fg)
            elif data == "⏭":
                draw_next_track(draw, x0, y0, cell_w, cell_h, fg)
            elif data.strip():
                font = bold if char.bold else regular
                if not has_glyph(font, data):
                    font = fallback
                draw.text((x0, y0 + (cell_h - args.size) // 2 - 1), data, font=font, fill=fg)
    image.save(args.out)
    print(image.size)


if __name__ == "__main__":
    main()
