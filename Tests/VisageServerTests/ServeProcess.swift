import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VisageTestSupport
import XCTest

/// A real `visage serve` process on a free port, stopped with SIGTERM.
final class ServeProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()
    private let errors = Pipe()

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts `visage serve --port 0 ARGUMENTS` and waits for its `listening on` line.
    init(_ arguments: [String], timeout: TimeInterval = 120) throws {
        process.executableURL = try CLI.binary()
        process.arguments = ["serve", "--port", "0"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["VISAGE_MODELS"] = TestData.modelDirectory.path
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reader = output.fileHandleForReading
        var text = ""
        let deadline = Date().addingTimeInterval(timeout)
        var found: Int?
        while found == nil {
            guard Date() < deadline, process.isRunning else {
                process.terminate()
                let stderr = String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
                throw ServerTestFailure("visage serve did not start: \(text) \(stderr)")
            }
            let chunk = reader.availableData
            if chunk.isEmpty { Thread.sleep(forTimeInterval: 0.05); continue }
            text += String(decoding: chunk, as: UTF8.self)
            if let range = text.range(of: "listening on http://"), let end = text[range.upperBound...].firstIndex(of: "\n") {
                let address = text[range.upperBound..<end]
                found = address.split(separator: ":").last.flatMap { Int($0) }
            }
        }
        port = found ?? 0
    }

    /// Stops the server and returns its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }

    /// Sends a request and returns the status and the JSON body.
    func call(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil,
              headers: [String: String] = [:]) async throws -> (status: Int, json: [String: Any]?) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 120
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any])
    }
}
