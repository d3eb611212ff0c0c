//! One store path into a binary cache: NAR writer → compressor → sha256 and size of the
//! compressed bytes → a temp file under `state_dir/tmp` (the NAR key holds the file hash, known
//! only at the end) → S3 upload → the signed narinfo, always after its NAR.

use super::compress::{Budget, Encoder};
use super::{io_err, CacheError, Target, CACHE_INFO};
use crate::nix::cli::NixCli;
use crate::nix::nar::{self, HashingWriter};
use crate::nix::signing::SecretKey;
use crate::nix::store_path::StorePath;
use crate::s3::client::{Client, Config as S3ClientConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The few bucket operations the cache needs; `S3Store` is the real one.
pub trait ObjectStore: Send + Sync {
    fn put(&self, key: &str, body: &[u8], content_type: &str) -> Result<(), CacheError>;
    fn put_file(&self, key: &str, path: &Path, content_type: &str) -> Result<(), CacheError>;
    /// [`ObjectStore::put_file`] for a file whose SHA-256 (hex) is known: no second read to
    /// sign it.
    fn put_file_sha256(
        &self,
        key: &str,
        path: &Path,
        content_type: &str,
        sha256_hex: &str,
    ) -> Result<(), CacheError> {
        let _ = sha256_hex;
        self.put_file(key, path, content_type)
    }
    fn exists(&self, key: &str) -> Result<bool, CacheError>;
    /// `Ok(None)` when the object does not exist.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError>;
    /// Every (key, size) under `prefix`.
    fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, CacheError>;
    fn delete(&self, keys: &[String]) -> Result<(), CacheError>;
}

const LIST_PAGE: u32 = 100_000;

/// A bucket reached through hydrant's S3 client.
pub struct S3Store {
    client: Client,
    bucket: String,
}

impl S3Store {
    /// Credentials come from the client's chain (env, shared file, instance metadata).
    pub fn new(target: &Target) -> Result<S3Store, CacheError> {
        let creds = crate::s3::credentials::default_chain()
            .map_err(|e| CacheError::S3(format!("bucket {}: {e}", target.bucket)))?;
        let config = S3ClientConfig {
            endpoint: target.endpoint.clone(),
            region: target.region.clone(),
            path_style: target.path_style,
            ca_file: target.ca_file.clone(),
            ..S3ClientConfig::default()
        };
        let client = Client::new(config, creds).map_err(|e| CacheError::S3(e.to_string()))?;
        Ok(S3Store {
            client,
            bucket: target.bucket.clone(),
        })
    }
}

fn s3e(e: crate::s3::client::Error) -> CacheError {
    CacheError::S3(e.to_string())
}

impl ObjectStore for S3Store {
    fn put(&self, key: &str, body: &[u8], content_type: &str) -> Result<(), CacheError> {
        self.client
            .put_object(&self.bucket, key, body, Some(content_type))
            .map(|_| ())
            .map_err(s3e)
    }
    fn put_file(&self, key: &str, path: &Path, content_type: &str) -> Result<(), CacheError> {
        self.client
            .upload_file(&self.bucket, key, path, Some(content_type))
            .map(|_| ())
            .map_err(s3e)
    }
    fn put_file_sha256(
        &self,
        key: &str,
        path: &Path,
        content_type: &str,
        sha256_hex: &str,
    ) -> Result<(), CacheError> {
        self.client
            .upload_file_hashed(&self.bucket, key, path, Some(content_type), sha256_hex)
            .map(|_| ())
            .map_err(s3e)
    }
    fn exists(&self, key: &str) -> Result<bool, CacheError> {
        self.client
            .head_object(&self.bucket, key)
            .map(|m| m.is_some())
            .map_err(s3e)
    }
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        match self.client.get_object_bytes(&self.bucket, key) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(s3e(e)),
        }
    }
    fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, CacheError> {
        // AWS clamps max-keys to 1000; servers that honour more (s3s-fs rescans its directory
        // for every page) answer a big bucket in far fewer round trips.
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_page(&self.bucket, prefix, token.as_deref(), Some(LIST_PAGE))
                .map_err(s3e)?;
            out.extend(page.objects.into_iter().map(|o| (o.key, o.size)));
            match page.next_continuation_token {
                Some(t) if Some(&t) != token.as_ref() => token = Some(t),
                Some(_) => {
                    return Err(CacheError::S3(format!(
                        "listing s3://{}/{prefix}: the server repeated a continuation token",
                        self.bucket
                    )))
                }
                None => return Ok(out),
            }
        }
    }
    fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        if keys.is_empty() {
            return Ok(());
        }
        let failed = self
            .client
            .delete_objects(&self.bucket, keys)
            .map_err(s3e)?;
        match failed.first() {
            None => Ok(()),
            Some(f) => Err(CacheError::S3(format!(
                "{} of {} deletions refused in bucket {}, first: {f:?}",
                failed.len(),
                keys.len(),
                self.bucket
            ))),
        }
    }
}

