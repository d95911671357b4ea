#!/usr/bin/python3
"""poke_npy.py IN OUT INDEX VALUE: copies a little-endian f32 .npy, setting flat element INDEX to
VALUE (e.g. nan, inf). Plain Python, so the tests need no numpy."""
import struct
import sys

src, dst, index, value = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
data = bytearray(open(src, "rb").read())
assert data[:6] == b"\x93NUMPY" and b"'<f4'" in data[:256], "an f32 .npy"
header_len = struct.unpack("<H", data[8:10])[0] if data[6] == 1 else struct.unpack("<I", data[8:12])[0]
start = (10 if data[6] == 1 else 12) + header_len
struct.pack_into("<f", data, start + 4 * index, value)
open(dst, "wb").write(data)
