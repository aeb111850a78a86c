import Foundation
import TarjamaMemory

/// The stores the store-neutral tests run on. SQLite is opened by the test target itself (this
/// target knows only the protocols), through `StoreKind.makeSQLite`.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, dictionary

    public var description: String { rawValue }

    /// A new, empty store of this kind, in `folder` when it keeps files.
    public func make(in folder: URL, sqlite: (String) throws -> any MemoryStore) throws -> any MemoryStore {
        switch self {
        case .sqlite: return try sqlite(folder.appendingPathComponent("m.tmdb").path)
        case .dictionary: return DictionaryStore()
        }
    }
}
