import Foundation
import Testing
@testable import TarjamaText

@Suite("NFKC fast path")
struct NFKCFastPathTests {
    @Test func textSkippingICUIsAlreadyNFKCAndTheRestStillGoesThroughIt() throws {
        let stable = ["قال الرئيس إن الصين شريك، وأكد ٢٥٪ من الصادرات؟", "Putin and Xi; 25% in 2023.", "مؤتمر ئ ؤ ة ى ٫ ٬"]
        for text in stable {
            #expect(Unicode2.isStable(Array(text.utf8)))
            #expect(try Unicode2.nfkc(Array(text.utf8)) == Array(text.precomposedStringWithCompatibilityMapping.utf8))
        }
        // Presentation forms, a ligature, marks in either order, a no-break space, ٵ (U+0675).
        let changing = ["ﻻ ﷲ", "ﬁne", "جدًّا", "جدًّا", "a\u{00A0}b", "\u{0675}"]
        for text in changing {
            #expect(!Unicode2.isStable(Array(text.utf8)))
            #expect(try Unicode2.nfkc(Array(text.utf8)) == Array(text.precomposedStringWithCompatibilityMapping.utf8))
        }
    }
}
