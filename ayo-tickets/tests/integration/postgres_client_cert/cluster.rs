//! A PostgreSQL server of the test's own, set up for certificate logins only: TLS with the
//! test's server certificate, and `hostssl ... cert` (the client certificate's common name is
//! the user), so that a login without the right certificate is refused by a real server.
//!
//! It needs the server's programs (`initdb`, `pg_ctl` under /usr/lib/postgresql/*/bin) and,
//! when run as root, `runuser` to run them as the `postgres` user; without them it says why.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::pki::Pki;

/// A running cluster, stopped and removed on drop.
pub struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    _dir: tempfile::TempDir,
    pub port: u16,
}

impl Cluster {
    /// Starts a cluster whose only login is `hostssl` with a certificate signed by `pki`'s CA,
    /// or returns why it cannot here.
    pub fn start(pki: &Pki) -> Result<Cluster, String> {
        let bin = server_bin().ok_or("no initdb under /usr/lib/postgresql/*/bin")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let data = dir.path().join("data");
        for name in ["ca.crt", "server.crt", "server.key"] {
            std::fs::copy(pki.file(name), dir.path().join(name)).map_err(|e| e.to_string())?;
        }
        // The server refuses a key file others may read.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .map_err(|e| e.to_string())?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        chown_to_server_user(dir.path())?;
        let as_server = server_user_prefix()?;
        run(
            &as_server,
            &bin.join("initdb"),
            &[
                "-D",
                path(&data),
                "-U",
                "postgres",
                "--auth=reject",
                "--no-sync",
            ],
        )?;
        let conf = format!(
            "port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{dir}'\n\
             ssl = on\nssl_cert_file = '{dir}/server.crt'\nssl_key_file = '{dir}/server.key'\n\
             ssl_ca_file = '{dir}/ca.crt'\nfsync = off\n",
            dir = dir.path().display()
        );
        append(&data.join("postgresql.conf"), &conf)?;
        std::fs::write(
            data.join("pg_hba.conf"),
            "hostssl all all 127.0.0.1/32 cert\nhost all all 0.0.0.0/0 reject\n",
        )
        .map_err(|e| e.to_string())?;
        chown_to_server_user(dir.path())?;
        let log = dir.path().join("log");
        run(
            &as_server,
            &bin.join("pg_ctl"),
            &[
                "-D",
                path(&data),
                "-l",
                path(&log),
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
        .map_err(|e| format!("{e}\n{}", std::fs::read_to_string(&log).unwrap_or_default()))?;
        Ok(Cluster {
            bin,
            data,
            _dir: dir,
            port,
        })
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Ok(prefix) = server_user_prefix() {
            let _ = run(
                &prefix,
                &self.bin.join("pg_ctl"),
                &["-D", path(&self.data), "-m", "immediate", "stop"],
            );
        }
    }
}

/// The newest server's program directory.
fn server_bin() -> Option<PathBuf> {
    let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    bins.sort();
    bins.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// How to run the server's programs: as `postgres` through runuser when root (initdb refuses
/// root), else as this user.
fn server_user_prefix() -> Result<Vec<String>, String> {
    if !is_root() {
        return Ok(vec![]);
    }
    let ok = Command::new("id")
        .arg("postgres")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        return Err("running as root and there is no postgres user to run the server as".into());
    }
    Ok(["runuser", "-u", "postgres", "--"]
        .map(String::from)
        .to_vec())
}

fn chown_to_server_user(dir: &Path) -> Result<(), String> {
    if !is_root() {
        return Ok(());
    }
    let status = Command::new("chown")
        .args(["-R", "postgres:", path(dir)])
        .status()
        .map_err(|e| e.to_string())?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("chown of {} failed", dir.display())),
    }
}

fn run(prefix: &[String], program: &Path, args: &[&str]) -> Result<(), String> {
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    };
    let out = cmd
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    match out.status.success() {
        true => Ok(()),
        false => Err(format!(
            "{} failed: {}",
            program.display(),
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

fn append(file: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(file)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| e.to_string())
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temp path")
}
