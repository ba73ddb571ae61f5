/// One row of a result, decoded from PostgreSQL's text format.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [String?]

    /// A row read another way than one statement's result (e.g. several queries' rows sent back
    /// in one statement), with each value in the text form the server prints.
    public init(columns: [String], values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The raw text of a column, nil for SQL NULL. Traps on an unknown column name: that is a bug in
    /// the query beside it, not bad input.
    public subscript(_ name: String) -> String? {
        guard let index = columns.firstIndex(of: name) else {
            preconditionFailure("no column \"\(name)\" in result (columns: \(columns.joined(separator: ", ")))")
        }
        return values[index]
    }

    public subscript(_ index: Int) -> String? { values[index] }

    /// Decodes a non-null column; throws when it is NULL or not of the expected form.
    public func decode<T: SQLDecodable>(_ name: String, as type: T.Type = T.self) throws(PGError) -> T {
        guard let text = self[name] else {
            throw PGError(sqlState: "", message: "column \(name) is NULL, expected \(T.self)")
        }
        guard let value = T.decode(sqlText: text) else {
            throw PGError(sqlState: "", message: "column \(name) holds \"\(text)\", which is not a \(T.self)")
        }
        return value
    }

    /// Decodes a nullable column.
    public func decodeIfPresent<T: SQLDecodable>(_ name: String, as type: T.Type = T.self) throws(PGError) -> T? {
        guard self[name] != nil else { return nil }
        return try decode(name, as: T.self)
    }

    public func string(_ name: String) throws(PGError) -> String { try decode(name) }
    public func int64(_ name: String) throws(PGError) -> Int64 { try decode(name) }
    public func int(_ name: String) throws(PGError) -> Int { try decode(name) }
    public func bool(_ name: String) throws(PGError) -> Bool { try decode(name) }
}
