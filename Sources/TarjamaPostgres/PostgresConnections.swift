import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import TarjamaMemory

/// Where a PostgreSQL memory lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (`postgresql://` too), as libpq and most tools write it.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    /// Whether `text` names a PostgreSQL memory rather than a file.
    public static func isAddress(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws {
        guard Self.isAddress(text), let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw MemoryError.failed(text, "not a PostgreSQL address; write it as postgres://USER@HOST:PORT/DATABASE")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw MemoryError.failed(text, "the address names no database; add it after the port, e.g. postgres://tarjama@localhost:5432/newsroom")
        }
        self.user = url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        self.password = url.password
        self.host = host
        self.port = url.port ?? 5432
        self.database = database
    }

    /// The address without its password, for messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }
}

/// A small pool of connections with a blocking face, for the synchronous store protocols.
///
/// postgres-nio is asynchronous; the store protocols are called from threads of their own
/// (the CLI, import pipelines, pre-translation workers, and the matcher's async entry point,
/// which runs them off the cooperative pool), so each call here runs its async work in a task
/// and waits on a semaphore. A connection is lent to one call at a time.
final class PostgresConnections: Sendable {
    let address: PostgresAddress
    private let group: MultiThreadedEventLoopGroup
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Mutex(0)
    static let logger = Logger(label: "tarjama.postgres")

    init(_ address: PostgresAddress) {
        self.address = address
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    deinit {
        for connection in idle.withLock({ $0 }) { try? connection.close().wait() }
        try? group.syncShutdownGracefully()
    }

    /// A connection of the pool, or a new one.
    func checkout() throws -> PostgresConnection {
        if let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextID.withLock { n in n += 1; return n }
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: address.configuration, id: id,
                                                  logger: Self.logger).wait()
        } catch {
            throw MemoryError.failed(address.description, Self.explain(error, address))
        }
    }

    func checkin(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        idle.withLock { $0.append(connection) }
    }

    /// Runs `body` on a lent connection and waits for it.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        let connection = try checkout()
        defer { checkin(connection) }
        return try Self.wait { try await body(connection) }
    }

    /// Waits for async work from a synchronous caller. The work runs on `BridgeExecutor`'s
    /// threads, not Swift's cooperative pool: a caller blocked here may itself be on that pool
    /// (a test, a task), and with every pool thread waiting, work queued there would never run.
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        Task(executorPreference: BridgeExecutor.shared) {
            do { outcome.set(.success(try await work())) } catch { outcome.set(.failure(error)) }
        }
        return try outcome.get()
    }

    /// What went wrong, in words a newsroom's admin can act on.
    static func explain(_ error: any Error, _ address: PostgresAddress) -> String {
        let text = String(reflecting: error)
        if text.contains("3D000") || text.contains("does not exist") && text.contains("database") {
            return "database '\(address.database)' does not exist; create it first (createdb -h \(address.host) -p \(address.port) -U \(address.user) \(address.database))"
        }
        if text.contains("28P01") || text.contains("28000") {
            return "the server refused user '\(address.user)'; check the user and password in the address"
        }
        if text.contains("connect") || text.contains("Connection refused") || text.contains("connectTimeout") {
            return "no PostgreSQL server answers at \(address.host):\(address.port); check that it runs and the port"
        }
        return Self.message(error)
    }

    /// A PostgreSQL error's own message (postgres-nio hides it from `description`).
    static func message(_ error: any Error) -> String {
        if let e = error as? PSQLError, let server = e.serverInfo, let message = server[.message] {
            return message + (server[.detail].map { " (\($0))" } ?? "")
        }
        return String(reflecting: error)
    }
}

/// One async result handed to a waiting thread.
private final class Outcome<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func set(_ r: Result<T, any Error>) {
        result.withLock { $0 = r }
        done.signal()
    }

    func get() throws -> T {
        done.wait()
        return try result.withLock { $0! }.get()
    }
}

/// Runs the bridge's tasks on Dispatch's threads (a concurrent queue: a task never runs beside
/// itself, different tasks may run at once).
final class BridgeExecutor: TaskExecutor {
    static let shared = BridgeExecutor()
    private let queue = DispatchQueue(label: "tarjama.postgres.bridge", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
