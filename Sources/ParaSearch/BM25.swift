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
    /// How fast repeated occurrences of a term saturate (0: one occurrence counts as many).
    public var k1: Double
    /// How strongly a long paragraph is discounted (0: not at all, 1: in proportion).
    public var b: Double

    /// k1 2.5, b 0.6: the values measured best on both relevance sets.
    public static let `default` = BM25(k1: 2.5, b: 0.6)

    /// BM25 with these parameters.
    public init(k1: Double, b: Double) {
        self.k1 = k1
        self.b = b
    }

    /// The inverse document frequency of a term `df` of `n` paragraphs hold.
    @inline(__always)
    package func idf(documentFrequency df: Int, paragraphs n: Int) -> Double {
        let dfd = Double(df)
        return log(1 + (Double(n) - dfd + 0.5) / (dfd + 0.5))
    }

    /// The length normaliser `k1 · (1 − b + b · length / average)`.
    @inline(__always)
    package func norm(length: Int, average: Double) -> Double {
        LengthNorm(self, average: average)(length)
    }

    /// The length normaliser for one average length, as `base + slope · length`: a multiply
    /// and an add per paragraph scored, no division.
    package struct LengthNorm: Sendable {
        package let base: Double
        package let slope: Double

        @inline(__always)
        package init(_ bm25: BM25, average: Double) {
            base = bm25.k1 * (1 - bm25.b)
            slope = bm25.k1 * bm25.b / (average > 0 ? average : 1)
        }

        @inline(__always)
        package func callAsFunction(_ length: Int) -> Double { base + slope * Double(length) }
    }

    /// A term's score in a paragraph holding it `tf` times, `norm` the paragraph's length
    /// normaliser.
    @inline(__always)
    package func score(frequency tf: Int, norm: Double, idf: Double) -> Double {
        let f = Double(tf)
        return idf * f / (f + norm)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
