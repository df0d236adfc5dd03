#!/usr/bin/env python3
"""Writes the fuzz seeds that are easiest to make in Python (dev-time only, never committed).

  pytorch/  the tiny zip (protocol 2 and 4) and legacy checkpoints of
            scripts/fixtures/make_pytorch_fixtures.py (numpy needed, no torch)
  keras/    two small Keras-layout HDF5 files (needs h5py; skipped when it is missing)

Usage: python3 scripts/fuzz/extra_seeds.py OUT_DIR
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def pytorch(out):
    sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
    import make_pytorch_fixtures as fixtures  # noqa: E402  (registers a fake torch module)
    os.makedirs(out, exist_ok=True)
    for name, data in [("zip2.pt", fixtures.zip_checkpoint(2)), ("zip4.pt", fixtures.zip_checkpoint(4)),
                       ("legacy.pt", fixtures.legacy_checkpoint()[0])]:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def keras(out):
    try:
        import h5py
        import numpy as np
    except ImportError:
        print("note: h5py not available; Keras seeds are only a slice of the local FaceNet file", file=sys.stderr)
        return
    os.makedirs(out, exist_ok=True)
    for name, nested in [("model.h5", True), ("weights-only.h5", False)]:
        with h5py.File(os.path.join(out, name), "w") as f:
            f.attrs["keras_version"] = "2.1.2"
            f.attrs["backend"] = "tensorflow"
            if nested:
                f.attrs["model_config"] = '{"class_name": "Model"}'
            root = f.create_group("model_weights") if nested else f
            root.attrs["layer_names"] = np.array([b"input_1", b"conv", b"dense"])
            root.create_group("input_1").attrs["weight_names"] = np.zeros(0)
            conv = root.create_group("conv")
            conv.attrs["weight_names"] = np.array([b"conv/kernel:0", b"conv/bias:0"])
            conv.create_dataset("conv/kernel:0", data=np.arange(72, dtype="<f4").reshape(3, 3, 2, 4) * 0.5)
            conv.create_dataset("conv/bias:0", data=np.ones(4, dtype="<f4"))
            dense = root.create_group("dense")
            dense.attrs["weight_names"] = np.array([b"dense/kernel:0"])
            dense.create_dataset("dense/kernel:0", data=np.ones((4, 2), dtype="<f4"))


def main():
    out = sys.argv[1]
    pytorch(os.path.join(out, "fuzz-pytorch"))
    keras(os.path.join(out, "fuzz-keras"))


if __name__ == "__main__":
    main()
