//! Pure Nix-format tests: vectors, narinfo, signatures, NAR reader rejections, property tests.
mod common;

use hydrant::nix::nar::{self, NarError, NarVisitor};
use hydrant::nix::narinfo::{NarInfo, NarInfoError};
use hydrant::nix::signing::{fingerprint, PublicKey, SecretKey};
use hydrant::nix::{base32, Hash, StorePath};
use proptest::prelude::*;
use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const HELLO_NARINFO: &str = "StorePath: /nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10
URL: nar/0ynn7h24bhmx3i1z3h4b3rmdz2d5qx1wzsv8pxdm4yxccf8lr6wf.nar.xz
Compression: xz
FileHash: sha256:0ynn7h24bhmx3i1z3h4b3rmdz2d5qx1wzsv8pxdm4yxccf8lr6wf
FileSize: 46180
NarHash: sha256:16mvl7v0ylzcg2n3xzjn41qhzbmgcn5iyarx16nn5l2r36n2kqci
NarSize: 206104
References: 563528481rvhc5kxwipjmg6rqrl95mdx-glibc-2.33-56 xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10
Deriver: vvb4wxmnjixmrkhmj2xb75z62hrr41i7-hello-2.10.drv
Sig: cache.nixos.org-1:lo9EfNIL4eGRuNh7DTbAAffWPpI2SlYC/8uP7JnhgmfRIUNGhSbFe8qEaKN0mFS02TuhPpXFPNtRkFcCp0hGAQ==
";
const NIXOS_KEY: &str = "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=";

#[test]
fn nix32_vectors() {
    let h = Hash::sha256_of(b"abc");
    assert_eq!(
        h.to_string(),
        "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
    );
    let raw: Vec<u8> = (0..20)
        .map(|i| {
            u8::from_str_radix(
                &"0839703786356bca59b0f4a32987eb2e6de43ae8"[i * 2..i * 2 + 2],
                16,
            )
            .unwrap()
        })
        .collect();
    assert_eq!(base32::encode(&raw), "x0xf8v9fxf3jk8zln1cwlsrmhqvp0f88");
    assert_eq!(
        base32::decode("x0xf8v9fxf3jk8zln1cwlsrmhqvp0f88").unwrap(),
        raw
    );
}

#[test]
fn cache_nixos_org_signature_verifies() {
    let ni = NarInfo::parse(HELLO_NARINFO).unwrap();
    let key = PublicKey::parse(NIXOS_KEY).unwrap();
    assert_eq!(
        ni.fingerprint(),
        "1;/nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10;\
         sha256:16mvl7v0ylzcg2n3xzjn41qhzbmgcn5iyarx16nn5l2r36n2kqci;206104;\
         /nix/store/563528481rvhc5kxwipjmg6rqrl95mdx-glibc-2.33-56,\
         /nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10"
    );
    assert!(ni.verify(std::slice::from_ref(&key)));
    // Any change to the signed fields breaks it.
    let mut worse = ni.clone();
    worse.nar_size += 1;
    assert!(!worse.verify(std::slice::from_ref(&key)));
    let mut fewer = ni.clone();
    fewer.references.pop();
    assert!(!fewer.verify(std::slice::from_ref(&key)));
    // Another key with the same name does not verify.
    let other = SecretKey::generate("cache.nixos.org-1")
        .unwrap()
        .public_key();
    assert!(!ni.verify(&[other]));
    // Rendering reproduces the file byte for byte (it is already in Nix's order).
    assert_eq!(ni.render(), HELLO_NARINFO);
}

