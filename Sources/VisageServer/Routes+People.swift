import Foundation
import Hummingbird
import VisageStore

/// The people endpoints: create, list, read, update, delete, and delete one face.
extension VisageServer {
    func createPerson(_ request: Request) async throws -> Response {
        let body = try await Reply.decode(PersonRequest.self, from: request, limit: configuration.maxBodyBytes)
        guard let name = body.name else { throw ServerError.invalidJSON(reason: "\"name\" is required") }
        let person = try await gallery.addPerson(name: name, metadata: body.metadata ?? [:])
        return try Reply.json(API.PersonBody(person), status: .created)
    }

    func listPeople() async throws -> Response {
        try Reply.json(API.PeopleResponse(people: try await gallery.people().map(API.PersonBody.init)))
    }

    func getPerson(_ context: BasicRequestContext) async throws -> Response {
        let person = try await person(context)
        let faces = try await gallery.faces(of: person.name)
        return try Reply.json(API.PersonDetail(person: API.PersonBody(person), faces: faces.map(API.FaceBody.init)))
    }

    func updatePerson(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let person = try await person(context)
        let body = try await Reply.decode(PersonRequest.self, from: request, limit: configuration.maxBodyBytes)
        var name = person.name
        if let newName = body.name, newName != name {
            try await gallery.rename(name, to: newName)
            name = newName
        }
        if let metadata = body.metadata { try await gallery.setMetadata(metadata, of: name) }
        guard let updated = try await gallery.person(id: person.id) else { throw ServerError.personNotFound("with id \(person.id)") }
        return try Reply.json(API.PersonBody(updated))
    }

    func deletePerson(_ context: BasicRequestContext) async throws -> Response {
        try await gallery.removePerson(try await person(context).name)
        return Reply.empty()
    }

    func deleteFace(_ context: BasicRequestContext) async throws -> Response {
        let person = try await person(context)
        guard let faceID = context.parameters.get("faceId", as: Int64.self) else {
            throw ServerError.badRequest(reason: "the face id must be an integer")
        }
        // Only a face of this person may be removed through this person's path.
        let faces = try await gallery.faces(of: person.name)
        guard faces.contains(where: { $0.id.rawValue == faceID }) else { throw ServerError.faceNotFound(faceID) }
        try await gallery.removeFace(FaceID(rawValue: faceID))
        return Reply.empty()
    }

    /// The person named by the `{id}` path parameter.
    func person(_ context: BasicRequestContext) async throws -> Person {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw ServerError.badRequest(reason: "the person id must be an integer")
        }
        guard let person = try await gallery.person(id: id) else { throw ServerError.personNotFound("with id \(id)") }
        return person
    }
}
