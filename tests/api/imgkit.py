"""imgkit.py - tiny real images built byte by byte (Python standard library only), for the
attachment tests and the fuzz corpus of the image parser (tests/fuzz/corpus/fuzz_image).

jpeg(gps=..., orientation=...)   an 8x8 grey baseline JPEG, optionally with an EXIF APP1
                                 (IFD0 orientation, and a GPS IFD with latitude/longitude),
                                 an XMP APP1 and a comment
png(exif_gps=..., text=...)      a 1x1 RGB PNG, optionally with an eXIf chunk and a tEXt chunk
webp(exif_gps=...)               a 1x1 lossless WebP (VP8L), optionally in a VP8X container with
                                 EXIF and XMP chunks
exif_gps(data)                   does the EXIF/TIFF block hidden in an image carry a GPS IFD?
                                 (a small reader, independent of the server's libexif)

`python3 tests/api/imgkit.py DIR` writes the corpus files into DIR.
"""
import os
import struct
import sys
import zlib

LAT = (42, 21, 3082)  # 42°21'30.82"
LON = (71, 3, 3683)


# ---- EXIF (TIFF, big-endian) ----

def _ifd(entries, start, extra_at):
    """entries: (tag, type, count, value bytes); values > 4 bytes go to extra_at.
    Returns (ifd bytes, extra bytes)."""
    out = struct.pack(">H", len(entries))
    extra = b""
    for tag, typ, count, value in entries:
        if len(value) <= 4:
            out += struct.pack(">HHI", tag, typ, count) + value.ljust(4, b"\0")
        else:
            out += struct.pack(">HHII", tag, typ, count, extra_at + len(extra))
            extra += value + (b"\0" if len(value) % 2 else b"")
    out += struct.pack(">I", 0)
    return out, extra


def _rationals(dms):
    d, m, s = dms
    return struct.pack(">IIIIII", d, 1, m, 1, s, 100)


def exif_block(gps=True, orientation=6):
    """The TIFF block of an EXIF APP1 (without the Exif header)."""
    ifd0_at = 8
    n0 = 2 if gps else 1
    ifd0_len = 2 + 12 * n0 + 4
    gps_at = ifd0_at + ifd0_len
    entries0 = [(0x0112, 3, 1, struct.pack(">H", orientation))]
    if gps:
        entries0.append((0x8825, 4, 1, struct.pack(">I", gps_at)))
    ifd0, extra0 = _ifd(entries0, ifd0_at, gps_at)
    tiff = b"MM\0*" + struct.pack(">I", ifd0_at) + ifd0 + extra0
    if gps:
        gps_entries = [(0x0000, 1, 4, bytes([2, 2, 0, 0])), (0x0001, 2, 2, b"N\0"),
                       (0x0002, 5, 3, _rationals(LAT)), (0x0003, 2, 2, b"W\0"),
                       (0x0004, 5, 3, _rationals(LON))]
        gps_len = 2 + 12 * len(gps_entries) + 4
        g, gx = _ifd(gps_entries, gps_at, gps_at + gps_len)
        tiff += g + gx
    return tiff


def exif_gps(data):
    """True when an EXIF block found in data (JPEG APP1, PNG eXIf, WebP EXIF) has a GPS IFD
    pointer in IFD0 whose IFD has entries."""
    for tiff in _exif_blocks(data):
        if len(tiff) < 8 or tiff[:2] not in (b"MM", b"II"):
            continue
        e = ">" if tiff[:2] == b"MM" else "<"
        at = struct.unpack(e + "I", tiff[4:8])[0]
        if at + 2 > len(tiff):
            continue
        n = struct.unpack(e + "H", tiff[at:at + 2])[0]
        for i in range(n):
            p = at + 2 + 12 * i
            if p + 12 > len(tiff):
                break
            tag = struct.unpack(e + "H", tiff[p:p + 2])[0]
            if tag == 0x8825:
                g = struct.unpack(e + "I", tiff[p + 8:p + 12])[0]
                if g + 2 <= len(tiff) and struct.unpack(e + "H", tiff[g:g + 2])[0] > 0:
                    return True
    return False


def _exif_blocks(data):
    if data[:2] == b"\xff\xd8":
        p = 2
        while p + 4 <= len(data) and data[p] == 0xFF and data[p + 1] != 0xDA:
            m, ln = data[p + 1], struct.unpack(">H", data[p + 2:p + 4])[0]
            seg = data[p + 4:p + 2 + ln]
            if m == 0xE1 and seg[:6] == b"Exif\0\0":
                yield seg[6:]
            p += 2 + ln
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        p = 8
        while p + 8 <= len(data):
            ln = struct.unpack(">I", data[p:p + 4])[0]
            if data[p + 4:p + 8] == b"eXIf":
                yield data[p + 8:p + 8 + ln]
            p += 12 + ln
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        p = 12
        while p + 8 <= len(data):
            ln = struct.unpack("<I", data[p + 4:p + 8])[0]
            if data[p:p + 4] == b"EXIF":
                blk = data[p + 8:p + 8 + ln]
                yield blk[6:] if blk[:6] == b"Exif\0\0" else blk
            p += 8 + ln + (ln & 1)


