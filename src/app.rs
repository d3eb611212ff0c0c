//! The running appliance's shared state: config, database and the wake-up signals that connect
//! the web front, the evaluator thread, the queue runner and the cache uploaders.

use crate::config::Config;
use crate::db::Db;
use crate::nix::cli::NixCli;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// A level-triggered wake-up: `notify` never blocks, `wait` returns at once if notified since
/// the last wait, else after the timeout. Lost wake-ups are impossible; spurious ones are harmless.
#[derive(Default)]
pub struct Wake {
    flag: Mutex<bool>,
    cv: Condvar,
}

impl Wake {
    pub fn notify(&self) {
        if let Ok(mut f) = self.flag.lock() {
            *f = true;
            self.cv.notify_all();
        }
    }

    /// Returns true when woken by `notify`, false on timeout.
    pub fn wait(&self, timeout: Duration) -> bool {
        let Ok(mut f) = self.flag.lock() else {
            return false;
        };
        if !*f {
            f = match self.cv.wait_timeout_while(f, timeout, |f| !*f) {
                Ok((f, _)) => f,
                Err(_) => return false,
            };
        }
        std::mem::replace(&mut *f, false)
    }
}

/// Everything the threads of `hydrant serve` share, behind one `Arc`.
pub struct App {
    pub config: Config,
    pub db: Db,
    /// The one way the runner, the evaluator and the uploaders run Nix (built from the config).
    pub nix: NixCli,
    /// Jobsets were triggered (Evaluate, push API) or changed.
    pub eval_wake: Wake,
    /// Builds were queued, cancelled, bumped or restarted.
    pub queue_wake: Wake,
    /// Builds finished with output: the cache uploaders have work (see `db::CACHE_PENDING`).
    pub cache_wake: Wake,
    shutdown: AtomicBool,
    /// Failed logins, per user and per address.
    pub login_throttle: Mutex<crate::users::LoginThrottle>,
    /// While no admin exists: the secret of the one-time `/setup?token=…` page.
    pub setup_token: Mutex<Option<String>>,
    /// Build machines: slots, failures, back-off (the queue runner writes, the web reads).
    pub farm: crate::queue::machines::Farm,
    /// The local store as a binary cache (`binary_cache = true`).
    pub binary_cache: crate::cache::local::LocalCache,
    /// Evaluations in progress (progress counters, cancel flags).
    pub evals: crate::eval::progress::Running,
}

impl App {
    pub fn new(config: Config, db: Db) -> App {
        App {
            nix: NixCli::for_store(&config.store_dir),
            binary_cache: crate::cache::local::LocalCache::new(
                &config,
                &NixCli::for_store(&config.store_dir),
            ),
            config,
            db,
            eval_wake: Wake::default(),
            queue_wake: Wake::default(),
            cache_wake: Wake::default(),
            shutdown: AtomicBool::new(false),
            login_throttle: Mutex::new(crate::users::LoginThrottle::default()),
            setup_token: Mutex::new(None),
            farm: Default::default(),
            evals: Default::default(),
        }
    }

    pub fn shutting_down(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// Asks every thread to stop; wakes them so they notice.
    pub fn shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
        self.eval_wake.notify();
        self.queue_wake.notify();
        self.cache_wake.notify();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wake_is_level_triggered() {
        let w = Wake::default();
        assert!(!w.wait(Duration::from_millis(1)));
        w.notify();
        assert!(w.wait(Duration::from_secs(5)));
        assert!(!w.wait(Duration::from_millis(1)));
    }
}
