//! `newsidx serve`: the index over HTTP, as a JSON API and a search page.
//!
//! A thin layer, like the rest of the command: [`params`] reads query
//! strings into the command line's own argument structs, [`api`] runs them
//! on the library (the only module that calls it) and answers with the
//! JSON of `--json`, [`routes`] maps URLs to both and adds the layers every
//! answer gets, and `assets/` holds the page (HTML, CSS and one JavaScript
//! module, embedded in the binary).
//!
//! Searches run on tokio's blocking pool: at most `--max-searches` at once,
//! at most `--queue` more waiting (beyond that: 503 with `Retry-After`), and
//! none longer than `--timeout` (503). A search that outlives its time limit
//! keeps its slot until it ends, so slow searches cannot pile up.

mod api;
mod error;
mod params;
mod routes;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use tokio::sync::Semaphore;

use self::api::Api;
use self::error::ApiError;
use crate::args::ServeArgs;
use crate::exit::{Exit, UsageError};

/// The content type of the API's answers.
pub(crate) const JSON: &str = "application/json";

/// How long open connections may take to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Makes every search sleep this many milliseconds first: for the tests of
/// the busy and timeout answers, which need searches that take a while.
const DELAY_ENV: &str = "NEWSIDX_SERVE_TEST_DELAY_MS";

/// What every request shares.
pub(crate) struct Server {
    api: Api,
    /// Places for searches, running or waiting.
    places: Arc<Semaphore>,
    /// Slots for running searches.
    running: Arc<Semaphore>,
    timeout: Duration,
    quiet: bool,
    delay: Option<Duration>,
}

impl Server {
    /// Runs `work` on the blocking pool, within the limits.
    async fn run<F>(self: &Arc<Self>, work: F) -> Result<Vec<u8>, ApiError>
    where
        F: FnOnce(&Api) -> Result<Vec<u8>, ApiError> + Send + 'static,
    {
        let place = Arc::clone(&self.places)
            .try_acquire_owned()
            .map_err(|_| ApiError::busy())?;
        let server = Arc::clone(self);
        let task = async move {
            let slot = Arc::clone(&server.running)
                .acquire_owned()
                .await
                .map_err(|_| ApiError::busy())?;
            let server = Arc::clone(&server);
            tokio::task::spawn_blocking(move || {
                let _held = (place, slot);
                if let Some(delay) = server.delay {
                    std::thread::sleep(delay);
                }
                work(&server.api)
            })
            .await
            .map_err(|e| ApiError::internal(format!("the request failed: {e}")))?
        };
        tokio::time::timeout(self.timeout, task)
            .await
            .map_err(|_| ApiError::timeout(self.timeout.as_secs_f64()))?
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<Exit> {
    if args.timeout <= 0.0 {
        return Err(UsageError("--timeout must be more than 0 seconds".into()).into());
    }
    let api = Api::open(&args.index.path())?;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let max_searches = args.max_searches.map_or(cores, |n| n as usize);
    let delay = std::env::var(DELAY_ENV)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis);
    if let Some(delay) = delay {
        eprintln!("newsidx: warning: {DELAY_ENV} is set: every search waits {delay:?} first");
    }
    let server = Arc::new(Server {
        api,
        places: Arc::new(Semaphore::new(max_searches + args.queue as usize)),
        running: Arc::new(Semaphore::new(max_searches)),
        timeout: Duration::from_secs_f64(args.timeout),
        quiet: args.quiet,
        delay,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's threads")?;
    runtime.block_on(serve(server, args.addr))?;
    Ok(Exit::Success)
}

async fn serve(server: Arc<Server>, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        UsageError(format!(
            "cannot listen on {addr}: {e}: pass another --addr (127.0.0.1:0 picks a free port)"
        ))
    })?;
    let local = listener
        .local_addr()
        .context("cannot read the listening address")?;
    announce(&server, local);
    // Small answers go out at once rather than wait for the client's
    // delayed ACK (Nagle's algorithm would hold them up to 40 ms).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let (stopping, stopped) = tokio::sync::watch::channel(false);
    let app = routes::router(server);
    let service = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop_signal().await;
        let _ = stopping.send(true);
    });
    let mut stopped = stopped;
    let grace = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = service => result.context("the server failed")?,
        () = grace => {
            let _ = writeln!(
                io::stderr(),
                "newsidx: connections still open after {SHUTDOWN_GRACE:?}: closed"
            );
        }
    }
    let _ = writeln!(io::stderr(), "newsidx: stopped");
    Ok(())
}

/// The start line (tests read the port from it), and a warning when other
/// machines can connect.
fn announce(server: &Server, local: SocketAddr) {
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "newsidx: serving {} on http://{local}/ (Ctrl-C stops)",
        server.api.path().display()
    );
    if !local.ip().is_loopback() {
        let _ = writeln!(
            err,
            "newsidx: warning: {} is not a loopback address: anyone who can reach this machine on port {} can read every article of the index (--addr 127.0.0.1:{} keeps it to this machine)",
            local.ip(),
            local.port(),
            local.port()
        );
    }
}

/// Waits for Ctrl-C (SIGINT) or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
