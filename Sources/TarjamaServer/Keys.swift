import Crypto
import Foundation
import Hummingbird
import TarjamaMemory

/// Keys for a served memory: 32 random bytes written as `tj_` and 64 hex digits, kept in the
/// memory only as their SHA-256 digest (a leaked memory file gives no usable key).
public enum AccessKeys {
    /// A new key and the record the memory keeps of it.
    public static func create(role: AccessRole, name: String, in store: any KeyStore) throws -> (key: String, record: AccessKey) {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for k in bytes.indices { bytes[k] = UInt8.random(in: 0...255, using: &generator) }
        let key = "tj_" + bytes.map { String(format: "%02x", $0) }.joined()
        let record = try store.addKey(digest: digest(key), prefix: String(key.prefix(9)), name: name, role: role)
        return (key, record)
    }

    public static func digest(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension DeskServer {
    /// The key a request carries (`Authorization: Bearer KEY`, `key=` as MyMemory clients send
    /// it, or a page form's key field), checked against the memory: 401 when a key is needed and none is given, 403
    /// when it is unknown, revoked or its role is below `role`.
    func authorize(_ request: Request, query: StrictQuery, formKey: String? = nil, for role: AccessRole) async throws -> AccessKey? {
        var given: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            given = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        } else if let key = query["key"], !key.isEmpty {
            given = key
        } else if let key = formKey?.trimmingCharacters(in: .whitespaces), !key.isEmpty {
            given = key   // a page's form: the key field
        }
        guard let given else {
            if role == .read && !isPrivate { return nil }
            throw ClientError(.unauthorized, role == .read ? "this server is private: send a read key (Authorization: Bearer KEY)"
                                                             : "writing needs a write key: send Authorization: Bearer KEY (tarjama key create --role write)")
        }
        let digest = AccessKeys.digest(given)
        guard let key = try await offload({ [store] in try store.key(digest: digest) }) else {
            throw ClientError(.forbidden, "this key is not known to the memory, or was revoked")
        }
        guard key.role >= role else {
            throw ClientError(.forbidden, "key '\(key.name)' may \(key.role.rawValue), not \(role.rawValue)")
        }
        return key
    }

    /// Adds one pair through the server, in the name of the key that wrote it.
    func write(source: String, target: String, sourceLanguage: String, targetLanguage: String, by key: AccessKey) async throws -> AddSummary {
        let draft = UnitDraft(source: source, target: target, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                              origin: "serve:\(key.name)", createdBy: key.name)
        let summary = try await offload { [store] in try store.add([draft], user: key.name) }
        metrics.writes.increment(by: Int64(summary.added))
        return summary
    }
}
