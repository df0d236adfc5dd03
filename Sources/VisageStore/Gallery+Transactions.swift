import Foundation
import GRDB

extension Gallery {
    // MARK: Transactions

    /// Runs `body` in one IMMEDIATE transaction that also bumps the change counter.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard accessMode == .readWrite else { throw GalleryError.readOnly(path: path) }
        var attempt = 0
        while true {
            do {
                return try writer.writeWithoutTransaction { db -> T in
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        try db.execute(sql: "UPDATE meta SET change_counter = change_counter + 1 WHERE id = 1")
                        return .commit
                    }
                    guard let result else { throw GalleryError.database(path: path, message: "transaction produced no result") }
                    return result
                }
            } catch let error as DatabaseError where Gallery.isBusy(error) && attempt < retries {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            } catch {
                throw Gallery.map(error, path: path)
            }
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw Gallery.map(error, path: path)
        }
    }

    static func isBusy(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    /// Turns SQLite failures into ``GalleryError`` cases.
    static func map(_ error: Error, path: String) -> GalleryError {
        if let error = error as? GalleryError { return error }
        guard let error = error as? DatabaseError else {
            return .database(path: path, message: String(describing: error))
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .corrupt(path: path, reason: message)
        case .SQLITE_READONLY, .SQLITE_PERM: return .readOnly(path: path)
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_FULL:
            return .database(path: path, message: "the disk is full (\(message)); nothing was written, free some space and retry")
        default: return .database(path: path, message: message)
        }
    }
}
