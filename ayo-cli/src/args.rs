//! The top of the command line: `ayo [GLOBAL OPTIONS] <COMMAND>`, and the options every
//! command takes.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, ValueEnum};

use crate::commands::Command;

/// ayo: tickets for AI agents and the people who work with them.
///
/// Tickets are markdown files with YAML frontmatter in a `.tickets/` directory. By default
/// each session has its own (`$AYO_SESSION_ID`, else `default`); `--global` shares one across
/// sessions, `--project` uses the nearest `.tickets/` upward (in a git worktree, the main
/// worktree's), and `--dir` works on any directory.
#[derive(Debug, Parser)]
#[command(
    name = "ayo",
    version,
    max_term_width = 100,
    after_help = "Examples:
  id=$(ayo ticket create \"Process Q1 expense reports\" -a @finance)
  ayo ticket ready -a @finance
  ayo ticket claim -a @finance --wait
  ayo ticket close \"$id\" --reason \"Processed 47 reports\""
)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes: which store, who acts, and how to print.
#[derive(Debug, Clone, Args)]
pub(crate) struct GlobalArgs {
    /// Print JSON; errors go to stderr as {"error": {"code": ..., "message": ...}}.
    ///
    /// Tickets have the library's JSON shape; list, ready and blocked print arrays.
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) json: bool,

    /// Use this store: a directory, a postgres:// URL, or a Claude Code task list
    /// (claude:LIST or claude:/path) [env: AYO_STORE].
    ///
    /// At most one of --store, --dir, --global, --session and --project. Without any:
    /// $AYO_STORE, else $AYO_TICKETS_DIR, else the project's tickets if $AYO_PROJECT=1, else the
    /// session's tickets. claude:LIST is the list LIST under $CLAUDE_CONFIG_DIR/tasks/, else
    /// ~/.claude/tasks/ (Claude Code's CLAUDE_CODE_TASK_LIST_ID names one). A URL takes ?schema=NAME, and TLS as libpq
    /// does: ?sslmode=disable|prefer|require|verify-ca|verify-full (default prefer) and
    /// sslrootcert=PEM-FILE|system (system: the system's roots, verify-full); a client
    /// certificate with sslcert=PEM-FILE&sslkey=PEM-FILE.
    #[arg(
        long,
        global = true,
        value_name = "URL|PATH",
        help_heading = "Global options"
    )]
    pub(crate) store: Option<String>,

    /// Use this tickets directory, e.g. a project's .tickets/ [env: AYO_TICKETS_DIR].
    ///
    /// Existing tk or ayo `.tickets/` directories work as they are.
    #[arg(
        long,
        global = true,
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub(crate) dir: Option<PathBuf>,

    /// Use the tickets shared by every session.
    ///
    /// They live in $AYO_HOME/tickets/.tickets/ ($AYO_HOME: else $XDG_DATA_HOME/ayo, else
    /// ~/.local/share/ayo).
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) global: bool,

    /// Use this session's tickets [env: AYO_SESSION_ID; default: default].
    ///
    /// They live in $AYO_HOME/sessions/NAME/.tickets/. This is the default store.
    #[arg(
        long,
        global = true,
        value_name = "NAME",
        help_heading = "Global options"
    )]
    pub(crate) session: Option<String>,

    /// Use the project's tickets: the nearest .tickets/ upward [env: AYO_PROJECT=1].
    ///
    /// From the current directory upward. In a linked git worktree, the main worktree's
    /// .tickets/ (from the same place there), so agents in parallel worktrees share one store
    /// and one set of claims. An error when there is none. When no store is named and a
    /// .tickets/ is found, a note on stderr says so (AYO_PROJECT=0 silences it).
    #[arg(long, global = true, help_heading = "Global options")]
    pub(crate) project: bool,

    /// Who acts, for notes and the audit log [env: AYO_AGENT].
    #[arg(
        long,
        global = true,
        value_name = "AGENT",
        help_heading = "Global options"
    )]
    pub(crate) actor: Option<String>,

    /// Colour: auto (on a terminal), always or never; never with NO_COLOR.
    #[arg(
        long,
        global = true,
        value_enum,
        hide_possible_values = true,
        default_value_t = ColorWhen::Auto,
        value_name = "WHEN",
        help_heading = "Global options"
    )]
    pub(crate) color: ColorWhen,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    /// When stdout is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// True when the command line asks for JSON, before anything else is parsed (so that even a
/// usage error can be reported as JSON).
pub(crate) fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}
