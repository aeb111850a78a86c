/// Gives each paragraph of a scraped article a kind: body, headline, byline, dateline, caption,
/// or boilerplate (reading time, share and navigation lines, copyright, repeated lines).
///
/// Boilerplate is flagged, never silently dropped: the caller decides what to keep, and the
/// reason is reported. Patterns are matched on matching keys (alef/ya/ta-marbuta folded,
/// lower-cased), so they can be written naturally and still match variants.
struct ParagraphClassifier {
    let language: Language

    /// A boilerplate pattern: a name for the report and a test on the paragraph's key.
    struct Pattern: Sendable {
        let reason: String
        let test: @Sendable (Line) -> Bool
    }

    /// What the classifier knows of one paragraph.
    struct Line: Sendable {
        let text: String
        let key: String
        /// Number of words, counted on bytes (splitting a `String` by `Character` is slow).
        let wordCount: Int
        let endsWithTerminal: Bool
        let isMostlyLatin: Bool
        let hasDigit: Bool

        init(_ text: String) {
            self.text = text
            let keyBytes = Normalizer.matchingKey.key(utf8: Array(text.utf8))
            key = String(decoding: keyBytes, as: UTF8.self)
            wordCount = keyBytes.isEmpty ? 0 : keyBytes.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) }
            var last = text.unicodeScalars.last
            var scalars = text.unicodeScalars.reversed().makeIterator()
            while let s = scalars.next() {
                if CharClass.isCloser(s) || CharClass.isWhitespace(s) { continue }
                last = s; break
            }
            endsWithTerminal = last.map { ".!?:;\u{061F}\u{2026}\u{06D4}\u{061B}".unicodeScalars.contains($0) } ?? false
            var latin = 0, arabic = 0
            for s in text.unicodeScalars {
                if s.value < 0x250 && CharClass.isLetter(s) { latin += 1 } else if CharClass.isArabicLetter(s) { arabic += 1 }
            }
            isMostlyLatin = latin > 0 && latin > arabic * 4
            hasDigit = key.unicodeScalars.contains { $0.value >= 0x30 && $0.value <= 0x39 }
        }

        func has(_ phrase: String) -> Bool { key.contains(ParagraphClassifier.key(phrase)) }
        func starts(_ phrase: String) -> Bool { key.hasPrefix(ParagraphClassifier.key(phrase)) }
        func `is`(_ phrase: String) -> Bool { key == ParagraphClassifier.key(phrase) }
        /// Boilerplate, bylines and datelines are short; long lines skip every pattern.
        var mayBeBoilerplate: Bool { wordCount <= 12 }
        var words: [Substring] { key.split(separator: " ") }
        var isShort: Bool { wordCount <= 6 }
    }

    /// Keys of the pattern phrases, computed once (patterns are written in natural spelling).
    static func key(_ s: String) -> String {
        if let k = phraseKeys[s] { return k }
        return Normalizer.matchingKey.normalize(s)
    }

    private static let phraseKeys: [String: String] = {
        let phrases = ["قراءة", "القراءة", "دقيق", "دقائق", "ثانية", "min read", "minute read", "minutes read", "reading time",
                       "شارك", "مشاركة", "انشر", "share", "tweet", "نسخ الرابط", "رابط مختصر", "copy link",
                       "جميع الحقوق محفوظة", "all rights reserved", "copyright", "حقوق النشر", "اقرأ أيضا", "تابعونا على",
                       "تابعنا على", "follow us on", "read also", "read more:", "see also"]
            + navigationLines + bylineStarts + agencies + months
        return Dictionary(phrases.map { ($0, Normalizer.matchingKey.normalize($0)) }, uniquingKeysWith: { a, _ in a })
    }()

    /// Scraped-page lines that are never content, in either language (Arabic pages carry
    /// English interface strings such as `Exit mobile version`).
    static let boilerplate: [Pattern] = [
        Pattern(reason: "reading time") { l in
            l.isShort && ((l.has("قراءة") || l.has("القراءة")) && (l.has("دقيق") || l.has("دقائق") || l.has("ثانية"))
                || l.has("min read") || l.has("minute read") || l.has("minutes read") || l.starts("reading time"))
        },
        Pattern(reason: "share line") { l in
            l.isShort && (l.starts("شارك") || l.starts("مشاركة") || l.starts("انشر") || l.starts("share")
                || l.starts("tweet") || l.is("نسخ الرابط") || l.starts("رابط مختصر") || l.is("copy link")
                || l.words.allSatisfy { ["facebook", "twitter", "whatsapp", "telegram", "linkedin", "email", "x", "فيسبوك", "تويتر", "واتساب", "تلغرام"].contains(String($0)) })
        },
        Pattern(reason: "copyright") { l in
            l.text.contains("©") || l.has("جميع الحقوق محفوظة") || l.has("all rights reserved") || l.starts("copyright")
                || l.starts("حقوق النشر")
        },
        Pattern(reason: "navigation") { l in
            l.isShort && navigationLines.contains { l.is($0) }
                || l.starts("اقرأ أيضا") || l.starts("تابعونا على") || l.starts("تابعنا على") || l.starts("follow us on")
                || l.starts("read also") || l.starts("read more:") || l.starts("see also")
        },
    ]

    static let navigationLines = [
        "exit mobile version", "skip to content", "advertisement", "إعلان", "scroll to top", "back to top",
        "العودة للأعلى", "الرئيسية", "home", "print", "طباعة", "tags", "الوسوم", "read more", "اقرأ المزيد",
        "related", "related articles", "مواضيع ذات صلة", "أخبار ذات صلة", "اقرأ أيضا", "اقرأ أيضًا",
        "subscribe", "اشترك", "النشرة البريدية", "newsletter", "المزيد", "more", "comments", "التعليقات",
        "sponsored", "محتوى مدفوع", "follow us", "تابعونا",
    ]

    static let bylineStarts = ["بقلم", "كتب", "كتبت", "إعداد", "تحرير", "ترجمة", "مراسل", "by ", "from ", "reporting by",
                               "written by", "editing by"]
    static let agencies = ["وكالات", "رويترز", "أ ف ب", "فرانس برس", "الأناضول", "سبوتنيك", "شينخوا", "أسوشيتد برس", "د ب أ",
                           "agencies", "reuters", "afp", "associated press", "xinhua", "anadolu", "tass", "تاس"]
    static let months = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
                         "ديسمبر", "كانون", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين",
                         "الجمعة", "السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس",
                         "january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                         "saturday", "sunday", "updated", "published", "تحديث", "نشر في"]

    func classify(_ paragraphs: [String]) -> [(kind: SegmentKind, reason: String?)] {
        let lines = paragraphs.map(Line.init)
        var result = [(kind: SegmentKind, reason: String?)](repeating: (.body, nil), count: lines.count)
        var seen = Set<String>()
        for (i, line) in lines.enumerated() {
            if line.mayBeBoilerplate, let p = Self.boilerplate.first(where: { $0.test(line) }) {
                result[i] = (.boilerplate, p.reason)
            } else if seen.contains(line.key) && !line.endsWithTerminal {
                // A repeated headline or caption is page furniture; a repeated full sentence
                // is the writer's (a quote taken up again) and stays to be translated.
                result[i] = (.boilerplate, "repeated line")
            } else if language == .ar && line.isMostlyLatin && line.wordCount <= 6 && !line.endsWithTerminal {
                result[i] = (.boilerplate, "interface text")
            }
            seen.insert(line.key)
        }
        // Body-like paragraphs end with punctuation or are long; before the first one is the
        // article's head (headline, byline, dateline, caption).
        let isBodyLike = lines.map { $0.endsWithTerminal || $0.wordCount > 30 }
        let firstBody = (0..<lines.count).first { isBodyLike[$0] && result[$0].kind != .boilerplate } ?? lines.count
        var sawHeadline = false
        var previousWasHeadline = false
        for (i, line) in lines.enumerated() where result[i].kind != .boilerplate {
            defer { previousWasHeadline = result[i].kind == .headline }
            if isBodyLike[i] { continue }
            if isByline(line) {
                result[i] = (.byline, "byline or agency")
            } else if previousWasHeadline && i < firstBody && isPersonalName(line) {
                result[i] = (.byline, "personal name under the headline")
            } else if isDateline(line) {
                result[i] = (.dateline, "date line")
            } else if i < firstBody && !sawHeadline {
                result[i] = (.headline, "first short line without final punctuation")
                sawHeadline = true
            } else if line.wordCount <= 15 {
                result[i] = (.caption, "short line without final punctuation")
            }
        }
        return result
    }

    private func isByline(_ l: Line) -> Bool {
        guard l.wordCount <= 8 else { return false }
        if Self.bylineStarts.contains(where: { l.starts($0) }) { return true }
        return Self.agencies.contains { a in
            let k = Self.key(a)
            return l.key == k || l.key.hasSuffix(" " + k) || l.key.hasPrefix(k + " ") || l.key.contains(" " + k + " ")
                || l.key.contains("(" + k + ")")
        }
    }

    /// Words that make a short line a title or a caption ("الرئيس الروسي", "Russian President")
    /// rather than a writer's name.
    static let titleWords: Set<String> = Set(["رئيس", "الرئيس", "وزير", "وزيرة", "الوزير", "ملك", "الملك", "امير", "الأمير",
        "سفير", "السفير", "نائب", "مدير", "المتحدث", "صور", "صورة", "فيديو", "president", "minister", "prime", "king", "queen",
        "prince", "ambassador", "secretary", "spokesman", "spokeswoman", "director", "photo", "file", "video", "chancellor",
        "general", "leader", "chief"].map { Normalizer.matchingKey.normalize($0) })

    /// A line of two to four name words under the headline: a writer's name ("ماهر الزياتي",
    /// "Maher al-Zayati"). Arabic names do not open with the article ال that a title or a
    /// caption ("الرئيس الروسي") opens with; English name words are capitalised.
    private func isPersonalName(_ l: Line) -> Bool {
        guard (2...4).contains(l.wordCount), !l.hasDigit, !l.text.contains(":") else { return false }
        let words = l.words
        if words.contains(where: { Self.titleWords.contains(String($0)) }) { return false }
        let raw = l.text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        switch language {
        case .ar:
            guard let first = raw.first, !first.hasPrefix("ال") else { return false }
            return raw.allSatisfy { w in w.unicodeScalars.allSatisfy { CharClass.isArabicLetter($0) || $0 == "-" } }
        case .en:
            let particles: Set<Substring> = ["al", "el", "bin", "ibn", "abu", "de", "van", "von", "der", "da", "la"]
            return raw.allSatisfy { w in
                let head = w.split(separator: "-").first ?? w
                return particles.contains(head.lowercased()[...]) || w.first?.isUppercase == true
            } && raw.allSatisfy { $0.unicodeScalars.allSatisfy { CharClass.isLetter($0) || $0 == "-" || $0 == "'" || $0 == "." } }
        }
    }

    private func isDateline(_ l: Line) -> Bool {
        guard l.wordCount <= 10, l.hasDigit else { return false }
        return Self.months.contains { l.has($0) } || l.key.contains(":")
    }
}
