import Crypto
import Foundation
import HTTPTypes
import OpenAPIRuntime
import PGClient
import TilskotCore
import TilskotReports
import TilskotStore

/// POST /applications/import (`tilskot application import`): the CLI's import file as a text/csv
/// body, fed to the same service (ApplicationImport.run(upload:)) as it arrives. The request body
/// is not collected by RequestMiddleware (streamsRequestBody): the OpenAPI runtime's HTTPBody
/// yields the chunks as the client sends them, BodyFeed hands them to the import on the pool
/// connection's thread, and at most `BodyFeed.capacity` chunks wait in between — the upload is
/// never held in memory, once or twice.
///
/// The Idempotency-Key's fingerprint (SHA-256 of method, path and body, as TilskotAPI.create's) is
/// known only once the body has passed, so the key is looked at twice: first with an empty
/// fingerprint, which no request has — no stored response means the key is free (and its lock is
/// this request's), and the import runs; one stored means the body is only read through for its
/// fingerprint, and tilskot.idempotency_begin then returns the stored response (the same upload)
/// or refuses the key (another upload, 23T71 → 422) — a replay registers nothing again.
extension TilskotAPI {
    /// The one route whose body streams to its handler.
    static func streamsRequestBody(method: HTTPRequest.Method, path: String) -> Bool {
        method == .post && path == "/applications/import"
    }

    func importApplications(_ input: Operations.ImportApplications.Input) async throws -> Operations.ImportApplications.Output {
        guard case .csv(let body) = input.body else { throw Problem(.unsupportedMediaType, "send the import file as text/csv") }
        let info = try Self.info
        guard let identity = info.identity else { throw Problem.unauthorized("a bearer token is required") }
        guard let key = input.headers.idempotencyKey, !key.isEmpty else {
            throw Problem(.preconditionRequired, "request refused: a POST that creates something needs an Idempotency-Key header (a new random value per request, e.g. a UUID); send the same key again to repeat the request safely")
        }
        let q = input.query
        // Input form only, as the CLI's options: round= as --round, delimiter= as --delimiter.
        let round = try q.round.map { text in try Self.parse { () throws(ValidationError) in try RoundKey(text) } }
        var delimiter: UnicodeScalar?
        if let text = q.delimiter {
            guard text.unicodeScalars.count == 1 else {
                throw Problem(.unprocessableContent, "delimiter takes one character, e.g. delimiter=; (percent-encoded: %3B)")
            }
            delimiter = text.unicodeScalars.first
        }
        let name = Self.uploadName(q.fileName)
        let options = ApplicationImport.Options(round: round, dryRun: q.dryRun ?? false, delimiter: delimiter)
        let material = Data((info.method + " " + info.path + "\n").utf8)

        let feed = BodyFeed()
        // The body is read on a thread of its own (BodyFeed.executor), not the cooperative pool: the
        // import waits for it on a pool connection, and a cooperative pool kept busy by blocking work
        // (two cores: two threads) would otherwise leave it waiting with its COPY open.
        let producer = Task(executorPreference: BodyFeed.executor) { await feed.feed(body) }
        defer {
            feed.close()
            producer.cancel()
        }
        let data: Data
        do {
            data = try await pool.request(.init(identity: identity, readOnly: false,
                                                applicationName: "tilskot serve POST /applications/import")) { session in
                let c = session.connection
                var hasher = SHA256()
                hasher.update(data: material)
                let upload = ImportUpload(name: name) {
                    guard let chunk = try feed.next() else { return nil }
                    hasher.update(data: chunk)
                    return chunk
                }
                let stored: Bool
                do {
                    try c.transaction {  // a savepoint: a refusal undoes only this look
                        _ = try c.queryRow("SELECT status FROM tilskot.idempotency_begin($1, '')", [key])
                    }
                    stored = false
                } catch let error as PGError where error.sqlState == "23T71" && error.detail == "reused" {
                    stored = true
                }
                if stored {
                    while try feed.next().map({ hasher.update(data: $0) }) != nil {}
                    let fingerprint = Self.hex(hasher.finalize())
                    let row = try c.queryRow("SELECT status, response FROM tilskot.idempotency_begin($1, $2)", [key, fingerprint])
                    guard let response = row?["response"] else {
                        throw Problem(.internalServerError, "the stored response of this Idempotency-Key is gone")
                    }
                    return Data(response.utf8)
                }
                let outcome = try ApplicationImport.run(upload: upload, options: options, session: session)
                let text = ImportSummary.table(outcome).renderJSONObject()
                // Stored with the import, sent together with its COMMIT (one round trip), as TilskotAPI.storing does.
                c.sendWithCommit("SELECT tilskot.idempotency_finish($1, $2, 201, $3)", [key, Self.hex(hasher.finalize()), text])
                return Data(text.utf8)
            }
        } catch let failure as DatabasePool.RequestFailure {
            // An import's refusal names the rows that are wrong ("line 3: orgnr: … is not
            // registered; …"): a 422 whatever its words, never a lookup's 404.
            var problem = Problem.from(failure.error, database: failure.database)
            if problem.status == .notFound { problem.status = .unprocessableContent }
            throw problem
        }
        return .created(.init(body: .json(try Self.decode(Components.Schemas.ImportSummary.self, data))))
    }