# ---- JPEG: 8x8 grey, baseline, one block coded with one-symbol Huffman tables ----

def _seg(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(gps=False, exif=None, xmp=False, comment=False, width=8, height=8):
    """exif: None = an EXIF block only when gps; True/False forces one with/without GPS."""
    out = b"\xff\xd8" + _seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    if exif is None:
        exif = True if gps else None
    if exif is not None:
        out += _seg(0xE1, b"Exif\0\0" + exif_block(gps=gps))
    if xmp:
        out += _seg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLatitude='42,21N'/>")
    if comment:
        out += _seg(0xFE, b"taken at home")
    out += _seg(0xDB, b"\0" + bytes([1] * 64))
    out += _seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    one_symbol = bytes([1] + [0] * 15) + b"\0"
    out += _seg(0xC4, b"\x00" + one_symbol) + _seg(0xC4, b"\x10" + one_symbol)
    out += _seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    bits = "00" * blocks  # DC difference 0, then end of block
    bits += "1" * (-len(bits) % 8)
    out += bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
    return out + b"\xff\xd9"


# ---- PNG: 1x1 RGB ----

def _chunk(typ, data):
    return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", zlib.crc32(typ + data))


def png(exif_gps=False, exif=False, text=False):
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    if exif or exif_gps:
        out += _chunk(b"eXIf", exif_block(gps=exif_gps))
    if text:
        out += _chunk(b"tEXt", b"Comment\0taken at home")
    out += _chunk(b"IDAT", zlib.compress(b"\x00\x80\x40\x20"))
    return out + _chunk(b"IEND", b"")


# ---- WebP: 1x1 lossless (VP8L with one-symbol prefix codes: no pixel bits at all) ----

def _vp8l():
    bits = []

    def put(v, n):
        bits.extend((v >> i) & 1 for i in range(n))

    put(0, 14), put(0, 14), put(0, 1), put(0, 3)  # width-1, height-1, alpha, version
    put(0, 1), put(0, 1), put(0, 1)  # no transform, no colour cache, no meta prefix codes
    for sym in (0x80, 0x40, 0x20, 0xFF, 0):  # green, red, blue, alpha, distance
        put(1, 1), put(0, 1), put(1, 1), put(sym, 8)  # simple code, 1 symbol of 8 bits
    bits.extend([0] * (-len(bits) % 8))
    body = bytes(sum(bits[i + k] << k for k in range(8)) for i in range(0, len(bits), 8))
    return b"\x2f" + body


def _riff_chunk(tag, data):
    return tag + struct.pack("<I", len(data)) + data + (b"\0" if len(data) & 1 else b"")


def webp(exif_gps=False, exif=False, xmp=False):
    img = _riff_chunk(b"VP8L", _vp8l())
    if exif or exif_gps or xmp:
        flags = (0x08 if (exif or exif_gps) else 0) | (0x04 if xmp else 0)
        vp8x = bytes([flags, 0, 0, 0]) + (0).to_bytes(3, "little") + (0).to_bytes(3, "little")
        body = _riff_chunk(b"VP8X", vp8x) + img
        if exif or exif_gps:
            body += _riff_chunk(b"EXIF", exif_block(gps=exif_gps))
        if xmp:
            body += _riff_chunk(b"XMP ", b"<x:xmpmeta exif:GPSLatitude='42,21N'/>")
    else:
        body = img
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def corpus():
    """name -> bytes: the fuzz corpus of the image parser (and the unit tests' fixtures)."""
    return {
        "jpeg_plain.jpg": jpeg(),
        "jpeg_gps.jpg": jpeg(gps=True, xmp=True, comment=True),
        "jpeg_exif_nogps.jpg": jpeg(exif=False),
        "jpeg_16x8.jpg": jpeg(width=16, height=8),
        "png_plain.png": png(),
        "png_gps.png": png(exif_gps=True, text=True),
        "webp_plain.webp": webp(),
        "webp_gps.webp": webp(exif_gps=True, xmp=True),
    }


if __name__ == "__main__":
    dest = sys.argv[1]
    os.makedirs(dest, exist_ok=True)
    for name, data in corpus().items():
        with open(os.path.join(dest, name), "wb") as f:
            f.write(data)
