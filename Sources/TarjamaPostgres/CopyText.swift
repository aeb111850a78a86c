import Foundation
import NIOCore

/// Rows in PostgreSQL's `COPY … FROM STDIN` text format: fields separated by tabs, rows ended
/// by a newline, `\N` for NULL, and backslash, tab, newline and carriage return escaped.
struct CopyText {
    var buffer: ByteBuffer

    init(capacity: Int = 1 << 16) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    private var atRowStart = true

    private mutating func separate() {
        if !atRowStart { buffer.writeInteger(UInt8(ascii: "\t")) }
        atRowStart = false
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(ascii: "\n"))
        atRowStart = true
    }

    mutating func null() {
        separate()
        buffer.writeStaticString("\\N")
    }

    mutating func text(_ bytes: some Collection<UInt8>) {
        separate()
        for b in bytes {
            switch b {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(b)
            }
        }
    }

    mutating func text(_ s: String?) {
        guard let s else { return null() }
        text(s.utf8)
    }

    mutating func int(_ v: Int64?) {
        guard let v else { return null() }
        separate()
        buffer.writeString(String(v))
    }

    mutating func double(_ v: Double?) {
        guard let v else { return null() }
        separate()
        buffer.writeString(String(v))
    }

    /// A `bytea` in hex form (`\x0a0b…`, its backslash escaped for COPY).
    mutating func bytes(_ b: some Collection<UInt8>) {
        separate()
        buffer.writeStaticString("\\\\x")
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for x in b {
            buffer.writeInteger(digits[Int(x >> 4)])
            buffer.writeInteger(digits[Int(x & 0xF)])
        }
    }
}
