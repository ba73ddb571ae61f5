import TilskotCore

/// The rounds of the sample: 2020, 2021 and 2022, so year-on-year reports have something to compare.
/// Jobbsjansen 2021 has the seed's real frame (110,3 mill. kr, raised by 25 mill. kr through
/// integreringspakke II to 135,3 mill. kr); every other frame is illustrative.
enum SampleRounds {
    struct Spec {
        var scheme: String
        var year: Int
        /// Kroner.
        var frame: Int64
        var opens: String
        var closes: String
        /// Kroner and reason, applied in order right after opening.
        var adjustments: [(amount: Int64, reason: String)] = []

        var key: String { "\(scheme)/\(year)" }
    }

    static let all: [Spec] = [
        .init(scheme: "JS", year: 2020, frame: 95_000_000, opens: "2020-01-06", closes: "2020-03-02"),
        .init(scheme: "JS", year: 2021, frame: 110_300_000, opens: "2021-01-04", closes: "2021-03-01",
              adjustments: [(25_000_000, "integreringspakke II")]),
        .init(scheme: "JS", year: 2022, frame: 150_000_000, opens: "2022-01-03", closes: "2022-03-01",
              adjustments: [(-5_000_000, "revidert nasjonalbudsjett 2022")]),
        .init(scheme: "FRIVILLIG", year: 2020, frame: 15_000_000, opens: "2020-01-06", closes: "2020-02-14"),
        .init(scheme: "FRIVILLIG", year: 2021, frame: 20_000_000, opens: "2021-01-04", closes: "2021-02-15"),
        .init(scheme: "FRIVILLIG", year: 2022, frame: 20_000_000, opens: "2022-01-03", closes: "2022-02-15"),
        .init(scheme: "MANGFALD", year: 2021, frame: 8_000_000, opens: "2021-02-01", closes: "2021-03-15"),
        .init(scheme: "MANGFALD", year: 2022, frame: 8_000_000, opens: "2022-02-01", closes: "2022-03-15"),
        // The Storting decides recipients and amounts, so the frame is what it granted.
        .init(scheme: "RESSURS", year: 2020, frame: 11_100_000, opens: "2020-01-02", closes: "2020-01-31"),
        .init(scheme: "RESSURS", year: 2021, frame: 11_700_000, opens: "2021-01-04", closes: "2021-01-29"),
        .init(scheme: "RESSURS", year: 2022, frame: 12_100_000, opens: "2022-01-03", closes: "2022-01-31"),
    ]
}
