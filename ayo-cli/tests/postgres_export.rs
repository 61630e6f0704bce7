//! `ayo ticket export` / `import` between a directory and PostgreSQL, through the real
//! binary. The server is `$AYO_TEST_POSTGRES_URL`, else
//! `postgres://postgres@127.0.0.1:5432/test`; each test has a schema of its own, dropped at the
//! end. When the server cannot be reached these tests print a notice and pass, except with
//! `CI=true`, where they fail.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::Ayo;

fn base_url() -> String {
    std::env::var("AYO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// True when the test server answers; otherwise prints a notice, or panics under CI.
fn available() -> bool {
    let url = base_url();
    let mut config: postgres::Config = url.parse().expect("a postgres:// URL");
    config.connect_timeout(std::time::Duration::from_secs(3));
    match config.connect(postgres::NoTls) {
        Ok(_) => true,
        Err(e) => {
            let msg = format!("PostgreSQL at {url} is unreachable: {e}");
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{msg} (CI=true: a PostgreSQL test that cannot run fails)");
            }
            eprintln!("NOTICE: {msg}; the export/import tests did not run");
            false
        }
    }
}

/// A schema of this test's own (the store creates it), dropped at the end.
struct Schema {
    name: String,
    url: String,
}

impl Schema {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!("ayo_cli_{tag}_{}_{nanos}", std::process::id());
        let base = base_url();
        let sep = if base.contains('?') { '&' } else { '?' };
        Schema {
            url: format!("{base}{sep}schema={name}"),
            name,
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&base_url(), postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".md"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn export_to_postgres_and_back_keeps_every_byte() {
    if !available() {
        return;
    }
    let ayo = Ayo::new();
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("src");
    let dir = src.to_str().unwrap();
    let a = ayo.create(&["--dir", dir, "Extract data", "-a", "@extractor", "-p", "1"]);
    ayo.create(&[
        "--dir",
        dir,
        "Validate",
        "--deps",
        &a,
        "--tags",
        "q1,finance",
    ]);
    ayo.ok(&["--dir", dir, "ticket", "note", &a, "first pass done"]);
    // A hand-written key ayo's model has no field for.
    let path = src.join(format!("{a}.md"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("---\n", "---\nreviewer: jane\n", 1)).unwrap();
    let schema = Schema::new("export");

    let out = ayo.json(&["--dir", dir, "ticket", "export", &schema.url]);
    assert_eq!(out["tickets"], 2);
    assert_eq!(out["log_entries"], 3);
    assert!(out["to"].as_str().unwrap().contains(&schema.name), "{out}");
    let listed = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["ticket", "list"]);
        ayo.json(&all)
    };
    assert_eq!(listed(&["--store", &schema.url]), listed(&["--dir", dir]));
    assert_eq!(
        ayo.json(&["--store", &schema.url, "ticket", "log"]),
        ayo.json(&["--dir", dir, "ticket", "log"])
    );

    // Back out with export from PostgreSQL, and in with import into a directory.
    let back = work.path().join("back");
    let line = ayo.ok(&[
        "--store",
        &schema.url,
        "ticket",
        "export",
        back.to_str().unwrap(),
    ]);
    assert!(
        line.starts_with("exported 2 tickets and 3 log entries"),
        "{line}"
    );
    let imported = work.path().join("imported");
    let r = ayo.json(&[
        "--dir",
        imported.to_str().unwrap(),
        "ticket",
        "import",
        &schema.url,
    ]);
    assert_eq!(
        (r["tickets"].as_u64(), r["log_entries"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(files(&back), files(&src), "byte for byte, unknown key too");
    assert_eq!(files(&imported), files(&src));

    // A second export finds the ids taken and writes nothing.
    let e = ayo.json_fails(
        1,
        "EXISTS",
        &["--dir", dir, "ticket", "export", &schema.url],
    );
    assert!(e["id"].is_string());
    assert_eq!(
        ayo.json(&["--store", &schema.url, "ticket", "log"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
}
