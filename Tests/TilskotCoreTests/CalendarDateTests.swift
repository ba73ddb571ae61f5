import Foundation
import PropertyBased
import Testing
import TilskotCore

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test func readsStrictISODates() throws {
        let date = try CalendarDate("2021-03-21")
        #expect((date.year, date.month, date.day) == (2021, 3, 21))
        #expect(date.description == "2021-03-21")
        #expect(try CalendarDate(" 2024-02-29 ").description == "2024-02-29")
        #expect(try CalendarDate("2000-02-29").year == 2000)
        #expect(try CalendarDate("2100-12-31").year == 2100)
    }

    @Test func dayThatDoesNotExist() {
        let error = refusal { try CalendarDate("2021-02-30") }
        #expect(error?.field == "date")
        #expect(error?.message == "date 2021-02-30 does not exist: February 2021 has 28 days")
        #expect(refusal { try CalendarDate("2100-02-29") }?.message == "date 2100-02-29 does not exist: February 2100 has 28 days")
        #expect(refusal { try CalendarDate("2021-04-31") }?.message.contains("April 2021 has 30 days") == true)
        #expect(refusal { try CalendarDate("2021-13-01") }?.message == "date 2021-13-01 does not exist: a year has months 01 to 12")
        #expect(refusal { try CalendarDate("2021-00-10") }?.message.contains("does not exist") == true)
        #expect(refusal { try CalendarDate("2021-01-00") }?.message.contains("does not exist") == true)
    }

    @Test("reads the Norwegian DD.MM.YYYY as well", arguments: [
        ("21.03.2021", "2021-03-21"), ("1.2.2021", "2021-02-01"), ("01.2.2021", "2021-02-01"), ("29.02.2024", "2024-02-29"),
        (" 31.12.2100 ", "2100-12-31"), ("1.1.2000", "2000-01-01"),
    ])
    func norwegianForm(text: String, iso: String) throws {
        #expect(try CalendarDate(text).description == iso)
    }

    @Test func norwegianDatesAreCheckedLikeISOOnes() {
        #expect(refusal { try CalendarDate("30.02.2021") }?.message == "date 30.02.2021 does not exist: February 2021 has 28 days")
        #expect(refusal { try CalendarDate("1.13.2021") }?.message == "date 1.13.2021 does not exist: a year has months 01 to 12")
        #expect(refusal { try CalendarDate("01.01.1999") }?.message == "date 01.01.1999 is out of range; expected a year from 2000 to 2100")
    }

    @Test("other forms are refused", arguments: [
        "21/3/2021", "2021-3-21", "2021/03/21", "20210321", "2021-03-21T10:00", "", "2021-03-2x", "２０２１-03-21",
        "21.03.21", "2021.03.21", "021.03.2021", "21.003.2021", "21..2021", ".03.2021", "21.03.2021.", "21. 03.2021", "21.03.٢٠٢١",
        "21-03-2021",
    ])
    func wrongForm(text: String) {
        let message = refusal { try CalendarDate(text, field: "received date") }?.message ?? ""
        #expect(message.hasPrefix("received date \"\(text)\" is not in the right form"), "\(message)")
        #expect(message.hasSuffix("expected YYYY-MM-DD or DD.MM.YYYY, e.g. 2021-03-21 or 21.03.2021"))
    }

    @Test func bothFormsReadTheSameDate() async {
        // Every day from 2000-01-01 to 2100-12-31, in each accepted form, with and without leading zeros.
        await propertyCheck(count: 1_000, input: Gen.int(in: 10_957...47_846)) { days throws in
            let date = CalendarDate(daysSince1970: days)
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            for text in [date.description, "\(two(date.day)).\(two(date.month)).\(date.year)", "\(date.day).\(date.month).\(date.year)"] {
                #expect(try CalendarDate(text) == date, "\(text)")
            }
        }
    }

    @Test func yearsOutsideTheSystemsRange() {
        #expect(refusal { try CalendarDate("1999-12-31") }?.message == "date 1999-12-31 is out of range; expected a year from 2000 to 2100")
        #expect(refusal { try CalendarDate("2101-01-01") }?.message.contains("out of range") == true)
        #expect(refusal { try CalendarDate("0221-01-01") }?.message.contains("expected a year from 2000 to 2100") == true)
    }

    @Test func orderAndArithmetic() throws {
        let opens = try CalendarDate("2021-01-15")
        let closes = try CalendarDate("2021-03-01")
        #expect(opens < closes)
        #expect(opens.days(until: closes) == 45)
        #expect(closes.days(until: opens) == -45)
        #expect(opens.adding(days: 45) == closes)
        #expect(try CalendarDate("2021-12-31").adding(days: 1) == CalendarDate("2022-01-01"))
        #expect(try CalendarDate("2024-02-28").adding(days: 1) == CalendarDate("2024-02-29"))
        // The appeal deadline: 3 weeks from receipt of the notice (fvl. § 29).
        #expect(try CalendarDate("2021-06-10").adding(days: 21) == CalendarDate("2021-07-01"))
    }

    @Test func addingMonthsClampsToMonthEnd() throws {
        #expect(try CalendarDate("2021-01-31").adding(months: 1) == CalendarDate("2021-02-28"))
        #expect(try CalendarDate("2024-01-31").adding(months: 1) == CalendarDate("2024-02-29"))
        #expect(try CalendarDate("2021-03-31").adding(months: -1) == CalendarDate("2021-02-28"))
        #expect(try CalendarDate("2021-05-15").adding(months: 12) == CalendarDate("2022-05-15"))
        #expect(try CalendarDate("2021-01-15").adding(months: -13) == CalendarDate("2019-12-15"))
        #expect(try CalendarDate("2021-11-30").adding(months: 3) == CalendarDate("2022-02-28"))
    }

    @Test func daysSince1970AndFoundation() throws {
        #expect(CalendarDate(year: 1970, month: 1, day: 1)?.daysSince1970 == 0)
        #expect(try CalendarDate("2000-01-01").daysSince1970 == 10_957)
        #expect(CalendarDate(daysSince1970: -1).description == "1969-12-31")
        let date = try CalendarDate("2021-03-21")
        #expect(CalendarDate(date.startOfDayUTC) == date)
        #expect(CalendarDate(date.startOfDayUTC.addingTimeInterval(86_399)) == date)
        #expect(CalendarDate(year: 2021, month: 2, day: 29) == nil)
    }

    @Test func todayIsAPlausibleDate() {
        let today = CalendarDate.today()
        #expect(CalendarDate.acceptedYears.contains(today.year))
        #expect(abs(today.days(until: CalendarDate(Date()))) <= 1)
    }

    @Test func codableAsText() throws {
        let data = try JSONEncoder().encode([try CalendarDate("2021-03-21")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2021-03-21"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [try CalendarDate("2021-03-21")])
    }

    @Test func dayArithmeticRoundTrips() async {
        // 1900-01-01 … 2199-12-31 in days since 1970.
        await propertyCheck(count: 1_000, input: Gen.int(in: -25_567...83_600), Gen.int(in: -5_000...5_000)) { start, offset in
            let date = CalendarDate(daysSince1970: start)
            #expect(date.daysSince1970 == start)
            #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
            #expect(date.days(until: date.adding(days: offset)) == offset)
            #expect((offset > 0) == (date.adding(days: offset) > date) || offset == 0)
        }
    }
}
