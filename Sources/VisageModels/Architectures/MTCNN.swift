import Foundation
import VisageFormats

/// The three networks of MTCNN (Zhang et al. 2016) with facenet-pytorch 2.6.0's weights.
///
/// The detection algorithm around them (pyramid, non-maximum suppression, box regression) lives
/// in `Visage.MTCNNDetector`.
public struct MTCNN: Sendable {
    /// The proposal network.
    public let pnet: MTCNNPNet
    /// The refinement network.
    public let rnet: MTCNNRNet
    /// The output network.
    public let onet: MTCNNONet

    /// Assembles the three networks.
    public init(pnet: MTCNNPNet, rnet: MTCNNRNet, onet: MTCNNONet) {
        self.pnet = pnet
        self.rnet = rnet
        self.onet = onet
    }

    /// Reads facenet-pytorch's `pnet.pt`, `rnet.pt` and `onet.pt`.
    /// - Throws: `PyTorchFormatError` for an unreadable checkpoint, ``ModelLoadError`` for one
    ///   that does not hold the network's tensors.
    public init(pnet: URL, rnet: URL, onet: URL) throws {
        self.init(pnet: try MTCNNPNet(weights: WeightSource(pytorch: PyTorchCheckpoint(contentsOf: pnet))),
                  rnet: try MTCNNRNet(weights: WeightSource(pytorch: PyTorchCheckpoint(contentsOf: rnet))),
                  onet: try MTCNNONet(weights: WeightSource(pytorch: PyTorchCheckpoint(contentsOf: onet))))
    }
}
