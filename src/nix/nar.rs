//! NAR (Nix ARchive): the writer that serialises a filesystem path exactly as `nix-store --dump`
//! does, hashing and counting in the same pass, and a streaming reader that validates a NAR and
//! can unpack it. Both run in constant memory whatever the file sizes.
use super::hash::Hash;
use sha2::{Digest, Sha256};
use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The magic string every NAR starts with.
pub const MAGIC: &[u8] = b"nix-archive-1";

/// Size of the writer's buffer: framing and file contents are batched into writes of this size,
/// so hashing and output run on large blocks.
const CHUNK: usize = 1 << 20;

/// Longest name, symlink target or token the reader accepts: bounds its memory on hostile input.
pub const MAX_STRING: u64 = 4096;

/// What went wrong while writing or reading a NAR.
#[derive(Debug)]
pub enum NarError {
    /// Reading the filesystem path being dumped, or writing the unpacked tree, failed.
    Fs {
        path: PathBuf,
        op: &'static str,
        source: io::Error,
    },
    /// A socket, device or fifo, which NAR cannot represent.
    Unsupported { path: PathBuf, kind: &'static str },
    /// A file changed size while it was being dumped.
    FileChanged { path: PathBuf, expected: u64 },
    /// Writing the NAR to its destination failed.
    Write(io::Error),
    /// Reading the NAR stream failed (other than ending early).
    Read(io::Error),
    /// The NAR ended early.
    Truncated { offset: u64 },
    /// The NAR violates the format.
    Malformed { offset: u64, reason: String },
    /// Bytes follow the end of the archive.
    TrailingData { offset: u64 },
    /// The unpack target already exists.
    TargetExists(PathBuf),
}

impl fmt::Display for NarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NarError::Fs { path, op, source } => write!(f, "{op} {}: {source}", path.display()),
            NarError::Unsupported { path, kind } => {
                write!(
                    f,
                    "{} is a {kind}, which a NAR cannot contain",
                    path.display()
                )
            }
            NarError::FileChanged { path, expected } => write!(
                f,
                "{} changed size while being archived (expected {expected} bytes)",
                path.display()
            ),
            NarError::Write(e) => write!(f, "writing NAR: {e}"),
            NarError::Read(e) => write!(f, "reading NAR: {e}"),
            NarError::Truncated { offset } => write!(f, "NAR truncated at byte {offset}"),
            NarError::Malformed { offset, reason } => {
                write!(f, "malformed NAR at byte {offset}: {reason}")
            }
            NarError::TrailingData { offset } => {
                write!(f, "NAR has trailing data after byte {offset}")
            }
            NarError::TargetExists(p) => write!(f, "unpack target {} already exists", p.display()),
        }
    }
}

impl std::error::Error for NarError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NarError::Fs { source, .. } => Some(source),
            NarError::Write(e) | NarError::Read(e) => Some(e),
            _ => None,
        }
    }
}

/// The NAR hash and size Nix records for a path (`NarHash`, `NarSize`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarSummary {
    pub nar_hash: Hash,
    pub nar_size: u64,
}

/// A `Write` that passes bytes through while hashing them with sha256 and counting them.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    count: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> HashingWriter<W> {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }
    /// Bytes written so far.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// The inner writer, the sha256 of everything written, and its length.
    pub fn finish(self) -> (W, Hash, u64) {
        (
            self.inner,
            Hash::sha256(self.hasher.finalize().into()),
            self.count,
        )
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)?;
        self.hasher.update(buf);
        self.count += buf.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Serialises `path` (not following a symlink at `path` itself) as a NAR into `out`, and returns
/// its sha256 and size. `out` gets large writes; it needs no extra buffering.
pub fn dump_path<W: Write>(path: &Path, out: W) -> Result<NarSummary, NarError> {
    let mut hw = HashingWriter::new(out);
    write_nar(path, &mut hw)?;
    let (_, nar_hash, nar_size) = hw.finish();
    Ok(NarSummary { nar_hash, nar_size })
}

/// [`dump_path`] without the hash, for a NAR whose hash is known (the binary cache sends the
/// store's recorded one; Nix checks it on arrival).
pub fn write_nar<W: Write>(path: &Path, out: W) -> Result<(), NarError> {
    dump_into(path, &mut Plain(out))
}

