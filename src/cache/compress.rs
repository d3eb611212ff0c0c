//! NAR compressors (none, bzip2, xz, zstd) and the memory budget they share: xz and zstd
//! compress one big path on several threads, as many as fit in the uploader's
//! `upload_memory_mb` next to the other paths being compressed at the same time.

use crate::config::Compression;
use std::io::{self, Write};
use std::sync::{Condvar, Mutex};

const MIB: u64 = 1024 * 1024;
/// Nix's default xz level.
const XZ_PRESET: u32 = 6;
/// xz block sizes to try, largest first: preset 6's own (3 × its 8 MiB dictionary) compresses
/// best, smaller ones let one more thread fit in the budget.
const XZ_BLOCKS: [u64; 3] = [24 * MIB, 16 * MIB, 8 * MIB];

/// How to compress, from the target's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub compression: Compression,
    pub zstd_level: i32,
    /// Threads for one path; 0 means the cores other compressors leave free.
    pub threads: u32,
}

/// What one compressor was given: its threads, its memory estimate and (for xz) its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub threads: u32,
    pub bytes: u64,
    xz_block: u64,
}

impl Plan {
    /// One thread, outside any budget (serving a NAR on the fly).
    pub fn single() -> Plan {
        Plan {
            threads: 1,
            bytes: 0,
            xz_block: XZ_BLOCKS[0],
        }
    }
}

fn xz_mt(threads: u32, block: u64) -> xz2::stream::MtStreamBuilder {
    let mut b = xz2::stream::MtStreamBuilder::new();
    b.threads(threads)
        .preset(XZ_PRESET)
        .block_size(block)
        .check(xz2::stream::Check::Crc64);
    b
}

/// zstd's window log for a level on a large input (zstd's own parameter table, rounded up).
fn zstd_window_log(level: i32) -> u32 {
    match level {
        ..=1 => 19,
        2 => 20,
        3..=5 => 21,
        6..=12 => 22,
        _ => 23,
    }
}

/// Memory of one compressor with `threads` threads: liblzma's own figure for xz; for zstd the
/// window and tables plus, per worker, a job's input and output (a job is 4 windows).
fn bytes_for(s: &Settings, threads: u32, xz_block: u64) -> u64 {
    match s.compression {
        Compression::None => MIB,
        Compression::Bzip2 => 8 * MIB,
        Compression::Xz => xz_mt(threads, xz_block).memusage(),
        Compression::Zstd => {
            let window = 1u64 << zstd_window_log(s.zstd_level);
            if threads <= 1 {
                4 * window + 2 * MIB
            } else {
                threads as u64 * (2 * 4 * window + 2 * window) + 2 * MIB
            }
        }
    }
}

fn cores() -> u32 {
    std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(1)
}

/// The threads worth having for a NAR of `nar_size` bytes when `busy` compressor threads are
/// already running: by default the cores left free (at least one), so that paths compressed
/// side by side share the cores instead of each taking them all (a multi-threaded compressor
/// costs more memory and CPU than a single-threaded one); a configured count as it is. Never
/// more than the NAR has blocks (a small path gets one thread and a small lease).
fn wanted_threads(s: &Settings, nar_size: u64, busy: u32) -> u32 {
    let configured = if s.threads == 0 {
        cores().saturating_sub(busy).max(1)
    } else {
        s.threads
    };
    let unit = match s.compression {
        Compression::Xz => XZ_BLOCKS[0],
        Compression::Zstd => 4 << zstd_window_log(s.zstd_level),
        _ => return 1,
    };
    configured
        .clamp(1, 64)
        .min(nar_size.div_ceil(unit).max(1) as u32)
}

/// The most threads (and for xz the largest block) that fit in `bytes`; one thread always.
fn fit(s: &Settings, want: u32, bytes: u64) -> Plan {
    for t in (2..=want).rev() {
        let blocks: &[u64] = if s.compression == Compression::Xz {
            &XZ_BLOCKS
        } else {
            &[0]
        };
        for &b in blocks {
            let need = bytes_for(s, t, b);
            if need <= bytes {
                return Plan {
                    threads: t,
                    bytes: need,
                    xz_block: b,
                };
            }
        }
    }
    Plan {
        threads: 1,
        bytes: bytes_for(s, 1, XZ_BLOCKS[0]),
        xz_block: XZ_BLOCKS[0],
    }
}

/// A memory budget shared by the compressors of one uploader.
pub struct Budget {
    total: u64,
    free: Mutex<Held>,
    freed: Condvar,
}

/// What the budget has given out: bytes left, and threads running.
struct Held {
    free: u64,
    threads: u32,
}

/// Memory held by one compressor, given back on drop.
pub struct Lease<'a> {
    budget: &'a Budget,
    pub plan: Plan,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let mut held = self.budget.free.lock().unwrap_or_else(|p| p.into_inner());
        held.free += self.plan.bytes;
        held.threads = held.threads.saturating_sub(self.plan.threads);
        self.budget.freed.notify_all();
    }
}

