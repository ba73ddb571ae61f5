import Foundation
import Testing
import TilskotStore
@testable import TilskotReports

/// Issue 18, item 7: how fresh a standby is, and what a report read there says. The live standby
/// (pause, write, refusal, fallback) is Scripts/test-replica's (ReplicaCLITests).
@Suite("replica freshness: current, behind, and the basis to the second")
struct ReplicaFreshnessTests {
    static let replayed = Date(timeIntervalSince1970: 1_764_925_262)   // 2025-12-05 09:01:02 UTC

    func standby(age: Double?, all: Bool, streaming: Bool = true, paused: Bool = false) -> ReplicaFreshness {
        ReplicaFreshness(inRecovery: true, replayedTo: age == nil ? nil : Self.replayed, replayAgeSeconds: age,
                         replayedAllReceived: all, streaming: streaming, replayPaused: paused)
    }

    @Test("an idle primary's standby that replayed all it received while streaming is current, however old its last transaction")
    func idlePrimary() {
        let f = standby(age: 3600, all: true)
        #expect(f.isCurrent)
        #expect(f.lagSeconds == 0)
        #expect(f.isWithin(1))
        // The same age with WAL waiting for replay is an hour behind; without a WAL receiver too.
        #expect(standby(age: 3600, all: false).lagSeconds == 3600)
        #expect(!standby(age: 3600, all: false).isWithin(60))
        #expect(!standby(age: 3600, all: true, streaming: false).isWithin(60))
        // Nothing replayed yet: the lag is unknown, and no limit accepts it.
        #expect(standby(age: nil, all: false).lagSeconds == nil)
        #expect(!standby(age: nil, all: false).isWithin(1_000_000))
        // A primary is always current.
        let primary = ReplicaFreshness(inRecovery: false, replayedTo: nil, replayAgeSeconds: nil, replayedAllReceived: false,
                                       streaming: false, replayPaused: false)
        #expect(primary.isWithin(0))
    }

    @Test("the basis says to the second whether the standby had replayed everything, or how far behind it was and why")
    func basisNote() {
        var basis = ReportBasis(readAt: Self.replayed.addingTimeInterval(14), lastChange: Self.replayed, rounds: ["JS/2021"])
        basis.fromStandby = true
        basis.standbyReplayedTo = Self.replayed
        basis.standbyFreshness = standby(age: 14, all: true)
        #expect(basis.footnote.hasPrefix("Basis: data as of 2025-12-05 10:01:16 +01:00 (last change 2025-12-05 10:01:02 +01:00); rounds JS/2021."),
                "\(basis.footnote)")
        #expect(basis.standbyNote.hasPrefix("Read on a replica (standby server) that had replayed everything it received from the primary (streaming; last transaction replayed 2025-12-05 10:01:02 +01:00)"),
                "\(basis.standbyNote)")
        basis.standbyFreshness = standby(age: 14.4, all: false, paused: true)
        #expect(basis.standbyNote == "Read on a replica (standby server) that was behind the primary by up to 14 s (replay is paused; last transaction replayed 2025-12-05 10:01:02 +01:00): changes made on the primary since then are not in it.",
                "\(basis.standbyNote)")
        #expect(basis.footnote.contains(basis.standbyNote))
        basis.standbyFreshness = standby(age: 75, all: true, streaming: false)
        #expect(basis.standbyNote.contains("behind the primary by up to 75 s (not streaming from the primary;"), "\(basis.standbyNote)")
    }
}
