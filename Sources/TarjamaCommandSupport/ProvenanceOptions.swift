import ArgumentParser
import Foundation
import TarjamaMemory

/// `--origin`, `--author`, `--since`: which units a command may use, by provenance.
public struct ProvenanceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only units from this origin (a file, an article, serve:KEYNAME); a trailing * matches a prefix. Repeat for several.",
                               valueName: "origin"))
    public var origin: [String] = []
    @Option(help: ArgumentHelp("Only units written or last corrected by this person. Repeat for several.", valueName: "name"))
    public var author: [String] = []
    @Option(help: ArgumentHelp("Only units changed on or after this date (YYYY-MM-DD, UTC).", valueName: "date"))
    public var since: String?
    @Option(help: ArgumentHelp("Only units translated into this language: en for all English, en-GB for British only.", valueName: "code"))
    public var targetVariant: String?

    public init() {}

    public func filter() throws -> UnitFilter {
        var date: Date?
        if let since {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = "yyyy-MM-dd"
            guard let d = f.date(from: since) else { throw UserError("--since takes a date as YYYY-MM-DD, for example 2026-11-30; got '\(since)'") }
            date = d
        }
        return UnitFilter(origins: origin, authors: author, since: date, targetLanguage: targetVariant)
    }
}

/// `--penalty PATTERN=POINTS`: points off matches from an origin.
public struct PenaltyOptions: ParsableArguments {
    @Option(name: .customLong("penalty"),
            help: ArgumentHelp("Take POINTS off matches whose origin fits PATTERN (a trailing * matches a prefix), e.g. --penalty 'tico19.tmx=5' ranks a bulk import below the desk's own work. Repeat for several; the first that fits counts.",
                               valueName: "pattern=points"))
    public var penalties: [String] = []

    public init() {}

    public func rules() throws -> [(pattern: String, points: Int)] {
        try penalties.map { rule in
            guard let eq = rule.lastIndex(of: "="), let points = Int(rule[rule.index(after: eq)...]), (0...100).contains(points),
                  eq > rule.startIndex else {
                throw UserError("--penalty takes PATTERN=POINTS with POINTS 0-100, for example 'tico19.tmx=5'; got '\(rule)'")
            }
            return (String(rule[..<eq]), points)
        }
    }
}
