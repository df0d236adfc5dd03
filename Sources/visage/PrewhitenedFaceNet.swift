import ArgumentParser
import Visage
import VisageImage
import VisageModels
import VisageNN

/// Pixel normalisation of the 160×160 FaceNet.
enum InputNormalisation: String, CaseIterable, ExpressibleByArgument {
    /// The course's `img_to_encoding`: `pixel / 255`.
    case course
    /// FaceNet's `prewhiten`: per image, `(pixel − mean) / max(std, 1/√(pixel count))`, the
    /// recipe keras-facenet's weights were trained with.
    case prewhiten
}

/// The 160×160 FaceNet with per-image standardisation ("prewhitening") instead of the course's
/// `pixel / 255`.
struct PrewhitenedFaceNetEncoder: FaceEncoder {
    /// The network.
    let model: InceptionResNetV1
    /// Images per forward pass.
    var batchSize = 32

    var descriptor: ModelDescriptor { .of(.faceNet160) }

    func encode(_ faces: [Image]) throws -> [[Float]] {
        let size = InceptionResNetV1.inputSize, plane = size * size
        var result: [[Float]] = []
        var start = 0
        while start < faces.count {
            let chunk = try faces[start..<min(start + batchSize, faces.count)].map { try $0.resized(width: size, height: size, filter: .nearest) }
            var storage: [Float] = []
            storage.reserveCapacity(chunk.count * 3 * plane)
            for image in chunk {
                let values = image.channels == 1 ? image.pixels.flatMap { [$0, $0, $0] } : image.pixels
                let n = Double(values.count)
                let mean = values.reduce(0.0) { $0 + Double($1) } / n
                let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
                let divisor = max(variance.squareRoot(), 1 / n.squareRoot())
                let rgb = Image(width: size, height: size, format: .rgb, pixels: values)
                storage += InputTensor.planar([rgb], size: size, mean: [Float(mean), Float(mean), Float(mean)], divisor: Float(divisor)).storage
            }
            let out = model.forward(Tensor(shape: [chunk.count, 3, size, size], storage: storage))
            let d = out.count / chunk.count
            for i in 0..<chunk.count { result.append(l2Normalised(Array(out.storage[(i * d)..<((i + 1) * d)]))) }
            start += chunk.count
        }
        return result
    }
}
