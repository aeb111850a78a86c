import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMatch
import TarjamaMemory
import TarjamaPostgres
import TarjamaSQLite

/// The PostgreSQL memory measured beside SQLite and beside the trigram search other TM servers
/// use, on the same units in one run.
struct PostgresBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres",
        abstract: "PostgreSQL memory: COPY import units/s, lookup median and p95 beside SQLite and a pg_trgm query.",
        discussion: """
        Imports the synthetic corpus of `tarjama-dev bench import` (.build/bench/corpus-N.tsv) into a new \
        database on the server, then times the same lookups, by turns, on it, on the SQLite memory of \
        the same corpus (.build/bench/memory-N.tmdb), and as Weblate's similarity query \
        (pg_trgm, GIN index, threshold 0.5) on the same rows. Bars: import 30,000 units/s; lookup \
        median 20 ms and at most 3× SQLite's; at least 10× faster than pg_trgm. Example:
          tarjama-dev bench postgres --server postgres://postgres@127.0.0.1:5432/postgres
        """)

    @Option(help: "Address of a database on the server; the benchmark creates its own beside it.") var server: String
    @Option(help: "Units of the bench corpus and memory.") var units = 1_000_000
    @Option(help: "Real pairs the queries come from.") var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "Queries timed on each store.") var queries = 200
    @Option(help: "Queries timed as pg_trgm searches (slow).") var trigramQueries = 30
    @Flag(help: "Reuse the benchmark database if it exists (skip the import).") var reuse = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let corpus = ".build/bench/corpus-\(units).tsv", sqlitePath = ".build/bench/memory-\(units).tmdb"
        guard FileManager.default.fileExists(atPath: corpus), FileManager.default.fileExists(atPath: sqlitePath) else {
            throw UserError("run `tarjama-dev bench import --units \(units) --formats tsv` first: it writes \(corpus) and \(sqlitePath)")
        }
        let name = "tarjama_bench_\(units)"
        var results: [String: Double] = ["units": Double(units)]
        let address: String
        if reuse, let existing = try? PostgresMemory.databaseAddress(server: server, name: name) {
            address = existing
        } else {
            address = try PostgresMemory.recreateDatabase(server: server, name: name)
            let memory = try PostgresMemory(address: address)
            let bar = ProgressBar(total: units, label: "units")
            let cpu = cpuSeconds()
            let report = try memory.importTSV(path: corpus) { bar.update($0) }
            results["import_units_per_s"] = Double(report.added + report.duplicates) / report.seconds
            results["import_seconds"] = report.seconds
            results["import_cpu_seconds"] = cpuSeconds() - cpu
            results["client_peak_rss_mb"] = residentMegabytes()
            if !json {
                print(String(format: "COPY import: %d units in %.1f s = %.0f units/s (bar 30000: %.2f×), client CPU %.1f s, client peak %.0f MB",
                             report.added + report.duplicates, report.seconds, results["import_units_per_s"]!,
                             results["import_units_per_s"]! / 30_000, results["import_cpu_seconds"]!, results["client_peak_rss_mb"]!))
            }
        }
        let postgres = try PostgresMemory(address: address)
        let sqlite = try SQLiteMemory(path: sqlitePath, readOnly: true)
        let qs = try LookupQueries.make(count: queries * 2, pairs: pairs)
        let warm = Array(qs.suffix(queries)), timed = Array(qs.prefix(queries))
        let onPostgres = Matcher(store: postgres), onSQLite = Matcher(store: sqlite)
        for q in warm { _ = try onPostgres.lookup(q); _ = try onSQLite.lookup(q) }
        var pgTimes: [Double] = [], liteTimes: [Double] = []
        var same = 0
        for q in timed {
            let (a, pg) = try time { try onPostgres.lookup(q) }
            let (b, lite) = try time { try onSQLite.lookup(q) }
            pgTimes.append(a); liteTimes.append(b)
            if pg.first?.storedTarget == lite.first?.storedTarget && pg.first?.score == lite.first?.score { same += 1 }
        }
        let trigram = try postgres.trigramSearchMilliseconds(Array(timed.prefix(trigramQueries)))
        results["pg_median_ms"] = median(pgTimes); results["pg_p95_ms"] = percentile(pgTimes, 95)
        results["sqlite_median_ms"] = median(liteTimes); results["sqlite_p95_ms"] = percentile(liteTimes, 95)
        results["trigram_median_ms"] = median(trigram); results["trigram_max_ms"] = trigram.max() ?? 0
        results["same_top_hit"] = Double(same) / Double(timed.count)
        if json {
            print(try JSONLines().line(results))
            return
        }
        print(String(format: "lookup on PostgreSQL  median %.2f ms, p95 %.2f ms (bar 20 ms; %.2f× SQLite's, bar 3×)",
                     results["pg_median_ms"]!, results["pg_p95_ms"]!, results["pg_median_ms"]! / results["sqlite_median_ms"]!))
        print(String(format: "lookup on SQLite      median %.2f ms, p95 %.2f ms", results["sqlite_median_ms"]!, results["sqlite_p95_ms"]!))
        print(String(format: "pg_trgm similarity    median %.1f ms, worst %.1f ms over %d queries → Tarjama on PostgreSQL %.0f× faster (bar 10×)",
                     results["trigram_median_ms"]!, results["trigram_max_ms"]!, trigram.count,
                     results["trigram_median_ms"]! / results["pg_median_ms"]!))
        print(String(format: "same top hit on both stores: %d of %d (%.1f%%)", same, timed.count, 100 * results["same_top_hit"]!))
        let phases = onPostgres.phaseMilliseconds.sorted { $0.value > $1.value }
            .map { String(format: "%@ %.2f", $0.key, $0.value / Double(timed.count + warm.count)) }
        print("  PostgreSQL lookup by phase (ms a query): " + phases.joined(separator: ", "))
    }

    private func time<T>(_ body: () throws -> T) rethrows -> (Double, T) {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, value)
    }

    private func median(_ xs: [Double]) -> Double { percentile(xs, 50) }

    private func percentile(_ xs: [Double], _ p: Int) -> Double {
        guard !xs.isEmpty else { return 0 }
        let sorted = xs.sorted()
        return sorted[min(sorted.count - 1, sorted.count * p / 100)]
    }
}

/// The lookup benchmarks' queries: real sources with a word dropped and a number changed.
enum LookupQueries {
    static func make(count: Int, pairs: String) throws -> [String] {
        let real = try SyntheticCorpus.pairs(from: pairs)
        var rng = SplitMix(seed: 42)
        return (0..<count).map { _ in
            var words = real[Int(rng.next() % UInt64(real.count))].0.split(separator: " ")
            if words.count > 3 { words.remove(at: Int(rng.next() % UInt64(words.count))) }
            if let k = words.firstIndex(where: { $0.allSatisfy(\.isNumber) }) { words[k] = Substring(String(Int(rng.next() % 500))) }
            return words.joined(separator: " ")
        }
    }
}
