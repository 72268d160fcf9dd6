/// The List of adaptation and integration services (Rules 2, Annex 1): 25 services, codes 1...25.
///
/// Kazakh names are copied letter for letter from the Kazakh original (a test compares them with
/// `Tests/KandasDomainTests/Fixtures/annex1-kk.txt`, extracted by `.ci/extract-annex-fixtures.py`).
/// Russian and English names are our translations: the official Russian text of the Order is not
/// in the seed. Recurrence, evidence and audience are our documented choices (`Protocol/services.md`).
public enum ServiceCatalog {
    /// All 25 services in code order (index = code - 1).
    public static let all: [Service] = [
        Service(
            code: 1,
            names: LocalizedName(
                kk: "Қандасты, оның отбасын \"Мобильді азаматтар базасында\" тіркеу",
                ru: "Регистрация кандаса, его семьи в «Базе мобильных граждан»",
                en: "Registration of the kandas and his/her family in the \"Mobile Citizens Database\""),
            recurrence: .once,
            recurrenceReason:
                "A person is registered in the database once; later changes are updates, not new services.",
            evidence: EvidenceRule(
                document: .recommended,
                reason: "The entry is made online in the database; a screenshot is enough and is optional."),
            audience: Audience(scope: .eachMember, minAge: 18)),
        Service(
            code: 2,
            names: LocalizedName(
                kk: "Қандасты, оның отбасын \"Отбасының цифрлық картасына\" тіркеу",
                ru: "Регистрация кандаса, его семьи в «Цифровой карте семьи»",
                en: "Registration of the kandas and his/her family in the \"Digital Family Card\""),
            recurrence: .once,
            recurrenceReason: "The family card is created once; the five-year follow-up happens inside it (para 40).",
            evidence: EvidenceRule(
                document: .recommended,
                reason: "The family card entry is made online; a screenshot is enough and is optional."),
            audience: .family),
        Service(
            code: 3,
            names: LocalizedName(
                kk: "Құжаттарды жинау және экономикалық мобильділік сертификатын алуға жәрдемдесу",
                ru: "Сбор документов и содействие в получении сертификата экономической мобильности",
                en: "Collection of documents and assistance in obtaining the economic mobility certificate"),
            recurrence: .once, recurrenceReason: "One certificate per resettled family.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The certificate, or the filed application for it, is the outcome of the service."),
            audience: .family),
        Service(
            code: 4,
            names: LocalizedName(
                kk:
                    "Тұрғын үй сатып алуға және/немесе салуға экономикалық мобильділік сертификаты бойынша қаражат алу үшін қоныстандыру аймағында тұрғын үй іздеу, іріктеу",
                ru:
                    "Поиск, подбор жилья в регионе расселения для получения средств по сертификату экономической мобильности на приобретение и (или) строительство жилья",
                en:
                    "Search for and selection of housing in the resettlement area, to receive funds under the economic mobility certificate for buying and/or building housing"
            ),
            recurrence: .once,
            recurrenceReason:
                "The certificate funds one purchase or construction; several viewings end in one selection.",
            evidence: EvidenceRule(
                document: .recommended,
                reason: "Viewings produce no paper until a purchase; photo and video show the selection."),
            audience: .family),
        Service(
            code: 5,
            names: LocalizedName(
                kk: "Жер учаскесін беруге жәрдемдесу",
                ru: "Содействие в предоставлении земельного участка",
                en: "Assistance in the allocation of a land plot"),
            recurrence: .once, recurrenceReason: "A family is allocated one plot.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The land-plot decision, or the filed application, is the outcome of the service."),
            audience: .family),
        Service(
            code: 6,
            names: LocalizedName(
                kk: "Электрондық цифрлық қолтаңбаны алуға жәрдемдесу",
                ru: "Содействие в получении электронной цифровой подписи",
                en: "Assistance in obtaining an electronic digital signature (EDS)"),
            recurrence: .once, recurrenceReason: "Issued once per person; a yearly renewal is planned as a new item.",
            evidence: EvidenceRule(
                document: .recommended, reason: "The EDS is issued electronically; there is no paper to photograph."),
            audience: Audience(scope: .eachMember, minAge: 18)),
        Service(
            code: 7,
            names: LocalizedName(
                kk: "Тұрғылықты жері бойынша тіркеуге жәрдемдесу",
                ru: "Содействие в регистрации по месту жительства",
                en: "Assistance with registration at the place of residence"),
            recurrence: .once, recurrenceReason: "One registration at the new address; a later move is a new item.",
            evidence: EvidenceRule(
                document: .required, reason: "The address registration certificate is the outcome of the service."),
            audience: .everyone),
        Service(
            code: 8,
            names: LocalizedName(
                kk:
                    "Әскери міндеттілер мен әскерге шақырылушыларды әскери есепке қою бойынша қызметтер көрсетуге жәрдемдесу",
                ru: "Содействие в оказании услуг по постановке на воинский учет военнообязанных и призывников",
                en:
                    "Assistance in obtaining military-registration services for persons liable for military service and conscripts"
            ),
            recurrence: .once, recurrenceReason: "A person is put on the military register once.",
            evidence: EvidenceRule(
                document: .required, reason: "The military registration document is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 17, maxAge: 50, sex: .male)),
        Service(
            code: 9,
            names: LocalizedName(
                kk: "Бастауыш негізгі, орта, жалпы орта білім беру ұйымдарына тіркелуге жәрдемдесу",
                ru: "Содействие в зачислении в организации начального, основного среднего, общего среднего образования",
                en:
                    "Assistance with enrolment in primary, basic secondary and general secondary education organisations"
            ),
            recurrence: .once, recurrenceReason: "A child is enrolled once; a change of school is a new item.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The school's enrolment order or certificate is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 6, maxAge: 18)),
        Service(
            code: 10,
            names: LocalizedName(
                kk: "Балаларды мектепке дейінгі ұйымдарға тіркеуге және қабылдауға жәрдемдесу",
                ru: "Содействие в постановке на учет и приеме детей в дошкольные организации",
                en: "Assistance with registering and admitting children to preschool organisations"),
            recurrence: .once, recurrenceReason: "A child is registered and admitted once.",
            evidence: EvidenceRule(
                document: .required, reason: "The preschool referral or admission paper is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 1, maxAge: 6)),
        Service(
            code: 11,
            names: LocalizedName(
                kk: "Алғашқы медициналық-санитариялық көмек көрсететін медициналық ұйымға тіркеу",
                ru: "Прикрепление к медицинской организации, оказывающей первичную медико-санитарную помощь",
                en: "Registration (attachment) with a medical organisation providing primary health care"),
            recurrence: .once, recurrenceReason: "A person is attached to one primary-care organisation.",
            evidence: EvidenceRule(
                document: .required, reason: "The polyclinic attachment certificate is the outcome of the service."),
            audience: .everyone),
        Service(
            code: 12,
            names: LocalizedName(
                kk: "Мемлекеттік қолдау шараларын алу",
                ru: "Получение мер государственной поддержки",
                en: "Receiving state support measures"),
            recurrence: .recurring,
            recurrenceReason: "Several support measures and payments are received at different times.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The decision on, or receipt of, the support measure is the outcome of the service."),
            audience: .family),
        Service(
            code: 13,
            names: LocalizedName(
                kk: "Қандас отбасына қысқа дайындық бойынша қызмет көрсету (көмір сатып алу)",
                ru: "Оказание услуги семье кандаса по подготовке к зиме (приобретение угля)",
                en: "Service to the kandas family for winter preparation (purchase of coal)"),
            recurrence: .recurring, recurrenceReason: "Coal is bought before each heating season of the five years.",
            evidence: EvidenceRule(
                document: .required, reason: "The coal purchase receipt is the outcome of the service."),
            audience: .family),
        Service(
            code: 14,
            names: LocalizedName(
                kk: "Тегін медициналық көмектің кепілдік берілген көлемі шеңберінде қызметтер көрсетуге жәрдемдесу",
                ru: "Содействие в оказании услуг в рамках гарантированного объема бесплатной медицинской помощи",
                en: "Assistance in receiving services within the guaranteed volume of free medical care"),
            recurrence: .recurring, recurrenceReason: "Each episode of care is a separate assistance.",
            evidence: EvidenceRule(
                document: .recommended,
                reason: "Medical care is confidential; a paper is shown only when the person agrees."),
            audience: .everyone),
        Service(
            code: 15,
            names: LocalizedName(
                kk: "Жұмыс іздеп жүрген адамдарды тіркеу",
                ru: "Регистрация лиц, ищущих работу",
                en: "Registration of persons looking for work (job seekers)"),
            recurrence: .once,
            recurrenceReason: "A job seeker is registered once per plan; a new spell after a job loss is a new item.",
            evidence: EvidenceRule(
                document: .required, reason: "The job-seeker registration record is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 16, maxAge: 63)),
        Service(
            code: 16,
            names: LocalizedName(
                kk: "\"Еңбек нарығы\" ақпараттық жүйесінде тіркеу",
                ru: "Регистрация в информационной системе «Рынок труда»",
                en: "Registration in the \"Enbek Naryqy\" (\"Labour Market\") information system"),
            recurrence: .once, recurrenceReason: "An account in the system is created once.",
            evidence: EvidenceRule(
                document: .recommended, reason: "The account is created online; a screenshot is enough and is optional."
            ),
            audience: Audience(scope: .eachMember, minAge: 16, maxAge: 63)),
        Service(
            code: 17,
            names: LocalizedName(
                kk: "Жұмыссыздарды тіркеу",
                ru: "Регистрация безработных",
                en: "Registration of the unemployed"),
            recurrence: .once,
            recurrenceReason: "Registration as unemployed follows one decision (para 18); a new spell is a new item.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The unemployed-registration decision (para 18) is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 16, maxAge: 63)),
        Service(
            code: 18,
            names: LocalizedName(
                kk: "Жұмыспен қамтуға жәрдемдесудің белсенді шараларына қатысуға жолдама беру",
                ru: "Выдача направления на участие в активных мерах содействия занятости",
                en: "Issuing a referral for participation in active employment-promotion measures"),
            recurrence: .recurring,
            recurrenceReason: "A person may be referred to several measures (training, subsidised jobs) in turn.",
            evidence: EvidenceRule(
                document: .required, reason: "The referral (жолдама) itself is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 16, maxAge: 63)),
        Service(
            code: 19,
            names: LocalizedName(
                kk: "Құқықтық көмек көрсету (консультациялар және құжаттарды беруге, еңбек келісімін жасасуға көмек)",
                ru:
                    "Оказание правовой помощи (консультации и помощь в подаче документов, заключении трудового договора)",
                en:
                    "Provision of legal assistance (consultations, and help with submitting documents and concluding an employment agreement)"
            ),
            recurrence: .recurring, recurrenceReason: "Consultations are given whenever a legal question arises.",
            evidence: EvidenceRule(
                document: .recommended,
                reason: "A consultation produces no paper; help with papers may, and is then attached."),
            audience: Audience(scope: .eachMember, minAge: 18)),
        Service(
            code: 20,
            names: LocalizedName(
                kk:
                    "Тілдерді, тарихты, мәдениет пен дәстүрлерді, Қазақстан Республикасы заңнамасының негіздерін оқыту курстарына бекіту",
                ru:
                    "Закрепление за курсами обучения языкам, истории, культуре и традициям, основам законодательства Республики Казахстан",
                en:
                    "Enrolment in courses teaching languages, history, culture and traditions, and fundamentals of the legislation of the Republic of Kazakhstan"
            ),
            recurrence: .recurring,
            recurrenceReason: "Several courses (language, history, law) are joined at different times.",
            evidence: EvidenceRule(
                document: .required, reason: "The course enrolment order or certificate is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 16)),
        Service(
            code: 21,
            names: LocalizedName(
                kk: "Түрлі мәдени іс-шараларға қатысу (театрлар, кино, концерттер)",
                ru: "Участие в различных культурных мероприятиях (театры, кино, концерты)",
                en: "Participation in various cultural events (theatres, cinema, concerts)"),
            recurrence: .recurring, recurrenceReason: "Each event attended is a separate activity.",
            evidence: EvidenceRule(
                document: .recommended, reason: "Attending an event produces no paper; a ticket may be attached."),
            audience: .everyone),
        Service(
            code: 22,
            names: LocalizedName(
                kk: "Қандастарға арналған оқыту курстарын өз бетінше оқу үшін әдістемелік құралдармен қамтамасыз ету",
                ru: "Обеспечение методическими пособиями для самостоятельного изучения обучающих курсов для кандасов",
                en: "Provision of methodological manuals for self-study of the training courses for kandas"),
            recurrence: .once, recurrenceReason: "A set of manuals is handed over once.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The signed hand-over receipt for the manuals is the outcome of the service."),
            audience: Audience(scope: .eachMember, minAge: 16)),
        Service(
            code: 23,
            names: LocalizedName(
                kk: "Азаматтық алу және құжаттарды дайындау мәселелеріне жәрдемдесу",
                ru: "Содействие в вопросах приобретения гражданства и подготовки документов",
                en: "Assistance with acquiring citizenship and preparing the documents"),
            recurrence: .once, recurrenceReason: "Citizenship is acquired once.",
            evidence: EvidenceRule(
                document: .required,
                reason: "The filed application or the citizenship document is the outcome of the service."),
            audience: .everyone),
        Service(
            code: 24,
            names: LocalizedName(
                kk: "Құқық белгілейтін құжаттарды қазақ тіліне аудару бойынша қызметтерді алуға жәрдемдесу",
                ru: "Содействие в получении услуг по переводу правоустанавливающих документов на казахский язык",
                en: "Assistance in obtaining services for translating title (right-establishing) documents into Kazakh"),
            recurrence: .recurring, recurrenceReason: "Documents needing translation surface at different times.",
            evidence: EvidenceRule(
                document: .required, reason: "The translated document is the outcome of the service."),
            audience: .everyone),
        Service(
            code: 25,
            names: LocalizedName(
                kk: "Ақпараттық және анықтамалық қызметтерді ұсыну",
                ru: "Предоставление информационных и справочных услуг",
                en: "Provision of information and reference services"),
            recurrence: .recurring, recurrenceReason: "Information is given whenever asked for.",
            evidence: EvidenceRule(document: .recommended, reason: "Information given orally produces no paper."),
            audience: .family),
    ]

    /// The service with `code`.
    ///
    /// - Throws: ``DomainError/unknownServiceCode(_:)`` unless `code` is 1...25.
    public static func service(code: Int) throws(DomainError) -> Service {
        guard (1...all.count).contains(code) else { throw .unknownServiceCode(code) }
        return all[code - 1]
    }
}