/// An output that can take a file's bytes by itself, without them passing through this
/// process: a socket, with sendfile(2). The default copies.
pub trait FileOut: Write {
    /// Whether [`FileOut::send_file`] does better than copying (the NAR writer then hands it
    /// big files).
    fn sends_files(&self) -> bool {
        false
    }
    /// Sends up to `len` bytes of `file` from its current offset (advancing it); fewer only
    /// when the file ends first. Returns the bytes sent.
    fn send_file(&mut self, file: &mut File, len: u64) -> io::Result<u64> {
        io::copy(&mut Read::take(file, len), self)
    }
}

/// Files at least this big go to [`FileOut::send_file`]; smaller ones are batched into the
/// writer's buffer with the framing (one write for many small files).
const SEND_FILE_MIN: u64 = 256 << 10;

/// [`write_nar`] into an output that sends big files' contents itself (the binary cache's
/// uncompressed NARs: the kernel moves them from the page cache to the socket).
pub fn write_nar_sending_files(path: &Path, out: &mut dyn FileOut) -> Result<(), NarError> {
    dump_into(path, &mut { out })
}

fn dump_into<W: NarOut>(path: &Path, out: &mut W) -> Result<(), NarError> {
    {
        let mut d = Dumper {
            out: &mut *out,
            buf: vec![0u8; CHUNK].into_boxed_slice(),
            pos: 0,
        };
        d.put_str(MAGIC)?;
        d.node(path)?;
        d.flush()?;
    }
    out.flush().map_err(NarError::Write)
}

/// The dumper's output: a writer, and maybe a way to send a file's contents whole.
trait NarOut: Write {
    /// Whether a file of `len` bytes goes to [`NarOut::send_file`] rather than the buffer.
    fn sends(&self, _len: u64) -> bool {
        false
    }
    fn send_file(&mut self, file: &mut File, len: u64) -> io::Result<u64> {
        io::copy(&mut Read::take(file, len), self)
    }
}

struct Plain<W>(W);

impl<W: Write> Write for Plain<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<W: Write> NarOut for Plain<W> {}

impl NarOut for &mut dyn FileOut {
    fn sends(&self, len: u64) -> bool {
        len >= SEND_FILE_MIN && (**self).sends_files()
    }
    fn send_file(&mut self, file: &mut File, len: u64) -> io::Result<u64> {
        (**self).send_file(file, len)
    }
}

/// The NAR hash and size of `path`, without keeping the NAR.
pub fn hash_path(path: &Path) -> Result<NarSummary, NarError> {
    dump_path(path, io::sink())
}

struct Dumper<'a, W: NarOut> {
    out: &'a mut W,
    buf: Box<[u8]>,
    pos: usize,
}

fn fs_err<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(io::Error) -> NarError + 'a {
    move |source| NarError::Fs {
        path: path.to_path_buf(),
        op,
        source,
    }
}

