import Foundation
import TilskotCore

/// The columns an application import file may have (the options of `application register`, plus
/// what registers an unknown applicant organisation), in the order of the staging table that
/// SQL/schema/04_applications.sql (import_begin) makes.
public enum ImportColumn: String, CaseIterable, Sendable {
    case round
    case orgnr
    case title
    case amount
    case received
    case externalRef = "external_ref"
    case orgName = "org_name"
    case orgKind = "org_kind"
    case orgMunicipality = "org_municipality"

    /// Columns every file must have; the rest may be left out (a missing `received` means today,
    /// as with `register`; a missing `round` needs `--round`).
    static let required: [ImportColumn] = [.orgnr, .title, .amount]

    /// Other spellings people use in spreadsheet headers.
    static let aliases: [String: ImportColumn] = [
        "organisation_number": .orgnr, "org_nr": .orgnr, "orgno": .orgnr,
        "amount_applied": .amount, "ext_ref": .externalRef, "externalref": .externalRef,
        "organisation_name": .orgName, "organisation_kind": .orgKind, "kind": .orgKind,
        "municipality": .orgMunicipality, "kommunenummer": .orgMunicipality,
    ]

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Where each column of the file goes: the header row read once, then every row mapped by index.
struct ImportHeader {
    /// For each staging column (ImportColumn.allCases order), its index in the file's rows, if any.
    let positions: [Int?]
    let fieldCount: Int

    init(_ header: [String], fileName: String) throws(TilskotError) {
        var positions = [Int?](repeating: nil, count: ImportColumn.allCases.count)
        for (index, raw) in header.enumerated() {
            // A spreadsheet's byte-order mark, spaces, case and "External ref" spellings.
            let name = raw.trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: "\u{FEFF}", with: "")
                .lowercased()
                .replacingOccurrences(of: " ", with: "_")
                .replacingOccurrences(of: "-", with: "_")
            if name.isEmpty { continue }
            guard let column = ImportColumn(rawValue: name) ?? ImportColumn.aliases[name] else {
                throw .refused("\(fileName): the header has a column \"\(raw)\" that import does not know; the columns are \(ImportColumn.names)")
            }
            let slot = ImportColumn.allCases.firstIndex(of: column)!
            guard positions[slot] == nil else {
                throw .refused("\(fileName): the header names column \(column.rawValue) twice; give each column once")
            }
            positions[slot] = index
        }
        let missing = ImportColumn.required.filter { positions[ImportColumn.allCases.firstIndex(of: $0)!] == nil }
        guard missing.isEmpty else {
            let list = missing.map(\.rawValue).joined(separator: ", ")
            throw .refused("\(fileName): the header has no \(list) column; the first line must name the columns, at least orgnr, title and amount")
        }
        self.positions = positions
        self.fieldCount = header.count
    }

    func has(_ column: ImportColumn) -> Bool {
        positions[ImportColumn.allCases.firstIndex(of: column)!] != nil
    }

    /// The row's values in staging order (nil where the file has no such column).
    func values(of fields: [String]) -> [String?] {
        positions.map { position in
            guard let position, position < fields.count else { return nil }
            return fields[position]
        }
    }
}

/// A row's amount and received date read with the one parser (TilskotCore's `Money.parse` and
/// `CalendarDate`), exactly as `application register --amount … --received …` reads its options:
/// the same field names, so the same forms are accepted and the same sentences refused
/// (SQL/schema/04_applications.sql, above import_amount_ore, says why the parsing is here).
///
/// What the staging table gets: the value in its staging form (kroner with a full stop, 3400000.50;
/// YYYY-MM-DD), or the text as given and the parser's sentence in amount_problem /
/// received_problem, which import_applications lists under the row's line.
enum ImportParsing {
    /// The names `application register` gives these options in its refusals.
    static let amountField = "amount applied for"
    static let receivedField = "received date"

    static let amountSlot = ImportColumn.allCases.firstIndex(of: .amount)!
    static let receivedSlot = ImportColumn.allCases.firstIndex(of: .received)!

    /// The staging columns after the file's: filled by `parse(_:)`.
    static let problemColumns = ["amount_problem", "received_problem"]

    /// `values` (staging order, as ImportHeader.values gives them) with amount and received in the
    /// staging form, followed by the two problem columns.
    static func parse(_ values: [String?]) -> [String?] {
        var row = values
        var amountProblem: String?
        var receivedProblem: String?
        // A file without an amount column is refused by its header; an empty cell is the parser's
        // to refuse, as `--amount ""` is.
        if let text = values[amountSlot] {
            do {
                row[amountSlot] = stagingForm(try Money.parse(text, field: amountField))
            } catch {
                amountProblem = error.message
            }
        }
        // No received date means today, as with `register` without --received.
        if let text = values[receivedSlot], !text.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            do {
                row[receivedSlot] = try CalendarDate(text, field: receivedField).description
            } catch {
                receivedProblem = error.message
            }
        }
        row.append(amountProblem)
        row.append(receivedProblem)
        return row
    }

    /// 340000050 øre → "3400000.50"; 340000000 → "3400000" (never negative: the parser refuses a sign).
    static func stagingForm(_ money: Money) -> String {
        let (kroner, ore) = money.ore.quotientAndRemainder(dividingBy: 100)
        guard ore != 0 else { return String(kroner) }
        return ore < 10 ? "\(kroner).0\(ore)" : "\(kroner).\(ore)"
    }
}