/// Byte counters for progress lines and the cache status page.
#[derive(Debug, Default)]
pub struct Progress {
    pub paths_done: AtomicU64,
    pub paths_skipped: AtomicU64,
    pub nar_bytes: AtomicU64,
    pub file_bytes: AtomicU64,
}

/// A `Write` that adds what passes through to a shared counter.
struct Counting<'a, W> {
    inner: W,
    counter: &'a AtomicU64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What an upload produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// The narinfo `URL:` (relative to the cache root).
    pub url: String,
    pub nar_size: u64,
    pub file_size: u64,
}

/// A temp file removed on drop, whatever happened.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Removes temp files left by processes that died (`kill -9`, power loss): their names carry the
/// pid, and a pid that no longer exists will never come back for its file.
fn remove_orphan_temp_files(dir: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".nar.tmp") else {
            continue;
        };
        let Some(pid) = stem.split('-').nth(1).and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Uploads store paths into one target.
pub struct Uploader {
    pub target: Target,
    pub store: Arc<dyn ObjectStore>,
    pub nix: NixCli,
    key: Option<SecretKey>,
    tmp_dir: PathBuf,
    budget: Budget,
}

impl Uploader {
    pub fn new(
        target: Target,
        store: Arc<dyn ObjectStore>,
        nix: NixCli,
        tmp_dir: PathBuf,
    ) -> Result<Uploader, CacheError> {
        let key =
            match &target.secret_key_file {
                None => None,
                Some(f) => {
                    let text = std::fs::read_to_string(f).map_err(io_err(f))?;
                    Some(SecretKey::parse(text.trim()).map_err(|e| {
                        CacheError::Format(format!("secret key {}: {e}", f.display()))
                    })?)
                }
            };
        std::fs::create_dir_all(&tmp_dir).map_err(io_err(&tmp_dir))?;
        remove_orphan_temp_files(&tmp_dir);
        Ok(Uploader {
            budget: Budget::new(target.upload_memory_mb),
            target,
            store,
            nix,
            key,
            tmp_dir,
        })
    }

    /// Writes `nix-cache-info` unless it is there already.
    pub fn ensure_cache_info(&self) -> Result<(), CacheError> {
        let key = self.target.cache_info_key();
        if !self.store.exists(&key)? {
            self.store
                .put(&key, CACHE_INFO.as_bytes(), "text/x-nix-cache-info")?;
        }
        Ok(())
    }

    /// Whether the bucket already has this path's narinfo (and so, by our ordering, its NAR).
    pub fn is_present(&self, path: &StorePath) -> Result<bool, CacheError> {
        self.store
            .exists(&self.target.narinfo_key(path.hash_part()))
    }

    /// Compresses `path`'s NAR into a temp file, uploads it, then uploads its narinfo.
    pub fn upload(&self, path: &StorePath, progress: &Progress) -> Result<Uploaded, CacheError> {
        let info = self
            .nix
            .path_info(path)
            .map_err(|e| CacheError::Nix(e.to_string()))?;
        self.upload_with(&info, progress)
    }

    /// [`Uploader::upload`] of a path whose registration the caller already read (for a whole
    /// closure at once, see [`closure_path_infos`]).
    pub fn upload_with(
        &self,
        info: &crate::nix::cli::PathInfo,
        progress: &Progress,
    ) -> Result<Uploaded, CacheError> {
        let path = &info.path;
        let mut rnd = [0u8; 8];
        let _ = getrandom::getrandom(&mut rnd);
        let tmp = TempFile(self.tmp_dir.join(format!(
            "{}-{}-{:016x}.nar.tmp",
            path.hash_part(),
            std::process::id(),
            u64::from_le_bytes(rnd)
        )));
        let file = std::fs::File::create(&tmp.0).map_err(io_err(&tmp.0))?;
        let fs_path = Path::new(&self.nix.store_dir).join(path.basename());
        let (summary, file_hash, file_size) =
            self.compress(&fs_path, info.nar_size, file, &tmp.0, &progress.nar_bytes)?;
        if summary.nar_hash != info.nar_hash || summary.nar_size != info.nar_size {
            return Err(CacheError::Format(format!(
                "{path}: our NAR ({}, {} bytes) differs from the store's record ({}, {} bytes); \
                 was the path modified?",
                summary.nar_hash.to_nix32(),
                summary.nar_size,
                info.nar_hash.to_nix32(),
                info.nar_size
            )));
        }
        let url = self.target.nar_url(&file_hash.nix32_digest());
        let nar_key = format!("{}{url}", self.target.prefix);
        // The FileHash is the compressed file's SHA-256: it signs the PUT without a re-read.
        self.store.put_file_sha256(
            &nar_key,
            &tmp.0,
            "application/x-nix-nar",
            &file_hash.to_hex(),
        )?;
        drop(tmp);
        progress.file_bytes.fetch_add(file_size, Ordering::Relaxed);
        let mut ni = info.to_narinfo();
        ni.url = url.clone();
        ni.compression = self.target.compression.name().to_string();
        ni.file_hash = Some(file_hash);
        ni.file_size = Some(file_size);
        if let Some(k) = &self.key {
            ni.sign(k);
        }
        // The narinfo goes last: once it exists, its NAR does too.
        self.store.put(
            &self.target.narinfo_key(path.hash_part()),
            ni.render().as_bytes(),
            "text/x-nix-narinfo",
        )?;
        progress.paths_done.fetch_add(1, Ordering::Relaxed);
        Ok(Uploaded {
            url,
            nar_size: summary.nar_size,
            file_size,
        })
    }

