import Foundation
import Testing

/// The served pages in a real browser: Tests/Browser/pages_test.py drives Debian's chromium
/// through Playwright (search, an alignment review with the keyboard, storing with a key, the
/// units page, the pre-translation report) and checks the memory through the tarjama binary.
/// scripts/test.sh provides the Python with Playwright (TARJAMA_BROWSER_PYTHON) and requires
/// the test to run (TARJAMA_REQUIRE_BROWSER); elsewhere it runs when both are at hand.
@Suite("Pages in a browser")
struct BrowserTests {
    static let python = ProcessInfo.processInfo.environment["TARJAMA_BROWSER_PYTHON"] ?? ""
    static let required = ProcessInfo.processInfo.environment["TARJAMA_REQUIRE_BROWSER"] == "1"
    static let available = FileManager.default.isExecutableFile(atPath: python)
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")

    @Test func browserIsPresentWhenRequired() {
        #expect(!Self.required || Self.available, "scripts/test.sh asked for the browser test, but \(Self.python) or /usr/bin/chromium is missing")
    }

    @Test(.enabled(if: available, "no chromium or Playwright (scripts/test.sh sets them up)"), .timeLimit(.minutes(5)))
    func browserPagesWork() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = [CLI.packageRoot.appendingPathComponent("Tests/Browser/pages_test.py").path, CLI.binary,
                       CLI.packageRoot.path, CLI.packageRoot.appendingPathComponent(".build/screenshots").path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("checks passed"), "\(text)")
    }
}
