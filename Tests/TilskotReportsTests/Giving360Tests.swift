import Foundation
import PGClient
import Testing
import TilskotCore
@testable import TilskotReports
import TilskotLocalCluster
import TilskotStore
import TilskotTestSupport

/// The repository root, for scripts the tests run.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs Scripts/validate-360giving (Python's jsonschema against the published 1.4.3 schema, offline).
func validate360Giving(_ json: String) throws -> ChildProcess.Result {
    let file = FileManager.default.temporaryDirectory.appending(path: "tilskot-360-\(UUID().uuidString).json")
    try json.write(to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    return try ChildProcess.run(["python3", repositoryRoot.appending(path: "Scripts/validate-360giving").path, file.path],
                                separateStandardError: true)
}

@Suite("360Giving export")
struct Giving360Tests {
    @Test("the 2021 export validates against the published 360Giving 1.4.3 schema")
    func validatesAgainstSchema() throws {
        let grants = try Giving360Query.fetch(year: 2021, session: try Sample.auditorSession())
        let json = Giving360Export().render(grants, .json)
        let check = try validate360Giving(json)
        #expect(check.exitCode == 0, "\(check.errorOutput)")
        #expect(check.output.contains("valid 360Giving 1.4.3 package (61 grants)"))
    }

    @Test("the check fails a package that breaks the schema, so a broken export fails this suite")
    func validatorRejects() throws {
        let check = try validate360Giving(#"{"grants": [{"id": "x", "currency": "KR", "awardDate": "25.03.2021"}]}"#)
        #expect(check.exitCode == 1)
        #expect(check.errorOutput.contains("grants/0"))
    }

    @Test("one grant per grant in force: NO-BRC ids, amounts in kroner, programme and municipality")
    func content() throws {
        let result = try Giving360Query.fetch(year: 2021, session: try Sample.auditorSession())
        // 41 Jobbsjansen + 11 voluntary (9 full, 2 partial) + 6 businesses + 3 resource centres.
        #expect(result.count == 61)
        let json = Giving360Export().render(result, .json)
        let package = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let grants = try #require(package["grants"] as? [[String: Any]])
        let drammen = try #require(grants.first { ($0["title"] as? String) == "Jobbsjansen i Drammen" })
        #expect(drammen["id"] as? String == "360G-imdi-JS-2021-0005")
        #expect(drammen["currency"] as? String == "NOK")
        #expect((drammen["amountAwarded"] as? NSNumber)?.int64Value == 4_800_000)
        #expect((drammen["amountAppliedFor"] as? NSNumber)?.int64Value == 4_800_000)
        #expect(drammen["amountDisbursed"] == nil)
        #expect(drammen["awardDate"] as? String == "2021-04-15")
        let recipient = try #require((drammen["recipientOrganization"] as? [[String: Any]])?.first)
        #expect(recipient["id"] as? String == "NO-BRC-921234554")
        #expect(recipient["name"] as? String == "Drammen kommune")
        let funder = try #require((drammen["fundingOrganization"] as? [[String: Any]])?.first)
        #expect(funder["id"] as? String == "NO-BRC-987879696")
        let programme = try #require((drammen["grantProgramme"] as? [[String: Any]])?.first)
        #expect(programme["code"] as? String == "JS")
        #expect(programme["title"] as? String == "Jobbsjansen 2021")
        let location = try #require((drammen["beneficiaryLocation"] as? [[String: Any]])?.first)
        #expect(location["geoCode"] as? String == "3005")
        #expect(location["name"] as? String == "Drammen")
        #expect(location["countryCode"] as? String == "NO")
        // A partial grant: awarded below applied for.
        let partial = try #require(result.first { $0.grantedOre < $0.appliedOre })
        #expect(partial.scheme == "FRIVILLIG" || partial.scheme == "MANGFALD")
    }

    @Test("amountDisbursed appears once a payment is recorded (follow-up module)")
    func disbursed() throws {
        let grants = [Giving360Query.Grant(
            reference: "JS-2021-0001", title: "Jobbsjansen i Oslo", scheme: "JS", schemeName: "Jobbsjansen", schemeGoal: nil,
            year: 2021, appliedOre: 1_200_000_000, grantedOre: 1_200_000_000, awardDate: "2021-04-15",
            modified: "2021-04-15T10:00:00Z", orgnr: "958935420", organisation: "Oslo kommune", municipality: "0301",
            municipalityName: "Oslo", countyName: "Oslo", paidOre: 600_000_050)]
        let json = Giving360Export().render(grants, .json)
        #expect(json.contains("\"amountDisbursed\" : 6000000.5,"))
        #expect(try validate360Giving(json).exitCode == 0)
        let csv = Giving360Export().render(grants, .csv)
        #expect(csv.hasPrefix("Identifier,Title,Description,Currency,Amount Applied For,Amount Awarded,Amount Disbursed,Award Date,"))
        #expect(csv.contains("360G-imdi-JS-2021-0001,Jobbsjansen i Oslo,"))
        #expect(csv.contains(",NOK,12000000,12000000,6000000.50,2021-04-15,NO-BRC-958935420,Oslo kommune,"))
    }

    @Test("streamed a batch at a time, the package is byte for byte the one rendered whole, in reference order")
    func streamedInBatches() throws {
        let session = try Sample.auditorSession()
        let grants = try Giving360Query.fetch(year: 2021, session: session)
        let export = Giving360Export()
        // The whole package as one value, written by JSONOutput in one go.
        let whole = JSONOutput.text(Giving360Export.Package(grants: grants.map(export.grant))) + "\n"
        let table = DataTable(columns: Giving360Export.csvColumns, rows: grants.map(export.csvRow)).renderCSV()
        #expect(grants.map(\.reference) == grants.map(\.reference).sorted())
        for batchSize in [1, 7, 60, 61, 2_000] {
            var pieces: [String] = []
            let count = try export.write(year: 2021, session: session, .json, batchSize: batchSize) { pieces.append($0) }
            #expect(count == 61)
            // One piece per batch, then the closing one.
            #expect(pieces.count == (61 + batchSize - 1) / batchSize + 1, "batch size \(batchSize)")
            #expect(pieces.joined() == whole, "batch size \(batchSize)")
            var csv = ""
            _ = try export.write(year: 2021, session: session, .csv, batchSize: batchSize) { csv += $0 }
            #expect(csv == table, "batch size \(batchSize)")
        }
        #expect(try validate360Giving(whole).exitCode == 0)
    }

    @Test("a year without grants streams nothing at all, so the command can refuse with no half file")
    func emptyYearWritesNothing() throws {
        var pieces: [String] = []
        let count = try Giving360Export().write(year: 2019, session: try Sample.auditorSession(), .json) { pieces.append($0) }
        #expect(count == 0)
        #expect(pieces.isEmpty)
    }
}
