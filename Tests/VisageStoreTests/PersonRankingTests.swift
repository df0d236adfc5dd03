import Foundation
import VisageStore
import XCTest

final class PersonRankingTests: XCTestCase {
    func testMinimumDistanceAndCentroid() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        func face(_ v: [Float]) -> NewFace { var f = sampleFace(); f.embedding = v; return f }
        // Near: one sample at distance 1 from the query, one far away (centroid distance 5).
        let near = try gallery.enroll(personName: "Near", createIfMissing: true,
                                      faces: [face([1, 0, 0, 0]), face([9, 0, 0, 0])])
        // Mid: two samples at distance 2 on either side of the query: centroid distance 0.
        try gallery.enroll(personName: "Mid", createIfMissing: true, faces: [face([0, 2, 0, 0]), face([0, -2, 0, 0])])
        let all = try gallery.allEmbeddings()
        let query: [Float] = [0, 0, 0, 0]
        let byMinimum = all.rankPeople(query: query)
        XCTAssertEqual(byMinimum.map(\.name), ["Near", "Mid"])
        XCTAssertEqual(byMinimum[0].distance, 1)
        XCTAssertEqual(byMinimum[0].faceID, near[0])
        XCTAssertEqual(byMinimum[1].distance, 2)
        let byCentroid = all.rankPeople(query: query, strategy: .centroid)
        XCTAssertEqual(byCentroid.map(\.name), ["Mid", "Near"])
        XCTAssertEqual(byCentroid[0].distance, 0)
        XCTAssertEqual(byCentroid[1].distance, 5)
        XCTAssertNil(byCentroid[0].faceID)
        XCTAssertEqual(all.rankPeople(query: [1, 2]), [])
    }
}
