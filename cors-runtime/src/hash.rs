//! The hash functions shared by the table builder (at compile time) and the
//! lookup (at run time).
//!
//! Both sides must compute bit-identical values on every platform, so loads are
//! explicitly little-endian and only 64- and 128-bit integer arithmetic is used.
//! The construction follows the folded-multiply family (wyhash, foldhash): one
//! 64×64→128-bit multiply per 16 input bytes, which keeps a 30-byte origin at a
//! handful of cycles.

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;
const P2: u64 = 0x8ebc_6af0_9c88_c6e3;
const P3: u64 = 0x5899_65cc_7537_4cc3;

/// Multiplies as 128 bits and folds the halves together.
#[inline(always)]
pub(crate) const fn fold_mul(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline(always)]
fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut buf = [0u8; 8];
    buf.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(buf)
}

#[inline(always)]
fn read_u32(bytes: &[u8], at: usize) -> u64 {
    let mut buf = [0u8; 4];
    buf.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(buf))
}

/// Hashes `bytes` with `seed`.
#[inline]
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    hash_bytes_inline(seed, bytes)
}

/// [`hash_bytes`], always inlined: for a caller that hashes twice per
/// lookup (the tenant index's pairs), where the call measured 10 % of it.
#[inline(always)]
pub(crate) fn hash_bytes_inline(seed: u64, bytes: &[u8]) -> u64 {
    let len = bytes.len();
    let mut h = seed ^ P0 ^ (len as u64).wrapping_mul(P1);
    let (a, b);
    if len <= 16 {
        if len >= 8 {
            a = read_u64(bytes, 0);
            b = read_u64(bytes, len - 8);
        } else if len >= 4 {
            a = read_u32(bytes, 0);
            b = read_u32(bytes, len - 4);
        } else if len > 0 {
            a = (u64::from(bytes[0]) << 16)
                | (u64::from(bytes[len >> 1]) << 8)
                | u64::from(bytes[len - 1]);
            b = 0;
        } else {
            a = 0;
            b = 0;
        }
    } else if len <= 32 {
        // Two independent lanes (the first and last 16 bytes, overlapping
        // when shorter than 32), folded together: a typical origin is 20–32
        // bytes, and this keeps its hash two multiplies deep instead of three.
        let x = fold_mul(read_u64(bytes, 0) ^ P1, read_u64(bytes, 8) ^ h);
        let y = fold_mul(
            read_u64(bytes, len - 16) ^ P2,
            read_u64(bytes, len - 8) ^ h ^ P3,
        );
        return fold_mul(P1 ^ len as u64, x ^ y);
    } else {
        let mut i = 0;
        while len - i > 16 {
            h = fold_mul(read_u64(bytes, i) ^ P1, read_u64(bytes, i + 8) ^ h);
            i += 16;
        }
        a = read_u64(bytes, len - 16);
        b = read_u64(bytes, len - 8);
    }
    fold_mul(P1 ^ len as u64, fold_mul(a ^ P1, b ^ h ^ P2))
}

/// Maps the low 32 bits of `x` onto `0..n` without a division: the bucket of
/// a key, independent of the high bits that [`reduce`] uses for its slot.
#[inline(always)]
pub(crate) const fn reduce_low(x: u64, n: u32) -> usize {
    ((x as u32 as u64 * n as u64) >> 32) as usize
}

/// Maps a 64-bit value onto `0..n` without a division (Lemire's reduction).
#[inline(always)]
pub(crate) const fn reduce(x: u64, n: u32) -> usize {
    ((x as u128 * n as u128) >> 64) as usize
}

/// Scrambles a bucket pilot into the value that displaces a key's slot. The
/// builder stores the scrambled value, so a lookup does not multiply here.
#[inline(always)]
pub(crate) const fn pilot_mask(pilot: u16) -> u64 {
    // One 64-bit multiply by an odd constant spreads the 16 pilot bits over
    // the word; a 128-bit fold here cost a nanosecond per probe.
    (pilot as u64 ^ P2).wrapping_mul(P3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_byte_and_the_length() {
        let base = b"https://app.example.com:8443".to_vec();
        let h = hash_bytes(7, &base);
        for i in 0..base.len() {
            let mut changed = base.clone();
            changed[i] ^= 1;
            assert_ne!(
                hash_bytes(7, &changed),
                h,
                "byte {i} did not affect the hash"
            );
        }
        assert_ne!(hash_bytes(7, &base[..base.len() - 1]), h);
        assert_ne!(hash_bytes(8, &base), h, "the seed must matter");
    }

    #[test]
    fn short_inputs_are_distinguished() {
        let inputs: [&[u8]; 8] = [b"", b"a", b"b", b"ab", b"ba", b"abc", b"abcd", b"abcde"];
        let mut seen = std::collections::HashSet::new();
        for i in inputs {
            assert!(seen.insert(hash_bytes(1, i)), "collision on {i:?}");
        }
    }

    #[test]
    fn reduce_stays_in_range() {
        for x in [0, 1, u64::MAX, u64::MAX / 3, 0x8000_0000_0000_0000] {
            for n in [1u32, 2, 3, 1000, u32::MAX] {
                assert!(reduce(x, n) < n as usize);
                assert!(reduce_low(x, n) < n as usize);
            }
        }
    }
}
