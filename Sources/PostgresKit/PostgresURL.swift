/// A parsed `postgresql://USER[:PASS]@HOST[:PORT]/DB[?sslmode=...]` connection URL.
///
/// Parsed by hand (percent-decoding user, password and database) and handed to libpq as keyword
/// and value pairs, so no character of a password can change what libpq reads. `description`
/// and `redacted` print `***` for the password: this value is safe to log, the password is not.
///
/// Related PostgreSQL documentation:
/// <https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING>
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// Query parameters passed to libpq as they are (only the ones in `allowedParameters`).
    public var parameters: [(String, String)]

    /// Query parameters accepted in the URL; anything else is refused, so a typo is not ignored.
    public static let allowedParameters: Set<String> = [
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "connect_timeout", "application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "target_session_attrs",
        "tcp_user_timeout",
    ]
    static let sslModes: Set<String> = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// Parses a URL.
    ///
    /// - Throws: `PostgresError` of kind `.invalidURL` saying what is wrong; its message never
    ///   contains the password.
    public init(_ text: String) throws(PostgresError) {
        let schemes = ["postgresql://", "postgres://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            throw .invalidURL("a database URL starts with postgresql:// (postgresql://USER[:PASS]@HOST[:PORT]/DB)")
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw .invalidURL("the database URL names no database (postgresql://USER@HOST/DB)")
        }
        let authority = rest[..<slash]
        let path = rest[rest.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else {
            throw .invalidURL("the database URL names no user (postgresql://USER@HOST/DB)")
        }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            user = try Self.decode(userInfo[..<colon], "user")
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], "password")
        } else {
            user = try Self.decode(userInfo, "user")
            password = nil
        }
        guard !user.isEmpty else { throw .invalidURL("the database URL names no user (postgresql://USER@HOST/DB)") }
        (host, port) = try Self.hostAndPort(hostPort)
        database = try Self.decode(path, "database")
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidURL("the database URL names no database (postgresql://USER@HOST/DB)")
        }
        parameters = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw .invalidURL("database URL parameter '\(pair)' has no value")
            }
            let key = String(pair[..<equals])
            let value = try Self.decode(pair[pair.index(after: equals)...], key)
            guard Self.allowedParameters.contains(key) else {
                throw .invalidURL(
                    "unknown database URL parameter '\(key)' (allowed: "
                        + Self.allowedParameters.sorted().joined(separator: ", ") + ")")
            }
            if key == "sslmode", !Self.sslModes.contains(value) {
                throw .invalidURL(
                    "sslmode '\(value)' is not one of " + Self.sslModes.sorted().joined(separator: ", "))
            }
            parameters.append((key, value))
        }
    }

    public static func == (a: PostgresURL, b: PostgresURL) -> Bool {
        a.user == b.user && a.password == b.password && a.host == b.host && a.port == b.port
            && a.database == b.database && a.parameters.map { [$0.0, $0.1] } == b.parameters.map { [$0.0, $0.1] }
    }

    /// The value of a query parameter, if given.
    public func parameter(_ key: String) -> String? { parameters.last { $0.0 == key }?.1 }

    /// The URL with the password replaced by `***` (and nothing else changed): safe to log.
    public var redacted: String {
        var text = "postgresql://" + Self.encode(user)
        if password != nil { text += ":***" }
        text += "@" + (host.contains(":") ? "[\(host)]" : host) + ":\(port)/" + Self.encode(database)
        if !parameters.isEmpty {
            text += "?" + parameters.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        }
        return text
    }

    public var description: String { redacted }

    /// A copy naming another database on the same server (tests create one database each).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// Keyword and value pairs for `PQconnectdbParams`, with the defaults a server wants
    /// (a connect timeout, TCP keepalives that free a dead peer's locks) unless the URL sets them.
    func connectionKeywords(applicationName: String) -> [(String, String)] {
        var pairs: [(String, String)] = [("host", host), ("port", String(port)), ("dbname", database), ("user", user)]
        if let password { pairs.append(("password", password)) }
        let defaults: [(String, String)] = [
            ("connect_timeout", "10"), ("application_name", applicationName), ("keepalives", "1"),
            ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
        ]
        for (key, value) in defaults where parameter(key) == nil { pairs.append((key, value)) }
        pairs.append(contentsOf: parameters)
        pairs.append(("client_encoding", "UTF8"))
        return pairs
    }

    private static func hostAndPort(_ text: Substring) throws(PostgresError) -> (String, Int) {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidURL("the database URL's IPv6 host has no closing ]")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else if !after.isEmpty {
                throw .invalidURL("unexpected text after the database URL's host")
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw .invalidURL("the database URL names no host (postgresql://USER@HOST/DB)") }
        var port = 5432
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .invalidURL("the database URL's port '\(portText)' is not a number from 1 to 65535")
            }
            port = value
        }
        return (try decode(host, "host"), port)
    }

    /// RFC 3986 §2.1 percent-decoding; a malformed escape is refused, not passed on.
    private static func decode(_ text: Substring, _ what: String) throws(PostgresError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                // The value itself is not repeated: it may be the password.
                throw .invalidURL("the database URL's \(what) has a malformed %-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidURL("the database URL's \(what) is not UTF-8 after %-decoding")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
