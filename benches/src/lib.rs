//! What the benches and the bench tools share: a deterministic ticket graph shaped like a real
//! project's, and ways to load it into a store quickly.
//!
//! The graph ([`project`]): tickets in chains of 4 to 15 (each depends on the one before it),
//! a fifth of them with one cross edge to an older ticket (so the graph stays acyclic), the
//! oldest third closed (their deps are older, so closed too), a twentieth of the rest in
//! progress, half assigned to one of eight agents, priorities 0 to 4, a few tags, a short
//! description; files of about 400 bytes, like hand-written tickets.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use ayo_tickets::store::markdown::MarkdownStore;
use ayo_tickets::store::memory::MemoryStore;
use ayo_tickets::{Access, NewTicket, Note, Result, Status, Store, Ticket, Tickets};
use chrono::{DateTime, Duration, Utc};

/// The agents tickets are assigned to: `@agent-0` to `@agent-7`.
pub const AGENTS: usize = 8;

/// The name of agent `i`.
pub fn agent(i: usize) -> String {
    format!("@agent-{}", i % AGENTS)
}

/// A small deterministic generator (splitmix64), so every run builds the same graph.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// The id of the `i`-th ticket: six characters like a generated id (`[a-z][a-z0-9]{5}`),
/// distinct for every `i` below 26 * 36^5, and not in creation order.
pub fn ticket_id(i: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const SPACE: u64 = 26 * 36u64.pow(5);
    // An odd multiplier prime to 2, 3 and 13 permutes 0..SPACE.
    let mut n = (i as u64).wrapping_mul(1_000_003) % SPACE;
    let mut id = [0u8; 6];
    for slot in id[1..].iter_mut().rev() {
        *slot = REST[(n % 36) as usize];
        n /= 36;
    }
    id[0] = FIRST[n as usize];
    String::from_utf8(id.to_vec()).expect("ascii")
}

const WORDS: &[&str] = &[
    "parse", "invoice", "validate", "import", "report", "ledger", "refund", "schema", "export",
    "audit", "queue", "retry", "cache", "index", "migrate", "review", "deploy", "billing",
    "webhook", "token", "session", "upload", "archive", "notify",
];
const TAGS: &[&str] = &["backend", "frontend", "finance", "infra", "docs", "urgent"];
const KINDS: &[&str] = &["task", "task", "task", "bug", "feature", "chore"];

