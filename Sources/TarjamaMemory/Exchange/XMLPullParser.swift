import Foundation
import TarjamaText

/// A small streaming XML reader for exchange files (TMX), on UTF-8 bytes.
///
/// Why our own: TMX files come from every tool and every decade, up to gigabytes. This reader
/// keeps at most a couple of megabytes in memory, counts lines for error messages, and is safe
/// by construction: it never fetches external entities (XXE) and never expands entities declared
/// in a DOCTYPE (billion laughs): only the five predefined entities and character references are
/// decoded. Everything it repairs (invalid characters, undefined entities, bad UTF-8) is reported
/// through `repair` with a line number; what it cannot read (mismatched or unclosed tags, a
/// truncated file) throws `XMLError` with the line.
final class XMLPullParser {
    enum Event: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    /// Line (1-based) where the last returned event starts.
    @exclusivity(unchecked) private(set) var line = 1
    /// Called with (line, message) for each repair.
    var repair: (Int, String) -> Void = { _, _ in }
    /// Entity declarations seen in a DOCTYPE (ignored, never expanded).
    private(set) var ignoredEntityDeclarations = 0

    private let input: ByteInput
    // The parser is used from one thread and never hands out access to these across calls:
    // Swift's run-time exclusivity checks on them (one per byte read) were 7% of a TMX
    // import's reader thread, and are left out.
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var currentLine = 1
    @exclusivity(unchecked) private var open: [(name: String, line: Int)] = []
    @exclusivity(unchecked) private var pendingEnd: String?
    @exclusivity(unchecked) private var sawRoot = false

    /// The longest text run or tag read (`TextDecoding.maximumFieldBytes`): past it the read
    /// stops with the line, so a 90 MB `<seg>` or a file without a '<' never fills memory.
    private let maxRun: Int

    init(input: ByteInput, maxRun: Int = TextDecoding.maximumFieldBytes) {
        self.input = input
        self.maxRun = maxRun
    }

    // MARK: Buffer

    /// Makes at least `count` bytes available from `position`, unless the input ends first.
    @discardableResult
    private func fill(_ count: Int) throws -> Bool {
        while buffer.count - position < count {
            if position > 0 && position >= buffer.count / 2 {
                buffer.removeSubrange(0..<position)
                position = 0
            }
            guard let chunk = try input.next() else { return false }
            buffer.append(contentsOf: chunk)
        }
        return true
    }

    /// Moves past `count` bytes, counting the lines they hold.
    @inline(__always)
    private func advance(_ count: Int) {
        // Through a raw buffer: element by element, the class property paid an exclusivity
        // check and a bounds check per byte.
        let end = position + count
        var lines = 0
        buffer.withUnsafeBufferPointer { b in
            for k in position..<end where b[k] == 0x0A { lines += 1 }
        }
        currentLine += lines
        position = end
    }

    /// Index (relative to `position`) of the first occurrence of `pattern`, refilling as needed.
    private func find(_ pattern: [UInt8], from offset: Int = 0) throws -> Int? {
        var searchFrom = offset
        while true {
            let limit = buffer.count - pattern.count
            let start = position + searchFrom
            let found: Int? = buffer.withUnsafeBufferPointer { b in
                let first = pattern[0]
                var k = start
                while k <= limit {
                    if b[k] == first {
                        var match = true
                        for m in 1..<pattern.count where b[k + m] != pattern[m] { match = false; break }
                        if match { return k }
                    }
                    k += 1
                }
                return nil
            }
            if let found, found - position <= maxRun { return found - position }
            let before = buffer.count - position
            if found != nil || before > maxRun {
                throw XMLError(line: currentLine, message: "a text or tag longer than \(maxRun >> 20) MB: the file is damaged or not an exchange file; nothing was imported from it (TARJAMA_MAX_FIELD_MB raises the limit)")
            }
            searchFrom = max(0, before - pattern.count + 1)
            if !(try fill(before + (1 << 16))) && buffer.count - position == before { return nil }
        }
    }

    private func startsWith(_ pattern: [UInt8]) throws -> Bool {
        guard try fill(pattern.count) else { return false }
        for (k, b) in pattern.enumerated() where buffer[position + k] != b { return false }
        return true
    }

    // MARK: Events

