import Foundation
import Testing
import TilskotCore

@Suite("Municipalities and counties")
struct MunicipalityTests {
    @Test func tableHoldsBothDivisions() {
        #expect(Municipality.all(in: .division2020).count == 356)
        #expect(Municipality.all(in: .division2024).count == 357)
        #expect(Set(Municipality.all(in: .division2024).map(\.code)).count == 357)
    }

    @Test func osloInBothDivisions() throws {
        let old = try #require(Municipality.lookup("0301", division: .division2020))
        #expect(old.name == "Oslo")
        #expect(old.countyCode == "03" && old.countyName == "Oslo")
        #expect(old.orgnr == nil)
        #expect(old.codes2024 == ["0301"])
        let new = try #require(Municipality.lookup("0301", division: .division2024))
        #expect(new.orgnr == "958935420")
        #expect(new.organisationNumber?.digits == "958935420")
        #expect(new.predecessor2020 == old)
        #expect(new.description == "0301 Oslo - Oslove")
    }

    @Test func alesundSplitInTwo() throws {
        let alesund = try #require(Municipality.lookup("1507", division: .division2020))
        #expect(alesund.codes2024 == ["1508", "1580"])
        #expect(alesund.successors2024.map(\.name) == ["Ålesund", "Haram"])
        #expect(Municipality.lookup("1580", division: .division2024)?.orgnr == nil)
        #expect(Municipality.lookup("1508", division: .division2024)?.orgnr == "929911709")
        #expect(Municipality.lookup("1507", division: .division2024) == nil)
    }

    @Test func everyOrganisationNumberPassesMod11() {
        let withOrgnr = Municipality.all(in: .division2024).filter { $0.orgnr != nil }
        #expect(withOrgnr.count == 356)
        for municipality in withOrgnr {
            #expect(municipality.organisationNumber != nil, "\(municipality)")
        }
        #expect(Municipality.all(in: .division2020).allSatisfy { $0.orgnr == nil })
    }

    @Test func everyCodeHasTheRightShapeAndCounty() {
        for division in CountyDivision.allCases {
            for municipality in Municipality.all(in: division) {
                #expect(municipality.code.count == 4 && municipality.code.allSatisfy(\.isASCII))
                #expect(municipality.code.hasPrefix(municipality.countyCode))
                #expect(municipality.division == division)
            }
        }
    }

    @Test func mappingBetweenDivisionsIsComplete() {
        for old in Municipality.all(in: .division2020) {
            #expect(old.successors2024.count == old.codes2024.count, "\(old)")
            #expect(!old.successors2024.isEmpty)
        }
        for new in Municipality.all(in: .division2024) {
            #expect(new.predecessor2020 != nil, "\(new)")
            #expect(new.predecessor2020?.codes2024.contains(new.code) == true)
        }
    }

    @Test func samiNamesKeptInSSBForm() {
        #expect(Municipality.lookup("5610", division: .division2024)?.name == "Kárášjohka - Karasjok")
    }

