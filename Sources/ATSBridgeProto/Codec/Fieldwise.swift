/// The stored property that keeps each generated message's synthesized memberwise initialiser.
///
/// Swift synthesizes a memberwise initialiser only for a struct whose body declares none, and a
/// public initialiser with the fields' own labels would clash with it. So every message stores
/// one `Fieldwise` (zero bytes, always equal) without a default: the synthesized initialiser then
/// starts with a `fieldwise:` label, and the public initialisers and the decoders call it.
///
/// Why it matters: in Swift 6.3, an explicit initialiser that assigns the fields of a struct
/// holding optional strings returns a copy of the value it built and destroys the original, a
/// retain and a release of every field; the synthesized initialiser does not. Without those
/// copies a page of nested candidates decodes in about 30 % less time (docs/benchmarks.md).
struct Fieldwise: Hashable, Sendable {}
