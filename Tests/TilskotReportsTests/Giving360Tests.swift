import Foundation
import PGClient
import Testing
import TilskotCore
@testable import TilskotReports
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
        let result = try Giving360Query.fetch(year: 2021, session: try Sample.auditorSession())
        let json = Giving360Export(grants: result.grants).renderJSON()
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
        #expect(result.grants.count == 61)
        let json = Giving360Export(grants: result.grants).renderJSON()
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
        let partial = try #require(result.grants.first { $0.grantedOre < $0.appliedOre })
        #expect(partial.scheme == "FRIVILLIG" || partial.scheme == "MANGFALD")
    }

    @Test("amountDisbursed appears once a payment is recorded (follow-up module)")
    func disbursed() throws {
        let grants = [Giving360Query.Grant(
            reference: "JS-2021-0001", title: "Jobbsjansen i Oslo", scheme: "JS", schemeName: "Jobbsjansen", schemeGoal: nil,
            year: 2021, appliedOre: 1_200_000_000, grantedOre: 1_200_000_000, awardDate: "2021-04-15",
            modified: "2021-04-15T10:00:00Z", orgnr: "958935420", organisation: "Oslo kommune", municipality: "0301",
            municipalityName: "Oslo", countyName: "Oslo", paidOre: 600_000_050)]
        let json = Giving360Export(grants: grants).renderJSON()
        #expect(json.contains("\"amountDisbursed\": 6000000.50"))
        #expect(try validate360Giving(json).exitCode == 0)
        let csv = Giving360Export(grants: grants).table().renderCSV()
        #expect(csv.hasPrefix("Identifier,Title,Description,Currency,Amount Applied For,Amount Awarded,Amount Disbursed,Award Date,"))
        #expect(csv.contains("360G-imdi-JS-2021-0001,Jobbsjansen i Oslo,"))
        #expect(csv.contains(",NOK,12000000,12000000,6000000.50,2021-04-15,NO-BRC-958935420,Oslo kommune,"))
    }
}
