import KandasDomain
import Testing

@Test func calling_returnsTheRenderingOfThatLanguage() {
    let name = LocalizedName(kk: "а", ru: "б", en: "c")
    #expect(Language.allCases.map { name($0) } == ["а", "б", "c"])
}
