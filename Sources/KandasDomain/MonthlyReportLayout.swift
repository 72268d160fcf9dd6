/// The layout of the monthly report form, Rules 2, Annex 3: 27 columns, one row per person.
///
/// Column 1 is the row number, column 2 the IIN, and service `n` of Annex 1 sits in column
/// `n + 2` (service 1 → column 3, service 25 → column 27): column number ≠ service code.
/// Kazakh headers are verbatim from Annex 3, **typos and split words kept** (`колтаңбаны ал
/// уға`, `Жұмыссыздард ы`...), because the form is reproduced as printed; they differ from
/// the Annex 1 names in six columns (see `Protocol/services.md`). Russian and English
/// headers of service columns are the catalogue's names.
public enum MonthlyReportLayout {
    /// What a column holds.
    public enum Content: Hashable, Sendable {
        /// The row number (`№`).
        case rowNumber
        /// The person's IIN (the row key).
        case iin
        /// Completions of the service with this code.
        case service(Int)
    }

    /// One column of the form.
    public struct Column: Hashable, Sendable {
        /// 1...27.
        public let number: Int
        /// What it holds.
        public let content: Content
        /// Its header.
        public let header: LocalizedName
    }

    /// The number of columns.
    public static let columnCount = 27

    /// The form's title (verbatim) and translations.
    public static let title = LocalizedName(
        kk: "Бейімдеу және ықпалдастыру жоспарының іс-шаралары бойынша орындалған жұмыстар туралы ақпарат",
        ru: "Информация о выполненных работах по мероприятиям плана адаптации и интеграции",
        en: "Information on work completed under the activities of the adaptation and integration plan")

    /// Annex 3's Kazakh headers, verbatim (index = column - 1).
    static let kazakhHeaders: [String] = [
        "№",
        "Қандастар мен олардың отбасы мүшелерінің жеке сәйкестендіру нөмірі",
        "Қандасты, оның отбасын \"Мобильді азаматтар базасында\" тіркеу",
        "Қандасты, оның отбасын \"Отбасының цифрлық картасына\" тіркеу",
        "Құжаттарды жинау және экономикалық мобильділік сертификатын алуға жәрдемдесу",
        "Тұрғын үй сатып алуға және/немесе салуға экономикалық мобильділік сертификаты бойынша қаражат алу үшін "
            + "қоныстандыру өңірінде тұрғын үй іздеу, іріктеу",
        "Жер учаскесін беруге жәрдемдесу",
        "Электрондық цифрлық колтаңбаны ал уға жәрдемдесу",
        "Тұрғылықты жері бойынша тіркеуге жәрдемдесу",
        "Әскери міндеттілер мен әскерге шақырылушыларды әскери есепке қою бойынша қызметтер көрсетуге жәрдемдесу",
        "Бастауыш негізгі, орта, жалпы орта білім беру ұйымдарына тіркелуге жәрдемдесу",
        "Балаларды мектепке дейінгі ұйымдарға тіркеуге және қабылдауға жәрдемдесу",
        "Алғашқы медициналық-санитариялық көмек көрсететін медициналық ұйымға тіркелу",
        "Мемлекеттік колдау шараларын алу",
        "Қандас отбасына қысқа дайындық бойынша қызмет көрсету (көмір сатып алу)",
        "Тегін медициналық көмектің кепілдік берілген көлемі шеңберінде қызметтер көрсетуге жәрдемдесу",
        "Жұмыс іздеп жүрген адамдарды тіркеу",
        "\"Еңбек нарығы\" ақпараттық жүйесінде тіркеу",
        "Жұмыссыздард ы тіркеу",
        "Жұмыспен камтуға жәрдемдесу дің белсенді шараларына қатысуға жолдама беру",
        "Құқықтық көмек көрсету (консультациялар және құжаттарды беруге, еңбек келісімін жасасуға көмек)",
        "Қазақстан Республика сының тілдерін, тарихын, мәдениеті мен дәстүрлерін, заңнама негіздерін оқыту "
            + "курстарына бекіту",
        "Түрлі мәдени іс-шараларға қатысу (театрлар, кино, концерттер)",
        "Қандастарға арналған оқыту курстарын өз бетінше оқу үшін әдістемелік құралдармен қамтамасыз ету",
        "Азаматтық алу және құжаттарды дайындау мәселелерін е жәрдемдесу",
        "Құқық белгілейтін құжаттарды қазақ тіліне аудару бойынша қызметтерді алуға жәрдемдесу",
        "Ақпараттық және анықтамалық қызметтерді ұсыну",
    ]

    /// All 27 columns in order.
    public static let columns: [Column] = (1...columnCount).map { number in
        let kk = kazakhHeaders[number - 1]
        switch number {
        case 1:
            return Column(number: 1, content: .rowNumber, header: LocalizedName(kk: kk, ru: "№", en: "No."))
        case 2:
            return Column(
                number: 2, content: .iin,
                header: LocalizedName(
                    kk: kk, ru: "Индивидуальный идентификационный номер кандасов и членов их семей",
                    en: "Individual identification number (IIN) of the kandas and their family members"))
        default:
            let service = ServiceCatalog.all[number - 3]
            return Column(
                number: number, content: .service(service.code),
                header: LocalizedName(kk: kk, ru: service.names.ru, en: service.names.en))
        }
    }

    /// The column number of a service (code + 2).
    ///
    /// - Throws: ``DomainError/unknownServiceCode(_:)`` unless `code` is 1...25.
    public static func column(forService code: Int) throws(DomainError) -> Int {
        try ServiceCatalog.service(code: code).reportColumn
    }

    /// The service code in a column, or `nil` for columns 1 and 2.
    ///
    /// - Throws: ``DomainError/unknownReportColumn(_:)`` unless `column` is 1...27.
    public static func service(atColumn column: Int) throws(DomainError) -> Int? {
        guard (1...columnCount).contains(column) else { throw .unknownReportColumn(column) }
        return column <= 2 ? nil : column - 2
    }
}
