import KandasDomain
import Testing

@Test func layout_hasTwentySevenColumnsNumberedInOrder() {
    #expect(MonthlyReportLayout.columns.count == 27)
    #expect(MonthlyReportLayout.columns.map(\.number) == Array(1...27))
    #expect(MonthlyReportLayout.columns[0].content == .rowNumber)
    #expect(MonthlyReportLayout.columns[1].content == .iin)
}

@Test func kazakhHeaders_matchAnnex3LetterForLetterTyposKept() throws {
    let annex3 = try Fixtures.lines("annex3-headers-kk")
    #expect(annex3.count == 27)
    for (column, expected) in zip(MonthlyReportLayout.columns, annex3) {
        let same = column.header.kk.unicodeScalars.elementsEqual(expected.unicodeScalars)
        #expect(same, "column \(column.number): \(column.header.kk) ≠ \(expected)")
    }
}

@Test func serviceColumns_areCodePlusTwoBothWays() throws {
    for code in 1...25 {
        let column = try MonthlyReportLayout.column(forService: code)
        #expect(column == code + 2)
        #expect(try MonthlyReportLayout.service(atColumn: column) == code)
        #expect(MonthlyReportLayout.columns[column - 1].content == .service(code))
    }
    #expect(try MonthlyReportLayout.service(atColumn: 1) == nil)
    #expect(try MonthlyReportLayout.service(atColumn: 2) == nil)
}

@Test(arguments: [0, 28, -3])
func unknownColumn_isRejected(column: Int) {
    #expect(throws: DomainError.unknownReportColumn(column)) { try MonthlyReportLayout.service(atColumn: column) }
}

@Test func unknownService_hasNoColumn() {
    #expect(throws: DomainError.unknownServiceCode(26)) { try MonthlyReportLayout.column(forService: 26) }
}

@Test func annex3Headers_differFromAnnex1NamesWhereTheDigestSays() {
    func squeezed(_ s: String) -> String { s.filter { !$0.isWhitespace } }
    var differing: [Int] = []
    var splitOnly: [Int] = []
    for service in ServiceCatalog.all {
        let header = MonthlyReportLayout.columns[service.reportColumn - 1].header.kk
        if squeezed(header) != squeezed(service.names.kk) {
            differing.append(service.reportColumn)
        } else if header != service.names.kk {
            splitOnly.append(service.reportColumn)
        }
    }
    #expect(differing == [6, 8, 13, 14, 20, 22])
    #expect(splitOnly == [19, 25])
}

@Test func translatedHeaders_ofServiceColumnsAreTheCatalogueNames() {
    for service in ServiceCatalog.all {
        let header = MonthlyReportLayout.columns[service.reportColumn - 1].header
        #expect(header.ru == service.names.ru && header.en == service.names.en)
    }
}
