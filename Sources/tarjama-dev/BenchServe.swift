import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TarjamaCommandSupport

/// `tarjama-dev bench serve`: a real `tarjama serve` process under load from this one, on
/// loopback. Lookups (amaGama/tmserver route, real sentences edited) from `connections` keep-alive
/// clients for `seconds`, first alone, then while a `tarjama import` adds units to the same
/// memory; then `writers` clients add `perWriter` units each at once through /v1/units, and the
/// memory must hold every one. Bars (#21): no errors, ≥ 100 requests/s and p99 ≤ 250 ms with 16
/// clients on a 30k-unit memory; nothing lost.
struct ServeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Load a running tarjama serve: lookups from 16 clients (alone, then beside an import), then 8 writers at once.",
        discussion: """
        Builds (once) a synthetic memory of --units units from the real pairs, starts `tarjama serve` \
        on it, and drives it from this process over loopback. Example:
          swift build -c release --product tarjama && swift build -c release --product tarjama-dev
          .build/release/tarjama-dev bench serve --units 30000
        """)

    @Option(help: "Real pairs the memory and the queries come from.") var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "Units in the memory.") var units = 30_000
    @Option(help: "Lookup clients at once.") var connections = 16
    @Option(help: "Seconds of lookups in each phase.") var seconds = 10.0
    @Option(help: "Units the import beside the second phase adds.") var importUnits = 50_000
    @Option(help: "Writing clients at once.") var writers = 8
    @Option(help: "Units each writer adds.") var perWriter = 50
    @Option(help: "Our CLI (default: `tarjama` beside this executable).") var tarjama: String?

    func validate() throws {
        guard (1...256).contains(connections), (1...64).contains(writers), seconds > 0, units > 0 else {
            throw ValidationError("connections 1-256, writers 1-64, seconds and units above 0")
        }
    }

    func run() throws {
        let binary = tarjama ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tarjama").path
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw UserError("no tarjama binary at \(binary): build it (--product tarjama) or pass --tarjama") }
        try FileManager.default.createDirectory(atPath: ".build/bench", withIntermediateDirectories: true)
        let corpus = ".build/bench/corpus-\(units).tsv"
        try SyntheticCorpus.tsv(count: units, pairs: pairs, to: corpus)
        let memory = ".build/bench/serve-\(units).tmdb"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: memory + suffix) }
        try Self.tarjama(binary, ["import", "--create", corpus, "--memory", memory])
        let key = try Self.tarjama(binary, ["key", "create", "--role", "write", "--name", "bench", "--memory", memory])
            .split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        // The import beside phase 2: units after the memory's own, so every one is new.
        let extra = ".build/bench/serve-extra-\(units)-\(importUnits).tsv"
        if !FileManager.default.fileExists(atPath: extra) {
            let real = try SyntheticCorpus.pairs(from: pairs)
            let sink = try OutputSink(path: extra)
            for k in units..<(units + importUnits) {
                let (s, t) = SyntheticCorpus.unit(k + real.count, real)
                try sink.write(s + "\t" + t + "\n")
            }
            try sink.finish()
        }
        let port = try Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve", "--memory", memory, "--port", String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        try Self.waitForServer(port)
        let queries = try LookupQueries.make(count: 2_000, pairs: pairs).map { q in
            let path = "/tmserver/ar/en/unit/" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "?max_candidates=3"
            return Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        }
        print("tarjama serve on \(units) units, \(connections) clients, \(Int(seconds)) s a phase (\(ProcessInfo.processInfo.activeProcessorCount) cores)")

        let alone = try Self.load(port: port, connections: connections, seconds: seconds, requests: queries)
        print(alone.line("lookups"))

        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: binary)
        importer.arguments = ["import", extra, "--memory", memory]
        importer.standardOutput = FileHandle.nullDevice
        try importer.run()
        let busy = try Self.load(port: port, connections: connections, seconds: seconds, requests: queries)
        importer.waitUntilExit()
        print(busy.line("lookups, import running"))

        let before = try Self.unitCount(port)
        let start = DispatchTime.now().uptimeNanoseconds
        let written = try Self.write(port: port, key: key, writers: writers, perWriter: perWriter)
        let writeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let after = try Self.unitCount(port)
        let lost = writers * perWriter - (after - before)
        print(String(format: "writes: %d clients × %d units in %.2f s, %d answered 200, memory +%d units, lost %d",
                     writers, perWriter, writeSeconds, written, after - before, lost))
        let met = alone.errors == 0 && busy.errors == 0 && alone.perSecond >= 100 && alone.p99 <= 250 && lost == 0 && importer.terminationStatus == 0
        print(met ? "bars met (no errors, ≥ 100 requests/s, p99 ≤ 250 ms, nothing lost)" : "bars NOT met")
        if !met { throw ExitCode(1) }
    }

    // MARK: Load

    struct Result {
        var requests = 0, errors = 0
        var seconds = 0.0
        var latencies: [Double] = []
        var perSecond: Double { Double(requests) / seconds }
        var p50: Double { latencies.isEmpty ? 0 : latencies[latencies.count / 2] }
        var p99: Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, latencies.count * 99 / 100)] }
        func line(_ what: String) -> String {
            String(format: "%@: %.0f requests/s, p50 %.1f ms, p99 %.1f ms, %d errors (%d requests)", what, perSecond, p50, p99, errors, requests)
        }
    }

    /// `connections` threads, each a keep-alive connection sending `requests` round-robin until
    /// `seconds` pass.
    static func load(port: UInt16, connections: Int, seconds: Double, requests: [[UInt8]]) throws -> Result {
        let results = Mutex([Result](repeating: Result(), count: connections))
        let group = DispatchGroup()
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        for c in 0..<connections {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var mine = Result()
                var connection = try? HTTPConnection(port: port)
                var k = c * 97
                while DispatchTime.now().uptimeNanoseconds < end {
                    let start = DispatchTime.now().uptimeNanoseconds
                    do {
                        if connection == nil { connection = try HTTPConnection(port: port) }
                        let status = try connection!.send(requests[k % requests.count]).status
                        if status != 200 { mine.errors += 1 }
                    } catch {
                        mine.errors += 1
                        connection = nil
                    }
                    mine.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                    mine.requests += 1
                    k += 1
                }
                results.withLock { $0[c] = mine }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        var total = Result()
        total.seconds = seconds
        for r in results.withLock({ $0 }) {
            total.requests += r.requests; total.errors += r.errors; total.latencies += r.latencies
        }
        total.latencies.sort()
        return total
    }

    /// `writers` threads adding `perWriter` distinct units each through POST /v1/units; the
    /// number answered 200.
    static func write(port: UInt16, key: String, writers: Int, perWriter: Int) throws -> Int {
        let ok = Mutex(0)
        let group = DispatchGroup()
        for w in 0..<writers {
            group.enter()
            Thread {
                defer { group.leave() }
                guard let connection = try? HTTPConnection(port: port) else { return }
                for i in 0..<perWriter {
                    let unit = "{\"source\": \"كتب المحرر \(w) الجملة رقم \(i) في المكتب.\", \"target\": \"Editor \(w) wrote sentence number \(i) at the desk.\"}"
                    let body = Array(unit.utf8)
                    let request = Array("POST /v1/units HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
                    if (try? connection.send(request).status) == 200 { ok.withLock { $0 += 1 } }
                }
            }.start()
        }
        group.wait()
        return ok.withLock { $0 }
    }

    static func unitCount(_ port: UInt16) throws -> Int {
        let answer = try HTTPConnection(port: port).send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        guard let units = json?["units"] as? Int else { throw UserError("/healthz did not say how many units the memory holds") }
        return units
    }

    // MARK: Processes and sockets

    @discardableResult
    static func tarjama(_ binary: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw UserError("tarjama \(arguments.joined(separator: " ")) failed") }
        return text
    }

    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) } }
        return UInt16(bigEndian: address.sin_port)
    }

    static func waitForServer(_ port: UInt16) throws {
        for _ in 0..<300 {
            if (try? unitCount(port)) != nil { return }
            usleep(50_000)
        }
        throw UserError("tarjama serve did not answer on port \(port) within 15 s")
    }
}

