import Testing

@testable import KandasCLI

@Suite struct TableTests {
    @Test func columns_alignByGraphemeClusters_forCyrillicAndKazakh() {
        var table = Table(["NAME", "N"], rightAligned: [1])
        table.append(["Әйгерім Сейітова", "3"])
        table.append(["Ivan", "12"])
        let lines = table.render().split(separator: "\n").map(String.init)
        #expect(lines == ["NAME               N", "Әйгерім Сейітова   3", "Ivan              12"])
        // Every line has the same width in grapheme clusters although the UTF-8 lengths differ.
        #expect(Set(lines.map(\.count)) == [20])
        #expect(lines[1].utf8.count != lines[2].utf8.count)
    }

    @Test func combiningAccents_countAsOneColumn() {
        var table = Table(["A", "B"])
        table.append(["e\u{301}", "x"])  // é as e + combining acute
        table.append(["ab", "y"])
        #expect(table.render() == "A   B\né   x\nab  y\n")
    }

    @Test func longCells_areClippedWithAnEllipsis_andNewlinesFlattened() {
        var table = Table(["X"], maxCellWidth: 6)
        table.append(["Қазақстан Республикасы"])
        table.append(["a\nb"])
        #expect(table.render() == "X\nҚазақ…\na b\n")
    }

    @Test func trailingSpaces_areTrimmed_andShortRowsPadded() {
        var table = Table(["A", "BBBB"])
        table.append(["1"])
        #expect(table.render() == "A  BBBB\n1\n")
    }

    @Test func keyValueLists_haveNoHeaderLine() {
        #expect(
            Table.keyValue([("Outbox", "2"), ("Last sync", "never")]).render() == "Outbox     2\nLast sync  never\n")
    }
}