#[test]
fn narinfo_parse_rules() {
    let minimal = "StorePath: /nix/store/xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10\n\
                   URL: nar/x.nar.bz2\nNarHash: sha256:16mvl7v0ylzcg2n3xzjn41qhzbmgcn5iyarx16nn5l2r36n2kqci\n\
                   NarSize: 5\nFutureField: whatever\n";
    let ni = NarInfo::parse(minimal).unwrap();
    assert_eq!(ni.compression, "bzip2");
    assert!(ni.references.is_empty());
    assert_eq!(ni.file_hash, None);
    for (field, drop) in [("StorePath", 0), ("URL", 1), ("NarHash", 2), ("NarSize", 3)] {
        let text: String = minimal
            .lines()
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, l)| format!("{l}\n"))
            .collect();
        let err = NarInfo::parse(&text).unwrap_err();
        assert_eq!(err, NarInfoError::MissingField(field));
        assert!(err.to_string().contains(field));
    }
    // Other store dirs are taken from StorePath.
    let other = "StorePath: /tmp/st/xcp9cav49dmsjbwdjlmkjxj10gkpx553-a\nURL: u\n\
                 NarHash: sha256:16mvl7v0ylzcg2n3xzjn41qhzbmgcn5iyarx16nn5l2r36n2kqci\nNarSize: 1\n\
                 References: xcp9cav49dmsjbwdjlmkjxj10gkpx553-a\n";
    let ni = NarInfo::parse(other).unwrap();
    assert_eq!(
        ni.references[0].to_string(),
        "/tmp/st/xcp9cav49dmsjbwdjlmkjxj10gkpx553-a"
    );
    assert!(NarInfo::parse(&minimal.replace("NarSize: 5", "NarSize: five")).is_err());
    assert!(NarInfo::parse(&minimal.replace("xcp9", "xcpe")).is_err());
}

#[test]
fn narinfo_render_order_and_sorted_refs() {
    let p = |b: &str| StorePath::from_basename(b).unwrap();
    let mut ni = NarInfo::new(
        p("xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10"),
        Hash::sha256_of(b"nar"),
        42,
    );
    ni.references = vec![
        p("xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10"),
        p("563528481rvhc5kxwipjmg6rqrl95mdx-glibc"),
    ];
    ni.deriver = Some(p("vvb4wxmnjixmrkhmj2xb75z62hrr41i7-hello-2.10.drv"));
    ni.system = Some("x86_64-linux".into());
    ni.ca = Some("fixed:r:sha256:16mvl7v0ylzcg2n3xzjn41qhzbmgcn5iyarx16nn5l2r36n2kqci".into());
    let key = SecretKey::generate("test-1").unwrap();
    ni.sign(&key);
    let text = ni.render();
    let keys: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "StorePath",
            "URL",
            "Compression",
            "FileHash",
            "FileSize",
            "NarHash",
            "NarSize",
            "References",
            "Deriver",
            "System",
            "Sig",
            "CA"
        ]
    );
    assert!(text.contains(
        "References: 563528481rvhc5kxwipjmg6rqrl95mdx-glibc xcp9cav49dmsjbwdjlmkjxj10gkpx553-hello-2.10\n"
    ));
    let back = NarInfo::parse(&text).unwrap();
    assert_eq!(back.render(), text);
    assert!(back.verify(&[key.public_key()]));
}

#[test]
fn keys_round_trip_and_reject_garbage() {
    let k = SecretKey::generate("k-1").unwrap();
    let again = SecretKey::parse(&format!("{}\n", k.to_file_string())).unwrap();
    assert_eq!(again.public_key(), k.public_key());
    let pk = PublicKey::parse(&k.public_key().to_string()).unwrap();
    let sig = k.sign(b"msg");
    assert!(pk.verify(b"msg", &sig));
    assert!(!pk.verify(b"msh", &sig));
    assert!(!pk.verify(b"msg", &sig.replacen("k-1", "k-2", 1)));
    assert!(SecretKey::parse("nonamekey").is_err());
    assert!(SecretKey::parse(":AAAA").is_err());
    assert!(PublicKey::parse("k:AAAA").is_err());
    // A secret key whose public half does not match its seed is refused.
    let mut text = k.to_file_string();
    let other = SecretKey::generate("k-1").unwrap().to_file_string();
    text.replace_range(text.len() - 20.., &other[other.len() - 20..]);
    assert!(SecretKey::parse(&text).is_err());
    let ni = NarInfo::parse(HELLO_NARINFO).unwrap();
    let refs_reversed: Vec<StorePath> = ni.references.iter().rev().cloned().collect();
    assert_eq!(
        fingerprint(&ni.store_path, &ni.nar_hash, ni.nar_size, &refs_reversed),
        ni.fingerprint()
    );
}

