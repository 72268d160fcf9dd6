import KandasDomain
import Testing

@Test func languages_areKazakhRussianEnglishWithIsoCodes() {
    #expect(Language.allCases.map(\.rawValue) == ["kk", "ru", "en"])
    #expect(Language(rawValue: "kz") == nil)
}
