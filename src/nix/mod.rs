//! Nix formats, byte-compatible with Nix (nix32, hashes, store paths, NAR, narinfo, signatures),
//! plus `cli`, the one place that runs Nix commands, and the operator subcommands in `cmd`.
pub mod base32;
pub mod channel;
pub mod cli;
pub mod cmd;
pub mod hash;
pub mod nar;
pub mod narinfo;
pub mod products;
pub mod signing;
pub mod store_path;

pub use hash::{Hash, HashAlgo};
pub use nar::NarSummary;
pub use narinfo::NarInfo;
pub use signing::{PublicKey, SecretKey};
pub use store_path::StorePath;