impl<W: NarOut> Dumper<'_, W> {
    fn flush(&mut self) -> Result<(), NarError> {
        if self.pos > 0 {
            self.out
                .write_all(&self.buf[..self.pos])
                .map_err(NarError::Write)?;
            self.pos = 0;
        }
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), NarError> {
        if self.pos + bytes.len() > self.buf.len() {
            self.flush()?;
            if bytes.len() > self.buf.len() {
                return self.out.write_all(bytes).map_err(NarError::Write);
            }
        }
        self.buf[self.pos..self.pos + bytes.len()].copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    fn put_padding(&mut self, len: u64) -> Result<(), NarError> {
        let pad = padding(len);
        self.put(&[0u8; 8][..pad])
    }

    fn put_str(&mut self, s: &[u8]) -> Result<(), NarError> {
        self.put(&(s.len() as u64).to_le_bytes())?;
        self.put(s)?;
        self.put_padding(s.len() as u64)
    }

    fn node(&mut self, path: &Path) -> Result<(), NarError> {
        let meta = fs::symlink_metadata(path).map_err(fs_err(path, "stat"))?;
        let ft = meta.file_type();
        self.put_str(b"(")?;
        self.put_str(b"type")?;
        if ft.is_symlink() {
            let target = fs::read_link(path).map_err(fs_err(path, "readlink"))?;
            self.put_str(b"symlink")?;
            self.put_str(b"target")?;
            self.put_str(target.as_os_str().as_bytes())?;
        } else if ft.is_file() {
            self.put_str(b"regular")?;
            if meta.permissions().mode() & 0o100 != 0 {
                self.put_str(b"executable")?;
                self.put_str(b"")?;
            }
            self.put_str(b"contents")?;
            self.contents(path, meta.len())?;
        } else if ft.is_dir() {
            self.put_str(b"directory")?;
            let mut names = Vec::new();
            for entry in fs::read_dir(path).map_err(fs_err(path, "read directory"))? {
                names.push(entry.map_err(fs_err(path, "read directory"))?.file_name());
            }
            names.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            for name in names {
                self.put_str(b"entry")?;
                self.put_str(b"(")?;
                self.put_str(b"name")?;
                self.put_str(name.as_bytes())?;
                self.put_str(b"node")?;
                self.node(&path.join(&name))?;
                self.put_str(b")")?;
            }
        } else {
            let kind = if ft.is_socket() {
                "socket"
            } else if ft.is_fifo() {
                "fifo"
            } else if ft.is_block_device() {
                "block device"
            } else if ft.is_char_device() {
                "character device"
            } else {
                "special file"
            };
            return Err(NarError::Unsupported {
                path: path.to_path_buf(),
                kind,
            });
        }
        self.put_str(b")")
    }

    /// Streams a file's bytes straight into the output buffer: no per-file allocation and no
    /// copy between read and hash. An output that sends big files itself gets the file.
    fn contents(&mut self, path: &Path, size: u64) -> Result<(), NarError> {
        let mut file = File::open(path).map_err(fs_err(path, "open"))?;
        self.put(&size.to_le_bytes())?;
        let mut left = size;
        if self.out.sends(size) {
            self.flush()?;
            left -= self
                .out
                .send_file(&mut file, size)
                .map_err(NarError::Write)?
                .min(size);
            if left > 0 {
                return Err(NarError::FileChanged {
                    path: path.to_path_buf(),
                    expected: size,
                });
            }
        }
        while left > 0 {
            if self.pos == self.buf.len() {
                self.flush()?;
            }
            let room = (self.buf.len() - self.pos).min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = match file.read(&mut self.buf[self.pos..self.pos + room]) {
                Ok(0) => {
                    return Err(NarError::FileChanged {
                        path: path.to_path_buf(),
                        expected: size,
                    })
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(fs_err(path, "read")(e)),
            };
            self.pos += n;
            left -= n as u64;
        }
        // A file that grew would silently lose its tail: refuse instead.
        let mut probe = [0u8; 1];
        if file.read(&mut probe).map_err(fs_err(path, "read"))? != 0 {
            return Err(NarError::FileChanged {
                path: path.to_path_buf(),
                expected: size,
            });
        }
        self.put_padding(size)
    }
}

fn padding(len: u64) -> usize {
    ((8 - len % 8) % 8) as usize
}

/// Callbacks for each node of a NAR, in archive order. Paths are relative to the root, with
/// components joined by `/`; the root itself is the empty path.
pub trait NarVisitor {
    fn directory(&mut self, path: &[u8]) -> Result<(), NarError>;
    /// `contents` yields exactly `size` bytes; whatever is left unread is skipped.
    fn file(
        &mut self,
        path: &[u8],
        executable: bool,
        size: u64,
        contents: &mut dyn Read,
    ) -> Result<(), NarError>;
    fn symlink(&mut self, path: &[u8], target: &[u8]) -> Result<(), NarError>;
}

/// The NAR input with position and running hash of consumed bytes.
struct Src<R: Read> {
    inner: BufReader<R>,
    hasher: Sha256,
    offset: u64,
}

impl<R: Read> Src<R> {
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), NarError> {
        let mut done = 0;
        while done < buf.len() {
            match self.inner.read(&mut buf[done..]) {
                Ok(0) => {
                    return Err(NarError::Truncated {
                        offset: self.offset + done as u64,
                    })
                }
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(NarError::Read(e)),
            }
        }
        self.hasher.update(&buf[..]);
        self.offset += buf.len() as u64;
        Ok(())
    }

    fn malformed(&self, reason: impl Into<String>) -> NarError {
        NarError::Malformed {
            offset: self.offset,
            reason: reason.into(),
        }
    }

    fn read_u64(&mut self) -> Result<u64, NarError> {
        let mut b = [0u8; 8];
        self.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn read_padding(&mut self, len: u64) -> Result<(), NarError> {
        let mut pad = [0u8; 8];
        let n = padding(len);
        self.read_exact(&mut pad[..n])?;
        if pad[..n].iter().any(|&b| b != 0) {
            return Err(self.malformed("non-zero padding"));
        }
        Ok(())
    }

    fn read_str(&mut self, max: u64) -> Result<Vec<u8>, NarError> {
        let len = self.read_u64()?;
        if len > max {
            return Err(self.malformed(format!(
                "string of {len} bytes exceeds the {max}-byte limit"
            )));
        }
        let mut s = vec![0u8; len as usize];
        self.read_exact(&mut s)?;
        self.read_padding(len)?;
        Ok(s)
    }

    fn expect(&mut self, tok: &str) -> Result<(), NarError> {
        let start = self.offset;
        let got = self.read_str(MAX_STRING)?;
        if got != tok.as_bytes() {
            return Err(NarError::Malformed {
                offset: start,
                reason: format!("expected {tok:?}, got {:?}", String::from_utf8_lossy(&got)),
            });
        }
        Ok(())
    }
}

/// The `contents` handed to [`NarVisitor::file`]: at most the file's bytes, never more.
struct Contents<'a, R: Read> {
    src: &'a mut Src<R>,
    left: u64,
    truncated: bool,
}

