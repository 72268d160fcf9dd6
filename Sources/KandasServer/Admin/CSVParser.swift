/// An RFC 4180 CSV parser: comma separator, `"` quoting with `""` escapes, CRLF or LF line ends,
/// an optional UTF-8 BOM. Returns records of fields; a malformed quote is an error with its line.
enum CSVParser {
    struct Failure: Error {
        var line: Int
        var detail: String
    }

    static func parse(_ bytes: [UInt8]) throws(Failure) -> [[String]] {
        var input = bytes[...]
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input = input.dropFirst(3) }
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var afterQuote = false
        var line = 1
        var i = input.startIndex
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            afterQuote = false
        }
        while i < input.endIndex {
            let c = input[i]
            if quoted {
                if c == 0x22 {
                    if input.index(after: i) < input.endIndex, input[input.index(after: i)] == 0x22 {
                        field.append(0x22)
                        i = input.index(after: i)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if c == 0x0A { line += 1 }
                    field.append(c)
                }
            } else if c == 0x2C {
                endField()
            } else if c == 0x0A || c == 0x0D {
                if c == 0x0D, input.index(after: i) < input.endIndex, input[input.index(after: i)] == 0x0A {
                    i = input.index(after: i)
                }
                endField()
                if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                record.removeAll()
                line += 1
            } else if c == 0x22 {
                guard field.isEmpty, !afterQuote else { throw Failure(line: line, detail: "quote inside a field") }
                quoted = true
            } else {
                guard !afterQuote else { throw Failure(line: line, detail: "text after a closing quote") }
                field.append(c)
            }
            i = input.index(after: i)
        }
        if quoted { throw Failure(line: line, detail: "unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty || afterQuote {
            endField()
            records.append(record)
        }
        return records
    }
}
