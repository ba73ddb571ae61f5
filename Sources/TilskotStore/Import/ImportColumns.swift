import Foundation

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
