extension OpenSetThreshold {
    /// dlib-resnet: at most one stranger in 20 named (5 %). The impostor curve is from the
    /// default pipeline (MMOD at upsample 1, 5-point alignment) on the LFW-dev people that the
    /// end-to-end gallery test does not use: 3,840 photos of 1,961 people, 7.36 million impostor
    /// pairs (`Benchmarks/gallery/open_set_threshold.py`, docs/cli.md). It gives 0.6 up to 7
    /// people, 0.568 for 20, 0.515 for 100, 0.449 for 1,000, 0.399 for 10,000 and 0.36 (the
    /// floor) from about 50,000. Only numbers measured on the photos are kept here, not the photos.
    public static let dlibResNet = OpenSetThreshold(strangerFalseAcceptRate: 0.05, impostorRates: [
        Point(0.36, 5.436e-07),
        Point(0.37, 1.087e-06),
        Point(0.38, 2.174e-06),
        Point(0.39, 3.126e-06),
        Point(0.40, 5.436e-06),
        Point(0.41, 9.105e-06),
        Point(0.42, 1.305e-05),
        Point(0.43, 2.161e-05),
        Point(0.44, 3.452e-05),
        Point(0.45, 5.381e-05),
        Point(0.46, 8.058e-05),
        Point(0.47, 1.174e-04),
        Point(0.48, 1.671e-04),
        Point(0.49, 2.366e-04),
        Point(0.50, 3.268e-04),
        Point(0.51, 4.425e-04),
        Point(0.52, 6.031e-04),
        Point(0.53, 8.151e-04),
        Point(0.54, 1.096e-03),
        Point(0.55, 1.485e-03),
        Point(0.56, 2.021e-03),
        Point(0.57, 2.757e-03),
        Point(0.58, 3.724e-03),
        Point(0.59, 5.004e-03),
        Point(0.60, 6.736e-03),
        Point(0.61, 9.062e-03),
        Point(0.62, 1.208e-02),
        Point(0.63, 1.606e-02),
        Point(0.64, 2.121e-02),
        Point(0.65, 2.772e-02),
        Point(0.66, 3.586e-02),
    ])
}