/// One keep-alive HTTP/1.1 connection on loopback: a request's bytes out, its status and body
/// (Content-Length or chunked) back. Enough for the server's own answers, no more.
final class HTTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw UserError("cannot connect to 127.0.0.1:\(port)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ request: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw UserError("the server closed the connection") }
            sent += n
        }
        let headerEnd = try readUntil([13, 10, 13, 10])
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self)
        buffer.removeFirst(headerEnd + 4)
        let lines = head.split(separator: "\r\n")
        guard let first = lines.first, let status = Int(first.split(separator: " ").dropFirst().first ?? "") else {
            throw UserError("not an HTTP answer")
        }
        var length: Int?, chunked = false
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.count == 2 else { continue }
            if parts[0] == "content-length" { length = Int(parts[1]) }
            if parts[0] == "transfer-encoding" && parts[1].contains("chunked") { chunked = true }
        }
        var body: [UInt8] = []
        if chunked {
            while true {
                let end = try readUntil([13, 10])
                let size = Int(String(decoding: buffer[..<end], as: UTF8.self), radix: 16) ?? 0
                buffer.removeFirst(end + 2)
                try fill(size + 2)
                body += buffer[..<size]
                buffer.removeFirst(size + 2)
                if size == 0 { break }
            }
        } else {
            let n = length ?? 0
            try fill(n)
            body = Array(buffer[..<n])
            buffer.removeFirst(n)
        }
        return (status, body)
    }

    private func fill(_ count: Int) throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while buffer.count < count {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw UserError("the server closed the connection") }
            buffer += chunk[..<n]
        }
    }

    private func readUntil(_ pattern: [UInt8]) throws -> Int {
        var from = 0
        while true {
            if buffer.count >= pattern.count {
                for k in from...(buffer.count - pattern.count) where buffer[k..<(k + pattern.count)].elementsEqual(pattern) { return k }
                from = buffer.count - pattern.count + 1
            }
            try fill(buffer.count + 1)
        }
    }
}
