import Foundation
import TarjamaMatch
import TarjamaMemory

/// XLIFF 1.2, the exchange format OmegaT, Okapi, Trados, memoQ and translate-toolkit open.
///
/// One `trans-unit` per segment: the best match as `target` (state `translated` for 101/100,
/// `needs-review-translation` for fuzzy, `new` and empty when nothing matched), every candidate
/// as an `alt-trans` with its `match-quality` and origin, boilerplate as untranslatable units
/// with a note, so the translator sees what was left out and why.
public enum XLIFFWriter {
    public static func document(_ article: PretranslatedArticle) -> String {
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
        for s in article.segments {
            x += "      <trans-unit id=\"\(s.index)\" xml:space=\"preserve\">\n"
            x += "        <source xml:lang=\"ar\">\(e(s.source))</source>\n"
            if let m = s.best {
                let done = m.kind != .fuzzy
                x += "        <target xml:lang=\"en\" state=\"\(done ? "translated" : "needs-review-translation")\" "
                    + "state-qualifier=\"\(done ? "exact-match" : "fuzzy-match")\">\(e(m.target))</target>\n"
            } else {
                x += "        <target xml:lang=\"en\" state=\"new\"></target>\n"
            }
            for m in s.matches {
                x += "        <alt-trans match-quality=\"\(m.score)\" origin=\"\(e(m.origin ?? "memory"))\" tool-id=\"tarjama\">\n"
                x += "          <source xml:lang=\"ar\">\(e(m.source))</source>\n"
                x += "          <target xml:lang=\"en\">\(e(m.target))</target>\n"
                x += "        </alt-trans>\n"
            }
            if let m = s.best {
                var note = "\(m.score)% \(m.kind.rawValue) match, unit \(m.unitID)"
                if !m.breakdown.penalties.isEmpty {
                    note += "; penalties: " + m.breakdown.penalties.map { "\($0.reason.rawValue) −\($0.points) (\($0.detail))" }.joined(separator: "; ")
                }
                x += "        <note from=\"tarjama\">\(e(note))</note>\n"
            }
            x += "      </trans-unit>\n"
        }
        for (k, b) in article.boilerplate.enumerated() {
            x += "      <trans-unit id=\"boilerplate-\(k + 1)\" translate=\"no\" xml:space=\"preserve\">\n"
            x += "        <source xml:lang=\"ar\">\(e(b.text))</source>\n"
            x += "        <note from=\"tarjama\">boilerplate left out: \(e(b.reason ?? "scraped page furniture"))</note>\n"
            x += "      </trans-unit>\n"
        }
        x += "    </body>\n  </file>\n</xliff>\n"
        return x
    }
}