impl<R: Read> Read for Contents<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.src.inner.read(&mut buf[..want])?;
        if n == 0 {
            self.truncated = true;
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "NAR truncated in file",
            ));
        }
        self.src.hasher.update(&buf[..n]);
        self.src.offset += n as u64;
        self.left -= n as u64;
        Ok(n)
    }
}

struct Frame {
    prev: Option<Vec<u8>>,
    path_len: usize,
}

fn check_name(name: &[u8]) -> Result<(), &'static str> {
    if name.is_empty() {
        Err("empty entry name")
    } else if name == b"." || name == b".." {
        Err("entry name is . or ..")
    } else if name.contains(&b'/') {
        Err("entry name contains '/'")
    } else if name.contains(&0) {
        Err("entry name contains NUL")
    } else {
        Ok(())
    }
}

/// Parses one NAR from `r`, calling `v` for each node, and returns the NAR's hash and size.
/// Bytes after the archive are not checked (use [`validate`] or [`unpack`] for that).
pub fn parse<R: Read, V: NarVisitor + ?Sized>(r: R, v: &mut V) -> Result<NarSummary, NarError> {
    let mut src = Src {
        inner: BufReader::with_capacity(256 << 10, r),
        hasher: Sha256::new(),
        offset: 0,
    };
    parse_src(&mut src, v)?;
    let hasher = std::mem::take(&mut src.hasher);
    Ok(NarSummary {
        nar_hash: Hash::sha256(hasher.finalize().into()),
        nar_size: src.offset,
    })
}

