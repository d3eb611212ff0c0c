//! Nix's base32 ("nix32"): its own alphabet (no e, o, u, t) and a reversed bit order, so it is
//! not RFC 4648. Used for store path hashes and for printing hashes as `sha256:<nix32>`.
use std::fmt;

/// The 32 digits, in value order.
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Why a nix32 string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base32Error {
    /// A character outside the alphabet, with its byte offset.
    BadChar { ch: char, offset: usize },
    /// Bits set beyond the decoded length: the string is not a canonical encoding.
    TrailingBits,
}

impl fmt::Display for Base32Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Base32Error::BadChar { ch, offset } => {
                write!(f, "invalid nix32 character {ch:?} at offset {offset}")
            }
            Base32Error::TrailingBits => write!(f, "nix32 string has non-zero trailing bits"),
        }
    }
}

impl std::error::Error for Base32Error {}

/// Number of nix32 characters that encode `len` bytes.
pub const fn encoded_len(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        (len * 8 - 1) / 5 + 1
    }
}

/// Number of bytes a nix32 string of `chars` characters decodes to.
pub const fn decoded_len(chars: usize) -> usize {
    chars * 5 / 8
}

/// Encodes bytes; the first character carries the most significant (last) bits, as in Nix.
pub fn encode(bytes: &[u8]) -> String {
    let len = encoded_len(bytes.len());
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let lo = bytes[i] >> j;
        let hi = if i + 1 < bytes.len() {
            (bytes[i + 1] as u16) << (8 - j)
        } else {
            0
        };
        let c = ((lo as u16 | hi) & 0x1f) as usize;
        out.push(ALPHABET[c] as char);
    }
    out
}

fn digit(c: u8) -> Option<u8> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u8)
}

/// Decodes a nix32 string into `decoded_len(s.len())` bytes.
pub fn decode(s: &str) -> Result<Vec<u8>, Base32Error> {
    let raw = s.as_bytes();
    let len = decoded_len(raw.len());
    let mut out = vec![0u8; len];
    for (n, (offset, &c)) in raw.iter().enumerate().rev().enumerate() {
        let d = digit(c).ok_or_else(|| Base32Error::BadChar {
            ch: s[offset..].chars().next().unwrap_or('?'),
            offset,
        })?;
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        if i < len {
            out[i] |= d << j;
        } else if d != 0 {
            return Err(Base32Error::TrailingBits);
        }
        let carry = (d as u16) >> (8 - j);
        if i + 1 < len {
            out[i + 1] |= carry as u8;
        } else if carry != 0 {
            return Err(Base32Error::TrailingBits);
        }
    }
    Ok(out)
}

/// True if every byte is a nix32 digit (store path hash parts are checked with this).
pub fn is_nix32(s: &str) -> bool {
    s.bytes().all(|c| digit(c).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        let h = [
            0x08, 0x39, 0x70, 0x37, 0x86, 0x35, 0x6b, 0xca, 0x59, 0xb0, 0xf4, 0xa3, 0x29, 0x87,
            0xeb, 0x2e, 0x6d, 0xe4, 0x3a, 0xe8,
        ];
        assert_eq!(encode(&h), "x0xf8v9fxf3jk8zln1cwlsrmhqvp0f88");
        assert_eq!(decode("x0xf8v9fxf3jk8zln1cwlsrmhqvp0f88").unwrap(), h);
        assert_eq!(encode(&[]), "");
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn rejects() {
        assert!(matches!(
            decode("e0"),
            Err(Base32Error::BadChar { ch: 'e', offset: 0 })
        ));
        // 2 chars = 10 bits decode to 1 byte; the top 2 bits must be zero.
        assert_eq!(decode("z0"), Err(Base32Error::TrailingBits));
        assert_eq!(decode("70").unwrap(), vec![0xe0]);
    }
}
