"""bf16cmp.py GOT.npy WANT.npy RTOL: graphc's bf16 output (raw '<V2' bytes) against bf16 bits
held as uint16 ('<u2', ONNX's numpy_helper form), compared as floats with the same sign; exits 1
naming the first difference. Plain Python: NumPy has no bf16 type, and npycmp reads none."""
import ast
import math
import struct
import sys


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        sys.exit(f"{path}: not an .npy file")
    size, start = (struct.unpack("<H", data[8:10])[0], 10) if data[6] == 1 else (struct.unpack("<I", data[8:12])[0], 12)
    header = ast.literal_eval(data[start:start + size].decode("latin1"))
    bits = struct.unpack(f"<{(len(data) - start - size) // 2}H", data[start + size:])
    return header["descr"], tuple(header["shape"]), [struct.unpack("<f", struct.pack("<I", b << 16))[0] for b in bits]


(got_descr, got_shape, got), (want_descr, want_shape, want) = load(sys.argv[1]), load(sys.argv[2])
rtol = float(sys.argv[3])
if got_descr not in ("<V2", "|V2") or want_descr != "<u2":
    sys.exit(f"dtypes {got_descr} and {want_descr}: expected bf16 ('<V2') and its bits ('<u2')")
if got_shape != want_shape:
    sys.exit(f"{sys.argv[1]}: shape {got_shape}, expected {want_shape}")
for i, (g, w) in enumerate(zip(got, want)):
    close = g == w or abs(g - w) <= rtol * abs(w)  # g == w: equal infinities
    same = (math.isnan(g) and math.isnan(w)) or (close and math.copysign(1, g) == math.copysign(1, w))
    if not same:
        sys.exit(f"{sys.argv[1]}: element {i} is {g}, expected {w}")