fn parse_src<R: Read, V: NarVisitor + ?Sized>(src: &mut Src<R>, v: &mut V) -> Result<(), NarError> {
    src.expect("nix-archive-1")?;
    let mut path: Vec<u8> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Each iteration parses one node at `path`, then climbs out of finished directories.
    loop {
        src.expect("(")?;
        src.expect("type")?;
        let t = src.read_str(MAX_STRING)?;
        match t.as_slice() {
            b"regular" => {
                let mut executable = false;
                let mut tok = src.read_str(MAX_STRING)?;
                if tok == b"executable" {
                    executable = true;
                    if !src.read_str(MAX_STRING)?.is_empty() {
                        return Err(src.malformed("executable marker has a non-empty value"));
                    }
                    tok = src.read_str(MAX_STRING)?;
                }
                if tok != b"contents" {
                    return Err(src.malformed(format!(
                        "expected \"contents\", got {:?}",
                        String::from_utf8_lossy(&tok)
                    )));
                }
                let size = src.read_u64()?;
                let mut c = Contents {
                    src: &mut *src,
                    left: size,
                    truncated: false,
                };
                let res = v.file(&path, executable, size, &mut c);
                if c.truncated {
                    return Err(NarError::Truncated {
                        offset: c.src.offset,
                    });
                }
                res?;
                // Skip what the visitor left unread.
                let mut skip = [0u8; 8192];
                while c.left > 0 {
                    let want = skip
                        .len()
                        .min(usize::try_from(c.left).unwrap_or(usize::MAX));
                    match c.read(&mut skip[..want]) {
                        Ok(_) => {}
                        Err(_) if c.truncated => {
                            return Err(NarError::Truncated {
                                offset: c.src.offset,
                            })
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(NarError::Read(e)),
                    }
                }
                src.read_padding(size)?;
                src.expect(")")?;
            }
            b"symlink" => {
                src.expect("target")?;
                let target = src.read_str(MAX_STRING)?;
                v.symlink(&path, &target)?;
                src.expect(")")?;
            }
            b"directory" => {
                v.directory(&path)?;
                stack.push(Frame {
                    prev: None,
                    path_len: path.len(),
                });
            }
            other => {
                return Err(src.malformed(format!(
                    "unknown node type {:?}",
                    String::from_utf8_lossy(other)
                )))
            }
        }
        // Find the next entry to parse, closing directories that have no more entries.
        loop {
            let Some(frame) = stack.last_mut() else {
                return Ok(());
            };
            if frame.path_len != path.len() {
                // We just finished an entry's node: close the entry.
                src.expect(")")?;
                path.truncate(frame.path_len);
            }
            let start = src.offset;
            let tok = src.read_str(MAX_STRING)?;
            if tok == b")" {
                stack.pop();
                continue;
            }
            if tok != b"entry" {
                return Err(NarError::Malformed {
                    offset: start,
                    reason: format!(
                        "expected \"entry\" or \")\", got {:?}",
                        String::from_utf8_lossy(&tok)
                    ),
                });
            }
            src.expect("(")?;
            src.expect("name")?;
            let name_at = src.offset;
            let name = src.read_str(MAX_STRING)?;
            let bad = |reason: String| NarError::Malformed {
                offset: name_at,
                reason,
            };
            check_name(&name).map_err(|r| bad(r.to_string()))?;
            if let Some(prev) = &frame.prev {
                if name.as_slice() <= prev.as_slice() {
                    return Err(bad(format!(
                        "entry {:?} is not after {:?} (unsorted or duplicate)",
                        String::from_utf8_lossy(&name),
                        String::from_utf8_lossy(prev)
                    )));
                }
            }
            src.expect("node")?;
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(&name);
            frame.prev = Some(name);
            break;
        }
    }
}

struct Nothing;

impl NarVisitor for Nothing {
    fn directory(&mut self, _: &[u8]) -> Result<(), NarError> {
        Ok(())
    }
    fn file(&mut self, _: &[u8], _: bool, _: u64, _: &mut dyn Read) -> Result<(), NarError> {
        Ok(())
    }
    fn symlink(&mut self, _: &[u8], _: &[u8]) -> Result<(), NarError> {
        Ok(())
    }
}

/// Checks that `r` holds exactly one well-formed NAR and nothing more; returns its hash and size.
pub fn validate<R: Read>(r: R) -> Result<NarSummary, NarError> {
    let mut src = Src {
        inner: BufReader::with_capacity(256 << 10, r),
        hasher: Sha256::new(),
        offset: 0,
    };
    parse_src(&mut src, &mut Nothing)?;
    let mut probe = [0u8; 1];
    loop {
        match src.inner.read(&mut probe) {
            Ok(0) => break,
            Ok(_) => return Err(NarError::TrailingData { offset: src.offset }),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(NarError::Read(e)),
        }
    }
    let hasher = std::mem::take(&mut src.hasher);
    Ok(NarSummary {
        nar_hash: Hash::sha256(hasher.finalize().into()),
        nar_size: src.offset,
    })
}

/// Writes the tree into a target that must not exist yet.
struct Unpacker<'a> {
    target: &'a Path,
    buf: Vec<u8>,
}

impl Unpacker<'_> {
    fn at(&self, rel: &[u8]) -> PathBuf {
        if rel.is_empty() {
            self.target.to_path_buf()
        } else {
            // Safe to join: every component was checked to be a plain name by the parser.
            self.target.join(OsStr::from_bytes(rel))
        }
    }
}