    func next() throws -> Event? {
        if let name = pendingEnd {
            pendingEnd = nil
            return .end(name: name)
        }
        while true {
            guard try fill(1) else {
                if let unclosed = open.last {
                    throw XMLError(line: currentLine, message: "the file ends inside <\(unclosed.name)> opened at line \(unclosed.line): it is truncated. Nothing was imported from it")
                }
                if !sawRoot { throw XMLError(line: currentLine, message: "no XML element found: the file is empty or not XML") }
                return nil
            }
            line = currentLine
            if buffer[position] != 0x3C {   // text up to the next '<'
                let end = try find([0x3C]) ?? (buffer.count - position)
                let raw = buffer[position..<(position + end)]
                let text = decode(raw, line: currentLine)
                advance(end)
                if open.isEmpty {
                    if !text.allSatisfy({ $0.isWhitespace }) {
                        repair(line, "text outside the root element ignored")
                    }
                    continue
                }
                return .text(text)
            }
            // Comments, CDATA, DOCTYPE and processing instructions start with `<!` or `<?`;
            // an element's tag does not, and needs none of their four checks.
            let second: UInt8 = try fill(2) ? buffer[position + 1] : 0
            if second != 0x21 && second != 0x3F { return try element() }
            if try startsWith(Self.commentOpen) {
                guard let end = try find(Self.commentClose, from: 4) else { throw unterminated("comment") }
                advance(end + 3)
                continue
            }
            if try startsWith(Self.cdataOpen) {
                guard let end = try find(Self.cdataClose, from: 9) else { throw unterminated("CDATA section") }
                let text = decode(buffer[(position + 9)..<(position + end)], line: currentLine, entities: false)
                advance(end + 3)
                return .text(text)
            }
            if try startsWith(Self.doctypeOpen) {
                try skipDoctype()
                continue
            }
            if try startsWith([0x3C, 0x3F]) {   // <? … ?>
                guard let end = try find([0x3F, 0x3E], from: 2) else { throw unterminated("processing instruction") }
                try checkDeclaration(buffer[position..<(position + end)])
                advance(end + 2)
                continue
            }
            return try element()
        }
    }

