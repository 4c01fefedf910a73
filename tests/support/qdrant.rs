//! Real Qdrant server processes for the scale-out fault tests: started from the binary named
//! by `PRIORS_TEST_QDRANT_BIN` (built from Qdrant's public source outside this repository; no
//! package registry ships one), each node with its own storage directory and loopback ports,
//! killed on drop. Without the variable the tests that need one say loudly that they were
//! skipped.

#![allow(dead_code)]

use super::grpc::free_port;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The Qdrant binary, when the run was given one.
pub(crate) fn qdrant_bin() -> Option<PathBuf> {
    std::env::var_os("PRIORS_TEST_QDRANT_BIN")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
}

/// Say, past the harness's capture, that `test` did not run and why.
pub(crate) fn skipped(test: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: PRIORS_TEST_QDRANT_BIN does not name a Qdrant server binary, so this \
         fault test against a real Qdrant did not run (see README, \"Qdrant server\")"
    );
}

/// One Qdrant node on loopback.
pub(crate) struct QdrantNode {
    child: Option<Child>,
    dir: tempfile::TempDir,
    /// REST port.
    pub(crate) http: u16,
    /// gRPC port (what `priors` talks to).
    pub(crate) grpc: u16,
    /// Cluster port (distributed mode only).
    pub(crate) p2p: u16,
    cluster: Option<Option<u16>>,
}

impl QdrantNode {
    /// A single node (no cluster).
    pub(crate) fn start() -> QdrantNode {
        Self::spawn(None)
    }

    /// The first node of a cluster.
    pub(crate) fn start_cluster() -> QdrantNode {
        Self::spawn(Some(None))
    }

    /// A node joining the cluster of `first`.
    pub(crate) fn join(first: &QdrantNode) -> QdrantNode {
        Self::spawn(Some(Some(first.p2p)))
    }

    fn spawn(cluster: Option<Option<u16>>) -> QdrantNode {
        let mut node = QdrantNode {
            child: None,
            dir: tempfile::tempdir().unwrap(),
            http: free_port(),
            grpc: free_port(),
            p2p: free_port(),
            cluster,
        };
        node.restart();
        node
    }

    /// The gRPC address for `store.qdrant.url`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.grpc)
    }

    /// (Re)start the process on the same storage and ports; wait until it is ready.
    pub(crate) fn restart(&mut self) {
        let bin = qdrant_bin().expect("PRIORS_TEST_QDRANT_BIN");
        let storage = self.dir.path().join("storage");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("qdrant.log"))
            .unwrap();
        let mut cmd = Command::new(bin);
        cmd.current_dir(self.dir.path())
            .env("QDRANT__SERVICE__HTTP_PORT", self.http.to_string())
            .env("QDRANT__SERVICE__GRPC_PORT", self.grpc.to_string())
            .env("QDRANT__SERVICE__HOST", "127.0.0.1")
            .env("QDRANT__STORAGE__STORAGE_PATH", &storage)
            .env(
                "QDRANT__STORAGE__SNAPSHOTS_PATH",
                self.dir.path().join("snapshots"),
            )
            .env("QDRANT__TELEMETRY_DISABLED", "true")
            .env("QDRANT__LOG_LEVEL", "INFO")
            .stdout(log.try_clone().unwrap())
            .stderr(log);
        if let Some(bootstrap) = self.cluster {
            cmd.env("QDRANT__CLUSTER__ENABLED", "true")
                .env("QDRANT__CLUSTER__P2P__PORT", self.p2p.to_string())
                .args(["--uri", &format!("http://127.0.0.1:{}", self.p2p)]);
            // A node that has joined once knows its peers from its storage.
            let joined = storage.join("raft_state.json").exists();
            if let (Some(port), false) = (bootstrap, joined) {
                cmd.args(["--bootstrap", &format!("http://127.0.0.1:{port}")]);
            }
        }
        self.child = Some(cmd.spawn().expect("spawn qdrant"));
        let started = Instant::now();
        loop {
            if matches!(self.get("/readyz"), Some((200, _))) {
                break;
            }
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("qdrant exited with {status}: {}", self.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "qdrant did not become ready: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGKILL, and wait for the process to be gone.
    pub(crate) fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The node's log so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("qdrant.log")).unwrap_or_default()
    }

    /// `GET path` on the REST port: status and body, `None` when nothing answers.
    pub(crate) fn get(&self, path: &str) -> Option<(u16, String)> {
        http(self.http, "GET", path, "")
    }

    /// `POST path` with a JSON body on the REST port.
    pub(crate) fn post(&self, path: &str, body: &str) -> Option<(u16, String)> {
        http(self.http, "POST", path, body)
    }

    /// Exact point count of a collection, `None` while it does not exist or the node is down.
    pub(crate) fn count(&self, collection: &str) -> Option<u64> {
        let (status, body) = self.post(
            &format!("/collections/{collection}/points/count"),
            r#"{"exact": true}"#,
        )?;
        if status != 200 {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(&body).ok()?;
        v["result"]["count"].as_u64()
    }

    /// Peers this node knows in its cluster.
    pub(crate) fn peers(&self) -> usize {
        self.get("/cluster")
            .and_then(|(_, body)| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|v| v["result"]["peers"].as_object().map(|p| p.len()))
            .unwrap_or(0)
    }
}

impl Drop for QdrantNode {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// One HTTP/1.0 request on loopback (no client library needed for three REST calls).
fn http(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    let body = out
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    Some((status, body))
}
