import Foundation
import TilskotCore
import TilskotReports
import TilskotStore

/// Reading the lifecycle commands' arguments. Options arrive as text and are read here with
/// TilskotCore's parsers, so that bad input is a refusal (exit 1, one sentence) rather than a usage
/// error: "amount 12abc is not …" is about the data, not about how the command is typed.
/// `money` and `date` are the one parser of amounts and dates (TilskotCore's Money.parse and
/// CalendarDate), which `application import` reads its amount and received columns with too.
enum Input {
    static func read<T>(_ body: () throws(TilskotCore.ValidationError) -> T) throws(TilskotError) -> T {
        do {
            return try body()
        } catch {
            throw .refused(error.message)
        }
    }

    static func round(_ text: String) throws(TilskotError) -> RoundKey { try read { () throws(TilskotCore.ValidationError) in try RoundKey(text) } }
    static func scheme(_ text: String) throws(TilskotError) -> SchemeCode { try read { () throws(TilskotCore.ValidationError) in try SchemeCode(text) } }
    static func organisation(_ text: String) throws(TilskotError) -> OrganisationNumber {
        try read { () throws(TilskotCore.ValidationError) in try OrganisationNumber(text) }
    }
    static func reference(_ text: String) throws(TilskotError) -> ApplicationReference {
        try read { () throws(TilskotCore.ValidationError) in try ApplicationReference(text) }
    }
    static func money(_ text: String, field: String, allowNegative: Bool = false) throws(TilskotError) -> Money {
        try read { () throws(TilskotCore.ValidationError) in try Money.parse(text, field: field, allowNegative: allowNegative) }
    }
    static func date(_ text: String, field: String) throws(TilskotError) -> CalendarDate {
        try read { () throws(TilskotCore.ValidationError) in try CalendarDate(text, field: field) }
    }
    static func municipality(_ text: String) throws(TilskotError) -> MunicipalityNumber {
        try read { () throws(TilskotCore.ValidationError) in try MunicipalityNumber(text) }
    }
    static func vocabulary<V: FixedVocabulary>(_ text: String, as type: V.Type) throws(TilskotError) -> V {
        try read { () throws(TilskotCore.ValidationError) in try V.parse(text) }
    }
    /// "municipality,county" → [.municipality, .county]. None at all is the database's to refuse
    /// (scheme_before_insert).
    static func applicantKinds(_ text: String) throws(TilskotError) -> [ApplicantKind] {
        var kinds: [ApplicantKind] = []
        for part in text.split(separator: ",") {
            kinds.append(try vocabulary(String(part), as: ApplicantKind.self))
        }
        return kinds
    }

    /// A point in time for `--since`: a date in either form the one parser reads (from its start,
    /// UTC) or an ISO 8601 timestamp.
    static func instant(_ text: String, field: String) throws(TilskotError) -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.contains("T") && !trimmed.contains(":") { return try date(trimmed, field: field).startOfDayUTC }
        if let value = try? Date(trimmed, strategy: .iso8601) { return value }
        throw .refused("\(field) \"\(trimmed)\" is not a date or a time; expected YYYY-MM-DD, DD.MM.YYYY or e.g. 2021-03-01T12:00:00Z")
    }
}

/// How money shows in lists: kroner for people (table, markdown), whole øre for machines (json, csv).
enum MoneyColumn {
    static func name(_ base: String, _ format: OutputFormat) -> String {
        ReportCells.moneyColumn(base, format)
    }

    static func cell(_ money: Money?, _ format: OutputFormat) -> DataTable.Cell {
        guard let money else { return .null }
        return machine(format) ? .integer(money.ore) : .money(money.ore)
    }

    static func machine(_ format: OutputFormat) -> Bool { format == .json || format == .csv }
}

extension Optional where Wrapped == String {
    var cell: DataTable.Cell { map(DataTable.Cell.text) ?? .null }
}
