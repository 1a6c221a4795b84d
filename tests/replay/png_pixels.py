"""A PNG reader for the tests, independent of the code under test: 8-bit
greyscale, RGB and RGBA, palette, not interlaced (what qemu's screendump
through ImageMagick, libpng and Chromium write). Pixels as RGB tuples."""
import struct
import zlib


def read_rgb(path):
    """(width, height, rows): rows[y] is a bytes object of width*3 RGB bytes."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, palette = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if depth != 8 or interlace:
        raise ValueError(f"{path}: depth {depth}, interlace {interlace} not read here")
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if colour == 2:
            rows.append(bytes(line))
        elif colour == 6:
            rows.append(bytes(v for i, v in enumerate(line) if i % 4 != 3))
        elif colour == 0:
            rows.append(bytes(v for v in line for _ in range(3)))
        elif colour == 4:
            rows.append(bytes(line[i] for i in range(0, len(line), 2) for _ in range(3)))
        else:
            rows.append(b"".join(palette[3 * v:3 * v + 3] for v in line))
    return width, height, rows


def differing_pixels(path_a, path_b):
    """Pixels that differ, or None when the sizes differ."""
    wa, ha, ra = read_rgb(path_a)
    wb, hb, rb = read_rgb(path_b)
    if (wa, ha) != (wb, hb):
        return None
    count = 0
    for row_a, row_b in zip(ra, rb):
        if row_a != row_b:
            count += sum(1 for x in range(wa) if row_a[3 * x:3 * x + 3] != row_b[3 * x:3 * x + 3])
    return count
