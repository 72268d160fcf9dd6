import KandasDomain
import Testing

@testable import KandasServer

@Suite struct ConsoleTextTests {
    @Test func everyLabel_hasKazakhRussianAndEnglish() {
        for label in ConsoleText.allCases {
            #expect(ConsoleText.table[label] != nil, "\(label)")
            for language in Language.allCases {
                #expect(!label(language).isEmpty, "\(label) \(language)")
            }
        }
    }

    @Test func kazakhAndRussian_areNotLeftInEnglish() {
        // A label may coincide across languages (Экспорт, Аудит), but not most of them.
        let same = ConsoleText.allCases.filter { $0(.kk) == $0(.en) || $0(.ru) == $0(.en) }
        #expect(same.count <= 2, "\(same)")
    }
}
