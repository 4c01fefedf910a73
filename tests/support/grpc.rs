//! Test harness for the gRPC end-to-end tests: a prepared data directory (a small synthetic
//! corpus and the guideline passages, ingested once per test binary by the real `priors`
//! binary), real `priors serve` processes on free loopback ports, and the real llama.cpp
//! server installed by `make setup` (scripts/setup_llm.sh).

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tonic::transport::Channel;

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_priors")
}

/// The synthetic corpus used by these tests (JSONL) and a data directory with it and the
/// guideline passages ingested. Built once per test binary, kept until the process ends.
pub(crate) struct Prepared {
    _tmp: tempfile::TempDir,
    pub(crate) corpus: PathBuf,
    pub(crate) data: PathBuf,
}

pub(crate) fn prepared() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let tmp = tempfile::tempdir().expect("tempdir");
        let corpus = tmp.path().join("corpus.jsonl");
        let data = tmp.path().join("data");
        let ok = Command::new(bin())
            .current_dir(root())
            .args(["synth", "--seed", "11", "--patients", "24", "--out"])
            .arg(&corpus)
            .status()
            .expect("spawn priors synth");
        assert!(ok.success(), "priors synth failed");
        for args in [
            vec![
                "ingest".to_string(),
                corpus.display().to_string(),
                "--json".into(),
            ],
            vec!["ingest-guidelines".to_string(), "--json".into()],
        ] {
            let out = Command::new(bin())
                .current_dir(root())
                .arg("--data-dir")
                .arg(&data)
                .args(&args)
                .output()
                .expect("spawn priors");
            assert!(
                out.status.success(),
                "priors {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Prepared {
            _tmp: tmp,
            corpus,
            data,
        }
    })
}

/// The records of the prepared corpus.
pub(crate) fn corpus_records() -> Vec<serde_json::Value> {
    std::fs::read_to_string(&prepared().corpus)
        .expect("corpus")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// `FINDINGS:` … up to the next header of a report text.
/// The indication of a synthetic report: its first section (under one of several header
/// spellings), up to a blank line, without the header.
pub(crate) fn indication_of(text: &str) -> String {
    let first = text.trim_start().split("\n\n").next().unwrap_or("");
    first
        .split_once(':')
        .map(|(_, rest)| rest.trim().to_string())
        .unwrap_or_default()
}

pub(crate) fn findings_of(text: &str) -> String {
    let start = text.find("FINDINGS:").expect("findings header") + "FINDINGS:".len();
    let rest = &text[start..];
    let end = rest.find("IMPRESSION:").unwrap_or(rest.len());
    rest[..end].trim().to_string()
}

/// Copy a data directory, its `LOCK` file left behind.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if e.file_name() != "LOCK" {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A running `priors serve` on its own copy of the prepared data.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
    pub(crate) data: PathBuf,
    config: Option<PathBuf>,
    env: Vec<(String, String)>,
    _tmp: tempfile::TempDir,
}

impl Server {
    /// Start with extra `PRIORS__…` environment settings.
    pub(crate) fn start(env: &[(&str, String)]) -> Server {
        Self::start_with(None, env)
    }

    /// Start with a configuration file of `config_toml` (when given) and extra `PRIORS__…`
    /// environment settings.
    pub(crate) fn start_with(config_toml: Option<&str>, env: &[(&str, String)]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        copy_dir(&prepared().data, &data);
        let config = config_toml.map(|t| {
            let p = tmp.path().join("config.toml");
            std::fs::write(&p, t).unwrap();
            p
        });
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let (child, addr) = spawn(tmp.path(), &data, config.as_deref(), &env);
        Server {
            child,
            addr,
            data,
            config,
            env,
            _tmp: tmp,
        }
    }

    /// Start on a data directory the caller prepared (`data`, inside `tmp`), with extra
    /// `PRIORS__…` environment settings.
    pub(crate) fn start_on(
        tmp: tempfile::TempDir,
        data: PathBuf,
        env: &[(&str, String)],
    ) -> Server {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let (child, addr) = spawn(tmp.path(), &data, None, &env);
        Server {
            child,
            addr,
            data,
            config: None,
            env,
            _tmp: tmp,
        }
    }

    /// The temporary directory holding the data directory, the log and the config.
    pub(crate) fn dir(&self) -> &Path {
        self._tmp.path()
    }

