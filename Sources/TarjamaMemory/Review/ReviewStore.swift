import Foundation

/// A saved alignment review as listed: which, how far, when last changed.
public struct ReviewSummary: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var revision: Int64
    public var updatedAt: Date

    public init(id: String, name: String, revision: Int64, updatedAt: Date) {
        self.id = id; self.name = name; self.revision = revision; self.updatedAt = updatedAt
    }
}

/// A review's saved state and the revision it was saved as.
public struct SavedReview: Sendable {
    public var name: String
    public var state: Data
    public var revision: Int64

    public init(name: String, state: Data, revision: Int64) {
        self.name = name; self.state = state; self.revision = revision
    }
}

/// Alignment reviews in progress, kept in the memory itself: a review can stop and go on later,
/// from any server of the desk (several servers may share one PostgreSQL memory).
public protocol ReviewStore: Sendable {
    /// Saves a review's state under `id`. `revision` is the revision the caller read (nil for a
    /// new review); when someone saved in between, nothing is written and `ReviewConflict` is
    /// thrown, so two reviewers never overwrite each other's work. Returns the new revision.
    func saveReview(id: String, name: String, state: Data, revision: Int64?) throws -> Int64
    func review(id: String) throws -> SavedReview?
    /// Every saved review, the most recently changed first.
    func reviews() throws -> [ReviewSummary]
    @discardableResult
    func deleteReview(id: String) throws -> Bool
}

/// A review saved by someone else since it was read.
public struct ReviewConflict: Error, CustomStringConvertible {
    public let id: String
    public init(id: String) { self.id = id }
    public var description: String { "review \(id) was changed by someone else since it was opened; reload it and apply the change again" }
}
