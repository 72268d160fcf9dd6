import KandasDomain

/// The console's labels in Kazakh, Russian and English.
///
/// Kazakh is the default (the state language and the language of the Rules); a user switches
/// with the language links (`?lang=ru`), which set a cookie. Domain names (services, report
/// headers, quality criteria) come from KandasDomain, verbatim where the source gives them.
enum ConsoleText: String, CaseIterable {
    case appName, login, logout, username, password, signIn, loginFailed, dashboard, completions, conflicts
    case devices, families, reports, monthlyReport, monitoring, quality, exports
    case uploadsToday, filesPending, openConflicts, overdueItems, lateplans, silentDevices
    case region, centre, worker, family, memberIIN, service, from, to, reviewState, completeness, conflict
    case filter, next, noResults, performedAt, receivedAt, state, files, location, accuracy, distance
    case farFromSettlement, mapLink, hashes, capture, history, review, approve, hasIssues, reject, comment
    case submit, lastContact, queueDepth, queueDeepest, appVersion, status, revoke, reason, issueCode, code, expires
    case members, items, dueDate, evidence, plan, month, cutoff, download, schedule, period, cadence, due
    case criterion, score, total, band, sourceInconsistency, forbidden, notFound, csrfFailed, tooManyLogins, any
    case decisionRecorded, resolve, keepDisplayed, voidCompletion, chooseEvent, versions, kind, severity
    case user, enrolledCode, settlement, quotaDate, open, all, yes, no, auditLog, back, language
    case name, birthDate, relation, address, year, publishDue, published
    // Rules 2 round 2 (issue 16).
    case incomplete, incompleteCompletions, missingEvidence, leftOut, leftOutReason, submission, submittedAt,
        submittedBy, submittedTo
    case recordSubmission, overdueReports, provisional, reportDue, notSubmitted, unpublishedPlans
    // Charts and the map (issue 20).
    case trends, week, received, filesVerified, backlog, backlogAge, ageUnderDay, ageUnderWeek, ageUnderMonth
    case ageOlder, planProgress, completed, planItems, map, mapDrawn, mapNotDrawn, weeklyActivity, openOverTime
    case syncHealth, today, daysSilent

    /// The label in `language`.
    func callAsFunction(_ language: Language) -> String { names(language) }

    /// The three forms of the label.
    var names: LocalizedName {
        let (kk, ru, en) = Self.table[self] ?? (rawValue, rawValue, rawValue)
        return LocalizedName(kk: kk, ru: ru, en: en)
    }