    /// The start or end tag at `position`.
    private func element() throws -> Event {
        guard let close = try tagEnd() else { throw unterminated("tag") }
        let tag = buffer[(position + 1)..<(position + close)]
        let tagLine = currentLine
        advance(close + 1)
        if tag.first == 0x2F {   // </name>
            let name = String(decoding: tag.dropFirst(), as: UTF8.self).trimmingWhitespace()
            guard let top = open.popLast() else {
                throw XMLError(line: tagLine, message: "</\(name)> closes nothing: the file is malformed. Nothing was imported from it")
            }
            guard top.name == name else {
                throw XMLError(line: tagLine, message: "</\(name)> does not close <\(top.name)> opened at line \(top.line): the file is malformed. Nothing was imported from it")
            }
            return .end(name: name)
        }
        let (name, attributes, selfClosing) = try parseTag(tag, line: tagLine)
        if open.isEmpty && sawRoot {
            throw XMLError(line: tagLine, message: "a second root element <\(name)>: the file is malformed. Nothing was imported from it")
        }
        sawRoot = true
        if selfClosing { pendingEnd = name } else { open.append((name, tagLine)) }
        return .start(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    private static let commentOpen: [UInt8] = Array("<!--".utf8), commentClose: [UInt8] = Array("-->".utf8)
    private static let cdataOpen: [UInt8] = Array("<![CDATA[".utf8), cdataClose: [UInt8] = Array("]]>".utf8)
    private static let doctypeOpen: [UInt8] = Array("<!DOCTYPE".utf8)

    private func unterminated(_ what: String) -> XMLError {
        XMLError(line: currentLine, message: "unterminated \(what): the file is truncated or malformed. Nothing was imported from it")
    }

    /// The index of the `>` that ends the tag at `position`, skipping `>` inside quoted values.
    private func tagEnd() throws -> Int? {
        var k = 1
        var quote: UInt8 = 0
        while true {
            if position + k >= buffer.count {
                guard try fill(k + (1 << 16)) || position + k < buffer.count else { return nil }
                if position + k >= buffer.count { return nil }
            }
            // Scan what is buffered through a raw pointer; refill only at its end.
            enum Scan { case found(Int), malformed, more(Int) }
            let scan: Scan = buffer.withUnsafeBufferPointer { b in
                var j = position + k
                while j < b.count {
                    let c = b[j]
                    if quote != 0 {
                        if c == quote { quote = 0 }
                    } else if c == 0x22 || c == 0x27 {
                        quote = c
                    } else if c == 0x3E {
                        return .found(j - position)
                    } else if c == 0x3C {
                        return .malformed
                    }
                    j += 1
                }
                return .more(j - position)
            }
            switch scan {
            case .found(let end): return end
            case .malformed: return nil
            case .more(let next): k = next
            }
        }
    }

    /// `<!DOCTYPE …>` with an optional internal subset: skipped. Entity declarations are counted,
    /// never expanded; a SYSTEM or PUBLIC identifier is never fetched.
    private func skipDoctype() throws {
        var k = 9
        var depth = 0
        var quote: UInt8 = 0
        while true {
            if position + k >= buffer.count {
                guard try fill(k + (1 << 16)), position + k < buffer.count else { throw unterminated("DOCTYPE") }
            }
            let b = buffer[position + k]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == 0x22 || b == 0x27 {
                quote = b
            } else if b == 0x5B {
                depth += 1
            } else if b == 0x5D {
                depth -= 1
            } else if b == 0x3C && depth > 0 {
                if try fill(k + 8), Array(buffer[(position + k)..<(position + k + 8)]) == Array("<!ENTITY".utf8) {
                    ignoredEntityDeclarations += 1
                }
            } else if b == 0x3E && depth <= 0 {
                advance(k + 1)
                return
            }
            k += 1
        }
    }

    /// The XML declaration: only UTF-8 and UTF-16 are read (the input layer handles UTF-16).
    private func checkDeclaration(_ bytes: ArraySlice<UInt8>) throws {
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        guard text.hasPrefix("<?xml"), let r = text.range(of: "encoding") else { return }
        let rest = text[r.upperBound...].drop { $0 == " " || $0 == "=" }
        guard let q = rest.first, q == "\"" || q == "'" else { return }
        let value = rest.dropFirst().prefix { $0 != q }
        if !["utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii"].contains(String(value)) {
            throw XMLError(line: currentLine, message: "the file declares encoding \"\(value)\"; Tarjama reads UTF-8 and UTF-16. Convert it first, e.g. iconv -f \(value) -t UTF-8 FILE > FILE.utf8.tmx")
        }
    }

    private func parseTag(_ tag: ArraySlice<UInt8>, line: Int) throws -> (String, [String: String], Bool) {
        var body = tag
        var selfClosing = false
        if body.last == 0x2F { selfClosing = true; body = body.dropLast() }
        var k = body.startIndex
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while k < body.endIndex && !isSpace(body[k]) { k += 1 }
        let name = String(decoding: body[body.startIndex..<k], as: UTF8.self)
        guard !name.isEmpty else { throw XMLError(line: line, message: "a tag without a name: the file is malformed. Nothing was imported from it") }
        var attributes: [String: String] = [:]
        while true {
            while k < body.endIndex && isSpace(body[k]) { k += 1 }
            if k >= body.endIndex { break }
            let nameStart = k
            while k < body.endIndex && body[k] != 0x3D && !isSpace(body[k]) { k += 1 }
            let attribute = String(decoding: body[nameStart..<k], as: UTF8.self)
            while k < body.endIndex && isSpace(body[k]) { k += 1 }
            guard k < body.endIndex, body[k] == 0x3D else {
                throw XMLError(line: line, message: "attribute '\(attribute)' of <\(name)> has no value: the file is malformed. Nothing was imported from it")
            }
            k += 1
            while k < body.endIndex && isSpace(body[k]) { k += 1 }
            guard k < body.endIndex, body[k] == 0x22 || body[k] == 0x27 else {
                throw XMLError(line: line, message: "attribute '\(attribute)' of <\(name)> is not quoted: the file is malformed. Nothing was imported from it")
            }
            let quote = body[k]
            k += 1
            let valueStart = k
            while k < body.endIndex && body[k] != quote { k += 1 }
            guard k < body.endIndex else {
                throw XMLError(line: line, message: "attribute '\(attribute)' of <\(name)> is not closed: the file is malformed. Nothing was imported from it")
            }
            attributes[attribute] = decode(body[valueStart..<k], line: line)
            k += 1
        }
        return (name, attributes, selfClosing)
    }

    // MARK: Text

    /// Decodes character data: entities (unless CDATA), invalid UTF-8 and characters XML forbids.
    private func decode(_ raw: ArraySlice<UInt8>, line: Int, entities: Bool = true) -> String {
        var clean = true
        for b in raw where b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D || (entities && b == 0x26) { clean = false; break }
        if clean, let s = String(validating: raw, as: UTF8.self) { return s }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = raw.startIndex
        var lineHere = line
        var removed = 0
        while k < raw.endIndex {
            let b = raw[k]
            if b == 0x0A { lineHere += 1 }
            if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                removed += 1
                k += 1
                continue
            }
            if b == 0x26 && entities, let semi = raw[k...].prefix(12).firstIndex(of: 0x3B) {
                let name = String(decoding: raw[(k + 1)..<semi], as: UTF8.self)
                if let scalar = Self.entity(name) {
                    if Self.isXMLChar(scalar) {
                        out.append(contentsOf: String(Character(scalar)).utf8)
                    } else {
                        removed += 1
                    }
                    k = semi + 1
                    continue
                }
                repair(lineHere, "undefined entity &\(name); kept as text (entities are never expanded)")
            } else if b == 0x26 && entities {
                repair(lineHere, "a bare & kept as text")
            }
            out.append(b)
            k += 1
        }
        if removed > 0 { repair(line, "\(removed) character\(removed == 1 ? "" : "s") not allowed in XML removed") }
        if let s = String(validating: out, as: UTF8.self) { return s }
        repair(line, "bytes that are not UTF-8 replaced by U+FFFD")
        return String(decoding: out, as: UTF8.self)
    }

    private static func entity(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init) ?? "\u{FFFD}"
        }
    }

    static func isXMLChar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
    }
}

