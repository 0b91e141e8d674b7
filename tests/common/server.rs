//! A `newsidx serve` process for the tests: started on a free loopback port
//! (read from its start line), its standard error collected, stopped by
//! signal or killed when dropped. Included by `tests/serve.rs` and
//! `tests/browser.rs` with `#[path = "common/server.rs"] mod server;`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The newsidx binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_newsidx");

/// The sample corpus shipped with the crate.
pub fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus")
}

/// Runs `newsidx index ARCHIVE --index INDEX`, which must succeed.
pub fn index(archive: &Path, index: &Path) {
    let out = Command::new(BIN)
        .arg("index")
        .arg(archive)
        .arg("--index")
        .arg(index)
        .env_remove("NEWSIDX_INDEX")
        .output()
        .expect("run newsidx index");
    assert!(
        out.status.success(),
        "newsidx index failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A running `newsidx serve`.
pub struct Server {
    child: Option<Child>,
    /// The port it listens on.
    pub port: u16,
    lines: Arc<Mutex<Vec<String>>>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Serves `index` on `127.0.0.1:0` with the extra arguments and
    /// environment, and waits for its start line.
    pub fn start(index: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(BIN);
        command
            .arg("serve")
            .arg("--index")
            .arg(index)
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .env_remove("NEWSIDX_INDEX")
            .env_remove("NEWSIDX_SERVE_TEST_DELAY_MS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        Server::spawn(command)
    }

    /// Spawns a prepared `newsidx serve` command and waits for its start
    /// line; panics with its standard error when it ends first.
    pub fn spawn(mut command: Command) -> Server {
        let mut child = command.spawn().expect("start newsidx serve");
        let stderr = child.stderr.take().expect("stderr is piped");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let collected = Arc::clone(&lines);
        let reader = thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let port = port_in(&line);
                collected.lock().expect("log lock").push(line);
                if let Some(port) = port {
                    let _ = tx.send(port);
                }
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => port,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                thread::sleep(Duration::from_millis(100));
                panic!(
                    "newsidx serve did not say where it listens: {:?}",
                    lines.lock().expect("log lock")
                );
            }
        };
        Server {
            child: Some(child),
            port,
            lines,
            reader: Some(reader),
        }
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The lines written to standard error so far.
    pub fn stderr(&self) -> Vec<String> {
        self.lines.lock().expect("log lock").clone()
    }

    /// Waits until standard error has a line for which `wanted` holds.
    pub fn wait_for_line(&self, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(line) = self.stderr().into_iter().find(|l| wanted(l)) {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "no such line on stderr: {:?}",
                self.stderr()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| c.try_wait().expect("try_wait").is_none())
    }

    /// Sends `signal` (SIGINT, SIGTERM) and waits for the process to end.
    pub fn stop(mut self, signal: i32) -> (ExitStatus, Vec<String>) {
        let mut child = self.child.take().expect("running");
        let pid = i32::try_from(child.id()).expect("pid");
        // SAFETY: kill(2) with the pid of our own child process.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill");
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("newsidx serve did not stop within 20 s of signal {signal}");
            }
            thread::sleep(Duration::from_millis(20));
        };
        // The reader thread ends with the last line.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        (status, self.stderr())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The port of the start line `newsidx: serving … on http://127.0.0.1:PORT/ …`.
pub fn port_in(line: &str) -> Option<u16> {
    let rest = line.split(" on http://").nth(1)?;
    let authority = rest.split('/').next()?;
    authority.rsplit(':').next()?.parse().ok()
}
