/// Okapi BM25 over paragraphs.
///
///     score(t, p) = idf(t) · tf / (tf + k1 · (1 − b + b · |p| / avg|p|))
///     idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
///
/// N is the number of paragraphs, df the number containing t, |p| the paragraph's length in
/// terms (exact, not quantised). The idf is Lucene's non-negative variant; the numerator omits
/// the constant (k1 + 1), which scales every score alike and changes no ranking. k1 sets how
/// fast repeated occurrences saturate; b how strongly long paragraphs are discounted. The
/// defaults were chosen on the evaluation sets (see `docs/quality.md`).
public struct BM25: Sendable, Equatable, Hashable {
    public var k1: Double
    public var b: Double

    public static let `default` = BM25(k1: 2.5, b: 0.6)

    public init(k1: Double, b: Double) {
        self.k1 = k1
        self.b = b
    }

    @inline(__always)
    public func idf(documentFrequency df: Int, paragraphs n: Int) -> Double {
        let dfd = Double(df)
        return log(1 + (Double(n) - dfd + 0.5) / (dfd + 0.5))
    }

    /// The length normaliser `k1 · (1 − b + b · length / average)`.
    @inline(__always)
    public func norm(length: Int, average: Double) -> Double {
        LengthNorm(self, average: average)(length)
    }

    /// The length normaliser for one average length, as `base + slope · length`: a multiply
    /// and an add per paragraph scored, no division.
    public struct LengthNorm: Sendable {
        public let base: Double
        public let slope: Double

        @inline(__always)
        public init(_ bm25: BM25, average: Double) {
            base = bm25.k1 * (1 - bm25.b)
            slope = bm25.k1 * bm25.b / (average > 0 ? average : 1)
        }

        @inline(__always)
        public func callAsFunction(_ length: Int) -> Double { base + slope * Double(length) }
    }

    @inline(__always)
    public func score(frequency tf: Int, norm: Double, idf: Double) -> Double {
        let f = Double(tf)
        return idf * f / (f + norm)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
