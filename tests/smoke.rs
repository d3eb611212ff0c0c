mod common;

#[test]
fn binary_runs() {
    let st = std::process::Command::new(common::hydrant_bin()).status().unwrap();
    assert!(st.success());
}
