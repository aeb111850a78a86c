import Foundation
import Testing
@testable import TarjamaMemory

@Suite("Unit JSON columns")
struct JSONTextTests {
    @Test func propertiesAndNotesReadBackThroughJSONDecoder() throws {
        let props = ["x-origin": "wire \"AFP\"\n", "tuid": "7", "note\\path": "tab\there \u{1}", "ar": "الصين / بكين"]
        let notes = ["first", "with \"quotes\"", "سطر\r\nثان"]
        let p = try JSONDecoder().decode([String: String].self, from: Data(JSONText.object(props).utf8))
        let n = try JSONDecoder().decode([String].self, from: Data(JSONText.array(notes).utf8))
        #expect(p == props)
        #expect(n == notes)
        #expect(JSONText.object([:]) == "{}" && JSONText.array([]) == "[]")
        #expect(JSONText.object(["b": "1", "a": "2"]) == #"{"a":"2","b":"1"}"#)
    }
}