// ---- hand-built NARs for the reader ----

fn s(out: &mut Vec<u8>, t: &[u8]) {
    out.extend_from_slice(&(t.len() as u64).to_le_bytes());
    out.extend_from_slice(t);
    out.resize(out.len() + (8 - t.len() % 8) % 8, 0);
}

fn toks(ts: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    for t in ts {
        s(&mut v, t);
    }
    v
}

fn dir_with(names: &[&[u8]]) -> Vec<u8> {
    let mut v = toks(&[b"nix-archive-1", b"(", b"type", b"directory"]);
    for n in names {
        v.extend(toks(&[
            b"entry",
            b"(",
            b"name",
            n,
            b"node",
            b"(",
            b"type",
            b"regular",
            b"contents",
            b"x",
            b")",
            b")",
        ]));
    }
    v.extend(toks(&[b")"]));
    v
}

fn malformed(data: &[u8]) -> String {
    match nar::validate(data) {
        Err(NarError::Malformed { reason, .. }) => reason,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn reader_accepts_hand_built_nar() {
    let ok = dir_with(&[b"a", b"b"]);
    let sum = nar::validate(&ok[..]).unwrap();
    assert_eq!(sum.nar_size, ok.len() as u64);
    assert_eq!(sum.nar_hash, Hash::sha256_of(&ok));
}

#[test]
fn reader_rejections() {
    assert!(malformed(&toks(&[
        b"nix-archive-2",
        b"(",
        b"type",
        b"regular",
        b"contents",
        b"",
        b")"
    ]))
    .contains("nix-archive-1"));
    // Non-zero padding.
    let mut bad = toks(&[
        b"nix-archive-1",
        b"(",
        b"type",
        b"regular",
        b"contents",
        b"x",
        b")",
    ]);
    let pos = bad.len() - 16 - 7 + 1; // a padding byte after "x"
    bad[pos] = 1;
    assert!(malformed(&bad).contains("padding"));
    // Non-empty executable value.
    let exe = toks(&[
        b"nix-archive-1",
        b"(",
        b"type",
        b"regular",
        b"executable",
        b"1",
        b"contents",
        b"",
        b")",
    ]);
    assert!(malformed(&exe).contains("executable"));
    let exe_ok = toks(&[
        b"nix-archive-1",
        b"(",
        b"type",
        b"regular",
        b"executable",
        b"",
        b"contents",
        b"",
        b")",
    ]);
    nar::validate(&exe_ok[..]).unwrap();
    // Unsorted and duplicate entries.
    assert!(malformed(&dir_with(&[b"b", b"a"])).contains("unsorted"));
    assert!(malformed(&dir_with(&[b"a", b"a"])).contains("duplicate"));
    // Byte order, not character order: "B" (0x42) sorts before "a" (0x61).
    nar::validate(&dir_with(&[b"B", b"a", "é".as_bytes()])[..]).unwrap();
    assert!(malformed(&dir_with(&[b"a", b"B"])).contains("unsorted"));
    for name in [&b""[..], b".", b"..", b"a/b", b"a\0b", b"../x"] {
        let r = malformed(&dir_with(&[name]));
        assert!(r.contains("name"), "{name:?}: {r}");
    }
    // Trailing data.
    let mut trailing = dir_with(&[b"a"]);
    trailing.push(0);
    assert!(matches!(
        nar::validate(&trailing[..]),
        Err(NarError::TrailingData { .. })
    ));
    // Unknown type, absurd lengths.
    assert!(malformed(&toks(&[b"nix-archive-1", b"(", b"type", b"fifo", b")"])).contains("fifo"));
    let mut huge = toks(&[b"nix-archive-1", b"(", b"type"]);
    huge.extend_from_slice(&u64::MAX.to_le_bytes());
    assert!(malformed(&huge).contains("limit"));
}

#[test]
fn every_truncation_is_an_error() {
    let mut full = toks(&[
        b"nix-archive-1",
        b"(",
        b"type",
        b"directory",
        b"entry",
        b"(",
        b"name",
        b"f",
        b"node",
    ]);
    full.extend(toks(&[
        b"(",
        b"type",
        b"regular",
        b"executable",
        b"",
        b"contents",
        b"0123456789",
        b")",
        b")",
    ]));
    full.extend(toks(&[
        b"entry", b"(", b"name", b"l", b"node", b"(", b"type", b"symlink", b"target", b"f", b")",
        b")", b")",
    ]));
    nar::validate(&full[..]).unwrap();
    for cut in 0..full.len() {
        match nar::validate(&full[..cut]) {
            Err(NarError::Truncated { .. }) => {}
            other => panic!("cut at {cut}: {other:?}"),
        }
        let t = common::TempDir::new("trunc");
        assert!(nar::unpack(&full[..cut], &t.path().join("out")).is_err());
    }
}

#[test]
fn unpack_stays_inside_target() {
    let t = common::TempDir::new("escape");
    for name in [&b".."[..], b"../escaped", b"/tmp/escaped-abs"] {
        let data = dir_with(&[name]);
        assert!(nar::unpack(&data[..], &t.path().join("out")).is_err());
    }
    assert!(!t.path().join("escaped").exists());
    // A target that exists is refused rather than merged into.
    fs::create_dir(t.path().join("exists")).unwrap();
    let data = dir_with(&[b"a"]);
    assert!(matches!(
        nar::unpack(&data[..], &t.path().join("exists")),
        Err(NarError::TargetExists(_))
    ));
    // Unpacking creates exactly what the NAR says.
    nar::unpack(&data[..], &t.path().join("ok")).unwrap();
    assert_eq!(fs::read(t.path().join("ok/a")).unwrap(), b"x");
}

#[test]
fn writer_rejects_fifo_naming_it() {
    let t = common::TempDir::new("fifo");
    let fifo = t.path().join("a-fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let err = nar::hash_path(t.path()).unwrap_err();
    assert!(matches!(err, NarError::Unsupported { kind: "fifo", .. }));
    assert!(err.to_string().contains("a-fifo"), "{err}");
}

/// Counts visitor calls, reading file contents partially to check the skip logic.
struct Partial(Vec<String>);
impl NarVisitor for Partial {
    fn directory(&mut self, p: &[u8]) -> Result<(), NarError> {
        self.0.push(format!("d {}", String::from_utf8_lossy(p)));
        Ok(())
    }
    fn file(&mut self, p: &[u8], x: bool, n: u64, c: &mut dyn Read) -> Result<(), NarError> {
        let mut one = [0u8; 1];
        let _ = c.read(&mut one).unwrap();
        self.0
            .push(format!("f {} {x} {n}", String::from_utf8_lossy(p)));
        Ok(())
    }
    fn symlink(&mut self, p: &[u8], t: &[u8]) -> Result<(), NarError> {
        self.0.push(format!(
            "l {} {}",
            String::from_utf8_lossy(p),
            String::from_utf8_lossy(t)
        ));
        Ok(())
    }
}

#[test]
fn visitor_sees_nodes_in_order_and_unread_contents_are_skipped() {
    let mut data = toks(&[b"nix-archive-1", b"(", b"type", b"directory"]);
    data.extend(toks(&[
        b"entry",
        b"(",
        b"name",
        b"big",
        b"node",
        b"(",
        b"type",
        b"regular",
        b"contents",
        b"0123456789abc",
        b")",
        b")",
    ]));
    data.extend(toks(&[
        b"entry",
        b"(",
        b"name",
        b"d",
        b"node",
        b"(",
        b"type",
        b"directory",
    ]));
    data.extend(toks(&[
        b"entry", b"(", b"name", b"l", b"node", b"(", b"type", b"symlink", b"target", b"../big",
        b")", b")", b")", b")",
    ]));
    data.extend(toks(&[b")"]));
    let mut v = Partial(Vec::new());
    let sum = nar::parse(&data[..], &mut v).unwrap();
    assert_eq!(sum.nar_size, data.len() as u64);
    assert_eq!(v.0, ["d ", "f big false 13", "d d", "l d/l ../big"]);
}

// ---- property tests ----

#[derive(Debug, Clone)]
enum Node {
    File { exec: bool, data: Vec<u8> },
    Link(String),
    Dir(Vec<(String, Node)>),
}

fn node_strategy() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        (
            any::<bool>(),
            proptest::collection::vec(any::<u8>(), 0..300)
        )
            .prop_map(|(exec, data)| Node::File { exec, data }),
        "[a-zA-Z0-9./é ]{1,20}".prop_map(Node::Link),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        proptest::collection::btree_map("[a-zA-Z0-9_ é😀-]{1,12}", inner, 0..6)
            .prop_map(|m| Node::Dir(m.into_iter().collect()))
    })
}

