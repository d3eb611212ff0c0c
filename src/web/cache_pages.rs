//! The S3 backup's face: `/cache` shows, per configured bucket/prefix, the upload queue (paths
//! queued and failing, builds waiting), what was uploaded or skipped, bytes and throughput, and
//! the recent upload errors; `Accept: application/json` gets the same as JSON. Rendering is pure.

use super::pages::fmt_size;
use super::pages::{self, fmt_time, PageCtx};
use super::router::Route;
use super::{Ctx, HttpError, Response};
use crate::app::App;
use crate::cache::queue::{self as cq, CacheErrorRecord, TargetStatus};
use crate::cache::{CacheError, Target};
use maud::{html, Markup};
use serde_json::{json, Value};

/// Upload errors shown (the queue keeps the last 200).
pub const ERRORS_SHOWN: usize = 50;

pub const ROUTES: &[Route] = &[Route {
    method: "GET",
    pattern: "/cache",
    handler: cache_get,
}];

/// One configured target with its queue state and its recent errors.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetView {
    pub target: Target,
    pub status: TargetStatus,
    pub errors: Vec<CacheErrorRecord>,
}

impl TargetView {
    /// NAR bytes per second of upload time (what `cache push` reports too); None before any
    /// timed upload.
    pub fn throughput(&self) -> Option<f64> {
        let s = &self.status.stats;
        (s.seconds > 0.0).then(|| s.nar_bytes as f64 / s.seconds)
    }
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheView {
    pub targets: Vec<TargetView>,
    /// Finished builds not yet expanded into path tasks.
    pub pending_builds: u64,
}

/// Reads the queue state of every configured target (sections sharing a bucket and prefix
/// share a queue, so each appears once).
pub fn load(app: &App) -> Result<CacheView, CacheError> {
    let mut targets: Vec<Target> = Vec::new();
    for s in &app.config.s3 {
        let t = Target::from_config(s);
        if !targets.iter().any(|x| x.id() == t.id()) {
            targets.push(t);
        }
    }
    if targets.is_empty() {
        return Ok(CacheView::default());
    }
    let ids: Vec<String> = targets.iter().map(Target::id).collect();
    let statuses = cq::status(&app.db, &ids)?;
    let errors = cq::recent_errors(&app.db, 200)?;
    let pending_builds = cq::pending_builds(&app.db)?.len() as u64;
    let targets = targets
        .into_iter()
        .zip(statuses)
        .map(|(target, status)| {
            let errors = errors
                .iter()
                .filter(|e| e.target == status.target)
                .take(ERRORS_SHOWN)
                .cloned()
                .collect();
            TargetView {
                target,
                status,
                errors,
            }
        })
        .collect();
    Ok(CacheView {
        targets,
        pending_builds,
    })
}

fn fmt_rate(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{}/s", fmt_size(r as u64)),
        None => "—".into(),
    }
}

