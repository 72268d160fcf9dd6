import KandasDomain
import KandasProtocol
import KandasStore

/// One Centre-stay write: the transaction's connection, who acts, the server's day and the audit hook.
///
/// `today` is the server's day in Asia/Almaty (UTC+5), from the server clock: no date the rules
/// count from ever comes from a client's clock.
struct StayWork {
    let db: any DatabaseConnection
    let actor: Principal
    let today: LocalDate
    let now: Int64
    let rules: StayRules
    /// Appends an audit entry (action, entity type, entity ID, summary) in this transaction.
    let audit: (String, String, String?, String?) throws -> Void

    /// The server's day for a clock reading (milliseconds since 1970, UTC).
    static func day(_ now: Int64) -> LocalDate {
        let shifted = now + PlanStore.almatyOffset
        let days = shifted >= 0 ? shifted / 86_400_000 : (shifted - 86_399_999) / 86_400_000
        return LocalDate(dayNumber: Int(days))
    }

    /// A date that must not be after today.
    func notFuture(_ date: CalendarDate, _ pointer: String) throws(ServerError) {
        guard date.description <= today.description else {
            throw ServerError.field(.datesOutOfOrder, pointer, "\(date) is after today (\(today))")
        }
    }

    /// `later` must not be before `earlier`.
    static func ordered(
        _ earlier: CalendarDate, _ later: CalendarDate, _ pointer: String, _ what: String
    ) throws(ServerError) {
        guard earlier <= later else {
            throw ServerError.field(.datesOutOfOrder, pointer, "\(later) is before \(what) (\(earlier))")
        }
    }
}
