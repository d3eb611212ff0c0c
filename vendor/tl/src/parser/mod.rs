mod base;
pub(crate) mod constants;
mod handle;
mod options;
mod tag;

pub use base::*;
pub use handle::*;
pub use options::*;
pub use tag::*;
