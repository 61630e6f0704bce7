//! `ayo board`: a live board of the tickets in a browser.
//!
//! An adapter like `mcp/`: every answer comes from the core (`list`, `ready`, `get`,
//! `history`, the dependency graph, the `watch` change feed), turned into JSON for the page.
//! `host.rs` guards every request (the `Host` header must name the bound address); `routes.rs`
//! maps paths to handlers; `columns.rs` sorts the tickets into the four columns; `graph.rs`
//! picks the tickets the graph shows and `layout.rs` places them; `events.rs` pushes the
//! change feed as Server-Sent Events; `write.rs` holds the few writes `--write` allows;
//! `assets/` is the page (plain HTML, CSS and JavaScript, embedded in the binary).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ayo_tickets::{Error, Tickets};
use clap::Args;

use crate::context::Ctx;
use crate::error::CliError;
use crate::interrupt::Signals;

mod assets;
mod columns;
mod events;
mod graph;
mod host;
mod layout;
mod reply;
mod routes;
mod write;

/// The port `ayo board` serves on unless told otherwise.
const DEFAULT_PORT: u16 = 7420;

/// Serve a live board of the tickets to a web browser.
///
/// Four columns (ready, blocked, in progress, closed) of cards, filters by assignee and tag,
/// and the dependency graph; a click on a card or a node shows the ticket with its notes and
/// its audit history. Changes made by any agent appear within a second, pushed from the store's
/// change feed. The page and its scripts are in the binary: it works offline.
///
/// Prints the URL as the first line on stdout, then serves until Ctrl-C (or SIGTERM). It only
/// reads unless --write is given. Requests whose Host header names anything but the address
/// served on get 403 (against DNS rebinding).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo board --project --open
  ayo board --store postgres://db.example/work --port 8080
  ayo board --dir .tickets --write --bind 0.0.0.0   # anyone who reaches it may act")]
pub(crate) struct BoardArgs {
    /// The port (0: any free port).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PORT)]
    port: u16,

    /// The IP address to serve on; loopback unless told otherwise.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// Open the board in the default browser.
    #[arg(long)]
    open: bool,

    /// Allow writes from the page: note, assign, start, release, close and reopen, each as the
    /// agent the page names.
    #[arg(long)]
    write: bool,
}

/// What every handler is given.
#[derive(Clone)]
pub(crate) struct Board {
    /// The one handle on the store.
    tickets: Arc<Tickets>,
    /// Whether writes are allowed.
    write: bool,
    /// The change feed, fanned out to every open page.
    changes: tokio::sync::broadcast::Sender<events::Change>,
}

/// Runs `ayo board` until Ctrl-C or SIGTERM.
pub(crate) fn run(args: BoardArgs, ctx: &Ctx) -> Result<(), CliError> {
    let signals = Signals::watch();
    // Declared before the runtime, so dropped after it (see `ayo mcp`).
    let tickets = Arc::new(ctx.tickets()?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let changes = events::feed(Arc::clone(&tickets), Arc::clone(&stop))?;
    let board = Board {
        tickets: Arc::clone(&tickets),
        write: args.write,
        changes,
    };
    let served = runtime.block_on(serve(board, &args, signals, Arc::clone(&stop)));
    stop.store(true, Ordering::SeqCst);
    runtime.shutdown_timeout(Duration::from_secs(2));
    served
}

/// Binds, prints the URL, and serves until a signal comes.
async fn serve(
    board: Board,
    args: &BoardArgs,
    signals: Signals,
    stop: Arc<AtomicBool>,
) -> Result<(), CliError> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .map_err(|e| bind_error(e, args))?;
    let local = listener.local_addr()?;
    let url = url(local);
    println!("{url}");
    if !local.ip().is_loopback() {
        eprintln!("ayo board: serving {local}, beyond this machine");
    }
    if args.open {
        open_browser(&url);
    }
    let app = routes::router(board, local);
    let shutdown = async move {
        while signals.check().is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Ends the change streams, so the open pages let the server stop.
        stop.store(true, Ordering::SeqCst);
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// The URL of the board served at `addr`.
fn url(addr: SocketAddr) -> String {
    format!("http://{addr}/")
}

/// A port in use or an address not of this machine, said plainly.
fn bind_error(e: std::io::Error, args: &BoardArgs) -> CliError {
    let addr = SocketAddr::new(args.bind, args.port);
    let hint = match e.kind() {
        std::io::ErrorKind::AddrInUse => "; choose another with --port (0: any free port)",
        _ => "",
    };
    CliError::Core(Error::invalid(format!("cannot serve on {addr}: {e}{hint}")))
}

/// Opens `url` in the default browser, saying so on stderr when it cannot.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = started {
        eprintln!("ayo board: cannot open a browser ({opener}: {e}); open {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            url("127.0.0.1:7420".parse().unwrap()),
            "http://127.0.0.1:7420/"
        );
        assert_eq!(url("[::1]:80".parse().unwrap()), "http://[::1]:80/");
    }
}
