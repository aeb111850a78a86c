import TarjamaText

/// Reduces names to consonant skeletons so an Arabic spelling and its English form compare
/// equal without a dictionary: بوتين → bwtyn → `btn` ← Putin; موسكو → `msk` ← Moscow.
///
/// Arabic goes through ICU's `Arabic-Latin; Latin-ASCII` transliterator; both sides then drop
/// vowels and glides and merge consonants that the two scripts write differently (p/b, v/f, q/k…).
final class NameSkeleton {
    private let transliterator = try? Transliterator("Arabic-Latin; Latin-ASCII")

    /// Frequent Arabic function words that never name anything.
    static let arabicStopwords: Set<String> = Set([
        "في", "من", "إلى", "على", "عن", "أن", "إن", "أو", "ثم", "مع", "هذا", "هذه", "ذلك", "التي", "الذي", "الذين", "كان",
        "كانت", "قد", "لا", "لم", "لن", "ما", "هو", "هي", "بين", "كل", "بعد", "قبل", "عند", "حتى", "منذ", "خلال", "وقال",
        "قال", "أيضا", "كما", "غير", "لكن", "إذا", "حيث", "يوم", "عام", "أكثر", "أول", "نحو", "بعض", "عدد", "وقد", "وفي",
        "ومن", "وأن", "التي", "فيه", "فيها", "له", "لها", "به", "بها", "هناك", "تم", "يتم", "ضد", "وهو", "وهي",
    ].map { Normalizer.matchingKey.normalize($0) })

    static let englishStopwords: Set<String> = [
        "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "in", "on", "at", "but", "and",
        "for", "as", "if", "when", "after", "before", "his", "her", "its", "their", "there", "according", "some", "many",
    ]

    /// English words the lexicon score ignores: most translate no Arabic word of their own
    /// (articles, auxiliaries) and IBM Model 1 gives them to the empty word.
    static let englishFunctionWords: Set<String> = englishStopwords.union([
        "of", "to", "is", "was", "are", "were", "be", "been", "being", "by", "with", "from", "has", "have", "had",
        "will", "would", "which", "who", "also", "not", "or", "than", "s", "do", "does", "did",
    ])

    /// Skeleton of an Arabic word (already a matching key), or nil for function words and
    /// skeletons too short to be distinctive. Not cached here: `FeatureExtractor` asks once a form.
    func arabic(_ word: String) -> String? {
        var stem = word
        if Self.arabicStopwords.contains(stem) { return nil }
        // Proclitics and the article do not belong to names: والصين → صين, بموسكو stays (ambiguous).
        for prefix in ["وال", "بال", "لل", "فال", "كال", "ال"] where stem.hasPrefix(prefix) && stem.count - prefix.count >= 3 {
            stem = String(stem.dropFirst(prefix.count))
            break
        }
        let s: String
        if let fast = letterSkeleton(stem) {
            s = fast
        } else {
            guard let latin = try? transliterator?.apply(stem) else { return nil }
            s = Self.skeleton(latin)
        }
        return s.count >= 2 ? s : nil
    }

    /// Consonant class of each basic Arabic letter (U+0621…U+064A), read from the transliterator
    /// once: the skeleton keeps only consonant classes, which the letters determine one by one,
    /// and transliterating every new word was a tenth of a long alignment's time.
    private lazy var letterClasses: [Character?] = (0x0621...0x064A).map { v in
        guard let scalar = Unicode.Scalar(v), let latin = try? transliterator?.apply(String(Character(scalar))) else { return nil }
        return Self.skeleton(latin).first
    }

    /// The skeleton from the letter table, or nil when the word holds anything else (the
    /// transliterator decides those).
    func letterSkeleton(_ word: String) -> String? {
        var out: [Character] = []
        for u in word.unicodeScalars {
            guard u.value >= 0x0621 && u.value <= 0x064A else { return nil }
            guard let c = letterClasses[Int(u.value) - 0x0621] else { continue }
            if out.last != c { out.append(c) }
        }
        return String(out)
    }

    func english(_ word: String) -> String? {
        let s = Self.skeleton(word)
        return s.count >= 2 ? s : nil
    }

    /// Lower-case ASCII letters → consonant classes, vowels and glides dropped, doubles merged.
    static func skeleton(_ latin: String) -> String {
        var letters = Array(latin.lowercased().unicodeScalars.filter { $0.value >= 0x61 && $0.value <= 0x7A })
        var out: [Character] = []
        var i = 0
        func push(_ c: Character) { if out.last != c { out.append(c) } }
        while i < letters.count {
            let c = Character(letters[i])
            let next = i + 1 < letters.count ? Character(letters[i + 1]) : " "
            switch (c, next) {
            case ("s", "h"), ("c", "h"), ("z", "h"): push("s"); i += 2; continue
            case ("t", "h"): push("t"); i += 2; continue
            case ("d", "h"): push("d"); i += 2; continue
            case ("k", "h"): push("k"); i += 2; continue
            case ("g", "h"): push("g"); i += 2; continue
            case ("p", "h"): push("f"); i += 2; continue
            default: break
            }
            switch c {
            case "a", "e", "i", "o", "u", "w", "y", "h": break
            case "p": push("b")
            case "v": push("f")
            case "c", "q": push("k")
            case "x", "z": push("s")
            case "j": push("j")
            default: push(c)
            }
            i += 1
        }
        letters.removeAll()
        return String(out)
    }
}
