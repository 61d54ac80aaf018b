/// The Thrift compact protocol, the encoding of all Parquet metadata (page headers and footer):
/// only what writing needs, no reading.
///
/// Fields are written by id in increasing order; a field header holds the id as a delta from the
/// previous field of the same struct, which a nested struct resets to 0 and restores after.
struct CompactEncoder {
    /// The compact protocol's type codes.
    enum FieldType: UInt8 {
        case boolTrue = 1
        case boolFalse = 2
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case binary = 8
        case list = 9
        case structure = 12
    }

    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0

    /// `(n << 1) ^ (n >> 63)`: small magnitudes, negative or not, get short varints.
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Unsigned LEB128: seven bits a byte, low bits first, the high bit set on all but the last.
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// One byte `(delta << 4) | type` when the id is 1 to 15 above the previous one, else the
    /// type byte followed by the id as a zigzag varint.
    mutating func fieldHeader(_ id: Int16, _ type: FieldType) {
        let delta = Int(id) - Int(lastFieldID)
        if (1...15).contains(delta) {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(Self.zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func i16(_ id: Int16, _ value: Int16) {
        fieldHeader(id, .i16)
        varint(Self.zigzag(Int64(value)))
    }

    /// An i32 field; enums are i32 too.
    mutating func i32(_ id: Int16, _ value: Int32) {
        fieldHeader(id, .i32)
        varint(Self.zigzag(Int64(value)))
    }

    mutating func i64(_ id: Int16, _ value: Int64) {
        fieldHeader(id, .i64)
        varint(Self.zigzag(value))
    }

    /// A bool field is its header alone: the type nibble holds the value.
    mutating func bool(_ id: Int16, _ value: Bool) {
        fieldHeader(id, value ? .boolTrue : .boolFalse)
    }

    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, .binary)
        binaryElement(value)
    }

    mutating func string(_ id: Int16, _ value: String) {
        binary(id, Array(value.utf8))
    }

    /// A struct field: its fields, written by `body`, then the STOP byte.
    mutating func structure(_ id: Int16, _ body: (inout CompactEncoder) -> Void) {
        fieldHeader(id, .structure)
        structElement(body)
    }

    /// A list field's header; the caller then writes `count` elements of `elementType`.
    mutating func list(_ id: Int16, of elementType: FieldType, count: Int) {
        fieldHeader(id, .list)
        listHeader(of: elementType, count: count)
    }

    /// `(count << 4) | type` up to 14 elements, else `0xF0 | type` and the count as a varint.
    mutating func listHeader(of elementType: FieldType, count: Int) {
        if count <= 14 {
            bytes.append(UInt8(count << 4) | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
    }

    /// A struct without a field header (a list element, or the field body of `structure`).
    mutating func structElement(_ body: (inout CompactEncoder) -> Void) {
        let outer = lastFieldID
        lastFieldID = 0
        body(&self)
        stop()
        lastFieldID = outer
    }

    mutating func i32Element(_ value: Int32) {
        varint(Self.zigzag(Int64(value)))
    }

    mutating func binaryElement(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// The STOP byte that ends a struct; the top-level struct's caller writes it.
    mutating func stop() {
        bytes.append(0)
    }
}
