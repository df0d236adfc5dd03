"""TensorFlow-CPU reference timings for the two course encoders (same architectures as Visage).

Builds NN4.small2 (the course's faceRecoModel, channels-last twin) and the 160x160
Inception-ResNet-v1 in tf.keras, loads the real FaceNet weights from facenet_keras.h5 by layer
name when the file is given (random weights otherwise: timing does not depend on the values),
and prints one JSON object with milliseconds per face at batch 1 and batch 32.

Usage: python tf_encoders.py [--h5 PATH] [--repeats N] [--serve]

--serve builds both models, prints "ready", then answers each line "MODEL BATCH REPEATS" on
standard input with one JSON object {"ms_per_face": ...}, so that a caller can interleave its own
timings with TensorFlow's (bench-engine does: the machine's speed drifts between minutes).
"""
import sys
import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers as L


def conv_bn(x, name, filters, k, strides=1, padding="same"):
    x = L.Conv2D(filters, k, strides=strides, padding=padding, use_bias=False, name=name)(x)
    x = L.BatchNormalization(epsilon=1e-3, scale=False, name=name + "_BatchNorm")(x)
    return L.Activation("relu")(x)


def block(x, prefix, branches, scale, relu=True):
    outs = []
    for branch in branches:
        y = x
        for name, f, k in branch:
            y = conv_bn(y, prefix + name, f, k)
        outs.append(y)
    y = L.Concatenate()(outs)
    up = L.Conv2D(x.shape[-1], 1, use_bias=True, name=prefix + "Conv2d_1x1")(y)
    x = L.Lambda(lambda t: t[0] + t[1] * scale)([x, up])
    return L.Activation("relu")(x) if relu else x


def facenet160():
    inp = L.Input((160, 160, 3))
    x = conv_bn(inp, "Conv2d_1a_3x3", 32, 3, 2, "valid")
    x = conv_bn(x, "Conv2d_2a_3x3", 32, 3, 1, "valid")
    x = conv_bn(x, "Conv2d_2b_3x3", 64, 3)
    x = L.MaxPooling2D(3, 2)(x)
    x = conv_bn(x, "Conv2d_3b_1x1", 80, 1, 1, "valid")
    x = conv_bn(x, "Conv2d_4a_3x3", 192, 3, 1, "valid")
    x = conv_bn(x, "Conv2d_4b_3x3", 256, 3, 2, "valid")
    for i in range(1, 6):
        x = block(x, f"Block35_{i}_", [[("Branch_0_Conv2d_1x1", 32, 1)],
                                       [("Branch_1_Conv2d_0a_1x1", 32, 1), ("Branch_1_Conv2d_0b_3x3", 32, 3)],
                                       [("Branch_2_Conv2d_0a_1x1", 32, 1), ("Branch_2_Conv2d_0b_3x3", 32, 3),
                                        ("Branch_2_Conv2d_0c_3x3", 32, 3)]], 0.17)
    b0 = conv_bn(x, "Mixed_6a_Branch_0_Conv2d_1a_3x3", 384, 3, 2, "valid")
    b1 = conv_bn(x, "Mixed_6a_Branch_1_Conv2d_0a_1x1", 192, 1)
    b1 = conv_bn(b1, "Mixed_6a_Branch_1_Conv2d_0b_3x3", 192, 3)
    b1 = conv_bn(b1, "Mixed_6a_Branch_1_Conv2d_1a_3x3", 256, 3, 2, "valid")
    x = L.Concatenate()([b0, b1, L.MaxPooling2D(3, 2)(x)])
    for i in range(1, 11):
        x = block(x, f"Block17_{i}_", [[("Branch_0_Conv2d_1x1", 128, 1)],
                                       [("Branch_1_Conv2d_0a_1x1", 128, 1), ("Branch_1_Conv2d_0b_1x7", 128, (1, 7)),
                                        ("Branch_1_Conv2d_0c_7x1", 128, (7, 1))]], 0.1)
    b0 = conv_bn(conv_bn(x, "Mixed_7a_Branch_0_Conv2d_0a_1x1", 256, 1), "Mixed_7a_Branch_0_Conv2d_1a_3x3", 384, 3, 2, "valid")
    b1 = conv_bn(conv_bn(x, "Mixed_7a_Branch_1_Conv2d_0a_1x1", 256, 1), "Mixed_7a_Branch_1_Conv2d_1a_3x3", 256, 3, 2, "valid")
    b2 = conv_bn(conv_bn(x, "Mixed_7a_Branch_2_Conv2d_0a_1x1", 256, 1), "Mixed_7a_Branch_2_Conv2d_0b_3x3", 256, 3)
    b2 = conv_bn(b2, "Mixed_7a_Branch_2_Conv2d_1a_3x3", 256, 3, 2, "valid")
    x = L.Concatenate()([b0, b1, b2, L.MaxPooling2D(3, 2)(x)])
    for i in range(1, 7):
        x = block(x, f"Block8_{i}_", [[("Branch_0_Conv2d_1x1", 192, 1)],
                                      [("Branch_1_Conv2d_0a_1x1", 192, 1), ("Branch_1_Conv2d_0b_1x3", 192, (1, 3)),
                                       ("Branch_1_Conv2d_0c_3x1", 192, (3, 1))]], 1.0 if i == 6 else 0.2, relu=i != 6)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(128, use_bias=False, name="Bottleneck")(x)
    x = L.BatchNormalization(epsilon=1e-3, scale=False, name="Bottleneck_BatchNorm")(x)
    return tf.keras.Model(inp, x)


