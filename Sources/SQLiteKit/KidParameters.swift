/// The parameters of a statement that appear only as the whole argument of `kid(…)`.
///
/// Such a parameter is seen by `kid` and nothing else, so a canonical UUID text bound to it may be
/// bound as its 16 bytes instead: `kid` returns a blob unchanged, the very value it makes of the text
/// (``UUIDBytes``), without parsing it again in SQL and without copying its result (SQLite hands a
/// function's argument on without a copy, where `sqlite3_result_blob` allocates one: a `malloc` under
/// the memory-statistics mutex per ID per statement run). `Statement.bind(count:_:)` uses it.
///
/// The SQL is read as SQLite's tokenizer reads it (string literals, quoted identifiers, comments,
/// `?` and `?NNN` numbered as `sqlite3ExprAssignVarNumber` numbers them); SQL with named parameters
/// (`:a`, `@a`, `$a`) or anything else not read with certainty has no such parameters.
enum KidParameters {
    /// For each parameter number `n` (1-based), `only[n - 1]`: every use of it is exactly `kid(?n)`
    /// (the function name in any case, whitespace and comments allowed between the tokens). `nil`
    /// when the SQL cannot be read with certainty or the count differs from `expectedCount`.
    static func find(in sql: String, expectedCount: Int) -> [Bool]? {
        var sql = sql
        return sql.withUTF8 { find(in: $0, expectedCount: expectedCount) }
    }

    /// A token of the SQL, as far as the pattern `kid ( ? )` needs one.
    private enum Token: Equatable {
        case kid
        case open
        case close
        case parameter(Int)
        case other
    }

    static func find(in text: UnsafeBufferPointer<UInt8>, expectedCount: Int) -> [Bool]? {
        guard let tokens = tokenize(text) else { return nil }
        var largest = 0
        var wrapped: [Int: Bool] = [:]
        for (i, token) in tokens.enumerated() {
            guard case .parameter(let n) = token else { continue }
            largest = max(largest, n)
            let inKid =
                i >= 2 && i + 1 < tokens.count && tokens[i - 2] == .kid && tokens[i - 1] == .open
                && tokens[i + 1] == .close
            wrapped[n] = (wrapped[n] ?? true) && inKid
        }
        guard largest == expectedCount, largest > 0 else { return nil }
        return (1...largest).map { wrapped[$0] ?? false }
    }

    /// The tokens, with parameters numbered; `nil` for a named parameter or an unterminated literal.
    private static func tokenize(_ s: UnsafeBufferPointer<UInt8>) -> [Token]? {
        var tokens: [Token] = []
        var largest = 0
        var i = 0
        let n = s.count
        while i < n {
            let c = s[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D:
                i += 1
            case UInt8(ascii: "-") where i + 1 < n && s[i + 1] == UInt8(ascii: "-"):
                while i < n && s[i] != 0x0A { i += 1 }
            case UInt8(ascii: "/") where i + 1 < n && s[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i < n && !(s[i] == UInt8(ascii: "*") && i + 1 < n && s[i + 1] == UInt8(ascii: "/")) { i += 1 }
                guard i < n else { return nil }
                i += 2
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "["):
                // A doubled quote inside ends one literal and starts the next: two `.other` tokens,
                // which match no pattern, as the one literal would not.
                let end = c == UInt8(ascii: "[") ? UInt8(ascii: "]") : c
                i += 1
                while i < n && s[i] != end { i += 1 }
                guard i < n else { return nil }
                i += 1
                tokens.append(.other)
            case UInt8(ascii: "?"):
                i += 1
                let start = i
                var number = 0
                while i < n, (0x30...0x39).contains(s[i]) {
                    number = number * 10 + Int(s[i] - 0x30)
                    guard number <= 1_000_000 else { return nil }
                    i += 1
                }
                if i == start {
                    largest += 1
                    number = largest
                } else {
                    guard number >= 1 else { return nil }
                    largest = max(largest, number)
                }
                tokens.append(.parameter(number))
            case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "#"):
                return nil
            case UInt8(ascii: "("):
                i += 1
                tokens.append(.open)
            case UInt8(ascii: ")"):
                i += 1
                tokens.append(.close)
            default:
                guard isWordByte(c) else {
                    i += 1
                    tokens.append(.other)
                    continue
                }
                let start = i
                while i < n && (isWordByte(s[i]) || s[i] == UInt8(ascii: "$")) { i += 1 }
                let isKid =
                    i - start == 3 && s[start] | 0x20 == UInt8(ascii: "k") && s[start + 1] | 0x20 == UInt8(ascii: "i")
                    && s[start + 2] | 0x20 == UInt8(ascii: "d")
                tokens.append(isKid ? .kid : .other)
            }
        }
        return tokens
    }

    /// A byte of an identifier, keyword or number (SQLite's `IdChar`, and digits).
    private static func isWordByte(_ c: UInt8) -> Bool {
        c >= 0x80 || (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
            || c == UInt8(ascii: "_")
    }
}
