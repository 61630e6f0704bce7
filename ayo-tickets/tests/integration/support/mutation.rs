//! Byte-level mutations of ticket files, shared by the format property tests and the parser
//! fuzz run.

use proptest::prelude::*;

/// Byte edits: insert junk, delete a run, replace a byte, duplicate or swap lines.
pub fn mutate(bytes: &mut Vec<u8>, edits: &[(u8, usize, usize, Vec<u8>)]) {
    for (op, a, b, junk) in edits {
        let len = bytes.len().max(1);
        let (a, b) = (a % len, b % len);
        match op % 5 {
            0 => {
                let at = a.min(bytes.len());
                bytes.splice(at..at, junk.iter().copied());
            }
            1 => {
                let (lo, hi) = (a.min(b), a.max(b).min(a.min(b) + 64));
                bytes.drain(lo.min(bytes.len())..hi.min(bytes.len()));
            }
            2 => {
                if let Some(x) = bytes.get_mut(a) {
                    *x = junk.first().copied().unwrap_or(b'\n');
                }
            }
            n => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|c| *c == b'\n').map(<[u8]>::to_vec).collect();
                let k = lines.len();
                if n == 3 {
                    let l = lines[a % k].clone();
                    lines.insert(b % k, l);
                } else {
                    lines.swap(a % k, b % k);
                }
                *bytes = lines.join(&b'\n');
            }
        }
    }
}

/// Junk bytes biased towards the characters that matter to the format.
pub fn junk() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(b"-#:*[]{}'\"\\ \n\r\t|>&!%@,?~0x\xef\xbb\xbf".to_vec()),
            1 => any::<u8>(),
        ],
        0..16,
    )
}