    /// The `priors` command on this server's data directory and configuration (no `serve`).
    pub(crate) fn priors(&self) -> Command {
        let mut cmd = Command::new(bin());
        cmd.current_dir(root()).arg("--data-dir").arg(&self.data);
        if let Some(c) = &self.config {
            cmd.arg("--config").arg(c);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// SIGKILL, and wait for the process to be gone.
    pub(crate) fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Start again on the same data directory and settings (after [`Server::kill9`] or
    /// [`Server::stop`]); a new port.
    pub(crate) fn restart(&mut self) {
        let (child, addr) = spawn(
            self._tmp.path(),
            &self.data,
            self.config.as_deref(),
            &self.env,
        );
        self.child = child;
        self.addr = addr;
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self._tmp.path().join("server.log")).unwrap_or_default()
    }

    pub(crate) async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .expect("connect")
    }

    /// SIGTERM, then wait: the server drains and exits 0.
    pub(crate) fn stop(mut self) -> std::process::ExitStatus {
        self.terminate()
    }

    /// SIGTERM, then wait (the server stays restartable).
    pub(crate) fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server did not stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Spawn `priors serve` on `data` (log appended to `dir/server.log`); wait for its address.
fn spawn(
    dir: &Path,
    data: &Path,
    config: Option<&Path>,
    env: &[(String, String)],
) -> (Child, String) {
    let port_file = dir.join("addr");
    let _ = std::fs::remove_file(&port_file);
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .unwrap();
    let mut cmd = Command::new(bin());
    cmd.current_dir(root()).arg("--data-dir").arg(data);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    cmd.args(["serve", "--addr", "127.0.0.1:0", "--port-file"])
        .arg(&port_file)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn priors serve");
    let started = Instant::now();
    let addr = loop {
        if let Ok(a) = std::fs::read_to_string(&port_file) {
            break a;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "priors serve exited with {status}: {}",
                std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    (child, addr)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback TCP port (bound, then released).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real llama.cpp server (llama-cpp-python) with SmolLM2-135M-Instruct, installed by
/// `make setup`; killed on drop.
pub(crate) struct Llm {
    child: Option<Child>,
    pub(crate) port: u16,
    pub(crate) base_url: String,
}

impl Llm {
    pub(crate) fn start() -> Llm {
        let script = root().join("scripts/llm_server.sh");
        assert!(
            script.is_file(),
            "scripts/llm_server.sh missing; the LLM is installed by `make setup`"
        );
        let port = free_port();
        let child = Command::new("bash")
            .arg(&script)
            .arg(port.to_string())
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn llama.cpp server");
        let mut llm = Llm {
            child: Some(child),
            port,
            base_url: format!("http://127.0.0.1:{port}/v1"),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = llm.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!(
                    "llama.cpp server exited with {status} (port {port} taken? run `make setup`)"
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "llama.cpp server did not start on port {port} (run `make setup`)"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // Listening is not loaded: wait for /v1/models to answer.
        while !http_ok(port, "/v1/models") {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "llama.cpp server not ready"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        llm
    }

    /// Kill the server now (SIGKILL).
    pub(crate) fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Llm {
    fn drop(&mut self) {
        self.kill();
    }
}

fn http_ok(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

/// The numbers of a text, as the server's verifier reads them (digit runs with an optional
/// decimal part, leading zeros and trailing fractional zeros dropped).
pub(crate) fn numbers(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        let n = &text[start..i];
        let (int, frac) = match n.split_once('.') {
            Some((a, f)) => (a, f.trim_end_matches('0')),
            None => (n, ""),
        };
        let int = match int.trim_start_matches('0') {
            "" => "0",
            x => x,
        };
        out.push(if frac.is_empty() {
            int.to_string()
        } else {
            format!("{int}.{frac}")
        });
    }
    out
}

/// A sentence without its `[C1]`-style markers.
pub(crate) fn strip_markers(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j)
                if rest[i + 1..i + j].split([',', ';']).all(|p| {
                    let p = p.trim();
                    p.len() > 1
                        && (p.starts_with('C') || p.starts_with('G'))
                        && p[1..].bytes().all(|c| c.is_ascii_digit())
                }) =>
            {
                rest = &rest[i + j + 1..]
            }
            _ => {
                out.push('[');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a client can check on its own: every sentence cites only sources of the response,
/// and every number in it is in the request's text or in a source it cites.
pub(crate) fn assert_grounded(d: &priors_proto::v1::Draft, request_text: &str) {
    let sources: HashMap<&str, &priors_proto::v1::Source> =
        d.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    let input: HashSet<String> = numbers(request_text).into_iter().collect();
    for s in &d.sentences {
        assert!(!s.citations.is_empty(), "uncited sentence: {}", s.text);
        for c in &s.citations {
            assert!(
                sources.contains_key(c.as_str()),
                "citation {c} points nowhere: {}",
                s.text
            );
            assert!(s.text.contains(&format!("[{c}]")) || s.text.contains(c.as_str()));
        }
        for n in numbers(&strip_markers(&s.text)) {
            let ok = input.contains(&n)
                || s.citations
                    .iter()
                    .any(|c| numbers(&sources[c.as_str()].text).contains(&n));
            assert!(
                ok,
                "number {n} is in neither the input nor a cited source: {}",
                s.text
            );
        }
    }
    let v = d.verification.as_ref().expect("verification");
    assert!(v.verified);
    assert_eq!(v.sentences_kept as usize, d.sentences.len());
    assert_eq!(
        v.sentences_proposed as usize,
        v.sentences_kept as usize + v.removed.len() + v.sentences_withdrawn as usize,
        "every proposed sentence is kept, reported as removed, or withdrawn"
    );
}
