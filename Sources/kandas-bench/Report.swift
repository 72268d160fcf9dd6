/// Prints benchmark results as an aligned table plus ratio lines.
struct Report {
    let title: String
    let columns: [String]
    private(set) var rows: [[String]] = []

    init(title: String, columns: [String]) {
        self.title = title
        self.columns = columns
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func print() {
        let widths = columns.indices.map { column in
            ([columns[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        Swift.print("== \(title)")
        Swift.print(line(columns))
        Swift.print(line(widths.map { String(repeating: "-", count: $0) }))
        for row in rows { Swift.print(line(row)) }
    }

    /// `ratio ours/peer = 0.97 (target >= 0.90: ok)`; higher is better for both figures.
    static func ratioLine(_ label: String, ours: Double, peer: Double, target: Double) -> String {
        let ratio = ours / peer
        let verdict = ratio >= target ? "ok" : "BELOW TARGET"
        return "ratio \(label) = \(format(ratio, 2)) (target >= \(format(target, 2)): \(verdict))"
    }

    static func format(_ value: Double, _ decimals: Int) -> String {
        if decimals == 0 { return String(Int(value.rounded())) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let have = text.distance(from: dot, to: text.endIndex) - 1
            if have < decimals { text += String(repeating: "0", count: decimals - have) }
        }
        return text
    }
}

private extension String {
    func padding(toLength length: Int, withPad pad: String, startingAt _: Int) -> String {
        count >= length ? self : self + String(repeating: pad, count: length - count)
    }
}