fn materialise(path: &Path, n: &Node) {
    match n {
        Node::File { exec, data } => {
            fs::write(path, data).unwrap();
            fs::set_permissions(
                path,
                fs::Permissions::from_mode(if *exec { 0o755 } else { 0o644 }),
            )
            .unwrap();
        }
        Node::Link(t) => std::os::unix::fs::symlink(t, path).unwrap(),
        Node::Dir(es) => {
            fs::create_dir(path).unwrap();
            for (name, child) in es {
                materialise(&path.join(name), child);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn trees_round_trip(tree in node_strategy()) {
        let t = common::TempDir::new("prop");
        let a = t.path().join("a");
        materialise(&a, &tree);
        let mut first = Vec::new();
        let s1 = nar::dump_path(&a, &mut first).unwrap();
        prop_assert_eq!(s1.nar_size, first.len() as u64);
        prop_assert_eq!(&s1.nar_hash, &Hash::sha256_of(&first));
        let b = t.path().join("b");
        let s2 = nar::unpack(&first[..], &b).unwrap();
        prop_assert_eq!(&s1, &s2);
        let mut second = Vec::new();
        nar::dump_path(&b, &mut second).unwrap();
        prop_assert!(first == second, "re-dumped NAR differs");
        let mut v = Partial(Vec::new());
        prop_assert_eq!(nar::parse(&first[..], &mut v).unwrap(), s1);
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = nar::validate(&data[..]);
        let mut with_magic = toks(&[b"nix-archive-1"]);
        with_magic.extend_from_slice(&data);
        let _ = nar::validate(&with_magic[..]);
    }

    #[test]
    fn mutated_nars_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut data = dir_with(&[b"a", b"b", b"c"]);
        for (i, v) in flips {
            let n = data.len();
            data[i % n] = v;
        }
        let _ = nar::validate(&data[..]);
        let t = common::TempDir::new("mut");
        let _ = nar::unpack(&data[..], &t.path().join("x"));
    }
}

fn store_path_strategy() -> impl Strategy<Value = StorePath> {
    (
        "[0-9a-df-np-sv-z]{32}",
        "[a-zA-Z0-9+_?=-][a-zA-Z0-9+._?=-]{0,40}",
    )
        .prop_map(|(h, n)| StorePath::from_basename(&format!("{h}-{n}")).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn narinfo_render_parse_round_trip(
        path in store_path_strategy(),
        refs in proptest::collection::vec(store_path_strategy(), 0..5),
        deriver in proptest::option::of(store_path_strategy()),
        digest in any::<[u8; 32]>(),
        size in any::<u64>(),
        system in proptest::option::of("[a-z0-9_-]{1,20}"),
        compression in "none|xz|bzip2|zstd",
        sigs in proptest::collection::vec("[a-z0-9.-]{1,10}:[A-Za-z0-9+/]{86}==", 0..3),
    ) {
        let mut ni = NarInfo::new(path, Hash::sha256(digest), size);
        let mut refs = refs;
        refs.sort();
        refs.dedup();
        ni.references = refs;
        ni.deriver = deriver;
        ni.system = system;
        ni.compression = compression;
        ni.sigs = sigs;
        let back = NarInfo::parse(&ni.render()).unwrap();
        prop_assert_eq!(back, ni);
    }
}