    /// Streams the NAR of `fs_path` through the compressor into `file`; returns the NAR summary
    /// and the sha256 and size of the compressed bytes.
    fn compress(
        &self,
        fs_path: &Path,
        nar_size: u64,
        file: std::fs::File,
        tmp: &Path,
        nar_counter: &AtomicU64,
    ) -> Result<(nar::NarSummary, crate::nix::hash::Hash, u64), CacheError> {
        let nar_err = |e: nar::NarError| CacheError::Format(format!("NAR of {fs_path:?}: {e}"));
        let hw = HashingWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
        let settings = self.target.compress_settings();
        // Held until the compressor is done: its memory counts against the budget.
        let lease = self.budget.lease(&settings, nar_size);
        let mut enc = Encoder::new(&settings, &lease.plan, hw).map_err(io_err(tmp))?;
        let summary = nar::dump_path(
            fs_path,
            Counting {
                inner: &mut enc,
                counter: nar_counter,
            },
        )
        .map_err(nar_err)?;
        let hw = enc.finish().map_err(io_err(tmp))?;
        drop(lease);
        let (mut buf, file_hash, file_size) = hw.finish();
        buf.flush().map_err(io_err(tmp))?;
        // No fsync: the file is read back at once and removed; the narinfo, written after the
        // upload, is what makes the path count as cached.
        buf.into_inner().map_err(|e| CacheError::Io {
            path: tmp.to_path_buf(),
            err: e.into_error(),
        })?;
        Ok((summary, file_hash, file_size))
    }
}

/// The closure of `roots` as store paths; roots the store no longer holds are skipped.
pub fn closure_paths_with(nix: &NixCli, roots: &[String]) -> Result<Vec<String>, CacheError> {
    let mut valid: Vec<StorePath> = Vec::new();
    for chunk in roots.chunks(500) {
        let mut args = vec!["--check-validity", "--print-invalid"];
        args.extend(chunk.iter().map(String::as_str));
        let out = nix
            .run("nix-store", &args)
            .map_err(|e| CacheError::Nix(e.to_string()))?;
        let invalid: std::collections::HashSet<&str> = out.lines().map(str::trim).collect();
        for r in chunk {
            if !invalid.contains(r.as_str()) {
                valid.push(
                    nix.parse_path(r)
                        .map_err(|e| CacheError::Nix(format!("GC root {r}: {e}")))?,
                );
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for chunk in valid.chunks(500) {
        for p in nix
            .closure(chunk)
            .map_err(|e| CacheError::Nix(e.to_string()))?
        {
            out.insert(p.to_string());
        }
    }
    Ok(out.into_iter().collect())
}

/// The closure of `paths` with each path's references, references first.
pub fn closure_infos(
    nix: &NixCli,
    paths: &[StorePath],
) -> Result<Vec<super::PathInfo>, CacheError> {
    let infos = closure_path_infos(nix, paths)?
        .into_iter()
        .map(|i| super::PathInfo {
            path: i.path.to_string(),
            references: i.references.iter().map(|r| r.to_string()).collect(),
            deriver: None,
        })
        .collect();
    Ok(super::topo_order(infos))
}

/// Nix's registration (hashes, sizes, references) of every path in the closure of `paths`:
/// two `nix-store` processes for a closure of up to 1,000 paths, not one per path.
pub fn closure_path_infos(
    nix: &NixCli,
    paths: &[StorePath],
) -> Result<Vec<crate::nix::cli::PathInfo>, CacheError> {
    let closure = nix
        .closure(paths)
        .map_err(|e| CacheError::Nix(e.to_string()))?;
    let mut out = Vec::with_capacity(closure.len());
    // Chunks keep each command line far below the kernel's argument limit.
    for chunk in closure.chunks(1000) {
        out.extend(
            nix.path_infos(chunk)
                .map_err(|e| CacheError::Nix(e.to_string()))?,
        );
    }
    Ok(out)
}
