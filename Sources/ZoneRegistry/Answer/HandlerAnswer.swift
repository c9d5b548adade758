/// What a handler wrote after the question: the RCODE, whether it is authoritative data,
/// and whether the answer or authority section did not fit (over UDP: TC, RFC 2181 §9).
struct HandlerAnswer {
    var rcode: Rcode
    var authoritative: Bool
    var sectionsOverflowed = false
}
