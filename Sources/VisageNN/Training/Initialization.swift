import Foundation

/// Random initial values for trainable layers.
public enum Initialization {
    /// Normal samples with mean 0 and standard deviation `std` (Box–Muller from `generator`).
    /// - Parameters:
    ///   - shape: the tensor shape.
    ///   - std: the standard deviation.
    ///   - generator: the source of randomness (seed it for reproducible runs).
    public static func normal<G: RandomNumberGenerator>(_ shape: [Int], std: Float, using generator: inout G) -> Tensor {
        var t = Tensor(shape: shape)
        var i = 0
        while i < t.count {
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let r = (-2 * Foundation.log(u1)).squareRoot()
            t.storage[i] = Float(r * cos(2 * Double.pi * u2)) * std
            if i + 1 < t.count { t.storage[i + 1] = Float(r * sin(2 * Double.pi * u2)) * std }
            i += 2
        }
        return t
    }

    /// He (Kaiming) normal initialisation for a kernel followed by ReLU: std = √(2 / fan-in),
    /// where fan-in is the product of all axes but the first ([O, I, KH, KW] or [O, I]).
    public static func heNormal<G: RandomNumberGenerator>(_ shape: [Int], using generator: inout G) -> Tensor {
        let fanIn = shape.dropFirst().reduce(1, *)
        return normal(shape, std: (2 / Float(max(fanIn, 1))).squareRoot(), using: &generator)
    }

    /// LeCun normal initialisation (no activation after): std = √(1 / fan-in).
    public static func lecunNormal<G: RandomNumberGenerator>(_ shape: [Int], using generator: inout G) -> Tensor {
        let fanIn = shape.dropFirst().reduce(1, *)
        return normal(shape, std: (1 / Float(max(fanIn, 1))).squareRoot(), using: &generator)
    }
}