    static let table: [ConsoleText: (String, String, String)] = [
        .appName: ("Kandas — әкімшілер консолі", "Kandas — консоль администратора", "Kandas — administrators' console"),
        .login: ("Кіру", "Вход", "Sign in"),
        .logout: ("Шығу", "Выйти", "Sign out"),
        .username: ("Пайдаланушы аты", "Имя пользователя", "Username"),
        .password: ("Құпиясөз", "Пароль", "Password"),
        .signIn: ("Кіру", "Войти", "Sign in"),
        .loginFailed: (
            "Пайдаланушы аты немесе құпиясөз қате", "Неверное имя пользователя или пароль", "Wrong username or password"
        ),
        .dashboard: ("Басты бет", "Сводка", "Dashboard"),
        .completions: ("Орындалғандар", "Выполнения", "Completions"),
        .conflicts: ("Қайшылықтар", "Конфликты", "Conflicts"),
        .devices: ("Құрылғылар", "Устройства", "Devices"),
        .families: ("Отбасылар", "Семьи", "Families"),
        .reports: ("Есептер", "Отчёты", "Reports"),
        .monthlyReport: ("Ай сайынғы есеп (3-қосымша)", "Ежемесячный отчёт (приложение 3)", "Monthly report (Annex 3)"),
        .monitoring: ("Мониторинг кестесі", "График мониторинга", "Monitoring schedule"),
        .quality: ("Сапаны бағалау", "Оценка качества", "Quality evaluation"),
        .exports: ("Экспорт", "Экспорт", "Exports"),
        .uploadsToday: ("Бүгін жүктелгені", "Загружено сегодня", "Uploads today"),
        .filesPending: ("Тексерілмеген файлдар", "Файлы ждут проверки", "Files pending verification"),
        .openConflicts: ("Ашық қайшылықтар", "Открытые конфликты", "Open conflicts"),
        .overdueItems: ("Мерзімі өткен іс-шаралар", "Просроченные мероприятия", "Overdue plan items"),
        .lateplans: ("Кеш жарияланған жоспарлар", "Планы, опубликованные с опозданием", "Plans published late"),
        .silentDevices: ("Үнсіз құрылғылар", "Молчащие устройства", "Silent devices"),
        .region: ("Өңір", "Регион", "Region"),
        .centre: ("Мансап орталығы", "Центр карьеры", "Career centre"),
        .worker: ("Қызметкер", "Сотрудник", "Worker"),
        .family: ("Отбасы", "Семья", "Family"),
        .memberIIN: ("ЖСН", "ИИН", "IIN"),
        .service: ("Қызмет", "Услуга", "Service"),
        .from: ("Бастап", "С", "From"),
        .to: ("Дейін", "По", "To"),
        .reviewState: ("Тексеру", "Проверка", "Review"),
        .completeness: ("Толықтығы", "Полнота", "Completeness"),
        .conflict: ("Қайшылық", "Конфликт", "Conflict"),
        .filter: ("Сүзу", "Фильтр", "Filter"),
        .next: ("Келесі бет", "Следующая страница", "Next page"),
        .noResults: ("Ештеңе табылмады", "Ничего не найдено", "Nothing found"),
        .performedAt: ("Орындалған уақыты", "Время выполнения", "Performed at"),
        .receivedAt: ("Қабылданған уақыты", "Время получения", "Received at"),
        .state: ("Күйі", "Состояние", "State"),
        .files: ("Файлдар", "Файлы", "Files"),
        .location: ("Геолокация", "Геолокация", "Location"),
        .accuracy: ("Дәлдігі", "Точность", "Accuracy"),
        .distance: ("Елді мекенге дейін", "До населённого пункта", "Distance from settlement"),
        .farFromSettlement: ("Елді мекеннен алыс", "Далеко от населённого пункта", "Far from the settlement"),
        .mapLink: ("Картадан көру", "Открыть на карте", "Open on a map"),
        .hashes: ("Хэштер", "Хэши", "Hashes"),
        .capture: ("Түсірілім деректері", "Данные съёмки", "Capture metadata"),
        .history: ("Оқиғалар мен аудит тарихы", "История событий и аудита", "Event and audit history"),
        .review: ("Тексеру шешімі", "Решение проверки", "Review"),
        .approve: ("Мақұлдау", "Одобрить", "Approve"),
        .hasIssues: ("Ескертулер бар", "Есть замечания", "Has issues"),
        .reject: ("Қабылдамау", "Отклонить", "Reject"),
        .comment: ("Түсініктеме", "Комментарий", "Comment"),
        .submit: ("Жіберу", "Отправить", "Submit"),
        .lastContact: ("Соңғы байланыс", "Последняя связь", "Last contact"),
        .queueDepth: ("Кезек", "Очередь", "Queue"),
        .queueDeepest: ("Кезек, 30 күнде ең көп", "Очередь, максимум за 30 дней", "Queue, 30-day maximum"),
        .appVersion: ("Нұсқа", "Версия", "App version"),
        .status: ("Мәртебе", "Статус", "Status"),
        .revoke: ("Кері қайтару", "Отозвать", "Revoke"),
        .reason: ("Себебі", "Причина", "Reason"),
        .issueCode: ("Тіркеу кодын беру", "Выдать код подключения", "Issue an enrollment code"),
        .code: ("Код", "Код", "Code"),
        .expires: ("Жарамдылық мерзімі", "Действует до", "Expires"),
        .members: ("Отбасы мүшелері", "Члены семьи", "Members"),
        .items: ("Жоспар іс-шаралары", "Мероприятия плана", "Plan items"),
        .dueDate: ("Мерзімі", "Срок", "Due"),
        .evidence: ("Дәлелдер", "Подтверждения", "Evidence"),
        .plan: ("Жоспар", "План", "Plan"),
        .month: ("Ай", "Месяц", "Month"),
        .cutoff: ("Кесу уақыты", "Момент среза", "Cut-off"),
        .download: ("Жүктеп алу", "Скачать", "Download"),
        .schedule: ("Кесте", "График", "Schedule"),
        .period: ("Кезең", "Период", "Period"),
        .cadence: ("Жиілігі", "Периодичность", "Cadence"),
        .due: ("Мерзімі", "Срок", "Due"),
        .criterion: ("Өлшем", "Критерий", "Criterion"),
        .score: ("Балл", "Балл", "Score"),
        .total: ("Жиыны", "Итого", "Total"),
        .band: ("Қорытынды", "Вывод", "Band"),
        .sourceInconsistency: (
            "Ескерту: үш өлшем 1-5 балл береді (жиыны 3-15), ал Қағидалар 0-25 шкаласын келтіреді; біз жиынтықты"
                + " және жартылай ашық аралықтарды қолданамыз.",
            "Примечание: три критерия по 1-5 баллов дают 3-15, а Правила приводят шкалу 0-25 с общими границами;"
                + " мы суммируем баллы и читаем границы как полуоткрытые.",
            "Note: three criteria scored 1-5 give 3-15, yet the Rules print bands over 0-25 with shared boundaries;"
                + " we sum the scores and read the bands as half-open."
        ),
        .forbidden: ("Рұқсат жоқ", "Доступ запрещён", "Forbidden"),
        .notFound: ("Табылмады", "Не найдено", "Not found"),
        .csrfFailed: (
            "Форма ескірген; бетті қайта ашыңыз", "Форма устарела; откройте страницу заново",
            "The form expired; open the page again"
        ),
        .tooManyLogins: (
            "Кіру әрекеттері тым көп; {minutes} минуттан кейін қайталаңыз",
            "Слишком много попыток входа; повторите через {minutes} мин.",
            "Too many failed sign-in attempts; try again in {minutes} min"
        ),
        .any: ("Барлығы", "Все", "Any"),
        .decisionRecorded: ("Шешім сақталды", "Решение сохранено", "Decision recorded"),
        .resolve: ("Шешу", "Разрешить", "Resolve"),
        .keepDisplayed: ("Көрсетілгенін қалдыру", "Оставить отображаемое", "Keep displayed"),
        .voidCompletion: ("Жою", "Аннулировать", "Void the completion"),
        .chooseEvent: ("Осы нұсқаны таңдау", "Выбрать эту версию", "Choose this version"),
        .versions: ("Нұсқалар", "Версии", "Versions"),
        .kind: ("Түрі", "Вид", "Kind"),
        .severity: ("Маңыздылығы", "Серьёзность", "Severity"),
        .user: ("Пайдаланушы", "Пользователь", "User"),
        .enrolledCode: (
            "Код бір рет көрсетіледі: құрылғыда сканерлеңіз", "Код показан один раз: отсканируйте его на устройстве",
            "The code is shown once: scan it on the device"
        ),
        .settlement: ("Елді мекен", "Населённый пункт", "Settlement"),
        .quotaDate: ("Квотаға енгізілген күні", "Дата включения в квоту", "Quota inclusion date"),
        .open: ("Ашу", "Открыть", "Open"),
        .all: ("Барлығы", "Все", "All"),
        .yes: ("иә", "да", "yes"),
        .no: ("жоқ", "нет", "no"),
        .auditLog: ("Аудит", "Аудит", "Audit"),
        .back: ("Артқа", "Назад", "Back"),
        .language: ("Тіл", "Язык", "Language"),
        .name: ("Аты-жөні", "ФИО", "Name"),
        .birthDate: ("Туған күні", "Дата рождения", "Date of birth"),
        .relation: ("Туыстық қатынасы", "Родство", "Relation"),
        .address: ("Мекенжайы", "Адрес", "Address"),
        .year: ("Жыл", "Год", "Year"),
        .publishDue: ("Жариялау мерзімі", "Опубликовать до", "Publish by"),
        .published: ("Жарияланды", "Опубликован", "Published"),
        .incomplete: ("толық емес", "неполное", "incomplete"),
        .incompleteCompletions: ("Толық емес орындалғандар", "Неполные выполнения", "Incomplete completions"),
        .missingEvidence: ("жетіспейді", "не хватает", "missing"),
        .leftOut: (
            "Есепке кірмеген орындалған жұмыстар", "Выполнения, не вошедшие в отчёт",
            "Completions left out of the report"
        ),
        .leftOutReason: ("Себебі", "Причина", "Why"),
        .submission: ("Есепті тапсыру", "Сдача отчёта", "Report submission"),
        .submittedAt: ("Тапсырылған уақыты", "Сдан", "Submitted at"),
        .submittedBy: ("Тапсырған", "Сдал", "Submitted by"),
        .submittedTo: ("Кімге", "Кому", "Submitted to"),
        .recordSubmission: ("Тапсыруды тіркеу", "Зарегистрировать сдачу", "Record the submission"),
        .overdueReports: ("Мерзімі өткен есептер", "Просроченные отчёты", "Overdue reports"),
        .provisional: ("алдын ала", "предварительно", "provisional"),
        .reportDue: ("Тапсыру мерзімі", "Срок сдачи", "Due"),
        .unpublishedPlans: (
            "Бекітілген, бірақ мерзімінде жарияланбаған жоспарлар", "Утверждённые, но не опубликованные в срок планы",
            "Approved plans past their publication deadline"
        ),
        .notSubmitted: ("тапсырылмаған", "не сдан", "not submitted"),
        .trends: ("Соңғы 12 апта", "Последние 12 недель", "The last 12 weeks"),
        .week: ("Апта", "Неделя", "Week"),
        .received: ("Қабылданған орындалғандар", "Принято выполнений", "Completions received"),
        .filesVerified: ("Тексерілген файлдар", "Проверено файлов", "Files verified"),
        .backlog: ("Тексерілмеген файлдар", "Непроверенные файлы", "Files not yet verified"),
        .backlogAge: (
            "Тексерілмеген файлдар: қанша уақыт күтуде", "Непроверенные файлы: сколько ждут",
            "Files not yet verified: how long they wait"
        ),
        .ageUnderDay: ("1 күнге дейін", "до 1 дня", "under 1 day"),
        .ageUnderWeek: ("1-7 күн", "1-7 дней", "1-7 days"),
        .ageUnderMonth: ("7-30 күн", "7-30 дней", "7-30 days"),
        .ageOlder: ("30 күннен астам", "более 30 дней", "30 days and more"),
        .planProgress: (
            "Жоспар бойынша орындалуы (қызметтер бойынша)", "Выполнение планов по услугам", "Plan progress by service"
        ),
        .completed: ("Орындалды", "Выполнено", "Completed"),
        .planItems: ("Іс-шаралар", "Мероприятий", "Plan items"),
        .map: ("Карта", "Карта", "Map"),
        .mapDrawn: ("Картада көрсетілген нүктелер", "Точек на карте", "Points drawn"),
        .mapNotDrawn: (
            "көрсетілмеген (ескілері немесе шектен тыс)", "не показано (старые или вне карты)",
            "not drawn (older or outside the map)"
        ),
        .syncHealth: (
            "Синхрондау: соңғы 30 күн (күніне жіберілген оқиғалар)",
            "Синхронизация: последние 30 дней (событий в день)",
            "Sync health: the last 30 days (events pushed per day)"
        ),
        .today: ("бүгін", "сегодня", "today"),
        .daysSilent: ("Үнсіз күндер", "Дней без связи", "Days silent"),
        .weeklyActivity: ("Апта сайынғы жұмыс", "Работа по неделям", "Work per week"),
        .openOverTime: (
            "Апта соңындағы ашық мәселелер", "Открытые вопросы на конец недели", "Open at the end of each week"
        ),
    ]
}
