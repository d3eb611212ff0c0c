//! Build products (Hydra's `nix-support/hydra-build-products` and `hydra-release-name`): the
//! line format parsed purely (`parse_line`), and `read`, the thin shell that finds each named
//! file inside the build's own outputs and measures and hashes it. A build's outputs are built
//! by the repository's code, so every line is hostile: a product must lie inside one of the
//! build's outputs (after resolving symlinks), names are restricted to Hydra's character set,
//! and the file is capped.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// One build product as Hydra's JSON shows it (`buildproducts` of a build).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct BuildProduct {
    pub productnr: u32,
    #[serde(rename = "type")]
    pub kind: String,
    pub subtype: String,
    pub name: String,
    pub path: String,
    pub defaultpath: String,
    pub filesize: Option<u64>,
    pub sha256hash: Option<String>,
    #[serde(default)]
    pub is_regular: bool,
}

/// What `hydra-build-products` may hold at most; lines beyond it are ignored.
const MAX_FILE: u64 = 1 << 20;
const MAX_PRODUCTS: usize = 1000;

/// `TYPE SUBTYPE PATH [DEFAULTPATH]`, PATH optionally in double quotes (Hydra's regex:
/// `([a-zA-Z0-9_-]+)\s+([a-zA-Z0-9_-]+)\s+("[^"]+"|[^"\s<>]+)(\s+([^"\s<>]+))?`).
pub fn parse_line(line: &str) -> Option<(String, String, String, String)> {
    let word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    };
    let line = line.trim();
    let (kind, rest) = line.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let (subtype, rest) = rest.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    if !word(kind) || !word(subtype) {
        return None;
    }
    let plain =
        |s: &str| !s.is_empty() && !s.contains(['"', '<', '>']) && !s.contains(char::is_whitespace);
    let (path, rest) = if let Some(q) = rest.strip_prefix('"') {
        let end = q.find('"')?;
        let (path, rest) = (&q[..end], &q[end + 1..]);
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return None;
        }
        (path, rest)
    } else {
        let (path, rest) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if !plain(path) {
            return None;
        }
        (path, rest)
    };
    if path.is_empty() {
        return None;
    }
    let default = rest.split_whitespace().next().unwrap_or("");
    if !default.is_empty() && !plain(default) {
        return None;
    }
    Some((kind.into(), subtype.into(), path.into(), default.into()))
}

/// Hydra's product name rule: the file name, if it is made of `[a-zA-Z0-9.@:_ -]`.
fn product_name(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string();
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".@:_ -".contains(c))
    {
        name
    } else {
        String::new()
    }
}

/// The output (of `outputs`) that `path` lies in, lexically: `/nix/store/HASH-NAME[/...]`
/// without `..` or `.` components.
pub fn owning_output<'a>(
    path: &str,
    outputs: impl IntoIterator<Item = &'a String>,
) -> Option<&'a String> {
    let p = Path::new(path);
    if !p.is_absolute()
        || p.components()
            .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
    {
        return None;
    }
    outputs
        .into_iter()
        .find(|o| p == Path::new(o.as_str()) || p.starts_with(o.as_str()))
}

/// Resolves `path` (following symlinks) and checks the result is still inside `root`.
pub fn resolve_inside(root: &str, path: &Path) -> Option<PathBuf> {
    let real_root = std::fs::canonicalize(root).ok()?;
    let real = std::fs::canonicalize(path).ok()?;
    real.starts_with(&real_root).then_some(real)
}

/// The explicit products of a finished build's outputs (those of `nix-support/hydra-build-
/// products` that exist inside the build's outputs), numbered from 1, and the release name of
/// `nix-support/hydra-release-name`. Unreadable or hostile lines are skipped.
pub fn read(outputs: &BTreeMap<String, String>) -> (Vec<BuildProduct>, Option<String>) {
    let mut products = Vec::new();
    let mut release = None;
    let roots: Vec<&String> = outputs.values().collect();
    for out in outputs.values() {
        let support = Path::new(out).join("nix-support");
        if let Some(text) = read_capped(&support.join("hydra-release-name"), 4096) {
            let t = text.trim();
            if !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".@:_-".contains(c))
            {
                release = Some(t.to_string());
            }
        }
        let Some(text) = read_capped(&support.join("hydra-build-products"), MAX_FILE) else {
            continue;
        };
        for line in text.lines() {
            if products.len() >= MAX_PRODUCTS {
                break;
            }
            let Some((kind, subtype, path, defaultpath)) = parse_line(line) else {
                continue;
            };
            let Some(root) = owning_output(&path, roots.iter().copied()) else {
                continue;
            };
            let Some(real) = resolve_inside(root, Path::new(&path)) else {
                continue;
            };
            let Ok(meta) = std::fs::metadata(&real) else {
                continue;
            };
            let is_regular = meta.is_file();
            products.push(BuildProduct {
                productnr: products.len() as u32 + 1,
                kind,
                subtype,
                name: product_name(Path::new(&path)),
                path,
                defaultpath,
                filesize: is_regular.then_some(meta.len()),
                sha256hash: if is_regular { sha256_file(&real) } else { None },
                is_regular,
            });
        }
    }
    (products, release)
}

