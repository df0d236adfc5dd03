#!/usr/bin/env python3
"""Makes the tiny PNG fixtures embedded in Tests/VisageImageTests/PNGFixtures.swift.

Dev-time only (python3 + zlib, no third-party packages). Every fixture encodes
pattern(x, y, c) from the test file; 16-bit samples carry the pattern in the high byte and
noise in the low byte, so a decoder that rounds instead of taking the high byte is caught.
Run: python3 scripts/make_image_fixtures.py  (prints Swift source).
"""
import base64
import struct
import zlib


def pattern(x, y, c):
    return (x * 7 + y * 13 + c * 101 + (x ^ y) * 29 + x * x * 3) & 255


def low(x, y, c):
    return (x * 31 + y * 17 + c * 5 + 1) & 255


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pack_row(samples, depth):
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    per = 8 // depth
    out = bytearray()
    for i in range(0, len(samples), per):
        byte = 0
        for j in range(per):
            s = samples[i + j] if i + j < len(samples) else 0
            byte |= s << (8 - depth * (j + 1))
        out.append(byte)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(w, h, depth, ctype, sample, interlace=False, extra=b""):
    """sample(x, y) -> list of channel values at `depth` bits."""
    raw = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for (x0, y0, dx, dy) in passes:
        xs = list(range(x0, w, dx))
        ys = list(range(y0, h, dy))
        if not xs or not ys:
            continue
        for y in ys:
            samples = [v for x in xs for v in sample(x, y)]
            raw += b"\x00" + pack_row(samples, depth)
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 1 if interlace else 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def s16(x, y, c):
    return pattern(x, y, c) << 8 | low(x, y, c)


palette = bytes(v for i in range(16) for v in (i * 16, 255 - i * 16, i * 7))
fixtures = {
    "rgb16": png(5, 4, 16, 2, lambda x, y: [s16(x, y, c) for c in range(3)]),
    "gray16": png(5, 4, 16, 0, lambda x, y: [s16(x, y, 0)]),
    "grayAlpha8": png(5, 4, 8, 4, lambda x, y: [pattern(x, y, 0), pattern(x, y, 1)]),
    "grayAlpha16": png(5, 4, 16, 4, lambda x, y: [s16(x, y, 0), s16(x, y, 1)]),
    "rgba8": png(5, 4, 8, 6, lambda x, y: [pattern(x, y, c) for c in range(4)]),
    "palette4": png(5, 4, 4, 3, lambda x, y: [pattern(x, y, 0) & 15],
                    extra=chunk(b"PLTE", palette) + chunk(b"tRNS", bytes([0, 128]))),
    "interlacedRGB8": png(9, 7, 8, 2, lambda x, y: [pattern(x, y, c) for c in range(3)], interlace=True),
    "gray1": png(9, 7, 1, 0, lambda x, y: [pattern(x, y, 0) & 1]),
    "interlacedGray4": png(9, 7, 4, 0, lambda x, y: [pattern(x, y, 0) & 15], interlace=True),
}
for name, data in fixtures.items():
    print(f'    static let {name} = "{base64.b64encode(data).decode()}"')
