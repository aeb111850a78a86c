import Foundation
import Testing
@testable import TarjamaText

@Suite("NFKC fast path")
struct NFKCFastPathTests {
    @Test func textSkippingICUIsAlreadyNFKCAndTheRestStillGoesThroughIt() throws {
        let stable = ["قال الرئيس إن الصين شريك، وأكد ٢٥٪ من الصادرات؟", "Putin and Xi; 25% in 2023.", "مؤتمر ئ ؤ ة ى ٫ ٬",
                      "\u{062C}\u{062F}\u{064B}\u{0651}\u{0627}", "أَعْلَنَ الرَّئِيسُ"]
        for text in stable {
            #expect(Unicode2.isStable(Array(text.utf8)))
            #expect(try Unicode2.nfkc(Array(text.utf8)) == Array(text.precomposedStringWithCompatibilityMapping.utf8))
        }
        // Presentation forms, a ligature, marks out of canonical order, a no-break space, ٵ
        // (U+0675), an alef with a combining hamza (composes to أ).
        let changing = ["ﻻ ﷲ", "ﬁne", "\u{062C}\u{062F}\u{0651}\u{064B}\u{0627}", "a\u{00A0}b", "\u{0675}", "\u{0627}\u{0654}"]
        for text in changing {
            #expect(!Unicode2.isStable(Array(text.utf8)))
            #expect(try Unicode2.nfkc(Array(text.utf8)) == Array(text.precomposedStringWithCompatibilityMapping.utf8))
        }
    }

    /// 3,000 texts of 1-8 scalars drawn from `pool`.
    static func randomTexts(from pool: [Unicode.Scalar]) -> [String] {
        var rng = SystemRandomNumberGenerator()
        return (0..<3_000).map { _ in
            var text = ""
            for _ in 0..<Int.random(in: 1...8, using: &rng) { text.unicodeScalars.append(pool.randomElement(using: &rng)!) }
            return text
        }
    }

    /// Random letters and marks: whatever the fast path accepts, NFKC leaves as it is.
    @Test func acceptedTextIsAlwaysNFKC() throws {
        let pool: [Unicode.Scalar] = ["\u{0627}", "\u{062F}", "\u{0644}", "\u{0648}", "\u{064A}", " ", "a", "1"]
            + (0x064B...0x0655).map { Unicode.Scalar($0)! } + ["\u{0670}"]
        var accepted = 0
        for text in Self.randomTexts(from: pool) {
            let bytes = Array(text.utf8)
            if Unicode2.isStable(bytes) {
                accepted += 1
                #expect(Array(text.precomposedStringWithCompatibilityMapping.utf8) == bytes, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
        #expect(accepted > 300)
    }

    /// Harakat typed out of canonical order (shadda before the vowel, on أ whose hamza is a mark
    /// of its own in NFD too), and random letters and marks: the reordering without ICU gives
    /// Foundation's NFKC, and declines anything outside the fast path's classes.
    @Test func marksOutOfOrderAreReorderedWithoutICU() throws {
        for text in ["\u{0628}\u{0651}\u{064E}", "\u{0623}\u{0651}\u{064E}\u{0644}", "\u{0645}\u{0652}\u{0651}\u{064B}\u{0670}",
                     "\u{0631}\u{0651}\u{064E} \u{0643}\u{0650} 25", "\u{0628}\u{0651}\u{064E}\u{0644}\u{0651}\u{064F}"] {
            let bytes = Array(text.utf8)
            #expect(!Unicode2.isStable(bytes))
            #expect(Unicode2.orderingMarks(bytes) == Array(text.precomposedStringWithCompatibilityMapping.utf8), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(Unicode2.orderingMarks(Array("ﻻ\u{0651}\u{064E}".utf8)) == nil)
        #expect(Unicode2.orderingMarks(Array("\u{0627}\u{0654}\u{064E}".utf8)) == nil)
        let pool: [Unicode.Scalar] = ["\u{0627}", "\u{0623}", "\u{062F}", "\u{0644}", " ", "a"]
            + (0x064B...0x0655).map { Unicode.Scalar($0)! } + ["\u{0670}"]
        var reordered = 0
        for text in Self.randomTexts(from: pool) {
            let bytes = Array(text.utf8)
            if let ordered = Unicode2.orderingMarks(bytes) {
                if ordered != bytes { reordered += 1 }
                #expect(Array(text.precomposedStringWithCompatibilityMapping.utf8) == ordered, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
                #expect(try Unicode2.nfkc(bytes) == ordered)
            }
        }
        #expect(reordered > 100)
    }

    /// Every scalar of the Arabic block, alone, after a letter and before a mark: the fast
    /// path (a table for U+0600-U+06FF) accepts exactly what the classes it documents accept,
    /// and whatever it accepts, NFKC leaves as it is.
    @Test func everyArabicBlockScalarIsClassedAsDocumented() throws {
        func documented(_ v: UInt32) -> Int {
            switch v {
            case 0x060C, 0x061B, 0x061F, 0x0621...0x064A, 0x0660...0x066D, 0x0671...0x0674, 0x0679...0x06D3, 0x06D5: 0
            case 0x064B...0x0652, 0x0670: 1
            default: 2
            }
        }
        for v in UInt32(0x0600)...0x06FF {
            let c = String(Unicode.Scalar(v)!)
            for (text, stable) in [(c, documented(v) < 2), ("ب" + c, documented(v) < 2),
                                   (c + "\u{064E}", documented(v) == 0 || (documented(v) == 1 && v <= 0x064E))] {
                let bytes = Array(text.utf8)
                #expect(Unicode2.isStable(bytes) == stable, "U+\(String(v, radix: 16)) in \(text.unicodeScalars.map { String($0.value, radix: 16) })")
                if Unicode2.isStable(bytes) { #expect(Array(text.precomposedStringWithCompatibilityMapping.utf8) == bytes) }
            }
        }
        // Lead bytes of the block with a broken continuation are not stable (the general path).
        #expect(!Unicode2.isStable([0xD8, 0x41]))
        #expect(!Unicode2.isStable([0xD9]))
    }
}

@Suite("Index terms")
struct IndexTermTests {
    /// Every scalar of the Arabic block between two letters: the term keeps exactly the
    /// letters and digits (`CharClass`), whether the fast path for ء-ي or the general decoding
    /// settles it.
    @Test func eachArabicBlockScalarIsKeptExactlyWhenALetterOrDigit() {
        for v in UInt32(0x0600)...0x06FF {
            let s = Unicode.Scalar(v)!
            let key = Array("ب\(String(s))ت".utf8)
            let term = [UInt8](unsafeUninitializedCapacity: key.count) { out, n in
                n = key.withUnsafeBufferPointer { MatchTokens.writeIndexTerm($0, to: out.baseAddress!, at: 0) }
            }
            let kept = CharClass.isArabicLetter(s) || CharClass.digitValue(s) != nil || CharClass.isLetter(s)
            #expect(term == Array("ب\(kept ? String(s) : "")ت".utf8), "U+\(String(v, radix: 16))")
        }
    }
}
