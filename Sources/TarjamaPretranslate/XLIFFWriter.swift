import Foundation
import TarjamaMatch
import TarjamaMemory

/// XLIFF 1.2, the exchange format OmegaT, Okapi, Trados, memoQ and translate-toolkit open, and
/// that `tarjama import` takes back once a translator has reviewed it.
///
/// One `group` per paragraph (so `tarjama merge` can rebuild the article) and one `trans-unit`
/// per segment, its kind (headline, byline, caption) as `restype`. Context and exact matches
/// are proposed as approved (`state="final"`, `approved="yes"`; locked with `translate="no"`
/// on request); a fuzzy match's adapted target as `needs-review-translation`, with the stored
/// unit it came from as an `alt-trans`; nothing matched gives an empty `new` target. The
/// standard `extradata` attribute carries Tarjama's own record of the proposal
/// (`tarjama unit=42 match=exact proposed=HASH`: its unit, kind and a hash of the proposed
/// target), which other tools keep as it is and the strict schema allows: an import then tells
/// a person's edit from our proposal, and a corrected exact match from a new translation. Boilerplate comes last, untranslatable, with
/// a note that says why it was left out.
public enum XLIFFWriter {
    public static func document(_ article: PretranslatedArticle, lockExact: Bool = false) -> String {
        let e = TMXWriter.escape
        var x = """
            <?xml version="1.0" encoding="UTF-8"?>
            <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
              <file original="\(e(article.name))" source-language="ar" target-language="en" datatype="plaintext" tool-id="tarjama">
                <header>
                  <tool tool-id="tarjama" tool-name="Tarjama" tool-version="0.1.0"/>
                </header>
                <body>

            """
        var paragraph: Int?
        for s in article.segments {
            if s.paragraph != paragraph {
                if paragraph != nil { x += "      </group>\n" }
                paragraph = s.paragraph
                x += "      <group id=\"p\(s.paragraph + 1)\" restype=\"x-paragraph\">\n"
            }
            var attributes = "id=\"\(s.index)\""
            if s.kind != .body { attributes += " restype=\"x-\(s.kind.rawValue)\"" }
            let done = s.best.map { $0.kind != .fuzzy } ?? false
            if let m = s.best {
                attributes += " extradata=\"tarjama unit=\(m.unitID) match=\(m.kind.rawValue) proposed=\(XLIFFUnit.fingerprint(m.target))\""
                if done { attributes += " approved=\"yes\"" }
                if done && lockExact { attributes += " translate=\"no\"" }
            }
            x += "        <trans-unit \(attributes) xml:space=\"preserve\">\n"
            x += "          <source xml:lang=\"ar\">\(e(s.source))</source>\n"
            if let m = s.best {
                x += "          <target xml:lang=\"en\" state=\"\(done ? "final" : "needs-review-translation")\" "
                    + "state-qualifier=\"\(done ? "exact-match" : "fuzzy-match")\">\(e(m.target))</target>\n"
            } else {
                x += "          <target xml:lang=\"en\" state=\"new\"></target>\n"
            }
            for m in s.matches {
                // The stored translation as it is; the target above is the adapted proposal.
                x += "          <alt-trans match-quality=\"\(m.score)\" origin=\"\(e(m.origin ?? "memory"))\" tool-id=\"tarjama\">\n"
                x += "            <source xml:lang=\"ar\">\(e(m.source))</source>\n"
                x += "            <target xml:lang=\"en\">\(e(m.storedTarget))</target>\n"
                x += "          </alt-trans>\n"
            }
            if let m = s.best {
                var note = "\(m.score)% \(m.kind.rawValue) match, unit \(m.unitID)"
                if m.target != m.storedTarget { note += "; adapted from the stored target" }
                for w in m.warnings { note += "; CHECK: \(w)" }
                if !m.breakdown.penalties.isEmpty {
                    note += "; penalties: " + m.breakdown.penalties.map { "\($0.reason.rawValue) −\($0.points) (\($0.detail))" }.joined(separator: "; ")
                }
                x += "          <note from=\"tarjama\">\(e(note))</note>\n"
            }
            x += "        </trans-unit>\n"
        }
        if paragraph != nil { x += "      </group>\n" }
        for (k, b) in article.boilerplate.enumerated() {
            x += "      <trans-unit id=\"boilerplate-\(k + 1)\" restype=\"x-boilerplate\" translate=\"no\" xml:space=\"preserve\">\n"
            x += "        <source xml:lang=\"ar\">\(e(b.text))</source>\n"
            x += "        <note from=\"tarjama\">boilerplate left out: \(e(b.reason ?? "scraped page furniture"))</note>\n"
            x += "      </trans-unit>\n"
        }
        x += "    </body>\n  </file>\n</xliff>\n"
        return x
    }
}