/// The `nix-build` products every build with outputs has (one per output, subtype the output
/// name unless it is `out`), numbered after `first`. Hydra adds them only when there is no
/// `hydra-build-products` file; hydrant always does, so channels and `download-by-type
/// nix-build` work for every build.
pub fn nix_build_products(outputs: &BTreeMap<String, String>, first: u32) -> Vec<BuildProduct> {
    outputs
        .iter()
        .enumerate()
        .map(|(i, (name, path))| BuildProduct {
            productnr: first + i as u32,
            kind: "nix-build".into(),
            subtype: if name == "out" {
                String::new()
            } else {
                name.clone()
            },
            name: Path::new(path)
                .file_name()
                .and_then(|n| n.to_str())
                .map(|n| n.get(33..).unwrap_or(n).to_string())
                .unwrap_or_default(),
            path: path.clone(),
            defaultpath: String::new(),
            filesize: None,
            sha256hash: None,
            is_regular: false,
        })
        .collect()
}

fn read_capped(p: &Path, cap: u64) -> Option<String> {
    let f = std::fs::File::open(p).ok()?;
    let mut s = String::new();
    f.take(cap).read_to_string(&mut s).ok()?;
    Some(s)
}

fn sha256_file(p: &Path) -> Option<String> {
    use sha2::Digest;
    let mut f = std::fs::File::open(p).ok()?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(super::hash::hex(&h.finalize()))
}

/// A content type that cannot run in our origin: text and a few passive formats by extension,
/// everything else as a download.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "log" | "md" | "nix" | "sh" | "c" | "h" | "rs" | "py" | "conf" | "cfg" => {
            "text/plain; charset=utf-8"
        }
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let s = |a: &str, b: &str, c: &str, d: &str| Some((a.into(), b.into(), c.into(), d.into()));
        assert_eq!(
            parse_line("doc manual /nix/store/x-m/share/doc"),
            s("doc", "manual", "/nix/store/x-m/share/doc", "")
        );
        assert_eq!(
            parse_line("doc none \"/nix/store/x-m/some text.txt\""),
            s("doc", "none", "/nix/store/x-m/some text.txt", "")
        );
        assert_eq!(
            parse_line("file iso /nix/store/x/i.iso  index.html"),
            s("file", "iso", "/nix/store/x/i.iso", "index.html")
        );
        assert_eq!(
            parse_line("  file   binary-dist   /p  "),
            s("file", "binary-dist", "/p", "")
        );
        for bad in [
            "",
            "doc",
            "doc manual",
            "d$c manual /p",
            "doc man<ual /p",
            "doc m \"/p",
            "doc m /p <x>",
            "doc m /a\"b",
        ] {
            assert_eq!(parse_line(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn outputs_bound_products() {
        let outs = [
            "/nix/store/aaa-x".to_string(),
            "/nix/store/bbb-y".to_string(),
        ];
        assert_eq!(owning_output("/nix/store/aaa-x/f", &outs), Some(&outs[0]));
        assert_eq!(owning_output("/nix/store/bbb-y", &outs), Some(&outs[1]));
        for bad in [
            "/nix/store/aaa-x/../ccc/f",
            "/nix/store/aaa-xy/f",
            "/etc/passwd",
            "rel/p",
        ] {
            assert_eq!(owning_output(bad, &outs), None, "{bad}");
        }
    }

    #[test]
    fn nix_build_products_name_outputs() {
        let mut o = BTreeMap::new();
        o.insert(
            "out".to_string(),
            "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-1.0".to_string(),
        );
        o.insert(
            "doc".to_string(),
            "/nix/store/0123456789abcdfghijklmnpqrsvwxyw-hello-1.0-doc".to_string(),
        );
        let p = nix_build_products(&o, 3);
        assert_eq!(
            (p[0].productnr, p[0].subtype.as_str(), p[0].name.as_str()),
            (3, "doc", "hello-1.0-doc")
        );
        assert_eq!(
            (p[1].productnr, p[1].subtype.as_str(), p[1].name.as_str()),
            (4, "", "hello-1.0")
        );
        assert!(p.iter().all(|p| p.kind == "nix-build"));
    }
}