fn words(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| WORDS[rng.below(WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` tickets of a project's graph, oldest first (see the crate's doc).
pub fn project(n: usize) -> Vec<Ticket> {
    Project::new(n).collect()
}

/// [`project`] one ticket at a time, so that loading a store does not hold a second copy.
#[derive(Debug, Clone)]
pub struct Project {
    rng: Rng,
    start: DateTime<Utc>,
    n: usize,
    next: usize,
    chain_left: usize,
}

impl Project {
    /// The tickets of a project of `n`.
    pub fn new(n: usize) -> Self {
        Project {
            rng: Rng::new(0x5eed_0000 + n as u64),
            start: DateTime::from_timestamp(1_767_225_600, 0).expect("2026-01-01"),
            n,
            next: 0,
            chain_left: 0,
        }
    }
}

impl Iterator for Project {
    type Item = Ticket;

    fn next(&mut self) -> Option<Ticket> {
        let i = self.next;
        if i == self.n {
            return None;
        }
        self.next += 1;
        let rng = &mut self.rng;
        let mut t = Ticket::new(ticket_id(i), {
            let mut title = words(rng, 4);
            title[..1].make_ascii_uppercase();
            title
        });
        if self.chain_left == 0 {
            self.chain_left = 4 + rng.below(12);
        } else {
            t.deps.push(ticket_id(i - 1));
        }
        self.chain_left -= 1;
        if i > 16 && rng.one_in(5) {
            let other = ticket_id(rng.below(i - 1));
            if !t.deps.contains(&other) {
                t.deps.push(other);
            }
        }
        t.priority = [0, 1, 2, 2, 2, 3, 4][rng.below(7)];
        t.kind = KINDS[rng.below(KINDS.len())].to_string();
        for _ in 0..rng.below(3) {
            let tag = TAGS[rng.below(TAGS.len())].to_string();
            if !t.tags.contains(&tag) {
                t.tags.push(tag);
            }
        }
        if rng.one_in(2) {
            t.assignee = Some(agent(rng.below(AGENTS)));
        }
        t.description = format!(
            "{}.\n\nSteps: {}; then {}.",
            words(rng, 12),
            words(rng, 6),
            words(rng, 5)
        );
        let created = self.start + Duration::seconds(60 * i as i64);
        t.created = Some(created);
        if i < self.n / 3 {
            t.status = Status::Closed;
            t.started = Some(created + Duration::seconds(30));
            t.closed = Some(created + Duration::seconds(50));
            t.notes.push(Note {
                at: created + Duration::seconds(50),
                author: t.assignee.clone(),
                text: format!("Done: {}.", words(rng, 5)),
            });
        } else if rng.one_in(20) {
            t.status = Status::InProgress;
            t.started = Some(created + Duration::seconds(30));
            if t.assignee.is_none() {
                t.assignee = Some(agent(rng.below(AGENTS)));
            }
        }
        Some(t)
    }
}

/// Writes tickets into a store in batch transactions of 20 000 (no audit entries): the
/// fastest way in through the public API.
pub fn fill(store: &dyn Store, tickets: impl IntoIterator<Item = Ticket>) -> Result<()> {
    let mut tickets = tickets.into_iter().peekable();
    while tickets.peek().is_some() {
        let mut txn = store.begin(Access::Batch)?;
        for t in tickets.by_ref().take(20_000) {
            txn.create(&t)?;
        }
        txn.commit()?;
    }
    Ok(())
}

/// A markdown store in `dir` holding [`project`]`(n)`, its scan index built and trusted.
///
/// The index trusts a file only once its mtime is 2 s older than the scan that recorded it
/// (the "racy git" rule), so this waits that long after writing, then scans: otherwise every
/// scan of the next seconds would re-read every file.
pub fn markdown_project(dir: &Path, n: usize) -> Result<Tickets> {
    let store = MarkdownStore::new(dir);
    fill(&store, Project::new(n))?;
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let t = Tickets::with_store(Arc::new(store))?;
    t.ready(None)?;
    Ok(t)
}

/// A ticket's file as tk (wedow/ticket) writes it: `tk create`'s frontmatter (inline `deps`,
/// `links` and `tags` lists), `# title`, the description, notes as `tk add-note` appends
/// them. tk has no `@` handles: an assignee is written without its `@`.
pub fn tk_text(t: &Ticket) -> String {
    let list = |v: &[String]| format!("[{}]", v.join(", "));
    let mut s = format!(
        "---\nid: {}\nstatus: {}\ndeps: {}\nlinks: []\n",
        t.id,
        t.status.as_str(),
        list(&t.deps)
    );
    if let Some(c) = t.created {
        s += &format!("created: {}\n", c.format("%Y-%m-%dT%H:%M:%SZ"));
    }
    s += &format!("type: {}\npriority: {}\n", t.kind, t.priority);
    if let Some(a) = &t.assignee {
        s += &format!("assignee: {}\n", a.trim_start_matches('@'));
    }
    if !t.tags.is_empty() {
        s += &format!("tags: {}\n", list(&t.tags));
    }
    s += &format!("---\n# {}\n\n{}\n", t.title, t.description);
    if !t.notes.is_empty() {
        s += "\n## Notes\n";
        for n in &t.notes {
            s += &format!(
                "\n**{}**\n\n{}\n",
                n.at.format("%Y-%m-%dT%H:%M:%SZ"),
                n.text
            );
        }
    }
    s
}

/// A tk directory in `dir` holding [`project`]`(n)` in tk's own format ([`tk_text`]), written
/// as tk would, file by file, with no `.ayo/`: a directory ayo never wrote. Waits until the
/// files are older than the index's racy margin (2 s), as those of any checkout are.
pub fn tk_project(dir: &Path, n: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for t in Project::new(n) {
        std::fs::write(dir.join(format!("{}.md", t.id)), tk_text(&t))?;
    }
    std::thread::sleep(std::time::Duration::from_millis(2100));
    Ok(())
}

/// A memory store holding [`project`]`(n)`.
pub fn memory_project(n: usize) -> Result<Tickets> {
    let store = MemoryStore::new();
    fill(&store, Project::new(n))?;
    Tickets::with_store(Arc::new(store))
}

/// Creates `n` tickets in one [`Tickets::batch`], as the batch benches do (and as
/// `benches/python_batch.py` does from Python): each titled and assigned to one of the agents;
/// `chained`: in chains of ten, each depending on the one created before it but every tenth
/// (so each create checks its dep exists and its edge for a cycle, against the batch's
/// uncommitted tickets too).
pub fn batch_create(t: &Tickets, n: usize, chained: bool) -> Result<()> {
    t.batch(|t| {
        let mut last: Option<String> = None;
        for i in 0..n {
            let mut new = NewTicket::new(format!("Invoice {i}: extract, validate, import"))
                .assignee(agent(i));
            if chained && i % 10 != 0 {
                new = new.dep(last.as_deref().expect("ticket i - 1 was created"));
            }
            last = Some(t.create(new)?.id);
        }
        Ok(())
    })
}

/// The floor of any durable batch of `n` files: the plain loop with no ticket logic, which a
/// batch of `n` creates cannot beat on the same file system: `n` temp files of a ticket's size
/// (300 bytes) written in `dir/.tmp`, each renamed into `dir`, then one `syncfs`.
pub fn batch_floor(dir: &Path, n: usize) -> std::io::Result<()> {
    let tmp = dir.join(".tmp");
    std::fs::create_dir(&tmp)?;
    let text = [b'x'; 300];
    for i in 0..n {
        let temp = tmp.join(format!("tmp-{i}.md"));
        std::fs::File::create(&temp)?.write_all(&text)?;
        std::fs::rename(&temp, dir.join(format!("t{i}.md")))?;
    }
    rustix::fs::syncfs(std::fs::File::open(dir)?)?;
    Ok(())
}

/// [`batch_floor`] in the order an all-or-nothing batch must follow: all `n` temp files
/// written first (so `dir/.tmp` holds `n` of them at once), then each renamed into `dir`, one
/// `syncfs`. Not the bar's floor: it shows what writing every file before the first rename
/// costs by itself.
pub fn batch_floor_all_first(dir: &Path, n: usize) -> std::io::Result<()> {
    let tmp = dir.join(".tmp");
    std::fs::create_dir(&tmp)?;
    let text = [b'x'; 300];
    for i in 0..n {
        std::fs::File::create(tmp.join(format!("tmp-{i}.md")))?.write_all(&text)?;
    }
    for i in 0..n {
        std::fs::rename(
            tmp.join(format!("tmp-{i}.md")),
            dir.join(format!("t{i}.md")),
        )?;
    }
    rustix::fs::syncfs(std::fs::File::open(dir)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// A tk file of the project reads back, through a markdown store, as the ticket it came
    /// from, but for the `@` of its assignee; the directory gets no `.ayo/`.
    #[test]
    fn tk_files_read_back_as_the_project() {
        let dir = tempfile::tempdir().unwrap();
        let want = project(40);
        for t in &want {
            std::fs::write(dir.path().join(format!("{}.md", t.id)), tk_text(t)).unwrap();
        }
        let t = Tickets::with_store(Arc::new(MarkdownStore::new(dir.path()))).unwrap();
        for w in &want {
            let got = t.get(&w.id).unwrap();
            assert_eq!(
                (&got.title, &got.status, &got.deps, &got.tags),
                (&w.title, &w.status, &w.deps, &w.tags)
            );
            assert_eq!((got.priority, &got.kind), (w.priority, &w.kind));
            assert_eq!(
                got.assignee,
                w.assignee.as_ref().map(|a| a[1..].to_string())
            );
            assert_eq!(got.description, w.description);
            assert_eq!(got.created, w.created);
            let notes: Vec<_> = got.notes.iter().map(|n| (&n.text, n.at)).collect();
            let want_notes: Vec<_> = w.notes.iter().map(|n| (&n.text, n.at)).collect();
            assert_eq!(notes, want_notes);
        }
        assert!(!dir.path().join(".ayo").exists());
    }

    #[test]
    fn ids_are_distinct_and_valid() {
        let ids: HashSet<String> = (0..200_000).map(ticket_id).collect();
        assert_eq!(ids.len(), 200_000);
        for id in ids.iter().take(1000) {
            ayo_tickets::validate_id(id).unwrap();
        }
    }

    #[test]
    fn the_project_has_the_promised_shape() {
        let t = memory_project(3000).unwrap();
        let all = t.list(&Default::default()).unwrap();
        assert_eq!(all.len(), 3000);
        let closed = all.iter().filter(|t| t.status == Status::Closed).count();
        assert_eq!(closed, 1000);
        let ready = t.ready(None).unwrap();
        assert!(ready.len() > 50 && ready.len() < 1000, "{}", ready.len());
        let blocked = t.blocked(None).unwrap();
        assert!(blocked.len() > 1000, "{}", blocked.len());
        assert!(t.check().unwrap().is_empty(), "no cycles, no missing deps");
    }
}
