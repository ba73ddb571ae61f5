import TilskotCore

/// How report cells show money and shares: whole øre for machines (json, csv: columns named
/// `…_ore`, the unit of the CLI contract), kroner for people (table, markdown; numbers in kroner in
/// an xlsx workbook).
public enum ReportCells {
    public static func isMachine(_ format: OutputFormat) -> Bool { format == .json || format == .csv }

    /// "frame_ore" for json/csv, "frame_kr" in a workbook (numbers in kroner: the unit in the
    /// header, and no two headers alike where a count shares the name), "frame" for people.
    public static func moneyColumn(_ base: String, _ format: OutputFormat) -> String {
        isMachine(format) ? "\(base)_ore" : format == .xlsx ? "\(base)_kr" : base
    }

    public static func money(_ ore: Int64?, _ format: OutputFormat) -> DataTable.Cell {
        guard let ore else { return .null }
        return isMachine(format) ? .integer(ore) : .money(ore)
    }

    /// A percentage with one decimal ("99.7"), or empty when there is nothing to divide by.
    public static func percent(_ value: Double?) -> DataTable.Cell {
        guard let value, value.isFinite else { return .null }
        return .decimal(value)
    }

    /// A change in per cent for people: "+60,0 %", "-12,5 %" (decimal mark of the language,
    /// `Presentation`); a number for machines and workbooks.
    public static func change(_ value: Double?, _ format: OutputFormat) -> DataTable.Cell {
        guard let value, value.isFinite else { return .null }
        if isMachine(format) || format == .xlsx { return .decimal(value) }
        return .change(value)
    }

    public static func count(_ n: Int) -> DataTable.Cell { .integer(Int64(n)) }
}
