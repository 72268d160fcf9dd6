import Foundation
import KandasDomain
import Testing

@Test func catalogue_hasTwentyFiveServicesCodedOneToTwentyFiveInOrder() {
    #expect(ServiceCatalog.all.count == 25)
    #expect(ServiceCatalog.all.map(\.code) == Array(1...25))
}

@Test func kazakhNames_matchAnnex1LetterForLetter() throws {
    let annex1 = try Fixtures.lines("annex1-kk")
    #expect(annex1.count == 25)
    for (service, expected) in zip(ServiceCatalog.all, annex1) {
        let same = service.names.kk.unicodeScalars.elementsEqual(expected.unicodeScalars)
        #expect(same, "service \(service.code): \(service.names.kk) ≠ \(expected)")
    }
}

@Test func everyService_hasRussianAndEnglishNames() {
    for service in ServiceCatalog.all {
        #expect(!service.names.ru.isEmpty && !service.names.en.isEmpty)
        #expect(service.names.ru != service.names.kk)
        #expect(!service.recurrenceReason.isEmpty)
    }
}

@Test(arguments: [0, 26, -1, Int.max])
func unknownServiceCode_isRejected(code: Int) {
    #expect(throws: DomainError.unknownServiceCode(code)) { try ServiceCatalog.service(code: code) }
}

@Test func lookup_returnsTheServiceWithThatCode() throws {
    for code in 1...25 { #expect(try ServiceCatalog.service(code: code).code == code) }
}

@Test func photoVideoAndGeolocation_areRequiredForEveryService() {
    for service in ServiceCatalog.all {
        #expect(service.evidence.photo == .required)
        #expect(service.evidence.video == .required)
        #expect(service.evidence.geolocation == .required)
    }
}

@Test func recurringServices_areTheDocumentedOnes() {
    let recurring = ServiceCatalog.all.filter { $0.recurrence == .recurring }.map(\.code)
    #expect(recurring == [12, 13, 14, 18, 19, 20, 21, 24, 25])
}

@Test func childServices_targetChildrenAndMilitaryRegistrationTargetsMen() throws {
    #expect(try ServiceCatalog.service(code: 9).audience.typicallyApplies(age: 10, sex: .female))
    #expect(try !ServiceCatalog.service(code: 9).audience.typicallyApplies(age: 35, sex: .female))
    #expect(try ServiceCatalog.service(code: 10).audience.typicallyApplies(age: 3, sex: .male))
    #expect(try ServiceCatalog.service(code: 8).audience.typicallyApplies(age: 18, sex: .male))
    #expect(try !ServiceCatalog.service(code: 8).audience.typicallyApplies(age: 18, sex: .female))
}

@Test func protocolTable_statesTheSameCatalogue() throws {
    let text = try String(contentsOf: Fixtures.repositoryFile("Protocol/services.md"), encoding: .utf8)
    // Section 1's table: the only rows with nine cells that start with a number.
    let rows = text.components(separatedBy: "\n").filter {
        $0.range(of: #"^\| [0-9]+ \| "#, options: .regularExpression) != nil && $0.split(separator: "|").count == 9
    }
    #expect(rows.count == 25)
    for (service, row) in zip(ServiceCatalog.all, rows) {
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(cells[0] == String(service.code))
        #expect(cells[1] == service.names.kk && cells[2] == service.names.ru && cells[3] == service.names.en)
        #expect(cells[4] == service.recurrence.rawValue, "service \(service.code)")
        #expect(cells[5] == service.evidence.document.rawValue, "service \(service.code)")
        #expect(cells[7] == service.recurrenceReason)
        // Para 36's "relevant" documents: the reason per service is stated, and the same in both places.
        #expect(cells[8] == service.evidence.documentReason && !cells[8].isEmpty, "service \(service.code)")
    }
}
