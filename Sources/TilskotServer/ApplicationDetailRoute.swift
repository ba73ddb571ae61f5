import Foundation
import HTTPTypes
import Hummingbird
import TilskotStore

extension TilskotAPI {
    /// GET /applications/{reference} (operationId showApplication, tagged `served-directly` in
    /// openapi.yaml): the case as `application show --format json` writes it, with its ETag. Served
    /// beside the generated routes because the generator would decode the service's JSON into
    /// ApplicationDetail (an open object: every member through a value container) and encode it
    /// again — most of this read's cost in the server (docs/performance.md). Here the bytes the
    /// service wrote are the bytes sent; schemathesis still checks them against the document.
    static func registerApplicationDetailRoute<Context: RequestContext>(on router: Router<Context>, pool: DatabasePool) {
        router.get("/applications/{reference}") { request, context -> Response in
            let text = context.parameters.get("reference") ?? ""
            let reference = try caseReference(text)
            let version = try await TilskotAPI(pool: pool).read("GET /applications/{reference}") { session in
                try caseVersion(reference, session: session)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.eTag] = version.etag
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: version.detail)))
        }
    }
}
