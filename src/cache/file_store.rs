//! A binary cache in a local directory (`cache push --to file:///DIR`, like Nix's `file://`
//! store): the same keys as in a bucket, written as files. Every object is written beside its
//! final name and renamed into place, so a reader (or a `kill -9`) never sees half a file, and
//! the uploader's order (NAR, then narinfo) holds on disk too.

use super::upload::ObjectStore;
use super::{io_err, CacheError};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// Creates `root` (and `root/nar`) when missing.
    pub fn new(root: &Path) -> Result<FileStore, CacheError> {
        if !root.is_absolute() {
            return Err(CacheError::Usage(format!(
                "file://{}: the cache directory must be an absolute path",
                root.display()
            )));
        }
        let nar = root.join("nar");
        std::fs::create_dir_all(&nar).map_err(io_err(&nar))?;
        Ok(FileStore {
            root: root.to_path_buf(),
        })
    }

    /// The file of `key`; keys are relative paths of normal components only.
    fn path_of(&self, key: &str) -> Result<PathBuf, CacheError> {
        let rel = Path::new(key);
        let plain = !key.is_empty()
            && rel.components().all(
                |c| matches!(c, Component::Normal(n) if !n.to_string_lossy().starts_with('.')),
            );
        if !plain {
            return Err(CacheError::Usage(format!(
                "key {key:?} is not a plain relative path inside the cache directory"
            )));
        }
        Ok(self.root.join(rel))
    }

    /// A fresh name beside `dest` for writing it, hidden from `list` (it starts with a dot).
    fn temp_beside(dest: &Path) -> PathBuf {
        let mut rnd = [0u8; 8];
        let _ = getrandom::getrandom(&mut rnd);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        dest.with_file_name(format!(
            ".{name}.{}-{:016x}.tmp",
            std::process::id(),
            u64::from_le_bytes(rnd)
        ))
    }

    fn ensure_parent(dest: &Path) -> Result<(), CacheError> {
        match dest.parent() {
            Some(d) => std::fs::create_dir_all(d).map_err(io_err(d)),
            None => Ok(()),
        }
    }

    /// Moves `tmp` onto `dest`; removes `tmp` when that fails.
    fn commit(tmp: &Path, dest: &Path) -> Result<(), CacheError> {
        std::fs::rename(tmp, dest).map_err(|e| {
            let _ = std::fs::remove_file(tmp);
            CacheError::Io {
                path: dest.to_path_buf(),
                err: e,
            }
        })
    }
}

impl ObjectStore for FileStore {
    fn put(&self, key: &str, body: &[u8], _content_type: &str) -> Result<(), CacheError> {
        let dest = self.path_of(key)?;
        Self::ensure_parent(&dest)?;
        let tmp = Self::temp_beside(&dest);
        let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(body));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(CacheError::Io { path: tmp, err: e });
        }
        Self::commit(&tmp, &dest)
    }

    /// Takes the file: a rename when `path` is on the cache's file system, else a copy.
    fn put_file(&self, key: &str, path: &Path, _content_type: &str) -> Result<(), CacheError> {
        let dest = self.path_of(key)?;
        Self::ensure_parent(&dest)?;
        if std::fs::rename(path, &dest).is_ok() {
            return Ok(());
        }
        let tmp = Self::temp_beside(&dest);
        if let Err(e) = std::fs::copy(path, &tmp) {
            let _ = std::fs::remove_file(&tmp);
            return Err(CacheError::Io { path: tmp, err: e });
        }
        Self::commit(&tmp, &dest)
    }

    fn exists(&self, key: &str) -> Result<bool, CacheError> {
        let p = self.path_of(key)?;
        match std::fs::metadata(&p) {
            Ok(m) => Ok(m.is_file()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(CacheError::Io { path: p, err: e }),
        }
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let p = self.path_of(key)?;
        match std::fs::read(&p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CacheError::Io { path: p, err: e }),
        }
    }

    /// Every file under the root whose key starts with `prefix` (temp files excluded).
    fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>, CacheError> {
        let mut out = Vec::new();
        let mut dirs = vec![(self.root.clone(), String::new())];
        while let Some((dir, rel)) = dirs.pop() {
            let rd = match std::fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(CacheError::Io { path: dir, err: e }),
            };
            for e in rd {
                let e = e.map_err(io_err(&dir))?;
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with('.') {
                    continue;
                }
                let key = format!("{rel}{name}");
                let ft = e.file_type().map_err(io_err(&e.path()))?;
                if ft.is_dir() {
                    let sub = format!("{key}/");
                    if sub.starts_with(prefix) || prefix.starts_with(&sub) {
                        dirs.push((e.path(), sub));
                    }
                } else if ft.is_file() && key.starts_with(prefix) {
                    let len = e.metadata().map_err(io_err(&e.path()))?.len();
                    out.push((key, len));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        for k in keys {
            let p = self.path_of(k)?;
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CacheError::Io { path: p, err: e }),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (PathBuf, FileStore) {
        let mut rnd = [0u8; 8];
        let _ = getrandom::getrandom(&mut rnd);
        let dir = std::env::temp_dir().join(format!(
            "hydrant-filestore-{:016x}",
            u64::from_le_bytes(rnd)
        ));
        let s = FileStore::new(&dir).unwrap();
        (dir, s)
    }

    #[test]
    fn put_get_list_delete() {
        let (dir, s) = store();
        s.put("nix-cache-info", b"StoreDir: /nix/store\n", "text/plain")
            .unwrap();
        s.put("nar/abc.nar.zst", b"nar", "x").unwrap();
        let f = dir.join("outside.tmp");
        std::fs::write(&f, b"moved").unwrap();
        s.put_file("abc.narinfo", &f, "x").unwrap();
        assert!(!f.exists(), "a file on the same file system is moved");
        assert_eq!(s.get("abc.narinfo").unwrap().unwrap(), b"moved");
        assert!(s.exists("nar/abc.nar.zst").unwrap());
        assert!(!s.exists("nar/none").unwrap());
        assert_eq!(s.get("none.narinfo").unwrap(), None);
        assert_eq!(
            s.list("").unwrap(),
            vec![
                ("abc.narinfo".to_string(), 5),
                ("nar/abc.nar.zst".to_string(), 3),
                ("nix-cache-info".to_string(), 21)
            ]
        );
        assert_eq!(s.list("nar/").unwrap().len(), 1);
        s.delete(&["nar/abc.nar.zst".into(), "nar/gone".into()])
            .unwrap();
        assert!(!s.exists("nar/abc.nar.zst").unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keys_never_leave_the_directory() {
        let (dir, s) = store();
        for bad in [
            "../x",
            "/etc/passwd",
            "nar/../../x",
            "",
            ".hidden",
            "nar/.x",
        ] {
            assert!(
                matches!(s.put(bad, b"x", "x"), Err(CacheError::Usage(_))),
                "{bad:?}"
            );
            assert!(s.get(bad).is_err(), "{bad:?}");
        }
        assert!(FileStore::new(Path::new("relative/dir")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
