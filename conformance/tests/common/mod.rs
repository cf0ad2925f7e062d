//! Generators shared by the property tests.

use proptest::prelude::*;

/// Near misses of `seeds`: a byte inserted, removed or replaced, a suffix
/// or prefix added, a trailing slash, upper case — or the seed unchanged.
pub(crate) fn near_miss(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(seeds),
        any::<prop::sample::Index>(),
        any::<u8>(),
        0..8u8,
    )
        .prop_map(|(seed, at, byte, op)| {
            let mut s = seed.as_bytes().to_vec();
            let i = at.index(s.len() + 1);
            match op {
                0 => s.insert(i, byte),
                1 if i < s.len() => {
                    s.remove(i);
                }
                2 if i < s.len() => s[i] = byte,
                3 => s.extend_from_slice(b".evil.test"),
                4 => s
                    .splice(0..0, b"https://evil".iter().copied())
                    .for_each(drop),
                5 => s.extend_from_slice(b"/"),
                6 => s.make_ascii_uppercase(),
                _ => {}
            }
            s
        })
}
