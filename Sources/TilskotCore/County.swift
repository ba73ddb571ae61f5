/// A county (fylke) in one county division, from SSB's classification 104.
///
/// 11 counties in 2020–2023, 15 from 2024; see `CountyDivision`. Names are the Norwegian forms.
public struct County: Sendable, Hashable, CustomStringConvertible {
    /// 2 digits: "03", "30".
    public let code: String
    public let name: String
    public let division: CountyDivision

    public init(code: String, name: String, division: CountyDivision) {
        self.code = code
        self.name = name
        self.division = division
    }

    /// "30 Viken".
    public var description: String { "\(code) \(name)" }

    /// Every county of the division, in code order.
    public static func all(in division: CountyDivision) -> [County] {
        byDivision[division] ?? []
    }

    public static func lookup(_ code: String, division: CountyDivision) -> County? {
        let code = code.trimmedForInput
        return all(in: division).first { $0.code == code }
    }

    /// Reads a 2-digit county number, in a given division or in either (the 2024 one first).
    public static func parse(_ text: String, division: CountyDivision? = nil) throws(ValidationError) -> County {
        let code = text.trimmedForInput
        let divisions = division.map { [$0] } ?? [.division2024, .division2020]
        for division in divisions {
            if let county = lookup(code, division: division) { return county }
        }
        let divisionText = division.map { "the \($0.label) division" } ?? "the 2020–2023 or 2024 division"
        throw ValidationError(
            field: "county",
            message: "county number \(code.quotedForMessage) does not exist in \(divisionText); expected a 2-digit fylkesnummer such as 03 (Oslo) or 46 (Vestland)")
    }

    /// The municipalities of this county, in code order.
    public var municipalities: [Municipality] {
        Municipality.all(in: division).filter { $0.countyCode == code }
    }

    /// The 2024 county of a 2020–2023 municipality, through its 2024 code (3001 Halden, Viken → 31
    /// Østfold). Nil when the code is not a 2020–2023 municipality.
    public static func in2024(forMunicipality2020 code: String) -> County? {
        Municipality.lookup(code, division: .division2020)?.successors2024.first?.county
    }

    /// The 2024 counties that a 2020–2023 county's municipalities went to (30 Viken → 31, 32, 33).
    public static func in2024(forCounty2020 code: String) -> [County] {
        let code = code.trimmedForInput
        let successors = Municipality.all(in: .division2020)
            .filter { $0.countyCode == code }
            .flatMap(\.successors2024)
            .map(\.county)
        return Set(successors).sorted { $0.code < $1.code }
    }

    private static let byDivision: [CountyDivision: [County]] = Dictionary(
        grouping: Set(Municipality.table.map(\.county)), by: \.division
    ).mapValues { $0.sorted { $0.code < $1.code } }
}

extension County: Codable {}
