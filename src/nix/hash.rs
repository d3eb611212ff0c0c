//! Content hashes as Nix prints and parses them: `sha256:<nix32>` out, and `algo:` followed by
//! nix32, hex or base64 (or SRI `algo-<base64>`) in.
use super::base32;
use base64::Engine;
use sha2::Digest;
use std::fmt;

/// The algorithms Nix names in narinfos and content addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }
    /// Digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }
    pub fn from_name(s: &str) -> Option<HashAlgo> {
        match s {
            "md5" => Some(HashAlgo::Md5),
            "sha1" => Some(HashAlgo::Sha1),
            "sha256" => Some(HashAlgo::Sha256),
            "sha512" => Some(HashAlgo::Sha512),
            _ => None,
        }
    }
}

/// Why a hash string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashError {
    UnknownAlgo(String),
    MissingAlgo(String),
    BadLength { input: String, algo: HashAlgo },
    BadEncoding { input: String, reason: String },
    WrongAlgo { expected: HashAlgo, got: HashAlgo },
}

impl fmt::Display for HashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HashError::UnknownAlgo(a) => write!(f, "unknown hash algorithm {a:?}"),
            HashError::MissingAlgo(s) => write!(f, "hash {s:?} lacks an algorithm prefix"),
            HashError::BadLength { input, algo } => {
                write!(f, "hash {input:?} has the wrong length for {}", algo.name())
            }
            HashError::BadEncoding { input, reason } => write!(f, "hash {input:?}: {reason}"),
            HashError::WrongAlgo { expected, got } => {
                write!(f, "expected a {} hash, got {}", expected.name(), got.name())
            }
        }
    }
}

impl std::error::Error for HashError {}

/// A digest together with its algorithm.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash {
    algo: HashAlgo,
    digest: Vec<u8>,
}

impl Hash {
    /// A hash from raw digest bytes; the length must match the algorithm.
    pub fn new(algo: HashAlgo, digest: &[u8]) -> Result<Hash, HashError> {
        if digest.len() != algo.size() {
            return Err(HashError::BadLength {
                input: hex(digest),
                algo,
            });
        }
        Ok(Hash {
            algo,
            digest: digest.to_vec(),
        })
    }

    pub fn sha256(digest: [u8; 32]) -> Hash {
        Hash {
            algo: HashAlgo::Sha256,
            digest: digest.to_vec(),
        }
    }

    /// sha256 of a byte slice.
    pub fn sha256_of(data: &[u8]) -> Hash {
        Hash::sha256(sha2::Sha256::digest(data).into())
    }

    pub fn algo(&self) -> HashAlgo {
        self.algo
    }

    pub fn digest(&self) -> &[u8] {
        &self.digest
    }

    /// Parses `algo:<nix32|hex|base64>` or SRI `algo-<base64>`.
    pub fn parse(s: &str) -> Result<Hash, HashError> {
        if let Some((algo, rest)) = s.split_once(':') {
            let algo =
                HashAlgo::from_name(algo).ok_or_else(|| HashError::UnknownAlgo(algo.into()))?;
            return Hash::parse_digest(algo, rest, s);
        }
        if let Some((algo, rest)) = s.split_once('-') {
            if let Some(algo) = HashAlgo::from_name(algo) {
                return Hash::decode_base64(algo, rest, s);
            }
        }
        Err(HashError::MissingAlgo(s.into()))
    }

    /// Parses a hash that must use the given algorithm; a bare digest (no prefix) is accepted.
    pub fn parse_as(algo: HashAlgo, s: &str) -> Result<Hash, HashError> {
        let h = if s.contains(':') || s.contains('-') {
            Hash::parse(s)?
        } else {
            Hash::parse_digest(algo, s, s)?
        };
        if h.algo != algo {
            return Err(HashError::WrongAlgo {
                expected: algo,
                got: h.algo,
            });
        }
        Ok(h)
    }

    fn parse_digest(algo: HashAlgo, rest: &str, input: &str) -> Result<Hash, HashError> {
        let size = algo.size();
        let bad = |reason: String| HashError::BadEncoding {
            input: input.into(),
            reason,
        };
        if rest.len() == size * 2 {
            let mut d = Vec::with_capacity(size);
            for pair in rest.as_bytes().chunks(2) {
                let hi = hex_val(pair[0]).ok_or_else(|| bad("invalid hex digit".into()))?;
                let lo = hex_val(pair[1]).ok_or_else(|| bad("invalid hex digit".into()))?;
                d.push(hi << 4 | lo);
            }
            Ok(Hash { algo, digest: d })
        } else if rest.len() == base32::encoded_len(size) {
            let d = base32::decode(rest).map_err(|e| bad(e.to_string()))?;
            Ok(Hash { algo, digest: d })
        } else {
            Hash::decode_base64(algo, rest, input)
        }
    }

    fn decode_base64(algo: HashAlgo, rest: &str, input: &str) -> Result<Hash, HashError> {
        let d = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .map_err(|e| HashError::BadEncoding {
                input: input.into(),
                reason: e.to_string(),
            })?;
        if d.len() != algo.size() {
            return Err(HashError::BadLength {
                input: input.into(),
                algo,
            });
        }
        Ok(Hash { algo, digest: d })
    }

    /// `algo:<nix32>`, the form narinfos and `nix-store -q --hash` use.
    pub fn to_nix32(&self) -> String {
        format!("{}:{}", self.algo.name(), base32::encode(&self.digest))
    }

    /// The digest alone, in nix32 (used for `nar/<filehash>.nar` names).
    pub fn nix32_digest(&self) -> String {
        base32::encode(&self.digest)
    }

    pub fn to_hex(&self) -> String {
        hex(&self.digest)
    }

    /// SRI form `algo-<base64>`.
    pub fn to_sri(&self) -> String {
        let b = base64::engine::general_purpose::STANDARD.encode(&self.digest);
        format!("{}-{b}", self.algo.name())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_nix32())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_nix32())
    }
}

impl std::str::FromStr for Hash {
    type Err = HashError;
    fn from_str(s: &str) -> Result<Hash, HashError> {
        Hash::parse(s)
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(D[(b >> 4) as usize] as char);
        s.push(D[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abc_vector_in_all_forms() {
        let h = Hash::sha256_of(b"abc");
        let nix32 = "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
        assert_eq!(h.to_string(), nix32);
        assert_eq!(Hash::parse(nix32).unwrap(), h);
        let hex = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(Hash::parse(hex).unwrap(), h);
        assert_eq!(
            Hash::parse(&format!("sha256:{}", &h.to_sri()[7..])).unwrap(),
            h
        );
        assert_eq!(Hash::parse(&h.to_sri()).unwrap(), h);
        assert_eq!(Hash::parse_as(HashAlgo::Sha256, &hex[7..]).unwrap(), h);
    }

    #[test]
    fn rejects() {
        assert!(matches!(
            Hash::parse("sha257:00"),
            Err(HashError::UnknownAlgo(_))
        ));
        assert!(matches!(Hash::parse("abc"), Err(HashError::MissingAlgo(_))));
        assert!(Hash::parse("sha256:abc").is_err());
        assert!(Hash::parse_as(HashAlgo::Sha256, "sha1:x0xf8v9fxf3jk8zln1cwlsrmhqvp0f88").is_err());
    }
}
