//! `hydrant serve`: loads config, opens the database, builds the shared `App`, starts the web
//! server and the background subsystems, and shuts everything down on SIGTERM/SIGINT.

use crate::app::App;
use crate::config::Config;
use crate::db::{self, Db, JobsetInput, Project};
use std::path::Path;
use std::sync::Arc;

pub struct ServeOptions {
    pub config: Config,
    pub listen: Option<String>,
    pub demo: bool,
}

/// Creates the demo project (`demo:release` over `fixtures/demo`) when the db has no projects,
/// and triggers its first evaluation.
pub fn create_demo(app: &App, cwd: &Path) -> Result<bool, db::DbError> {
    if !app.db.projects()?.is_empty() {
        return Ok(false);
    }
    let fixture = cwd.join("fixtures").join("demo");
    let fixture = fixture.canonicalize().unwrap_or(fixture);
    app.db.put_project(&Project {
        name: "demo".into(),
        displayname: "Demo".into(),
        description: "Fixture project created by `hydrant serve --demo`".into(),
        enabled: true,
        visible: true,
        created: db::now(),
        ..Default::default()
    })?;
    let mut js = db::Jobset::new("demo", "release");
    js.description = "Builds fixtures/demo/release.nix".into();
    js.nixexprinput = "src".into();
    js.nixexprpath = "release.nix".into();
    js.checkinterval = 0;
    js.triggertime = Some(db::now());
    let inputs = [
        JobsetInput {
            name: "src".into(),
            kind: "path".into(),
            value: fixture.display().to_string(),
            emailresponsible: false,
        },
        JobsetInput {
            name: "officialRelease".into(),
            kind: "boolean".into(),
            value: "false".into(),
            emailresponsible: false,
        },
    ];
    app.db.put_jobset(&js, &inputs)?;
    app.eval_wake.notify();
    Ok(true)
}

/// Blocks SIGTERM/SIGINT in every thread (call before spawning any) and returns the set, so
/// the main thread can `sigwait` for them instead of running an async handler.
fn block_signals() -> libc::sigset_t {
    // SAFETY: plain libc calls on a stack-local sigset_t that they initialise.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

fn wait_for_signal(set: &libc::sigset_t) -> i32 {
    let mut sig: libc::c_int = 0;
    // SAFETY: `set` was initialised by block_signals; sigwait writes the signal number.
    unsafe {
        libc::sigwait(set, &mut sig);
    }
    sig
}

/// Runs the server until a signal arrives. Returns an error message for the CLI.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    let ServeOptions {
        mut config,
        listen,
        demo,
    } = opts;
    if let Some(l) = listen {
        config.listen = l;
    }
    for w in &config.warnings {
        eprintln!("hydrant: warning: {w}");
    }
    std::fs::create_dir_all(&config.state_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.state_dir.display()))?;
    // Absolute and symlink-free from here on, whoever built the config (see resolve_state_dir).
    config.resolve_state_dir()?;
    for dir in [config.logs_dir(), config.gcroots_dir()] {
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let db = Db::open(&config.db_path()).map_err(|e| e.to_string())?;
    // Only now: holding the database lock, no other server uses this state dir's children.
    for line in crate::children::start(&config.state_dir.join("children")) {
        eprintln!("hydrant: {line}");
    }
    let listen = config.listen.clone();
    let app = Arc::new(App::new(config, db));
    app.binary_cache.check()?;
    let signals = block_signals();

    let no_admin = !app
        .db
        .users()
        .map_err(|e| e.to_string())?
        .iter()
        .any(|u| u.has_role("admin"));
    if no_admin {
        let token = crate::users::random_secret().map_err(|e| e.to_string())?;
        if let Ok(mut t) = app.setup_token.lock() {
            *t = Some(token);
        }
    }
    if demo {
        let cwd =
            std::env::current_dir().map_err(|e| format!("cannot read the current dir: {e}"))?;
        if create_demo(&app, &cwd).map_err(|e| e.to_string())? {
            eprintln!("hydrant: created the demo project `demo` (jobset `release`)");
        }
    }

    // subsystems: eval::spawn, queue::spawn, cache::spawn are started here
    // (each gets `app.clone()`, runs until `app.shutting_down()`, and returns a JoinHandle to join below).
    let subsystems: Vec<std::thread::JoinHandle<()>> = vec![
        crate::eval::spawn(app.clone()),
        crate::queue::spawn(app.clone()),
        crate::cache::spawn(app.clone()),
        crate::cache::spawn_gc(app.clone()),
    ];

    let threads = std::thread::available_parallelism()
        .map(|n| n.get() * 2)
        .unwrap_or(4)
        .clamp(4, 8);
    let web = crate::web::start(app.clone(), &listen, threads).map_err(|e| e.to_string())?;
    // `hydrant user …` reaches this server through the control socket while it holds the db.
    let control = match crate::control::spawn(app.clone()) {
        Ok(h) => Some(h),
        Err(e) => {
            eprintln!(
                "hydrant: warning: no control socket ({e}): `hydrant user …` needs the server stopped"
            );
            None
        }
    };
    if let Some(token) = app.setup_token.lock().ok().and_then(|t| t.clone()) {
        let me = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "hydrant".into());
        eprintln!(
            "hydrant: no admin yet. Create the first one in a browser at\n    http://{}/setup?token={token}\n  or, while this runs, with\n    {me} user add admin --role admin{}",
            web.addr,
            state_dir_flag(&app.config.state_dir)
        );
    }
    if app.binary_cache.enabled {
        eprintln!(
            "hydrant: binary cache of the local store at http://{}/",
            web.addr
        );
    }
    // Last: whoever waits for this line finds the control socket and the hints ready.
    eprintln!("hydrant: listening on http://{}", web.addr);

    let sig = wait_for_signal(&signals);
    eprintln!("hydrant: signal {sig} received, shutting down");
    app.shutdown();
    web.stop();
    for h in subsystems.into_iter().chain(control) {
        let _ = h.join();
    }
    Ok(())
}

/// The `--state-dir` a CLI command needs to reach this server's state (none for the default).
fn state_dir_flag(d: &Path) -> String {
    let default = std::fs::canonicalize(Config::default().state_dir).ok();
    if default.as_deref() == Some(d) {
        String::new()
    } else {
        format!(" --state-dir {}", d.display())
    }
}
