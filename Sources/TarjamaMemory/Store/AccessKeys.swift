import Foundation

/// What a key may do on a served memory: read (look up, export), write (add units), admin.
public enum AccessRole: String, Sendable, Codable, CaseIterable, Comparable {
    case read, write, admin

    public static func < (a: AccessRole, b: AccessRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A key as the memory keeps it: never the key itself, only its digest (SHA-256) and its first
/// characters, so it can be recognised in a list and revoked.
public struct AccessKey: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var role: AccessRole
    /// The key's first characters, to tell keys apart (`tj_3f9a…`).
    public var prefix: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: Int64, name: String, role: AccessRole, prefix: String, createdAt: Date, revokedAt: Date? = nil) {
        self.id = id; self.name = name; self.role = role; self.prefix = prefix
        self.createdAt = createdAt; self.revokedAt = revokedAt
    }
}

/// The keys a served memory accepts, kept in the memory itself so every server on it (and on a
/// shared PostgreSQL memory, every machine) honours the same ones.
public protocol KeyStore: Sendable {
    /// Stores a new key by its digest.
    func addKey(digest: String, prefix: String, name: String, role: AccessRole) throws -> AccessKey
    /// Every key, revoked ones too, oldest first.
    func keys() throws -> [AccessKey]
    /// Revokes a key by id; false when there is none or it was revoked already.
    func revokeKey(id: Int64) throws -> Bool
    /// The key with this digest, unless revoked.
    func key(digest: String) throws -> AccessKey?
}