impl Budget {
    pub fn new(total_mb: u64) -> Budget {
        let total = total_mb.max(1) * MIB;
        Budget {
            total,
            free: Mutex::new(Held {
                free: total,
                threads: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Plans a compressor for a NAR of `nar_size` bytes and holds its memory: waits while one
    /// thread's worth is not free (a single thread bigger than the whole budget waits until
    /// the budget is all free, then runs alone), then takes as many threads as fit.
    pub fn lease(&self, s: &Settings, nar_size: u64) -> Lease<'_> {
        let one = bytes_for(s, 1, XZ_BLOCKS[0]);
        let mut held = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while held.free < one.min(self.total) {
            held = self.freed.wait(held).unwrap_or_else(|p| p.into_inner());
        }
        let want = wanted_threads(s, nar_size, held.threads);
        let mut plan = fit(s, want, held.free);
        plan.bytes = plan.bytes.min(held.free);
        held.free -= plan.bytes;
        held.threads += plan.threads;
        Lease { budget: self, plan }
    }
}

/// A compressor writing into `W`.
pub enum Encoder<W: Write> {
    None(W),
    Bzip2(bzip2::write::BzEncoder<W>),
    Xz(xz2::write::XzEncoder<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    pub fn new(s: &Settings, plan: &Plan, w: W) -> io::Result<Encoder<W>> {
        let other = io::Error::other;
        Ok(match s.compression {
            Compression::None => Encoder::None(w),
            Compression::Bzip2 => {
                Encoder::Bzip2(bzip2::write::BzEncoder::new(w, bzip2::Compression::best()))
            }
            Compression::Xz => {
                // One thread uses the plain encoder: the multi-threaded one buffers whole
                // blocks even with a single worker.
                let stream = if plan.threads <= 1 {
                    xz2::stream::Stream::new_easy_encoder(XZ_PRESET, xz2::stream::Check::Crc64)
                } else {
                    xz_mt(plan.threads, plan.xz_block).encoder()
                }
                .map_err(|e| other(format!("xz encoder: {e}")))?;
                Encoder::Xz(xz2::write::XzEncoder::new_stream(w, stream))
            }
            Compression::Zstd => {
                let mut e = zstd::stream::write::Encoder::new(w, s.zstd_level)?;
                if plan.threads > 1 {
                    e.multithread(plan.threads)?;
                }
                Encoder::Zstd(e)
            }
        })
    }

    /// Ends the stream and returns the writer.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::None(w) => Ok(w),
            Encoder::Bzip2(e) => e.finish(),
            Encoder::Xz(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::None(w) => w.write(buf),
            Encoder::Bzip2(e) => e.write(buf),
            Encoder::Xz(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::None(w) => w.flush(),
            Encoder::Bzip2(e) => e.flush(),
            Encoder::Xz(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn settings(c: Compression, threads: u32) -> Settings {
        Settings {
            compression: c,
            zstd_level: 3,
            threads,
        }
    }

    fn data() -> Vec<u8> {
        (0..3_000_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect()
    }

    fn round_trip(s: &Settings, threads: u32) -> Vec<u8> {
        let b = Budget::new(1024);
        let mut lease = b.lease(s, 100 * MIB);
        lease.plan.threads = lease.plan.threads.min(threads);
        let mut e = Encoder::new(s, &lease.plan, Vec::new()).unwrap();
        e.write_all(&data()).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn every_compression_round_trips_on_one_and_two_threads() {
        for t in [1, 2] {
            let z = round_trip(&settings(Compression::Zstd, 2), t);
            assert_eq!(zstd::stream::decode_all(&z[..]).unwrap(), data());
            let x = round_trip(&settings(Compression::Xz, 2), t);
            let mut out = Vec::new();
            xz2::read::XzDecoder::new(&x[..])
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, data());
        }
        let b = round_trip(&settings(Compression::Bzip2, 1), 1);
        let mut out = Vec::new();
        bzip2::read::BzDecoder::new(&b[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, data());
    }

    #[test]
    fn threads_fit_the_budget() {
        let xz = settings(Compression::Xz, 8);
        // Small paths get one thread whatever the budget.
        assert_eq!(wanted_threads(&xz, 1000, 0), 1);
        let one = bytes_for(&xz, 1, XZ_BLOCKS[0]);
        for mb in [64u64, 256, 512, 2048] {
            let p = fit(&xz, 8, mb * MIB);
            assert!(p.threads == 1 || p.bytes <= mb * MIB, "{mb}: {p:?}");
            if mb * MIB >= 2 * one + 64 * MIB {
                assert!(p.threads >= 2, "{mb}: {p:?}");
            }
        }
        // 256 MiB holds two xz threads at preset 6 (with smaller blocks).
        assert_eq!(fit(&xz, 2, 256 * MIB).threads, 2);
        let z = settings(Compression::Zstd, 8);
        assert!(fit(&z, 8, 256 * MIB).threads >= 2);
    }

    #[test]
    fn leases_wait_for_memory_and_give_it_back() {
        let s = settings(Compression::Xz, 2);
        let b = std::sync::Arc::new(Budget::new(256));
        let first = b.lease(&s, 1 << 30);
        assert_eq!(first.plan.threads, 2);
        let b2 = b.clone();
        let waiter = std::thread::spawn(move || b2.lease(&s, 1 << 30).plan.threads);
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!waiter.is_finished(), "second lease should wait for memory");
        drop(first);
        assert_eq!(waiter.join().unwrap(), 2);
        let held = b.free.lock().unwrap();
        assert_eq!((held.free, held.threads), (b.total, 0));
    }

    #[test]
    fn default_threads_are_the_cores_left_free() {
        let z = settings(Compression::Zstd, 0);
        let cores = cores();
        let b = Budget::new(4096);
        let first = b.lease(&z, 1 << 30);
        assert_eq!(first.plan.threads, cores.min(64));
        // Every core is taken: the next path compresses on one thread, beside the first.
        let second = b.lease(&z, 1 << 30);
        assert_eq!(second.plan.threads, 1);
        drop(first);
        drop(second);
        assert_eq!(b.lease(&z, 1 << 30).plan.threads, cores.min(64));
        // A configured count is kept whatever runs.
        let fixed = settings(Compression::Zstd, 3);
        let _a = b.lease(&fixed, 1 << 30);
        assert_eq!(b.lease(&fixed, 1 << 30).plan.threads, 3);
        assert_eq!(wanted_threads(&z, 1 << 30, cores + 5), 1);
    }
}
