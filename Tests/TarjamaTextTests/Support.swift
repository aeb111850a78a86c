import Foundation

/// The package root, found from this file so tests run from any directory.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `../shared/data` beside the checkout (or `TARJAMA_SHARED_DATA`), when present.
let sharedData: URL? = {
    let env = ProcessInfo.processInfo.environment["TARJAMA_SHARED_DATA"].map { URL(fileURLWithPath: $0) }
    let url = env ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
}()
