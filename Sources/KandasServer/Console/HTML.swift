/// A fragment of HTML in which every interpolated value is escaped by construction.
///
/// Only string *literals* written in this module's source and other ``HTML`` fragments are
/// inserted as markup; an interpolated `String`, number or anything else is escaped for text
/// and for double-quoted attribute values alike (`&`, `<`, `>`, `"`, `'`). There is no API that
/// turns a runtime `String` into markup, so a note, a name or a file name typed on a device
/// cannot become a tag or a script. Templates quote every attribute with `"`.
struct HTML: ExpressibleByStringInterpolation, Sendable, Equatable {
    /// The markup (already safe).
    private(set) var rendered: String

    init() { rendered = "" }

    /// Only compile-time literals reach this initialiser: `StaticString` cannot be built at run time.
    init(stringLiteral value: StaticString) { rendered = value.description }

    init(stringInterpolation: Interpolation) { rendered = stringInterpolation.output }

    /// A literal kept in a value (a CSS class chosen from constants): still only source text.
    init(_ literal: StaticString) { rendered = literal.description }

    /// The builder the compiler uses for `"...\(value)..."` literals typed as ``HTML``.
    struct Interpolation: StringInterpolationProtocol {
        var output = ""

        init(literalCapacity: Int, interpolationCount: Int) { output.reserveCapacity(literalCapacity * 2) }

        /// The literal parts of the template, which the programmer wrote in the source.
        mutating func appendLiteral(_ literal: StaticString) { output += literal.description }

        /// Any text value: escaped.
        mutating func appendInterpolation(_ text: String) { HTML.escape(text, into: &output) }

        /// An optional text value: escaped, nothing when nil.
        mutating func appendInterpolation(_ text: String?) { if let text { HTML.escape(text, into: &output) } }

        /// Numbers need no escaping but go through the same path for uniformity.
        mutating func appendInterpolation(_ number: Int) { output += String(number) }

        mutating func appendInterpolation(_ number: Int64) { output += String(number) }

        /// A coordinate of a picture: one decimal, a point whatever the language (SVG syntax).
        mutating func appendInterpolation(_ number: Double) { output += ConsoleNumber.coordinate(number) }

        /// A nested fragment, already safe.
        mutating func appendInterpolation(_ html: HTML) { output += html.rendered }

        /// A list of fragments, concatenated.
        mutating func appendInterpolation(_ list: [HTML]) { for item in list { output += item.rendered } }
    }

    /// Appends another fragment.
    mutating func append(_ other: HTML) { rendered += other.rendered }

    /// Joins fragments.
    static func join(_ parts: [HTML]) -> HTML {
        var out = HTML()
        for part in parts { out.append(part) }
        return out
    }

    /// Escapes `text` for HTML text and double- or single-quoted attribute values.
    static func escape(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// The escaped form of `text` (for tests and CSV-free contexts).
    static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }
}
