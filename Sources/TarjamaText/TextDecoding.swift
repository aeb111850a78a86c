#if canImport(Glibc)
import Glibc
#endif
/// Turns a file's bytes into text the way every command reads articles: UTF-8 (a byte-order mark
/// dropped), UTF-16 with a byte-order mark or recognised by its zero bytes, nothing else; a file
/// holding NUL characters is refused with the line, as is text in a legacy code page, with the
/// `iconv` command for what it most likely is.
///
/// Why refuse rather than guess: a wrong guess stores unreadable text in a memory that others
/// trust, where a refusal costs one command.
public enum TextDecoding {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// - Parameter name: the file's name for messages.
    public static func decode(_ bytes: [UInt8], name: String) throws -> String {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let order = utf16Order(bytes) {
            let text = try fromUTF16(bytes, order: order, name: name)
            try refuseNUL(text, name: name)
            return text
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Failure(description: "'\(name)' is not UTF-8 text; it looks like \(likelyCodePage(bytes)). Convert it first: "
                          + "iconv -f \(likelyCodePage(bytes)) -t UTF-8 '\(name)' > '\(converted(name))'")
        }
        try refuseNUL(text, name: name)
        return text
    }

    /// The largest text file a command reads whole (an article, a translation): 64 MB, or
    /// `TARJAMA_MAX_FILE_MB`. Past it, reading and segmenting would take gigabytes of memory.
    public static var maximumFileBytes: Int {
        (Int(environmentValue("TARJAMA_MAX_FILE_MB") ?? "") ?? 64) << 20
    }

    /// The longest line, field or XML text run an import reads: 8 MB, or `TARJAMA_MAX_FIELD_MB`.
    /// Readers stop with the line's number past it, so memory stays flat on endless input
    /// (`/dev/zero`, a file whose line breaks were lost, a 90 MB `<seg>`).
    public static var maximumFieldBytes: Int {
        max(1, Int(environmentValue("TARJAMA_MAX_FIELD_MB") ?? "") ?? 8) << 20
    }

    /// Refuses a file larger than `maximumFileBytes` before it is read.
    public static func checkSize(_ bytes: Int, name: String) throws {
        guard bytes > maximumFileBytes else { return }
        throw Failure(description: "'\(name)' is \(bytes >> 20) MB; an article is read whole and at most \(maximumFileBytes >> 20) MB is read "
                      + "(set TARJAMA_MAX_FILE_MB for more, or split the file)")
    }

    public enum ByteOrder: Sendable { case little, big }

    /// A name for the converted copy: `article.txt` → `article.utf8.txt`.
    public static func converted(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/"), dot != name.startIndex else { return name + ".utf8" }
        return String(name[..<dot]) + ".utf8" + String(name[dot...])
    }

    /// UTF-16 by its byte-order mark, or without one by its zero bytes: in Arabic or English text
    /// written as UTF-16, most ASCII characters (spaces, digits, punctuation, Latin letters)
    /// leave a zero in the same half of each pair, which UTF-8 text never has.
    public static func utf16Order(_ bytes: [UInt8]) -> ByteOrder? {
        if bytes.starts(with: [0xFF, 0xFE]) { return .little }
        if bytes.starts(with: [0xFE, 0xFF]) { return .big }
        let sample = bytes.prefix(4096)
        guard sample.count >= 4 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for (k, b) in sample.enumerated() where b == 0 { if k % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 } }
        let pairs = sample.count / 2
        // A few zeros prove nothing (a stray NUL in short text); a fifth of the pairs do.
        if oddZeros >= 4 && oddZeros * 5 >= pairs && evenZeros * 20 < oddZeros { return .little }
        if evenZeros >= 4 && evenZeros * 5 >= pairs && oddZeros * 20 < evenZeros { return .big }
        return nil
    }

    static func fromUTF16(_ bytes: [UInt8], order: ByteOrder, name: String) throws -> String {
        var start = 0
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { start = 2 }
        guard (bytes.count - start) % 2 == 0 else {
            throw Failure(description: "'\(name)' looks like UTF-16 text but ends in half a character; convert it: iconv -f UTF-16 -t UTF-8 '\(name)' > '\(converted(name))'")
        }
        var units: [UInt16] = []
        units.reserveCapacity((bytes.count - start) / 2)
        var k = start
        while k + 1 < bytes.count {
            units.append(order == .little ? UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8 : UInt16(bytes[k]) << 8 | UInt16(bytes[k + 1]))
            k += 2
        }
        var text = ""
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): text.unicodeScalars.append(s)
            case .emptyInput: break loop
            case .error:
                throw Failure(description: "'\(name)' looks like UTF-16 text but holds an unpaired surrogate; check the file")
            }
        }
        return text
    }

    /// A NUL is never text: binary data, or a file in an encoding read as another.
    static func refuseNUL(_ text: String, name: String) throws {
        guard text.utf8.contains(0) else { return }
        var line = 1
        for b in text.utf8 {
            if b == 0 { break }
            if b == 0x0A { line += 1 }
        }
        throw Failure(description: "'\(name)':\(line): holds a NUL character, which text never does (a binary file, or one in another encoding); nothing was read from it")
    }

    /// The code page a non-UTF-8 file most likely uses: Windows-1256 when most of its letters are
    /// high bytes (Arabic letters sit at 0xC1-0xED there), Windows-1252 when they are a few
    /// accented letters among ASCII ones.
    static func likelyCodePage(_ bytes: [UInt8]) -> String {
        var high = 0, ascii = 0
        for b in bytes.prefix(65_536) {
            if b >= 0xC0 { high += 1 } else if (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) { ascii += 1 }
        }
        return high > ascii ? "CP1256" : "CP1252"
    }
}

/// An environment variable, without Foundation.
func environmentValue(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
