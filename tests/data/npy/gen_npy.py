#!/usr/bin/python3
"""Writes the .npy files the NPY reader tests use (run with Debian's /usr/bin/python3)."""
import os
import numpy as np
from numpy.lib import format as npf

here = os.path.dirname(os.path.abspath(__file__))
def path(name): return os.path.join(here, name)

base = np.arange(6).reshape(2, 3)
for dt, tag in [(np.float32, "f32"), (np.float64, "f64"), (np.int32, "i32"), (np.int64, "i64")]:
    np.save(path(f"{tag}_2x3.npy"), (base * 1.5 - 2).astype(dt) if tag.startswith("f") else (base - 2).astype(dt))
np.save(path("bool_4.npy"), np.array([True, False, False, True]))
np.save(path("f32_scalar.npy"), np.float32(3.25))
np.save(path("f32_empty.npy"), np.zeros((0, 3), np.float32))
for version in [(1, 0), (2, 0), (3, 0)]:
    with open(path(f"v{version[0]}_f32.npy"), "wb") as f:
        npf.write_array(f, np.array([1.0, -2.0, 0.5], np.float32), version=version)
np.save(path("big_endian.npy"), np.arange(3, dtype=">f4"))
np.save(path("fortran.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save(path("f16.npy"), np.arange(3, dtype=np.float16))
np.save(path("u8.npy"), np.arange(3, dtype=np.uint8))
# The storage dtypes at their edges: f16's largest finite, infinities, NaN, -0 and subnormals.
np.save(path("f16_edges.npy"), np.array([65504, -np.inf, np.nan, -0.0, 2.0**-24, -3 * 2.0**-24, 1.0009765625], np.float16))
for dt, tag in [(np.int8, "i8"), (np.uint8, "u8"), (np.int16, "i16"), (np.uint16, "u16")]:
    info = np.iinfo(dt)
    np.save(path(f"{tag}_edges.npy"), np.array([info.min, info.max, 0, 1, info.max - 1], dt))
np.save(path("c8.npy"), np.arange(3, dtype=np.complex64))
with open(path("f32_2x3.npy"), "rb") as f:
    data = f.read()
with open(path("truncated.npy"), "wb") as f:
    f.write(data[:-5])
with open(path("not_npy.npy"), "wb") as f:
    f.write(b"hello, this is not numpy\n")
