//! The `ayo` binary; everything lives in the `ayo_cli` library.
fn main() -> std::process::ExitCode {
    ayo_cli::run()
}
