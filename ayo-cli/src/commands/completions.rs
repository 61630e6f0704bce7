//! `ayo completions`.

use clap::Args;
use clap_complete::Shell;

use crate::context::Ctx;
use crate::error::CliError;

/// Print a completion script for a shell.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  ayo completions bash > ~/.local/share/bash-completion/completions/ayo
  ayo completions zsh > ~/.zfunc/_ayo
  ayo completions fish > ~/.config/fish/completions/ayo.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

/// Runs `ayo completions`.
pub(crate) fn run(args: CompletionsArgs, _ctx: &Ctx) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut crate::command(), "ayo", &mut script);
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, &script)?;
    Ok(())
}
