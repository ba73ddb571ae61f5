import CLibPQ

/// The rows of a finished statement, copied out of libpq's result so the C memory can be freed at once.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [Row]
    /// Rows touched by INSERT/UPDATE/DELETE/COPY (PQcmdTuples), 0 when the command says none.
    public let affectedRows: Int

    init(consuming result: OpaquePointer?, connection: OpaquePointer) throws(PGError) {
        defer { PQclear(result) }
        guard let result else { throw PGError.from(result: nil, connection: connection) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            break
        default:
            throw PGError.from(result: result, connection: connection)
        }
        // A COPY result has field counts but no field names or rows.
        let hasRows = PQresultStatus(result) == PGRES_TUPLES_OK
        let columnCount = hasRows ? Int(PQnfields(result)) : 0
        let rowCount = hasRows ? Int(PQntuples(result)) : 0
        let columns = (0..<columnCount).map { PQfname(result, Int32($0)).map { String(cString: $0) } ?? "?column?" }
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(Row(columns: columns, values: values))
        }
        self.columns = columns
        self.rows = rows
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }
}