/// A file that cannot be read as XML, with the line where reading stopped.
struct XMLError: Error {
    let line: Int
    let message: String
}

/// A file's bytes as UTF-8, in chunks: UTF-8 with or without a byte-order mark as is, UTF-16
/// (little or big endian, with a BOM or detected from `<?`) transcoded on the fly.
final class ByteInput {
    private let handle: FileHandle
    private let chunkSize: Int
    private var encoding: Encoding?
    private var carry: [UInt8] = []
    private(set) var bytesRead = 0
    enum Encoding { case utf8, utf16LE, utf16BE }

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw MemoryError.badInput(file: path, line: 0, message: "cannot open the file; check the path and permissions")
        }
        handle = h
        self.chunkSize = chunkSize
    }

    deinit { try? handle.close() }

    func next() throws -> [UInt8]? {
        guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else {
            if !carry.isEmpty, encoding != .utf8 {
                carry = []
                return [0xEF, 0xBF, 0xBD]   // a dangling half code unit
            }
            return nil
        }
        bytesRead += data.count
        var bytes = [UInt8](data)
        if encoding == nil {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { encoding = .utf8; bytes.removeFirst(3) }
            else if bytes.starts(with: [0xFF, 0xFE]) { encoding = .utf16LE; bytes.removeFirst(2) }
            else if bytes.starts(with: [0xFE, 0xFF]) { encoding = .utf16BE; bytes.removeFirst(2) }
            else if bytes.starts(with: [0x3C, 0x00, 0x3F, 0x00]) { encoding = .utf16LE }
            else if bytes.starts(with: [0x00, 0x3C, 0x00, 0x3F]) { encoding = .utf16BE }
            else { encoding = .utf8 }
        }
        if encoding == .utf8 { return bytes }
        bytes = carry + bytes
        let usable = bytes.count & ~1
        var units: [UInt16] = []
        units.reserveCapacity(usable / 2)
        var k = 0
        while k < usable {
            units.append(encoding == .utf16LE ? UInt16(bytes[k]) | UInt16(bytes[k + 1]) << 8 : UInt16(bytes[k]) << 8 | UInt16(bytes[k + 1]))
            k += 2
        }
        carry = Array(bytes[usable...])
        // Keep a high surrogate for the next chunk so a pair is never split.
        if let last = units.last, (0xD800...0xDBFF).contains(last) {
            units.removeLast()
            carry = (encoding == .utf16LE ? [UInt8(last & 0xFF), UInt8(last >> 8)] : [UInt8(last >> 8), UInt8(last & 0xFF)]) + carry
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}
