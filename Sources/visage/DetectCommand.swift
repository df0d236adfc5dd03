import ArgumentParser
import Foundation
import Visage

/// `visage detect IMAGE...`: faces with box, score and landmarks.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find faces: box, score and landmarks, largest face first.",
        discussion: """
        Coordinates are pixels of the upright image (EXIF orientation applied); boxes are dlib's \
        inclusive rectangles and may extend past the image. With --json: one line per image, \
        {"image", "width", "height", "faces": [{"box": {"left", "top", "right", "bottom"}, "score", \
        "landmarks": [[x, y], ...]}]}. Exit code 0 = faces in every image, 1 = some image has no face, \
        2 = error (the other images are still processed).
        """)

    @Argument(help: "The photos (JPEG, PNG, PGM/PPM).")
    var images: [String]

    @OptionGroup var face: FaceOptions

    func run() throws {
        let locator = try face.locator()
        try forEachImage(images) { path, image in
            let faces = try locator.locate(in: image)
            if face.json {
                print(FaceOutput.json(path: path, image: image, faces: faces.map { FaceOutput.json($0) }).text)
            } else {
                print(FaceOutput.header(path: path, image: image, count: faces.count))
                for (i, f) in faces.enumerated() { print(FaceOutput.text(f, index: i)) }
            }
            return faces.count
        }
    }
}
