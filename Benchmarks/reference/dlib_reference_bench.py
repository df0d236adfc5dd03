"""dlib 20.0.1 (PyPI dlib-bin) timings on the images bench-dlib uses, as `key value` lines (ms).

    /opt/bench-venv/bin/python Benchmarks/reference/dlib_reference_bench.py prepare WORK PHOTO CHIPS
    /opt/bench-venv/bin/python Benchmarks/reference/dlib_reference_bench.py run WORK MODELS [--repeat N]

`prepare` writes WORK/obama_455x568.png (PHOTO resized with Pillow's bilinear filter, saved as PNG
so both sides decode identical pixels) and copies the 150x150 chips of CHIPS to WORK/chips.
`run` times the same work as bench-dlib: model loading, the ResNet on chips (one at a time and in
a batch of 32), the MMOD detector on the photo (upsample 0 and 1), the shape predictors.
Times are the best of N runs (the machine may be shared).
"""
import os
import shutil
import sys
import time

import numpy as np
from PIL import Image


def best(repeats, body):
    result = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        body()
        result = min(result, (time.perf_counter() - t0) * 1e3)
    return result


def report(key, value):
    print(f"{key} {value:.3f}", flush=True)


def prepare(work, photo, chips):
    os.makedirs(f"{work}/chips", exist_ok=True)
    img = Image.open(photo).convert("RGB")
    img.resize((455, 568), Image.BILINEAR).save(f"{work}/obama_455x568.png")
    for name in sorted(os.listdir(chips)):
        if name.endswith(".png"):
            shutil.copy(f"{chips}/{name}", f"{work}/chips/{name}")


def run(work, models, repeats):
    import dlib

    def load(kind, name):
        return kind(f"{models}/{name}")

    holder = {}
    report("load_resnet", best(repeats, lambda: holder.update(
        resnet=load(dlib.face_recognition_model_v1, "dlib_face_recognition_resnet_model_v1.dat"))))
    report("load_mmod", best(repeats, lambda: holder.update(
        mmod=load(dlib.cnn_face_detection_model_v1, "mmod_human_face_detector.dat"))))
    report("load_sp5", best(repeats, lambda: holder.update(
        sp5=load(dlib.shape_predictor, "shape_predictor_5_face_landmarks.dat"))))
    report("load_sp68", best(max(1, repeats // 2), lambda: holder.update(
        sp68=load(dlib.shape_predictor, "shape_predictor_68_face_landmarks.dat"))))

    resnet, mmod, sp5, sp68 = holder["resnet"], holder["mmod"], holder["sp5"], holder["sp68"]
    chip_dir = f"{work}/chips"
    chips = [np.array(Image.open(f"{chip_dir}/{n}").convert("RGB"))
             for n in sorted(os.listdir(chip_dir)) if n.endswith(".png")]
    resnet.compute_face_descriptor(chips[0])
    single = best(repeats, lambda: [resnet.compute_face_descriptor(c) for c in chips]) / len(chips)
    report("resnet_batch1_per_face", single)
    batch = [chips[i % len(chips)] for i in range(32)]
    report("resnet_batch32_per_face", best(repeats, lambda: resnet.compute_face_descriptor(batch)) / len(batch))

    photo = np.array(Image.open(f"{work}/obama_455x568.png").convert("RGB"))
    mmod(photo, 0)
    report("mmod_455x568_up0", best(repeats, lambda: mmod(photo, 0)))
    report("mmod_455x568_up1", best(max(1, repeats // 2), lambda: mmod(photo, 1)))
    faces = mmod(photo, 0)
    print("mmod_455x568_faces", len(faces), " ".join(
        f"({d.rect.left()}, {d.rect.top()}, {d.rect.right()}, {d.rect.bottom()})" for d in faces))
    box = faces[0].rect if len(faces) else dlib.rectangle(170, 60, 320, 210)
    reps = 200
    report("sp5_per_face", best(repeats, lambda: [sp5(photo, box) for _ in range(reps)]) / reps)
    report("sp68_per_face", best(repeats, lambda: [sp68(photo, box) for _ in range(reps)]) / reps)


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        n = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
        run(sys.argv[2], sys.argv[3], n)
