/// `multipart/form-data` decoding (RFC 7578 on RFC 2046 §5.1.1) for the one console form that
/// carries a file: the signed consent form (Rules 2, Annex 2). No JavaScript, so the browser sends
/// the file as a part of the form.
///
/// Limits: at most 16 parts, part headers of at most 1 KiB each; the route's body limit bounds
/// the rest. A malformed body decodes to nil (the form is then empty and refused as such).
enum ConsoleMultipart {
    /// A file part.
    struct File: Equatable {
        var fileName: String?
        var contentType: String
        var bytes: [UInt8]
    }

    /// The boundary of a `multipart/form-data` content type (RFC 2046 §5.1.1: 1-70 characters).
    static func boundary(contentType: String?) -> String? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() where p.lowercased().hasPrefix("boundary=") {
            var b = String(p.dropFirst("boundary=".count))
            if b.count >= 2, b.hasPrefix("\""), b.hasSuffix("\"") { b = String(b.dropFirst().dropLast()) }
            return (1...70).contains(b.utf8.count) ? b : nil
        }
        return nil
    }

    /// The text fields and the file parts of a body.
    static func decode(_ body: [UInt8], boundary: String) -> (fields: [String: String], files: [String: File])? {
        let delimiter = Array(("--" + boundary).utf8)
        guard var i = find(delimiter, in: body, from: 0) else { return nil }
        var fields: [String: String] = [:]
        var files: [String: File] = [:]
        var count = 0
        while true {
            i += delimiter.count
            // "--" after a delimiter closes the body.
            if i + 1 < body.count, body[i] == 0x2D, body[i + 1] == 0x2D { return (fields, files) }
            guard i + 1 < body.count, body[i] == 0x0D, body[i + 1] == 0x0A else { return nil }
            i += 2
            count += 1
            guard count <= 16, let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: i), headEnd - i <= 1024,
                let head = String(validating: body[i..<headEnd], as: UTF8.self)
            else { return nil }
            let contentStart = headEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: contentStart) else { return nil }
            let content = Array(body[contentStart..<next])
            var name: String?
            var fileName: String?
            var type = "text/plain"
            for line in head.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { return nil }
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                switch pair[0].lowercased() {
                case "content-disposition":
                    name = parameter(value, "name")
                    fileName = parameter(value, "filename")
                case "content-type":
                    type = value.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? value
                default: break
                }
            }
            guard let name else { return nil }
            if fileName != nil {
                if files[name] == nil { files[name] = File(fileName: fileName, contentType: type, bytes: content) }
            } else {
                guard let text = String(validating: content, as: UTF8.self) else { return nil }
                if fields[name] == nil { fields[name] = text }
            }
            i = next + 2
        }
    }

    /// A quoted parameter of a `Content-Disposition` value (`name="csrf"`).
    static func parameter(_ value: String, _ key: String) -> String? {
        for p in value.split(separator: ";").dropFirst() {
            let kv = p.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].lowercased() == key else { continue }
            var v = String(kv[1])
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
