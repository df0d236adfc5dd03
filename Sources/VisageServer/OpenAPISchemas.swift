/// The JSON schemas of the OpenAPI document, written by hand to match ``API``'s types
/// (the router tests decode real responses against these field lists).
enum OpenAPISchemas {
    private static func object(_ properties: [String: Any], required: [String]? = nil) -> [String: Any] {
        ["type": "object", "properties": properties, "required": required ?? properties.keys.sorted()]
    }
    private static let number: [String: Any] = ["type": "number"]
    private static let integer: [String: Any] = ["type": "integer"]
    private static let string: [String: Any] = ["type": "string"]
    private static let boolean: [String: Any] = ["type": "boolean"]
    private static let stringMap: [String: Any] = ["type": "object", "additionalProperties": ["type": "string"]]
    private static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }
    private static func ref(_ name: String) -> [String: Any] { OpenAPIDocument.ref(name) }

    /// Every schema by name.
    static var all: [String: Any] {
        [
            "Box": object(["left": number, "top": number, "right": number, "bottom": number]),
            "DetectedFace": object(["box": ref("Box"), "score": number, "landmarks": array(array(integer))]),
            "DetectResponse": object(["width": integer, "height": integer, "faces": array(ref("DetectedFace"))]),
            "EmbeddedFace": object(["box": ref("Box"), "score": number, "embedding": array(number)]),
            "EmbedResponse": object(["model": string, "width": integer, "height": integer,
                                     "faces": array(ref("EmbeddedFace"))]),
            "CompareResponse": object(["distance": number, "threshold": number, "match": boolean,
                                       "first": ref("Box"), "second": ref("Box")]),
            "PersonRef": object(["id": integer, "name": string]),
            "VerifyResponse": object(["person": ref("PersonRef"), "distance": number, "threshold": number,
                                      "match": boolean, "box": ref("Box"), "probability": number],
                                     required: ["person", "distance", "threshold", "match", "box"]),
            "Candidate": object(["person": ref("PersonRef"), "distance": number]),
            "IdentifiedFace": object(["box": ref("Box"), "score": number, "person": ref("PersonRef"),
                                      "distance": number, "probability": number, "candidates": array(ref("Candidate"))],
                                     required: ["box", "score", "candidates"]),
            "IdentifyResponse": object(["width": integer, "height": integer, "threshold": number,
                                        "faces": array(ref("IdentifiedFace"))]),
            "Person": object(["id": integer, "name": string, "faceCount": integer, "createdAt": string,
                              "metadata": stringMap]),
            "PersonRequest": object(["name": string, "metadata": stringMap],
                                    required: []),
            "PeopleResponse": object(["people": array(ref("Person"))]),
            "FaceSample": object(["id": integer, "box": ref("Box"), "quality": number, "hasCrop": boolean,
                                  "createdAt": string]),
            "PersonDetail": object(["person": ref("Person"), "faces": array(ref("FaceSample"))]),
            "EnrolResponse": object(["person": ref("Person"), "face": ref("FaceSample")]),
            "Health": object(["status": string, "model": string, "people": integer, "faces": integer,
                              "galleryVersion": integer, "workers": integer, "load": integer]),
            "OpenAPI": ["type": "object", "description": "An OpenAPI 3 document."],
            "Error": object(["error": object(["code": string, "message": string])]),
        ]
    }
}
