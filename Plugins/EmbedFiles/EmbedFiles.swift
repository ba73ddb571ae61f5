import Foundation
import PackagePlugin

/// Embeds the files `tilskot serve` sends — its openapi.yaml, the web pages' templates (Web/templates)
/// and static files (Web/static) — into the server target as Swift source, so an installed binary
/// serves them without the source tree or a resource bundle beside it. A file added to Web/ needs
/// `touch Package.swift` before the next build (the plugin lists its inputs when the build is planned).
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        var inputs: [(name: String, url: URL)] = [("openapi.yaml", target.directoryURL.appending(path: "openapi.yaml"))]
        for folder in ["Web/templates", "Web/static"] {
            let dir = root.appending(path: folder)
            guard let walker = FileManager.default.enumerator(atPath: dir.path()) else { continue }
            for case let relative as String in walker {
                let url = dir.appending(path: relative)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path(), isDirectory: &isDirectory), !isDirectory.boolValue,
                      !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
                // "templates/layout.mustache", "static/tilskot.css": the name the server asks for.
                inputs.append((String(folder.dropFirst("Web/".count)) + "/" + relative, url))
            }
        }
        inputs.sort { $0.name < $1.name }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) files the server sends",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path()] + inputs.flatMap { [$0.name, $0.url.path()] },
                inputFiles: inputs.map(\.url),
                outputFiles: [output]
            ),
        ]
    }
}
