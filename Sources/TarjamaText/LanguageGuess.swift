/// Which language a text is in, for the checks before aligning or storing: Arabic or English,
/// from the share of letters in each script and of each language's commonest words.
///
/// Script alone cannot tell English from French or a transliteration, and an English text
/// quoting Arabic names has Arabic letters: both signals must agree for a confident guess.
public struct LanguageGuess: Sendable, Equatable, CustomStringConvertible {
    public enum Verdict: String, Sendable { case arabic, english, unknown }

    public let verdict: Verdict
    /// Shares in [0, 1] of the letters that are Arabic and Latin.
    public let arabicLetters: Double
    public let latinLetters: Double
    /// Share of words that are among the commonest of Arabic news text, and of English.
    public let arabicWords: Double
    public let englishWords: Double

    /// Looks at the first 20,000 scalars (enough for any article, cheap for any file).
    public init(_ text: String) {
        var arabic = 0, latin = 0
        var words: [String] = []
        var word = ""
        for s in text.unicodeScalars.prefix(20_000) {
            if CharClass.isArabicLetter(s) { arabic += 1; word.unicodeScalars.append(s); continue }
            if s.value < 0x250 && CharClass.isLetter(s) { latin += 1; word.unicodeScalars.append(s); continue }
            if !word.isEmpty { words.append(word.lowercased()); word = "" }
        }
        if !word.isEmpty { words.append(word.lowercased()) }
        let letters = Double(max(arabic + latin, 1)), count = Double(max(words.count, 1))
        arabicLetters = Double(arabic) / letters
        latinLetters = Double(latin) / letters
        arabicWords = Double(words.filter(Self.arabicCommon.contains).count) / count
        englishWords = Double(words.filter(Self.englishCommon.contains).count) / count
        // News prose in either language has well over 10% of its words in these short lists.
        if arabic + latin < 20 {
            verdict = .unknown
        } else if arabicLetters >= 0.6 && arabicWords >= 0.05 {
            verdict = .arabic
        } else if latinLetters >= 0.6 && englishWords >= 0.08 {
            verdict = .english
        } else {
            verdict = .unknown
        }
    }

    public var description: String {
        switch verdict {
        case .arabic: return "Arabic (\(Int((arabicLetters * 100).rounded()))% Arabic letters)"
        case .english: return "English (\(Int((latinLetters * 100).rounded()))% Latin letters, \(Int((englishWords * 100).rounded()))% common English words)"
        case .unknown:
            if latinLetters >= 0.6 { return "not English nor Arabic (\(Int((latinLetters * 100).rounded()))% Latin letters but few common English words)" }
            return "of no clear language (\(Int((arabicLetters * 100).rounded()))% Arabic letters, \(Int((latinLetters * 100).rounded()))% Latin)"
        }
    }

    static let arabicCommon: Set<String> = [
        "في", "من", "على", "إلى", "الى", "أن", "ان", "عن", "مع", "التي", "الذي", "هذا", "هذه", "كما", "قد", "وقال", "قال",
        "بين", "بعد", "ذلك", "كان", "لا", "ما", "أو", "حتى", "عام", "خلال", "وفي", "إن", "منذ", "وأضاف", "أكد", "وأكد",
    ]
    static let englishCommon: Set<String> = [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "was", "as", "by", "at", "it", "said",
        "from", "his", "he", "be", "has", "have", "are", "an", "this", "which", "its", "were", "had", "not", "but",
    ]
}
