"""Prints the mean absolute value of a residual student's PMA gate (pooling.safetensors): 0 means the gate is
shut and the student embeds exactly as its backbone's native pooling.   Usage: python3 gpu/gate_norm.py FILE"""
import json
import struct
import sys
from array import array


def main(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    if "gate" not in header:
        sys.exit("gate_norm: %s holds no 'gate' tensor (tensors: %s): not a residual student's pooling.safetensors"
                 % (path, ", ".join(k for k in header if k != "__metadata__")))
    info = header["gate"]
    if info["dtype"] != "F32":
        sys.exit("gate_norm: %s holds a %s gate; expected F32" % (path, info["dtype"]))
    start, end = info["data_offsets"]
    values = array("f")
    values.frombytes(raw[8 + n + start:8 + n + end])
    print("pma_gate_abs_mean=%.6f dims=%d" % (sum(abs(v) for v in values) / len(values), len(values)))


if __name__ == "__main__":
    main(sys.argv[1])
