//! The queue runner: one scheduling thread decides which queued build runs next (`policy`, pure),
//! on which machine slot (`machines`), runs it as `nix-store --realise` (`runner`), keeps its log
//! (`log`) and records the outcome (`store`). The web layer calls the plain functions re-exported here.

pub mod policy;
