"""TensorFlow-CPU reference for Visage's training benchmark (bench-training).

Builds the same NN4.small2 as Visage (the channels-last twin in tf_encoders.py), and times one
training step at batch P x K = 6 x 10 = 60: forward in training mode (batch statistics),
online mining inside the batch (every anchor-positive pair, semi-hard negative: the nearest
negative farther than the positive, else the farthest negative), the triplet loss
max(|a-p|^2 - |a-n|^2 + alpha, 0) averaged over the mined triplets, backward, and one Adam
step. Prints one JSON object with the median step time and images per second.

Usage: python tf_training.py [--steps N] [--batch PxK]
"""
import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf

from tf_encoders import nn4small2


def semihard_triplet_loss(labels, emb, alpha):
    d = tf.reduce_sum(tf.square(emb[:, None, :] - emb[None, :, :]), axis=-1)  # [B, B]
    same = tf.equal(labels[:, None], labels[None, :])
    eye = tf.eye(tf.shape(labels)[0], dtype=tf.bool)
    pos_mask = tf.logical_and(same, tf.logical_not(eye))  # anchor-positive pairs
    neg_mask = tf.logical_not(same)
    d_ap = d[:, :, None]  # [a, p, 1]
    d_an = d[:, None, :]  # [a, 1, n]
    big = tf.reduce_max(d) + 1.0
    negs = tf.broadcast_to(neg_mask[:, None, :], tf.shape(d_ap * d_an))
    outside = tf.logical_and(negs, d_an > d_ap)
    nearest_outside = tf.reduce_min(tf.where(outside, d_an, big), axis=2)
    farthest = tf.reduce_max(tf.where(negs, d_an, -1.0), axis=2)
    has_outside = tf.reduce_any(outside, axis=2)
    chosen = tf.where(has_outside, nearest_outside, farthest)  # [a, p]
    basic = d - chosen + alpha
    terms = tf.boolean_mask(tf.maximum(basic, 0.0), pos_mask)
    active = tf.reduce_mean(tf.cast(terms > 0, tf.float32))
    return tf.reduce_mean(terms), active


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--batch", default="6x10")
    args = ap.parse_args()
    p, k = (int(v) for v in args.batch.split("x"))
    batch = p * k
    model = nn4small2()
    opt = tf.keras.optimizers.Adam(1e-3)
    rng = np.random.default_rng(0)
    x = rng.random((batch, 96, 96, 3), dtype=np.float32)
    labels = np.repeat(np.arange(p), k).astype(np.int32)

    @tf.function
    def step(x, labels):
        with tf.GradientTape() as tape:
            emb = model(x, training=True)
            loss, active = semihard_triplet_loss(labels, emb, 0.2)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss, active

    step(x, labels)  # trace and warm up
    step(x, labels)
    times, cpu = [], []
    for _ in range(args.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        loss, _ = step(x, labels)
        float(loss.numpy())
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    median = float(np.median(times))
    print(json.dumps({"tensorflow": tf.__version__, "batch": batch, "steps": args.steps,
                      "median_step_s": median, "images_per_s": batch / median,
                      "median_cpu_s": float(np.median(cpu)), "step_times_s": times,
                      "threads": [tf.config.threading.get_intra_op_parallelism_threads(),
                                  tf.config.threading.get_inter_op_parallelism_threads()]}))


if __name__ == "__main__":
    main()
