import Foundation
import Visage
import VisageModels
import VisageTestSupport
import XCTest

/// `ModelFile`'s table must agree with `scripts/assets.json`, which `scripts/setup.sh` uses.
final class ModelStoreManifestTests: XCTestCase {
    private struct Manifest: Decodable {
        struct Archive: Decodable {
            let package, version, kind, file, sha256, licence, destination: String
            let members: [Member]
        }
        struct Member: Decodable {
            let path, name, sha256: String
            let size: Int64
        }
        let archives: [Archive]
    }

    private func manifest() throws -> Manifest {
        let url = TestData.repositoryRoot.appendingPathComponent("scripts/assets.json")
        return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
    }

    func testEveryModelFileMatchesTheSetupManifest() throws {
        let archives = try manifest().archives
        for file in ModelFile.allCases {
            let found = archives.flatMap { archive in archive.members.map { (archive, $0) } }
                .filter { $0.1.name == file.fileName }
            XCTAssertEqual(found.count, 1, "\(file.fileName) in scripts/assets.json")
            guard let (archive, member) = found.first else { continue }
            let source = file.source
            XCTAssertEqual(member.sha256, file.sha256, file.fileName)
            XCTAssertEqual(member.size, file.size, file.fileName)
            XCTAssertEqual(member.path, source.memberPath, file.fileName)
            XCTAssertEqual(archive.package, source.archive.package, file.fileName)
            XCTAssertEqual(archive.version, source.archive.version, file.fileName)
            XCTAssertEqual(archive.kind, source.archive.kind.rawValue, file.fileName)
            XCTAssertEqual(archive.file, source.archive.fileName, file.fileName)
            XCTAssertEqual(archive.sha256, source.archive.sha256, file.fileName)
            XCTAssertEqual(archive.licence, source.licence.rawValue, file.fileName)
            XCTAssertEqual(archive.destination, "models", file.fileName)
        }
    }

    func testEveryModelInTheManifestIsAModelFile() throws {
        let known = Set(ModelFile.allCases.map(\.fileName))
        let listed = try manifest().archives.filter { $0.destination == "models" }
            .flatMap(\.members).map(\.name).filter { !$0.hasPrefix("LICENSE") }
        XCTAssertEqual(Set(listed), known)
    }
}
