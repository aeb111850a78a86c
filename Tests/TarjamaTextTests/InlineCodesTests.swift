import Testing
import TarjamaText

@Suite("Inline codes")
struct InlineCodesTests {
    @Test func placeholdersAreFoundWithTheirKinds() {
        let p = InlineCodes.placeholders(in: "met {1}the delegation{/1} in Cairo.{2/} {not} {/x-1}")
        #expect(p.map(\.text) == ["{1}", "{/1}", "{2/}", "{not}", "{/x-1}"])
        #expect(p.map(\.kind) == [.open, .close, .standalone, .open, .close])
        #expect(InlineCodes.placeholders(in: "a { b } {} {/}").isEmpty)
    }

    @Test func strippingNeverJoinsTwoWords() {
        #expect(InlineCodes.stripped("met {1}the delegation{/1} in Cairo.{2/}") == "met the delegation in Cairo.")
        #expect(InlineCodes.stripped("الوزير{1}الوفد") == "الوزير الوفد")
        #expect(InlineCodes.stripped("a{1}{2/}b") == "a b")
        #expect(InlineCodes.stripped("no codes here") == "no codes here")
    }

    @Test func keysAndTokensIgnoreThePlaceholders() {
        #expect(MatchTokens.keyAndTokens("التقى {1}الوزير{/1} الوفد.").key == MatchTokens.keyAndTokens("التقى الوزير الوفد.").key)
        #expect(MatchTokens.tokens("التقى {1}الوزير{/1} الوفد.").map(\.key) == MatchTokens.tokens("التقى الوزير الوفد.").map(\.key))
    }
}
