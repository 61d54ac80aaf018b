import ExpctlYAML
import Testing

@Suite("Core schema resolution of plain scalars")
struct ResolutionTests {
    private func plain(_ text: String, tag: String? = nil) -> YAMLScalar {
        YAMLScalar(text: text, style: .plain, tag: tag)
    }

    @Test(arguments: ["", "~", "null", "Null", "NULL"])
    func nulls(text: String) {
        #expect(plain(text).isNull)
        #expect(!YAMLScalar(text: text, style: .doubleQuoted).isNull)
    }

    @Test(arguments: ["nul", "none", "NuLL", "0"])
    func notNulls(text: String) {
        #expect(!plain(text).isNull)
    }

    @Test func bools() {
        for text in ["true", "True", "TRUE"] { #expect(plain(text).bool == true) }
        for text in ["false", "False", "FALSE"] { #expect(plain(text).bool == false) }
        for text in ["yes", "no", "on", "tRUE", "1", ""] { #expect(plain(text).bool == nil) }
        #expect(YAMLScalar(text: "true", style: .singleQuoted).bool == nil)
    }

    @Test func integers() {
        let cases: [(String, Int?)] = [
            ("3", 3), ("-17", -17), ("+5", 5), ("0", 0), ("007", 7), ("0x1F", 31), ("0xff", 255),
            ("0o17", 15), ("9223372036854775807", .max), ("-9223372036854775808", .min),
            ("9223372036854775808", nil), ("0x10000000000000000", nil), ("1.0", nil), ("1e3", nil),
            ("0x", nil), ("0o8", nil), ("0x-1", nil), ("1_000", nil), ("", nil), ("-", nil), (" 1", nil),
            ("0b101", nil),
        ]
        for (text, expected) in cases {
            #expect(plain(text).integer == expected, "\(text)")
        }
    }

    @Test func doubles() {
        let cases: [(String, Double?)] = [
            ("1.0e-4", 1.0e-4), ("1e3", 1000), ("1E+3", 1000), (".5", 0.5), ("-.5", -0.5), ("5.", 5),
            ("3", 3), ("-2.25", -2.25), ("+1.5", 1.5), ("0x10", 16), ("0o10", 8), (".inf", .infinity),
            ("+.Inf", .infinity), ("-.inf", -.infinity), ("-.INF", -.infinity),
            (".", nil), ("e3", nil), ("1e", nil), ("1.2.3", nil), ("inf", nil), ("nan", nil),
            ("0x1p3", nil), ("1,5", nil), ("abc", nil), ("", nil),
        ]
        for (text, expected) in cases {
            #expect(plain(text).double == expected, "\(text)")
        }
        for text in [".nan", ".NaN", ".NAN"] {
            #expect(plain(text).double?.isNaN == true)
        }
    }

    @Test func onlyPlainUntaggedOrNonStringTaggedScalarsResolve() {
        #expect(YAMLScalar(text: "3", style: .doubleQuoted).integer == nil)
        #expect(YAMLScalar(text: "3", style: .literal).double == nil)
        #expect(plain("3", tag: "!!str").integer == nil)
        #expect(plain("true", tag: "!<tag:yaml.org,2002:str>").bool == nil)
        #expect(plain("null", tag: "!").isNull == false)
        #expect(plain("3", tag: "!!int").integer == 3)
    }

    @Test func resolutionOfParsedValues() throws {
        let root = try #require(parse("threshold: 1.0e-4\ncount: 3\nname: \"3\"\nflag: true\nnone:\ntagged: !!str 3"))
        #expect(root["threshold"]?.scalar?.double == 1.0e-4)
        #expect(root["count"]?.scalar?.integer == 3)
        #expect(root["count"]?.scalar?.double == 3)
        #expect(root["name"]?.scalar == YAMLScalar(text: "3", style: .doubleQuoted))
        #expect(root["name"]?.scalar?.integer == nil)
        #expect(root["flag"]?.scalar?.bool == true)
        #expect(root["none"]?.scalar?.isNull == true)
        #expect(root["tagged"]?.scalar == YAMLScalar(text: "3", style: .plain, tag: "!!str"))
        #expect(root["tagged"]?.scalar?.integer == nil)
    }
}