impl NarVisitor for Unpacker<'_> {
    fn directory(&mut self, rel: &[u8]) -> Result<(), NarError> {
        let p = self.at(rel);
        fs::create_dir(&p).map_err(fs_err(&p, "create directory"))
    }
    fn file(&mut self, rel: &[u8], exec: bool, _: u64, c: &mut dyn Read) -> Result<(), NarError> {
        let p = self.at(rel);
        // create_new (O_EXCL) never follows a symlink at the final component.
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(if exec { 0o755 } else { 0o644 })
            .open(&p)
            .map_err(fs_err(&p, "create file"))?;
        loop {
            let n = match c.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(NarError::Read(e)),
            };
            f.write_all(&self.buf[..n]).map_err(fs_err(&p, "write"))?;
        }
        Ok(())
    }
    fn symlink(&mut self, rel: &[u8], target: &[u8]) -> Result<(), NarError> {
        let p = self.at(rel);
        std::os::unix::fs::symlink(OsStr::from_bytes(target), &p)
            .map_err(fs_err(&p, "create symlink"))
    }
}

/// Unpacks one NAR from `r` to `target`, which must not exist (its parent must). Validates the
/// whole stream, including that nothing follows the archive.
pub fn unpack<R: Read>(r: R, target: &Path) -> Result<NarSummary, NarError> {
    if fs::symlink_metadata(target).is_ok() {
        return Err(NarError::TargetExists(target.to_path_buf()));
    }
    let mut src = Src {
        inner: BufReader::with_capacity(256 << 10, r),
        hasher: Sha256::new(),
        offset: 0,
    };
    let mut u = Unpacker {
        target,
        buf: vec![0u8; 256 << 10],
    };
    parse_src(&mut src, &mut u)?;
    let mut probe = [0u8; 1];
    if src.inner.read(&mut probe).map_err(NarError::Read)? != 0 {
        return Err(NarError::TrailingData { offset: src.offset });
    }
    let hasher = std::mem::take(&mut src.hasher);
    Ok(NarSummary {
        nar_hash: Hash::sha256(hasher.finalize().into()),
        nar_size: src.offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_world_vector() {
        let dir = std::env::temp_dir().join(format!("hydrant-nar-unit-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("hello");
        fs::write(&f, "Hello world!").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        let mut out = Vec::new();
        let s = dump_path(&f, &mut out).unwrap();
        assert_eq!(out.len(), 128);
        assert_eq!(s.nar_size, 128);
        assert_eq!(
            s.nar_hash.to_hex(),
            "1a558cc49dcaec0405cc7732568b46b429393fa5594bcac345c430a42a27f029"
        );
        assert_eq!(validate(&out[..]).unwrap(), s);
        fs::remove_dir_all(&dir).unwrap();
    }
    /// A FileOut that records which files it was handed and copies them.
    struct Recording(Vec<u8>, Vec<u64>);
    impl Write for Recording {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl FileOut for Recording {
        fn sends_files(&self) -> bool {
            true
        }
        fn send_file(&mut self, file: &mut File, len: u64) -> io::Result<u64> {
            self.1.push(len);
            io::copy(&mut Read::take(file, len), &mut self.0)
        }
    }

    #[test]
    fn sending_files_gives_the_same_nar_and_hands_over_only_big_files() {
        let dir = std::env::temp_dir().join(format!("hydrant-nar-send-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("d")).unwrap();
        let big: Vec<u8> = (0..(300u32 << 10)).map(|i| (i % 251) as u8).collect();
        fs::write(dir.join("d/big"), &big).unwrap();
        fs::write(dir.join("d/odd"), &big[..(SEND_FILE_MIN as usize + 3)]).unwrap();
        fs::write(dir.join("small"), b"tiny").unwrap();
        let mut plain = Vec::new();
        write_nar(&dir, &mut plain).unwrap();
        let mut rec = Recording(Vec::new(), Vec::new());
        write_nar_sending_files(&dir, &mut rec).unwrap();
        assert_eq!(rec.0, plain);
        assert_eq!(rec.1, [300 << 10, SEND_FILE_MIN + 3]);
        validate(&rec.0[..]).unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
}