    /// file_name= as the sentences give it: its last path component, printable, at most 200 characters.
    static func uploadName(_ given: String?) -> String {
        let last = (given ?? "").split(separator: "/").last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { !$0.properties.isWhitespace || $0 == " " }
            .filter { $0.properties.generalCategory != .control }.prefix(200).map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "upload.csv" : clean
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

/// The request body between the event loop and the import's thread: the handler's task puts the
/// chunks as they arrive (waiting while `capacity` chunks are not yet taken), the import takes
/// them on the pool connection's thread (blocking until one arrives). `close` ends both sides.
final class BodyFeed: @unchecked Sendable {
    static let capacity = 4
    static let executor = QueueExecutor(label: "tilskot.import.body")
    private let condition = NSCondition()
    private var chunks: [ArraySlice<UInt8>] = []
    private var finished = false
    private var closed = false
    private var failure: (any Error)?
    private var waitingProducer: CheckedContinuation<Void, Never>?

    /// Reads `body` to its end into the feed (on the handler's side).
    func feed(_ body: HTTPBody) async {
        do {
            for try await chunk in body {
                guard await put(chunk) else { return }
            }
            end(nil)
        } catch {
            end(error)
        }
    }

    private func put(_ chunk: ArraySlice<UInt8>) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if closed {
                condition.unlock()
                continuation.resume()
                return
            }
            chunks.append(chunk)
            condition.signal()
            if chunks.count >= Self.capacity {
                waitingProducer = continuation
                condition.unlock()
            } else {
                condition.unlock()
                continuation.resume()
            }
        }
        return !isClosed()
    }

    private func isClosed() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    private func end(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk (on the import's side), blocking until it arrives; nil at the end.
    func next() throws -> [UInt8]? {
        condition.lock()
        while chunks.isEmpty && !finished && !closed { condition.wait() }
        if !chunks.isEmpty {
            let chunk = chunks.removeFirst()
            let producer = waitingProducer
            waitingProducer = nil
            condition.unlock()
            producer?.resume()
            return Array(chunk)
        }
        let failure = self.failure
        let closed = self.closed
        condition.unlock()
        if let failure { throw failure }
        if closed { throw CancellationError() }
        return nil
    }

    /// Ends the feed: a producer waiting for room stops, a taker gets nothing more.
    func close() {
        condition.lock()
        closed = true
        let producer = waitingProducer
        waitingProducer = nil
        condition.broadcast()
        condition.unlock()
        producer?.resume()
    }
}

/// Runs the tasks that prefer it on one serial dispatch queue (BodyFeed's reader).
final class QueueExecutor: TaskExecutor, @unchecked Sendable {
    let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
