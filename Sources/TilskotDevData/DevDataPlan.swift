import Foundation
import TilskotCore
import TilskotStore

/// A synthetic data set for development and benchmarks (`tilskot dev generate`): grant schemes over
/// the years 2015–2026, every municipality of the 2020–2023 division as an applicant, voluntary
/// organisations, businesses and counties with valid organisation numbers, and applications spread
/// over the rounds. Everything follows from the seed: the same seed gives the same file.
///
/// The plan only describes; DevDataLoader puts it in a database through the import path and then
/// gives the applications a realistic mix of statuses.
public struct DevDataPlan: Sendable {
    public struct SchemeSpec: Sendable {
        public var code: String
        public var name: String
        public var kinds: [ApplicantKind]
        /// Relative share of the applications.
        public var weight: Int
        /// Typical amount applied for, in kroner.
        public var typicalKroner: Int64
    }

    public struct OrganisationSpec: Sendable {
        public var orgnr: String
        public var name: String
        public var kind: ApplicantKind
        public var municipality: String?
    }

    public struct RoundSpec: Sendable {
        public var scheme: SchemeSpec
        public var year: Int
        public var opens: CalendarDate
        public var closes: CalendarDate
        public var key: String { "\(scheme.code)/\(year)" }
    }

    public static let years = 2015...2026

    public static let schemes: [SchemeSpec] = [
        SchemeSpec(code: "JOBB", name: "Jobbsjansen", kinds: [.municipality], weight: 14, typicalKroner: 2_500_000),
        SchemeSpec(code: "MANG", name: "Tilskot for auka etnisk mangfald i arbeidslivet", kinds: [.business], weight: 12, typicalKroner: 400_000),
        SchemeSpec(code: "FRIV", name: "Integreringsarbeid i regi av frivillige organisasjonar", kinds: [.voluntary], weight: 30, typicalKroner: 150_000),
        SchemeSpec(code: "NRM", name: "Nasjonale ressursmiljø på integreringsfeltet", kinds: [.voluntary, .other], weight: 2, typicalKroner: 3_000_000),
        SchemeSpec(code: "MENT", name: "Mentorprosjekt", kinds: [.voluntary, .municipality], weight: 10, typicalKroner: 300_000),
        SchemeSpec(code: "KVAL", name: "Kvalifisering i kommunane", kinds: [.municipality, .county], weight: 12, typicalKroner: 1_200_000),
        SchemeSpec(code: "BUSE", name: "Busetjing av flyktningar", kinds: [.municipality], weight: 10, typicalKroner: 800_000),
        SchemeSpec(code: "SPRAK", name: "Språkopplæring i arbeidslivet", kinds: [.business, .voluntary, .other], weight: 10, typicalKroner: 250_000),
    ]

    public let seed: UInt64
    public let applications: Int
    public let rounds: [RoundSpec]
    public let organisations: [OrganisationSpec]

    public init(applications: Int, seed: UInt64) {
        self.seed = seed
        self.applications = applications
        var rounds: [RoundSpec] = []
        for scheme in DevDataPlan.schemes {
            for year in DevDataPlan.years {
                rounds.append(RoundSpec(scheme: scheme, year: year,
                                        opens: CalendarDate(year: year, month: 1, day: 10)!,
                                        closes: CalendarDate(year: year, month: 4, day: 30)!))
            }
        }
        self.rounds = rounds
        self.organisations = DevDataPlan.makeOrganisations(applications: applications, seed: seed)
    }

    // MARK: - Organisations

    static func makeOrganisations(applications: Int, seed: UInt64) -> [OrganisationSpec] {
        var random = SeededRandom(seed: seed ^ 0x0A11_CE00)
        var used = Set<String>()
        var result: [OrganisationSpec] = []
        let municipalities = Municipality.all(in: .division2020)
        for m in municipalities {
            let orgnr = m.orgnr.flatMap { used.contains($0) ? nil : $0 } ?? validOrgnr(&random, used: used)
            used.insert(orgnr)
            result.append(OrganisationSpec(orgnr: orgnr, name: "\(m.name) kommune", kind: .municipality, municipality: m.code))
        }
        var countySeats: [String: Municipality] = [:]
        for m in municipalities where countySeats[m.countyCode] == nil { countySeats[m.countyCode] = m }
        for (code, m) in countySeats.sorted(by: { $0.key < $1.key }) {
            let orgnr = validOrgnr(&random, used: used)
            used.insert(orgnr)
            result.append(OrganisationSpec(orgnr: orgnr, name: "\(m.countyName) fylkeskommune", kind: .county, municipality: m.code))
            _ = code
        }
        // About one voluntary organisation per 40 applications and one business per 80, at least a few.
        let voluntary = max(20, applications / 40)
        let businesses = max(10, applications / 80)
        let others = max(5, applications / 2000)
        let kinds: [(ApplicantKind, Int)] = [(.voluntary, voluntary), (.business, businesses), (.other, others)]
        for (kind, count) in kinds {
            for index in 0..<count {
                let orgnr = validOrgnr(&random, used: used)
                used.insert(orgnr)
                let place = municipalities[random.below(municipalities.count)]
                result.append(OrganisationSpec(orgnr: orgnr, name: organisationName(kind, index, place, &random),
                                               kind: kind, municipality: place.code))
            }
        }
        return result
    }

