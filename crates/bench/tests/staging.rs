//! End to end: `priors-bench staging` through the binary (moved from `tests/staging.rs` with
//! the benchmark, unchanged).

use serde_json::Value;
use std::path::Path;
use std::process::Command;

#[test]
fn vignette_benchmark_meets_the_bar() {
    let out = Command::new(env!("CARGO_BIN_EXE_priors-bench"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .args(["staging", "--json"])
        .output()
        .expect("run priors-bench");
    let code = out.status.code().unwrap_or(-1);
    let err = String::from_utf8_lossy(&out.stderr);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert_eq!(code, 0, "{err}");
    assert!(v["cases"].as_u64().unwrap() >= 60);
    for f in v["fields"].as_array().unwrap() {
        let acc = f["accuracy"]
            .as_f64()
            .unwrap_or_else(|| panic!("no accuracy in {f}"));
        assert!(acc >= 0.95, "{f}");
    }
    assert_eq!(v["grounding_errors"], serde_json::json!([]));
}