    @Test func countiesPerDivision() {
        #expect(County.all(in: .division2020).count == 11)
        #expect(County.all(in: .division2024).map(\.description) == [
            "03 Oslo", "11 Rogaland", "15 Møre og Romsdal", "18 Nordland", "31 Østfold", "32 Akershus",
            "33 Buskerud", "34 Innlandet", "39 Vestfold", "40 Telemark", "42 Agder", "46 Vestland",
            "50 Trøndelag", "55 Troms", "56 Finnmark",
        ])
        #expect(County.lookup("30", division: .division2020)?.name == "Viken")
        #expect(County.lookup("30", division: .division2024) == nil)
        #expect(County.lookup("54", division: .division2020)?.name == "Troms og Finnmark")
        #expect(County.lookup("30", division: .division2020)?.municipalities.count == 51)
    }

    @Test func countyIn2024ForA2020Municipality() {
        #expect(County.in2024(forMunicipality2020: "3001")?.description == "31 Østfold")  // Halden
        #expect(County.in2024(forMunicipality2020: "3024")?.description == "32 Akershus")  // Bærum
        #expect(County.in2024(forMunicipality2020: "3005")?.description == "33 Buskerud")  // Drammen
        #expect(County.in2024(forMunicipality2020: "0301")?.description == "03 Oslo")
        #expect(County.in2024(forMunicipality2020: "1507")?.description == "15 Møre og Romsdal")
        #expect(County.in2024(forMunicipality2020: "3101") == nil)
    }

    @Test func countyIn2024ForA2020County() {
        #expect(County.in2024(forCounty2020: "30").map(\.code) == ["31", "32", "33"])
        #expect(County.in2024(forCounty2020: "38").map(\.code) == ["39", "40"])
        #expect(County.in2024(forCounty2020: "54").map(\.code) == ["55", "56"])
        #expect(County.in2024(forCounty2020: "46").map(\.code) == ["46"])
    }

    @Test func countyParse() throws {
        #expect(try County.parse("30").division == .division2020)
        #expect(try County.parse("46").division == .division2024)
        #expect(try County.parse("46", division: .division2020).division == .division2020)
        let message = refusal { try County.parse("30", division: .division2024) }?.message ?? ""
        #expect(message.contains("county number \"30\" does not exist in the 2024 division"))
    }

    @Test func municipalityNumberKeepsLeadingZero() throws {
        let oslo = try MunicipalityNumber("0301")
        #expect(oslo.code == "0301")
        #expect(oslo.countyCode == "03")
        #expect(oslo.divisions == [.division2020, .division2024])
        #expect(oslo.county(in: .division2024)?.name == "Oslo")
        #expect(try MunicipalityNumber("3001").divisions == [.division2020])
        #expect(try MunicipalityNumber("3001", division: .division2020).county(in: .division2020)?.name == "Viken")
        #expect(try MunicipalityNumber(" 3101 ", division: .division2024).code == "3101")
    }

    @Test func unknownMunicipalityNumber() {
        let error = refusal { try MunicipalityNumber("0302") }
        #expect(error?.field == "municipality number")
        #expect(error?.message == "municipality number 0302 does not exist in the 2020–2023 or 2024 division; expected a 4-digit kommunenummer such as 0301 (Oslo)")
        #expect(refusal { try MunicipalityNumber("0302", division: .division2024) }?.message == "municipality number 0302 does not exist in the 2024 division; expected a 4-digit kommunenummer such as 0301 (Oslo)")
    }

    @Test func municipalityNumberFromTheOtherDivisionNamesItsCounterpart() {
        #expect(refusal { try MunicipalityNumber("3001", division: .division2024) }?.message == "municipality number 3001 (Halden) does not exist in the 2024 division, only in the 2020–2023 division; expected its 2024 number 3101 (Halden)")
        #expect(refusal { try MunicipalityNumber("3101", division: .division2020) }?.message.hasSuffix("expected its 2020–2023 number 3001 (Halden)") == true)
        #expect(refusal { try MunicipalityNumber("1507", division: .division2024) }?.message.hasSuffix("1508 (Ålesund) or 1580 (Haram)") == true)
    }

    @Test func malformedMunicipalityNumbers() {
        let short = refusal { try MunicipalityNumber("301") }?.message ?? ""
        #expect(short.contains("must have 4 digits, leading zero included; got 3"))
        #expect(short.contains("0301 (Oslo)"))
        #expect(refusal { try MunicipalityNumber("03011") }?.message.contains("must have 4 digits; got 5") == true)
        #expect(refusal { try MunicipalityNumber("Oslo") }?.message.contains(#""Oslo" must be 4 digits"#) == true)
        #expect(refusal { try MunicipalityNumber("") }?.message.contains("is empty") == true)
    }

    @Test func municipalityNumberCodable() throws {
        let data = try JSONEncoder().encode([try MunicipalityNumber("0301")])
        #expect(String(decoding: data, as: UTF8.self) == #"["0301"]"#)
        #expect(throws: ValidationError.self) { try JSONDecoder().decode([MunicipalityNumber].self, from: Data(#"["0302"]"#.utf8)) }
    }

    @Test func divisionInForce() throws {
        #expect(CountyDivision.inForce(year: 2021) == .division2020)
        #expect(CountyDivision.inForce(year: 2023) == .division2020)
        #expect(CountyDivision.inForce(year: 2024) == .division2024)
        #expect(CountyDivision.inForce(year: 2019) == nil)
        #expect(CountyDivision.inForce(on: try CalendarDate("2023-12-31")) == .division2020)
        #expect(CountyDivision.division2020.label == "2020–2023")
        #expect(try CountyDivision.parse("2020–2023") == .division2020)
        #expect(try CountyDivision.parse("2024") == .division2024)
        #expect(refusal { try CountyDivision.parse("2019") }?.message.contains("expected 2020") == true)
    }
}