def nn4_unit(x, name, f, k, strides=1, pad=0, eps=1e-5):
    if pad:
        x = L.ZeroPadding2D(pad)(x)
    x = L.Conv2D(f, k, strides=strides, name=name)(x)
    x = L.BatchNormalization(epsilon=eps)(x)
    return L.Activation("relu")(x)


def nn4_inception(x, spec):
    outs = []
    for kind, a in spec:
        if kind == "conv":  # (1x1 reduce, out, k, stride)
            r, o, k, s = a
            outs.append(nn4_unit(nn4_unit(x, None, r, 1), None, o, k, s, k // 2))
        elif kind == "pool":  # (pool, stride, out or None, pad)
            p, s, o, pad = a
            y = (L.MaxPooling2D(3, s) if p == "max" else L.AveragePooling2D(3, s))(x)
            if o:
                y = nn4_unit(y, None, o, 1)
            outs.append(L.ZeroPadding2D(pad)(y))
        else:
            outs.append(nn4_unit(x, None, a, 1))
    return L.Concatenate()(outs)


def nn4small2():
    inp = L.Input((96, 96, 3))
    x = nn4_unit(inp, "conv1", 64, 7, 2, 3, 1e-3)
    x = L.MaxPooling2D(3, 2)(L.ZeroPadding2D(1)(x))
    x = nn4_unit(x, "conv2", 64, 1)
    x = nn4_unit(x, "conv3", 192, 3, 1, 1)
    x = L.MaxPooling2D(3, 2)(L.ZeroPadding2D(1)(x))
    x = nn4_inception(x, [("conv", (96, 128, 3, 1)), ("conv", (16, 32, 5, 1)), ("pool", ("max", 2, 32, ((3, 4), (3, 4)))), ("1x1", 64)])
    x = nn4_inception(x, [("conv", (96, 128, 3, 1)), ("conv", (32, 64, 5, 1)), ("pool", ("avg", 3, 64, 4)), ("1x1", 64)])
    x = nn4_inception(x, [("conv", (128, 256, 3, 2)), ("conv", (32, 64, 5, 2)), ("pool", ("max", 2, None, ((0, 1), (0, 1))))])
    x = nn4_inception(x, [("conv", (96, 192, 3, 1)), ("conv", (32, 64, 5, 1)), ("pool", ("avg", 3, 128, 2)), ("1x1", 256)])
    x = nn4_inception(x, [("conv", (160, 256, 3, 2)), ("conv", (64, 128, 5, 2)), ("pool", ("max", 2, None, ((0, 1), (0, 1))))])
    x = nn4_inception(x, [("conv", (96, 384, 3, 1)), ("pool", ("avg", 3, 96, 1)), ("1x1", 256)])
    x = nn4_inception(x, [("conv", (96, 384, 3, 1)), ("pool", ("max", 2, 96, 1)), ("1x1", 256)])
    x = L.Flatten()(L.AveragePooling2D(3, 1)(x))
    x = L.Dense(128)(x)
    x = L.Lambda(lambda t: tf.math.l2_normalize(t, axis=1))(x)
    return tf.keras.Model(inp, x)


def load_h5(model, path):
    import h5py
    with h5py.File(path, "r") as f:
        g = f["model_weights"]
        for layer in model.layers:
            if layer.name in g and layer.weights:
                grp = g[layer.name][layer.name]
                values = [np.array(grp[w.name.split("/")[-1].split(":")[0] + ":0"]) for w in layer.weights]
                layer.set_weights(values)


_traced = {}


def time_model(model, size, batch, repeats):
    key = (id(model), batch)
    if key not in _traced:  # trace once per model and batch (a server call reuses it)
        x = np.random.default_rng(0).random((batch, size, size, 3), dtype=np.float32)
        fn = tf.function(lambda t: model(t, training=False))
        fn(x)
        _traced[key] = (fn, x)
    fn, x = _traced[key]
    fn(x)  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(x).numpy()
        times.append(time.perf_counter() - t0)
    return 1000 * float(np.median(times)) / batch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--h5")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    facenet = facenet160()
    if args.h5:
        load_h5(facenet, args.h5)
    nn4 = nn4small2()
    if args.serve:
        models = {"openface-nn4": (nn4, 96), "facenet-160": (facenet, 160)}
        print("ready", flush=True)
        for line in sys.stdin:
            name, batch, repeats = line.split()
            model, size = models[name]
            print(json.dumps({"ms_per_face": time_model(model, size, int(batch), int(repeats))}), flush=True)
        return
    out = {"tensorflow": tf.__version__, "threads": tf.config.threading.get_intra_op_parallelism_threads()}
    for name, model, size in [("openface-nn4", nn4, 96), ("facenet-160", facenet, 160)]:
        out[name] = {f"ms_per_face_batch{b}": time_model(model, size, b, args.repeats if b == 1 else max(3, args.repeats // 3))
                     for b in (1, 32)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