    static func organisationName(_ kind: ApplicantKind, _ index: Int, _ place: Municipality,
                                 _ random: inout SeededRandom) -> String {
        let voluntary = ["Fleirkulturelt forum", "Kvinnenettverket", "Idrettslaget", "Innvandrarforeininga",
                         "Leksehjelpa", "Frivilligsentralen", "Ungdomsklubben", "Språkkafeen"]
        let business = ["Bygg AS", "Renhald AS", "Omsorg AS", "Transport AS", "Mat og servering AS", "Data AS"]
        let other = ["Stiftinga Mangfald", "Ressurssenteret", "Kompetansesenteret"]
        switch kind {
        case .voluntary: return "\(voluntary[random.below(voluntary.count)]) \(place.name) \(index + 1)"
        case .business: return "\(place.name) \(business[random.below(business.count)]) \(index + 1)"
        default: return "\(other[random.below(other.count)]) \(place.name) \(index + 1)"
        }
    }

    /// A 9-digit number starting with 8 or 9 whose MOD11 check digit exists.
    static func validOrgnr(_ random: inout SeededRandom, used: Set<String>) -> String {
        while true {
            var digits = String(8 + random.below(2))
            for _ in 0..<7 { digits.append(String(random.below(10))) }
            guard let check = OrganisationNumber.checkDigit(forFirstEight: digits) else { continue }
            let orgnr = digits + String(check)
            if !used.contains(orgnr) { return orgnr }
        }
    }

    // MARK: - Applications

    static let titleWords = [
        "Kvalifisering til arbeid", "Språk og arbeidspraksis", "Mentorordning", "Møteplass for nye landsmenn",
        "Rettleiing til utdanning", "Norsk på arbeidsplassen", "Leksehjelp og foreldremøte", "Jobbklubb",
        "Kvinner i arbeid", "Inkludering i idretten", "Rekruttering med mangfald", "Oppfølging etter busetjing",
    ]

    /// Writes the applications as an import file with a round column (`application import FILE`).
    /// Rows are spread over the rounds by the schemes' weights, with more applications in later years.
    public func writeCSV(to url: URL) throws(TilskotError) {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw .refused("cannot write \(url.path); give a path in a folder you can write")
        }
        defer { try? handle.close() }
        var random = SeededRandom(seed: seed)
        let byKind = Dictionary(grouping: organisations, by: \.kind)
        let roundWeights: [(Int, Int)] = rounds.enumerated().map { index, round in
            (index, round.scheme.weight * (10 + round.year - DevDataPlan.years.lowerBound))
        }
        let today = CalendarDate.today()
        var buffer = "round,orgnr,title,amount,received,external_ref,org_name,org_kind,org_municipality\n"
        for n in 1...max(applications, 1) where applications > 0 {
            let round = rounds[random.weighted(roundWeights)]
            let kind = round.scheme.kinds[random.below(round.scheme.kinds.count)]
            let candidates = byKind[kind] ?? byKind[.municipality]!
            let organisation = candidates[random.below(candidates.count)]
            // Amounts spread from a fifth to four times the typical one, rounded to 1 000 kr.
            let factor = 0.2 + 3.8 * pow(Double(random.below(10_000)) / 10_000, 2.5)
            let kroner = max(10_000, Int64(Double(round.scheme.typicalKroner) * factor) / 1_000 * 1_000)
            let last = min(round.closes, today)
            let span = max(0, round.opens.days(until: last))
            let received = round.opens.adding(days: random.below(span + 1))
            let title = "\(DevDataPlan.titleWords[random.below(DevDataPlan.titleWords.count)]) \(organisation.name.split(separator: " ").first ?? "") \(round.year)"
            buffer += "\(round.key),\(organisation.orgnr),\(csvField(title)),\(kroner),\(received),GEN\(seed)-\(n),\(csvField(organisation.name)),\(organisation.kind.rawValue),\(organisation.municipality ?? "")\n"
            if buffer.utf8.count >= 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer.utf8))
    }

    /// A field quoted when it has to be.
    func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
