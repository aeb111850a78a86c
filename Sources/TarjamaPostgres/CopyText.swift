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

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        separate()
        // Runs without a byte to escape are copied whole (nearly all text is such a run).
        var start = 0
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\\") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<i])))
            switch b {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            default: buffer.writeStaticString("\\r")
            }
            start = i + 1
        }
        buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
    }

    mutating func text(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { text($0) }
    }

    mutating func text(_ s: String?) {
        guard var s else { return null() }
        s.withUTF8 { text($0) }
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
    mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
        separate()
        buffer.writeStaticString("\\\\x")
        // Two hex digits a byte, written in place.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: b.count * 2) { out in
            for (i, x) in b.enumerated() {
                out[2 * i] = Self.hex[Int(x >> 4)]
                out[2 * i + 1] = Self.hex[Int(x & 0xF)]
            }
            return b.count * 2
        }
    }

    mutating func bytes(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { bytes($0) }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
