import Foundation
import Logging
import Testing
@testable import TilskotServer

@Suite("the server's JSON log lines")
struct JSONLogHandlerTests {
    @Test("a line is one JSON object: quotes, backslashes, control characters and non-ASCII text come back as given; keys sorted")
    func escaping() throws {
        let hostile = "a \"quoted\" \\ path\nnew line\ttab\r\u{01}\u{1F} æøå – 🙂 </script>"
        var line = ""
        JSONLogHandler.write(.dictionary([
            "message": .string(hostile), "b": .array([.string("1"), .stringConvertible(2)]),
            "a": .dictionary(["inner": .string("x\"y")]),
        ]), to: &line)
        #expect(!line.contains("\n") && !line.contains("\u{01}"))
        #expect(line.hasPrefix("{\"a\":{\"inner\":\"x\\\"y\"},\"b\":[\"1\",\"2\"],\"message\":"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == hostile)
        #expect(object["b"] as? [String] == ["1", "2"])
        #expect((object["a"] as? [String: String])?["inner"] == "x\"y")
    }

    @Test("a line: the event's metadata wins over the handler's; time, level, message and label win over both")
    func standardFieldsWin() throws {
        var handler = JSONLogHandler(label: "tilskot.serve")
        handler[metadataKey: "request_id"] = .string("from-handler")
        handler[metadataKey: "level"] = .string("forged")
        let event = LogEvent(level: .warning, message: "request", metadata: [
            "request_id": .string("from-event"), "message": .string("forged"), "time": .string("1970"),
            "label": .string("forged"), "path": .string("/applications"),
        ], source: nil, file: #fileID, function: #function, line: #line)
        let line = handler.line(for: event, at: "2026-12-05T18:44:20Z")
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == ["request_id": "from-event", "level": "warning", "message": "request", "time": "2026-12-05T18:44:20Z",
                           "label": "tilskot.serve", "path": "/applications"])
    }

    @Test("the time is UTC to the second, as ISO 8601")
    func time() throws {
        let text = JSONLogHandler.now()
        let parsed = try #require(try? Date(text, strategy: .iso8601), "\(text)")
        #expect(abs(parsed.timeIntervalSinceNow) < 5)
        #expect(text.count == 20 && text.hasSuffix("Z"))
    }
}