pub fn cache_page(pc: &PageCtx, v: &CacheView) -> Markup {
    let body = html! {
        h1 { "Binary cache" }
        @if v.targets.is_empty() {
            p #no-targets.muted { "No <s3config> section is configured: builds are not backed up." }
        } @else {
            p #pending-builds { "Finished builds awaiting expansion: " (v.pending_builds) }
            table #cache-targets {
                thead { tr {
                    th { "Bucket" } th { "Prefix" } th { "Compression" }
                    th.num { "Queued paths" } th.num { "Failing" } th.num { "Builds waiting" }
                    th.num { "Uploaded" } th.num { "Skipped" } th.num { "NAR bytes" }
                    th.num { "Compressed" } th.num { "Throughput" } th { "Last upload" }
                } }
                tbody {
                    @for t in &v.targets {
                        @let s = &t.status.stats;
                        tr {
                            td.bucket { code { (t.target.bucket) } }
                            td.prefix { (t.target.prefix) }
                            td.compression { (t.target.compression.name()) }
                            td.num.queued { (t.status.queued_paths) }
                            td.num.failing { (t.status.failing_paths) }
                            td.num.waiting { (t.status.waiting_builds) }
                            td.num.uploaded { (s.uploaded) }
                            td.num.skipped { (s.skipped) }
                            td.num.nar-bytes { (fmt_size(s.nar_bytes)) }
                            td.num.file-bytes { (fmt_size(s.file_bytes)) }
                            td.num.throughput { (fmt_rate(t.throughput())) }
                            td.last-upload { (s.last_upload.map(fmt_time).unwrap_or_else(|| "never".into())) }
                        }
                    }
                }
            }
            h2 { "Recent errors" }
            @if v.targets.iter().all(|t| t.errors.is_empty()) {
                p #no-errors.muted { "No upload errors." }
            } @else {
                table #cache-errors {
                    thead { tr { th { "Time" } th { "Bucket" } th { "Path" } th { "Error" } } }
                    tbody {
                        @for t in &v.targets {
                            @for e in &t.errors {
                                tr {
                                    td.time { (fmt_time(e.time)) }
                                    td.target { code { (e.target) } }
                                    td.path { code { (e.path) } }
                                    td.error { (e.error) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    pages::layout(pc, "Binary cache", body)
}

pub fn cache_json(v: &CacheView) -> Value {
    let targets: Vec<Value> = v
        .targets
        .iter()
        .map(|t| {
            let s = &t.status.stats;
            json!({
                "id": t.status.target,
                "bucket": t.target.bucket,
                "prefix": t.target.prefix,
                "compression": t.target.compression.name(),
                "queued": t.status.queued_paths,
                "failing": t.status.failing_paths,
                "buildswaiting": t.status.waiting_builds,
                "uploaded": s.uploaded,
                "skipped": s.skipped,
                "narbytes": s.nar_bytes,
                "filebytes": s.file_bytes,
                "seconds": s.seconds,
                "throughput": t.throughput(),
                "lastupload": s.last_upload,
                "errors": t.errors.iter().map(|e| json!({
                    "time": e.time, "path": e.path, "error": e.error,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "pendingbuilds": v.pending_builds, "targets": targets })
}

fn cache_get(ctx: &Ctx, _: &[String]) -> Result<Response, HttpError> {
    let v = load(ctx.app).map_err(|e| HttpError::new(500, format!("cache status: {e}")))?;
    if ctx.wants_json() {
        return Ok(Response::json(&cache_json(&v)));
    }
    Ok(Response::html(cache_page(&ctx.page(), &v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::queue::TargetStats;
    use crate::config::Compression;

    fn view() -> CacheView {
        let target = Target {
            bucket: "bkt".into(),
            prefix: "cache/".into(),
            compression: Compression::Xz,
            endpoint: None,
            region: "us-east-1".into(),
            path_style: true,
            secret_key_file: None,
            upload_jobs: 1,
            compression_threads: 1,
            zstd_level: 3,
            upload_memory_mb: 256,
            ca_file: None,
        };
        CacheView {
            pending_builds: 2,
            targets: vec![TargetView {
                status: TargetStatus {
                    target: target.id(),
                    queued_paths: 3,
                    failing_paths: 1,
                    waiting_builds: 2,
                    stats: TargetStats {
                        uploaded: 5,
                        skipped: 4,
                        nar_bytes: 4 << 20,
                        file_bytes: 1 << 20,
                        seconds: 2.0,
                        last_upload: Some(0),
                    },
                },
                target,
                errors: vec![CacheErrorRecord {
                    time: 0,
                    target: "bkt/cache/".into(),
                    path: "/nix/store/x".into(),
                    error: "503 <Slow Down>".into(),
                }],
            }],
        }
    }

    #[test]
    fn page_and_json_show_queue_stats_and_errors() {
        let v = view();
        let h = cache_page(&PageCtx::default(), &v).into_string();
        assert!(
            h.contains(r#"<td class="num throughput">2.0 MiB/s</td>"#),
            "{h}"
        );
        assert!(h.contains(r#"<td class="num failing">1</td>"#), "{h}");
        assert!(
            h.contains("503 &lt;Slow Down&gt;"),
            "errors are escaped: {h}"
        );
        assert!(h.contains(r#"href="/cache""#), "nav link: {h}");
        let j = cache_json(&v);
        assert_eq!(j["targets"][0]["throughput"], 2.0 * 1024.0 * 1024.0);
        assert_eq!(j["targets"][0]["buildswaiting"], 2);
        assert_eq!(j["targets"][0]["errors"][0]["path"], "/nix/store/x");
        let empty = cache_page(&PageCtx::default(), &CacheView::default()).into_string();
        assert!(empty.contains("No &lt;s3config&gt; section"), "{empty}");
    }
}
