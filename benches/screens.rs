//! Key-press latency of the injection manager's citizen list with a million citizens.
//!
//! Run with `cargo bench --bench screens` (release profile). `VAXDESK_BENCH_CITIZENS=N` sets the
//! large table's size (default 1,000,000, at least 1,000); a 10,000-citizen table is always
//! measured too, for contrast: the list walks its index from a keyset, so a key should cost the
//! same at both sizes. Databases live in a fresh temporary folder (`TMPDIR` chooses where) and are
//! opened by the desk itself (`Desk::open`: WAL, `synchronous=FULL`, the real schema).
//!
//! What is measured: for each key, [`REPS`] presses, each timed from the call of `Shell::key` to
//! the end of `Terminal::draw(|f| shell.render(f))` on a ratatui `TestBackend` (the whole frame is
//! built and diffed; only the write to a real terminal is left out), with `std::time::Instant`.
//! The screen is the manager's citizen list at 120x40 and 80x24. After every press the rendered
//! buffer is read back and checked against the database (untimed): the selected row must show the
//! citizen that the key should have reached (name and birth date of the k-th citizen in list
//! order, or of the k-th from the end), so a broken path cannot report a fast time.
//!
//! The table is filled directly with rusqlite in one transaction (the seed path would take far
//! longer): 100 family names (50 Korean, weighted roughly as in Korea, 50 Latin, together 30% of
//! citizens) crossed with 1,000 given names of the same script, with the machine-readable names
//! and `sort_name` computed by the domain's own `CitizenDetails::new` and
//! `vaccination::sort_name`. One citizen in five has two ADMINISTERED injections and one in twenty
//! an ISSUED application, so the list's dose and latest-status subqueries do real work.
//!
//! A search walks the name-search keys (`citizen_search_terms`, filled here from the domain's
//! own `CitizenDetails::search_terms`): the typed searches are checked against the first key
//! of the folded text, and the window section adds searches by case and marks, the
//! machine-readable form and a given name, each refused if its plan scans a table or sorts.
//!
//! Besides the keys: "refresh" times `Shell::tick` + draw after another connection committed (the
//! list reloads its window and its total), and a last section per table times the window query
//! alone (`vaccination::citizens_window`, as each key calls it) and the total
//! (`vaccination::citizen_count`, one row kept by triggers).

use chrono::{Duration as Days, NaiveDate};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use rusqlite::{Connection, OptionalExtension, params};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthStr;
use vaxdesk::app::Desk;

/// The manager the bench signs in as: (name, passphrase).
const BENCH_STAFF: (&str, &str) = ("bench.manager", "bench passphrase 1");
use vaxdesk::bus::Faults;
use vaxdesk::config::Config;
use vaxdesk::domain::citizen::display_name;
use vaxdesk::domain::{BirthDate, CitizenDetails, FixedClock};
use vaxdesk::store::vaccination::{self, Anchor, ListOrder};
use vaxdesk::tui::keymap::Keymap;
use vaxdesk::tui::screen::Role;
use vaxdesk::tui::shell::Shell;
use vaxdesk::tui::theme::Theme;

const FULL_CITIZENS: usize = 1_000_000;
const CONTRAST_CITIZENS: usize = 10_000;
const MIN_CITIZENS: usize = 1_000;
/// Timed presses per key.
const REPS: usize = 200;
/// Untimed presses per key first, to warm caches and the statement cache.
const WARMUP: usize = 20;
/// Refreshes timed (another desk committed; not a key).
const REFRESHES: usize = 50;
const TERMINALS: [(u16, u16); 2] = [(120, 40), (80, 24)];
/// A frame at 60 Hz.
const BUDGET: Duration = Duration::from_millis(16);

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let full = citizens()?;
    let dir = tempfile::tempdir()?;
    println!(
        "vaxdesk screen benchmarks: the manager's citizen list, key + draw, {REPS} presses per \
         key; databases in {}",
        dir.path().display()
    );
    let mut medians = vec![];
    let mut sizes = vec![full];
    if full != CONTRAST_CITIZENS {
        sizes.push(CONTRAST_CITIZENS);
    }
    for n in sizes {
        medians.push((n, bench_table(dir.path(), n)?));
    }
    if let [(big, a), (small, b)] = medians.as_slice() {
        compare(*big, a, *small, b);
    }
    Ok(())
}

/// `VAXDESK_BENCH_CITIZENS`, the large table's size (default 1,000,000).
fn citizens() -> Res<usize> {
    match std::env::var("VAXDESK_BENCH_CITIZENS") {
        Err(_) => Ok(FULL_CITIZENS),
        Ok(s) => match s.trim().replace(['_', ','], "").parse::<usize>() {
            Ok(v) if v >= MIN_CITIZENS => Ok(v),
            _ => Err(format!(
                "VAXDESK_BENCH_CITIZENS={s:?}: want a whole number of at least {MIN_CITIZENS}"
            )
            .into()),
        },
    }
}

fn open_desk(path: &Path) -> Res<Desk> {
    let now = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 25, 12, 0, 0)
        .single()
        .ok_or("bad time")?;
    let clock = Arc::new(FixedClock::new(now));
    // One key per database file: the bench opens each file more than once.
    let ids = vaxdesk::privacy::IdKeys::load_or_create(&path.with_extension("keys"))?;
    Ok(Desk::open(
        path,
        ids,
        Config::default(),
        clock,
        Faults::none(),
    )?)
}

// ---------------------------------------------------------------------------------------------
// Synthetic citizens
// ---------------------------------------------------------------------------------------------

/// Korean family names with rough relative frequencies (per 10,000).
const KOREAN_FAMILY: [(&str, u32); 50] = [
    ("김", 2150),
    ("이", 1470),
    ("박", 840),
    ("최", 470),
    ("정", 440),
    ("강", 240),
    ("조", 210),
    ("윤", 210),
    ("장", 200),
    ("임", 170),
    ("한", 150),
    ("오", 150),
    ("서", 150),
    ("신", 150),
    ("권", 140),
    ("황", 140),
    ("안", 140),
    ("송", 140),
    ("전", 120),
    ("홍", 110),
    ("유", 110),
    ("고", 90),
    ("문", 90),
    ("양", 90),
    ("손", 90),
    ("배", 80),
    ("백", 80),
    ("허", 60),
    ("남", 50),
    ("심", 50),
    ("노", 40),
    ("하", 40),
    ("곽", 40),
    ("성", 40),
    ("차", 40),
    ("주", 40),
    ("우", 40),
    ("구", 40),
    ("민", 30),
    ("류", 30),
    ("나", 30),
    ("진", 30),
    ("지", 30),
    ("엄", 30),
    ("채", 30),
    ("원", 30),
    ("천", 20),
    ("방", 20),
    ("공", 20),
    ("현", 20),
];

const KOREAN_SYLLABLES: [&str; 32] = [
    "민", "준", "서", "연", "지", "훈", "하", "늘", "예", "은", "도", "윤", "수", "아", "현", "우",
    "진", "영", "성", "호", "재", "희", "경", "주", "혜", "정", "석", "태", "유", "나", "빈", "원",
];

const LATIN_FAMILY: [&str; 50] = [
    "Smith",
    "Johnson",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Schwarz",
    "García",
    "Martínez",
    "López",
    "González",
    "Rodríguez",
    "Fernández",
    "Pérez",
    "Sánchez",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Dubois",
    "Martin",
    "Bernard",
    "Lefèvre",
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Jansen",
    "de Vries",
    "van Dijk",
    "Andersson",
    "Johansson",
    "Nielsen",
    "Hansen",
    "Brown",
    "Wilson",
    "Taylor",
    "Kim",
];

const LATIN_FIRST: [&str; 50] = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hugo",
    "Ida",
    "Jonas",
    "Karl",
    "Lena",
    "Max",
    "Nora",
    "Oskar",
    "Paula",
    "Quentin",
    "Rosa",
    "Simon",
    "Tara",
    "Ugo",
    "Vera",
    "Walter",
    "Xenia",
    "Yusuf",
    "Zoe",
    "Ana",
    "Bruno",
    "Chloé",
    "Diego",
    "Élise",
    "Fabio",
    "Gül",
    "Hannah",
    "Inès",
    "José",
    "Katarzyna",
    "Lucía",
    "Mateo",
    "Noémie",
    "Olga",
    "Pedro",
    "Rania",
    "Søren",
    "Thi",
    "Uwe",
    "Valentina",
    "William",
    "Yara",
    "Zofia",
];

const LATIN_SECOND: [&str; 20] = [
    "", "Marie", "Sofie", "Lena", "Maria", "Paul", "Jan", "Luca", "Rose", "Anh", "Josef", "Elena",
    "Noah", "Grace", "Pierre", "Louise", "Kai", "Mai", "Leon", "Eva",
];

/// One name as the desk stores it.
struct Name {
    family: String,
    given: String,
    family_icao: String,
    given_icao: String,
    sort_name: String,
    /// The name-search keys as stored, with their `shared` counts, from the store's own
    /// `vaccination::stored_search_terms`.
    terms: Vec<(String, i64)>,
}

/// The 100 x 1000 names, built by the domain (`CitizenDetails::new`, `vaccination::sort_name`),
/// and the cumulative weights that pick a family.
struct Names {
    /// `family * 1000 + given`.
    all: Vec<Name>,
    cumulative: Vec<u64>,
}

fn names() -> Res<Names> {
    let korean_given: Vec<String> = KOREAN_SYLLABLES
        .iter()
        .flat_map(|a| KOREAN_SYLLABLES.iter().map(move |b| format!("{a}{b}")))
        .take(1000)
        .collect();
    let latin_given: Vec<String> = LATIN_FIRST
        .iter()
        .flat_map(|a| {
            LATIN_SECOND
                .iter()
                .map(move |b| format!("{a} {b}").trim().to_string())
        })
        .collect();
    let korean_sum: u32 = KOREAN_FAMILY.iter().map(|(_, w)| w).sum();
    // Latin names: 30% of citizens.
    let latin_weight = (korean_sum * 3).div_ceil(7 * LATIN_FAMILY.len() as u32);
    let families = KOREAN_FAMILY
        .iter()
        .map(|(f, w)| (*f, *w, &korean_given))
        .chain(
            LATIN_FAMILY
                .iter()
                .map(|f| (*f, latin_weight, &latin_given)),
        );
    let mut all = Vec::with_capacity(100_000);
    let mut cumulative = vec![];
    let mut sum = 0u64;
    for (family, weight, given) in families {
        assert_eq!(given.len(), 1000);
        sum += u64::from(weight);
        cumulative.push(sum);
        for g in given {
            let d = CitizenDetails::new(family, g, None, None, BirthDate::Year(1980))?;
            let sort_name = vaccination::sort_name(&d);
            all.push(Name {
                terms: vaccination::stored_search_terms(&d.search_terms(), &sort_name),
                sort_name,
                family: d.family_name,
                given: d.given_name,
                family_icao: d.family_name_icao,
                given_icao: d.given_name_icao,
            });
        }
    }
    Ok(Names { all, cumulative })
}

/// SplitMix64: a fixed, well-mixed stream per citizen.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Filled {
    citizens: usize,
    injections: usize,
    applications: usize,
}

/// Inserts `n` citizens, their injections and applications in one transaction.
fn fill(path: &Path, n: usize, names: &Names) -> Res<Filled> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "cache_size", -1_048_576)?; // 1 GiB while filling
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let mut citizen = conn.prepare(
        "INSERT INTO citizens (id, id_lookup, family_name, given_name, family_name_icao,
             given_name_icao, birth_date, sort_name, compact_name, registered_at, updated_at,
             updated_by, masked_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10, ?9, ?9, 'manager:bench', ?11)",
    )?;
    let mut injection = conn.prepare(
        "INSERT INTO injections (id, citizen_id, product, dose, series, given_on, lot, country,
             centre, status, recorded_at, updated_at, updated_by)
         VALUES (?1, ?2, 'EU/1/20/1528', ?3, 2, ?4, ?5, 'KR', 'Seoul Central Clinic',
             'ADMINISTERED', ?6, ?6, 'manager:bench')",
    )?;
    let mut term = conn.prepare(
        "INSERT INTO citizen_search_terms (shared, term, citizen_id) VALUES (?1, ?2, ?3)",
    )?;
    let mut application = conn.prepare(
        "INSERT INTO applications (citizen_id, injection_id, status, applied_at, updated_at,
             updated_by, certificate_id)
         VALUES (?1, ?2, 'ISSUED', ?3, ?3, 'citizen', ?4)",
    )?;
    let total = *names.cumulative.last().ok_or("no names")?;
    let born0 = NaiveDate::from_ymd_opt(1930, 1, 1).ok_or("bad date")?;
    let vaccinated0 = NaiveDate::from_ymd_opt(2021, 3, 1).ok_or("bad date")?;
    let (mut injections, mut applications) = (0, 0);
    for i in 0..n {
        let id = i as i64 + 1;
        let h = mix(i as u64);
        let pick = h % total;
        let family = names.cumulative.partition_point(|c| *c <= pick);
        let given = ((h >> 24) % 1000) as usize;
        let name = &names.all[family * 1000 + given];
        let born = born0 + Days::days(((h >> 40) % (94 * 365)) as i64);
        let registered = format!(
            "2021-0{}-{:02}T{:02}:{:02}:00Z",
            1 + i % 9,
            1 + i % 28,
            8 + i % 10,
            i % 60
        );
        citizen.execute(params![
            id,
            format!("M{id:07}"),
            name.family,
            name.given,
            name.family_icao,
            name.given_icao,
            born.format("%Y-%m-%d").to_string(),
            name.sort_name,
            registered,
            vaccination::compact_name(&name.sort_name),
            format!("M{:03}****", id % 1000),
        ])?;
        for (t, shared) in &name.terms {
            term.execute(params![shared, t, id])?;
        }
        if (h >> 8).is_multiple_of(5) {
            let day1 = vaccinated0 + Days::days(((h >> 16) % 200) as i64);
            for dose in 1..=2i64 {
                injections += 1;
                let day = (day1 + Days::days(21 * (dose - 1))).format("%Y-%m-%d");
                injection.execute(params![
                    injections as i64,
                    id,
                    dose,
                    day.to_string(),
                    format!("FA{:04}", (i * 7 + dose as usize) % 9973),
                    format!("{day}T09:30:00Z"),
                ])?;
            }
            if (h >> 12).is_multiple_of(4) {
                applications += 1;
                application.execute(params![
                    id,
                    injections as i64,
                    format!("{}T10:00:00Z", day1 + Days::days(30)),
                    format!("URN:UVCI:01:KR:BENCH{applications:07}"),
                ])?;
            }
        }
    }
    drop((citizen, injection, application, term));
    // A scratch table another "desk" writes to, so the list's refresh can be timed.
    // Raw inserts: the total vaxdesk keeps as it registers is set once here.
    conn.execute_batch(
        "UPDATE citizen_total SET n = (SELECT COUNT(*) FROM citizens) WHERE id = 1;
         CREATE TABLE bench_scratch (id INTEGER PRIMARY KEY, at TEXT NOT NULL);
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);",
    )?;
    Ok(Filled {
        citizens: n,
        injections,
        applications,
    })
}

// ---------------------------------------------------------------------------------------------
// The screen under test
// ---------------------------------------------------------------------------------------------

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::from(code)
}

fn ch(c: char) -> KeyEvent {
    press(KeyCode::Char(c))
}

/// The shell on the manager's list, its terminal, and what the checks need.
struct Rig<'d> {
    desk: &'d Desk,
    shell: Shell<'d>,
    term: Terminal<TestBackend>,
    /// List rows on screen: the terminal less header, footer, title and column heads.
    rows: usize,
    total: usize,
    label: String,
}

impl<'d> Rig<'d> {
    /// Opens the manager's screen, signs in (an Argon2id verify) and draws the first frame of
    /// the list; returns the rig and that time.
    fn open(desk: &'d Desk, (w, h): (u16, u16), total: usize) -> Res<(Rig<'d>, Duration)> {
        let keymap = Keymap::new(&Default::default())?;
        let mut term = Terminal::new(TestBackend::new(w, h))?;
        let name = vaxdesk::domain::StaffName::parse("name", BENCH_STAFF.0)?;
        if vaxdesk::store::staff::by_name(desk.conn(), &name)?.is_none() {
            vaxdesk::app::staff_admin::add(
                desk,
                "admin:bench",
                &name,
                vaxdesk::domain::StaffRole::Manager,
                BENCH_STAFF.1,
            )?;
        }
        let start = Instant::now();
        let mut shell = Shell::new(desk, Some(Role::Manager), keymap, Theme::plain());
        for c in BENCH_STAFF.0.chars() {
            shell.key(KeyEvent::from(KeyCode::Char(c)));
        }
        shell.key(KeyEvent::from(KeyCode::Tab));
        for c in BENCH_STAFF.1.chars() {
            shell.key(KeyEvent::from(KeyCode::Char(c)));
        }
        shell.key(KeyEvent::from(KeyCode::Enter));
        term.draw(|f| shell.render(f))?;
        let took = start.elapsed();
        let rig = Rig {
            desk,
            shell,
            term,
            rows: usize::from(h) - 4,
            total,
            label: format!("{w}x{h}"),
        };
        rig.expect_text(&format!(" Citizens ({total})"))?;
        Ok((rig, took))
    }

    /// One key: handled and drawn.
    fn key(&mut self, ev: KeyEvent) -> Duration {
        let start = Instant::now();
        self.shell.key(ev);
        let Ok(_) = self.term.draw(|f| self.shell.render(f));
        start.elapsed()
    }

    /// The screen as text, one string a line (the cells hidden by wide characters left out).
    fn lines(&self) -> Vec<String> {
        let buf = self.term.backend().buffer();
        buf.content
            .chunks(usize::from(buf.area.width))
            .map(|cells| {
                let mut line = String::new();
                let mut skip = 0;
                for c in cells {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    line.push_str(c.symbol());
                    skip = c.symbol().width().max(1) - 1;
                }
                line
            })
            .collect()
    }

    fn fail(&self, what: String) -> Box<dyn std::error::Error> {
        format!(
            "{}: {what}; the screen:\n{}",
            self.label,
            self.lines().join("\n")
        )
        .into()
    }

    fn expect_text(&self, text: &str) -> Res<()> {
        if self.lines().iter().any(|l| l.contains(text)) {
            Ok(())
        } else {
            Err(self.fail(format!("expected {text:?} on screen")))
        }
    }

    /// The selected row shows the `k`-th citizen (from 0) whose name starts with `prefix`, in
    /// list order or, with `from_end`, counting back from the last.
    fn expect_row(&self, prefix: &str, from_end: bool, k: usize) -> Res<()> {
        // Like the list: by name; while searching, the citizen with the smallest search key
        // starting with the folded text (the smallest of all is its citizen's smallest, and
        // shares fewer characters with that citizen's key before than the text is long).
        let (sql, low) = if prefix.is_empty() {
            let dir = if from_end { "DESC" } else { "ASC" };
            (
                format!(
                    "SELECT family_name, given_name, birth_date FROM citizens
                     WHERE sort_name >= ?1 AND sort_name < ?2
                     ORDER BY sort_name {dir}, id {dir} LIMIT 1 OFFSET ?3"
                ),
                String::new(),
            )
        } else {
            if from_end || k > 0 {
                return Err(self.fail("the search check knows the first row only".into()));
            }
            let key = vaxdesk::domain::text::search_key(prefix);
            let arms: Vec<String> = (0..key.chars().count())
                .map(|s| {
                    format!(
                        "SELECT * FROM (SELECT term, citizen_id FROM citizen_search_terms
                         WHERE shared = {s} AND term >= ?1 AND term < ?2
                         ORDER BY term LIMIT 1)"
                    )
                })
                .collect();
            (
                format!(
                    "SELECT c.family_name, c.given_name, c.birth_date
                     FROM ({}) t JOIN citizens c ON c.id = t.citizen_id
                     ORDER BY t.term, t.citizen_id LIMIT 1 OFFSET ?3",
                    arms.join(" UNION ALL ")
                ),
                key,
            )
        };
        let row = self
            .desk
            .conn()
            .query_row(
                &sql,
                params![low, format!("{low}\u{10FFFF}"), k as i64],
                |r| {
                    Ok((
                        display_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?),
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| self.fail(format!("no citizen {k} for prefix {prefix:?}")))?;
        let lines = self.lines();
        let Some(sel) = lines.iter().find(|l| l.contains("▶ ")) else {
            return Err(self.fail("no selected row".into()));
        };
        // A name wider than its column is cut with "…": the part shown must begin the name.
        let cut = sel
            .split_once("▶ ")
            .and_then(|(_, rest)| rest.split_once('…'))
            .is_some_and(|(shown, _)| row.0.starts_with(shown.trim()));
        if (sel.contains(&row.0) || cut) && sel.contains(&row.1) {
            Ok(())
        } else {
            let end = if from_end { " from the end" } else { "" };
            Err(self.fail(format!(
                "selected row should be citizen {k}{end} of {prefix:?}: {} born {}",
                row.0, row.1
            )))
        }
    }
}

/// Samples per key, in the order measured.
type Samples = Vec<(&'static str, Vec<Duration>)>;

fn add(out: &mut Samples, label: &'static str, d: Duration) {
    match out.iter_mut().find(|(l, _)| *l == label) {
        Some((_, v)) => v.push(d),
        None => out.push((label, vec![d])),
    }
}

const DOWN_IN: &str = "Down (inside the window)";
const DOWN_EDGE: &str = "Down (at the window's edge)";
const PAGE_DOWN: &str = "PageDown";
const PAGE_UP: &str = "PageUp";
const LAST: &str = "G (last)";
const FIRST: &str = "g (first)";
const SLASH: &str = "/ (start search)";
const KIM: &str = "type 김 (prefix \"김\")";
const KIMMIN: &str = "type 민 (prefix \"김민\", no space)";
const BACKSPACE: &str = "Backspace (back to \"김\")";
const SPACE: &str = "type space (\"김 \")";
const KIM_MIN: &str = "type 민 (prefix \"김 민\")";
const ESC: &str = "Esc (clear search)";
const LATIN_S: &str = "type s (prefix \"s\")";
const LATIN_SC: &str = "type c (prefix \"sc\")";
const LATIN_ESC: &str = "Esc (clear \"sc\")";
const REFRESH: &str = "refresh: tick after another desk's commit";

/// Every key `reps` times, each press checked against the database; the samples.
fn run_keys(rig: &mut Rig<'_>, reps: usize, other: &Connection) -> Res<Samples> {
    let mut out: Samples = vec![];
    let h = rig.rows;
    let down = press(KeyCode::Down);

    // Down inside the window: from the first row to the last on screen, then back to the top.
    let mut n = 0;
    while n < reps {
        rig.key(ch('g'));
        rig.expect_row("", false, 0)?;
        for j in 1..h {
            if n == reps {
                break;
            }
            add(&mut out, DOWN_IN, rig.key(down));
            rig.expect_row("", false, j)?;
            n += 1;
        }
    }

    // Down at the edge: every press fetches the next row and scrolls.
    rig.key(ch('g'));
    for _ in 1..h {
        rig.key(down);
    }
    rig.expect_row("", false, h - 1)?;
    for m in 1..=reps {
        add(&mut out, DOWN_EDGE, rig.key(down));
        rig.expect_row("", false, h - 1 + m)?;
    }

    // Pages, restarting from the end they began at every `span` pages to stay inside the table.
    let span = (rig.total / h).saturating_sub(2).clamp(1, 20);
    let pages = [
        (PAGE_DOWN, KeyCode::PageDown, 'g', false),
        (PAGE_UP, KeyCode::PageUp, 'G', true),
    ];
    for (label, code, restart, from_end) in pages {
        let mut k = span;
        for _ in 0..reps {
            if k == span {
                rig.key(ch(restart));
                k = 0;
            }
            add(&mut out, label, rig.key(press(code)));
            k += 1;
            rig.expect_row("", from_end, k * h)?;
        }
    }

    // Last and first, alternating: each redraws every row.
    for _ in 0..reps {
        add(&mut out, LAST, rig.key(ch('G')));
        rig.expect_row("", true, 0)?;
        add(&mut out, FIRST, rig.key(ch('g')));
        rig.expect_row("", false, 0)?;
    }

    // Search as typed: Korean names written with and without the space of `family given`.
    let total = format!(" Citizens ({})", rig.total);
    for _ in 0..reps {
        add(&mut out, SLASH, rig.key(ch('/')));
        rig.expect_text(" Search: ")?;
        rig.expect_row("", false, 0)?;
        add(&mut out, KIM, rig.key(ch('김')));
        rig.expect_row("김", false, 0)?;
        add(&mut out, KIMMIN, rig.key(ch('민')));
        rig.expect_row("김민", false, 0)?;
        add(&mut out, BACKSPACE, rig.key(press(KeyCode::Backspace)));
        rig.expect_row("김", false, 0)?;
        add(&mut out, SPACE, rig.key(ch(' ')));
        rig.expect_row("김", false, 0)?;
        add(&mut out, KIM_MIN, rig.key(ch('민')));
        rig.expect_text(" Search: 김 민")?;
        rig.expect_row("김 민", false, 0)?;
        add(&mut out, ESC, rig.key(press(KeyCode::Esc)));
        rig.expect_text(&total)?;
        rig.expect_row("", false, 0)?;
    }
    // Latin names sort below Hangul: the other end of the index.
    for _ in 0..reps {
        rig.key(ch('/'));
        add(&mut out, LATIN_S, rig.key(ch('S')));
        rig.expect_row("s", false, 0)?;
        add(&mut out, LATIN_SC, rig.key(ch('c')));
        rig.expect_row("sc", false, 0)?;
        add(&mut out, LATIN_ESC, rig.key(press(KeyCode::Esc)));
        rig.expect_row("", false, 0)?;
    }

    // Not a key: another desk commits, the next tick reloads the window and the total.
    for i in 0..reps.min(REFRESHES) {
        other.execute(
            "INSERT INTO bench_scratch (at) VALUES (?1)",
            [format!("refresh {i}")],
        )?;
        let start = Instant::now();
        let changed = rig.shell.tick();
        let Ok(_) = rig.term.draw(|f| rig.shell.render(f));
        add(&mut out, REFRESH, start.elapsed());
        if !changed {
            return Err(rig.fail("tick did not see the other desk's commit".into()));
        }
        rig.expect_row("", false, 0)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The window query alone
// ---------------------------------------------------------------------------------------------

/// Timed runs of each query alone.
const SQL_REPS: usize = 20;

/// Median time of `f` over [`SQL_REPS`] runs.
fn median_of(mut f: impl FnMut() -> Res<()>) -> Res<Duration> {
    let mut s = vec![];
    for _ in 0..SQL_REPS {
        let t = Instant::now();
        f()?;
        s.push(t.elapsed());
    }
    Ok(stats(&s)[1])
}

/// The list's window query alone, as each key runs it, and the total the list shows.
fn diagnose(desk: &Desk, n: usize, limit: usize) -> Res<()> {
    let conn = desk.conn();
    let window = |prefix: &str, anchor: &Anchor| {
        vaccination::citizens_window(conn, ListOrder::Name, prefix, anchor, limit as i64)
    };
    let first = window("", &Anchor::First)?;
    let edge = first.last().ok_or("empty list")?;
    let after = Anchor::After(edge.key.clone(), edge.id);
    let cases: [(&str, &str, Anchor); 18] = [
        ("g, Esc", "", Anchor::First),
        ("G", "", Anchor::Last),
        ("PageDown", "", after),
        ("type 김", "김", Anchor::First),
        ("type 민 (김민)", "김민", Anchor::First),
        ("type 민 (김 민)", "김 민", Anchor::First),
        ("type s", "s", Anchor::First),
        ("type c (sc)", "sc", Anchor::First),
        ("(no match: xq)", "xq", Anchor::First),
        ("Enter, G (in search 김)", "김", Anchor::Last),
        ("Enter, G (in search s)", "s", Anchor::Last),
        ("search: marks and case", "MULLER", Anchor::First),
        ("search: marks", "nguyen", Anchor::First),
        ("search: machine-readable", "KIM", Anchor::First),
        ("search: machine-readable, G", "KIM", Anchor::Last),
        ("search: a given name", "minjun", Anchor::First),
        ("search: a given name", "서연", Anchor::First),
        ("search: family then given", "muller anna", Anchor::First),
    ];
    println!(
        "\n{} citizens: the window query alone ({limit} rows, median of {SQL_REPS} runs, ms)",
        thousands(n)
    );
    println!("  {}{:>9}{:>6}", pad("key: prefix", 40), "median", "rows");
    for (key, prefix, anchor) in cases {
        let t = median_of(|| window(prefix, &anchor).map(|_| ()).map_err(Into::into))?;
        let rows = window(prefix, &anchor)?.len();
        let plan = vaccination::citizens_window_plan(conn, ListOrder::Name, prefix, &anchor)?;
        if plan.lines().any(|l| l.starts_with("SCAN")) || plan.contains("TEMP B-TREE") {
            return Err(format!("{key} {prefix:?}: a full scan or a sort:\n{plan}").into());
        }
        println!(
            "  {}{:>9}{rows:>6}",
            pad(&format!("{key}: {prefix:?}"), 40),
            ms(t)
        );
    }
    let count = median_of(|| {
        vaccination::citizen_count(conn)?;
        Ok(())
    })?;
    println!(
        "  {}{:>9}   (run by the list's reload: opening the screen, every refresh)",
        pad("the total (citizen_count)", 40),
        ms(count)
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// One table size
// ---------------------------------------------------------------------------------------------

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// min, median, p95, max.
fn stats(samples: &[Duration]) -> [Duration; 4] {
    let mut s = samples.to_vec();
    s.sort();
    let at = |q: f64| s[((q * s.len() as f64).ceil() as usize).clamp(1, s.len()) - 1];
    [s[0], s[(s.len() - 1) / 2], at(0.95), s[s.len() - 1]]
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Pads `s` to `w` terminal columns (Hangul is two wide).
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(s.width())))
}

/// Builds a table of `n` citizens, measures every key at each terminal size, prints the tables;
/// returns the medians at the first terminal size.
fn bench_table(dir: &Path, n: usize) -> Res<Vec<(&'static str, Duration)>> {
    let path = dir.join(format!("citizens-{n}.db"));
    println!("\n=== {} citizens ===", thousands(n));
    let all = Instant::now();

    let t = Instant::now();
    drop(open_desk(&path)?);
    let schema = t.elapsed();
    let t = Instant::now();
    let names = names()?;
    let name_time = t.elapsed();
    let t = Instant::now();
    let filled = fill(&path, n, &names)?;
    let fill_time = t.elapsed();
    drop(names);
    let t = Instant::now();
    let desk = open_desk(&path)?;
    let reopen = t.elapsed();
    let other = Connection::open(&path)?;
    other.busy_timeout(Duration::from_secs(30))?;
    let size = std::fs::metadata(&path)?.len();
    let rows = filled.citizens + filled.injections + filled.applications;
    println!(
        "setup: schema {}, 100x1000 names {}, insert {} citizens + {} injections + {} \
         applications in one transaction {} ({:.0} rows/s), reopen desk {}; file {:.0} MiB",
        ms(schema) + " ms",
        ms(name_time) + " ms",
        thousands(filled.citizens),
        thousands(filled.injections),
        thousands(filled.applications),
        secs(fill_time),
        rows as f64 / fill_time.as_secs_f64(),
        ms(reopen) + " ms",
        size as f64 / 1_048_576.0
    );

    let mut first_medians = vec![];
    for size in TERMINALS {
        let (mut rig, opened) = Rig::open(&desk, size, n)?;
        let t = Instant::now();
        run_keys(&mut rig, WARMUP, &other)?;
        let warm = t.elapsed();
        let t = Instant::now();
        let samples = run_keys(&mut rig, REPS, &other)?;
        let run = t.elapsed();
        println!(
            "\n{} citizens, {}x{} terminal ({} list rows): key + draw in ms ({} presses per \
             key; refresh {}x). Open the screen (Shell::new + sign-in + first frame): {} ms; \
             warm-up {}, \
             measured run with checks {}",
            thousands(n),
            size.0,
            size.1,
            rig.rows,
            REPS,
            REPS.min(REFRESHES),
            ms(opened),
            secs(warm),
            secs(run)
        );
        let mut table = String::new();
        writeln!(
            table,
            "  {}{:>9}{:>9}{:>9}{:>9}",
            pad("key", 44),
            "min",
            "median",
            "p95",
            "max"
        )?;
        for (label, s) in &samples {
            let [min, med, p95, max] = stats(s);
            let flag = if med > BUDGET { "  << over 16 ms" } else { "" };
            writeln!(
                table,
                "  {}{:>9}{:>9}{:>9}{:>9}{flag}",
                pad(label, 44),
                ms(min),
                ms(med),
                ms(p95),
                ms(max)
            )?;
            if first_medians.len() < samples.len() && size == TERMINALS[0] {
                first_medians.push((*label, med));
            }
        }
        print!("{table}");
    }
    diagnose(&desk, n, usize::from(TERMINALS[0].1) - 4)?;
    println!(
        "\nall of {} citizens: {}",
        thousands(n),
        secs(all.elapsed())
    );
    Ok(first_medians)
}

/// Medians of the two sizes side by side.
fn compare(
    big: usize,
    a: &[(&'static str, Duration)],
    small: usize,
    b: &[(&'static str, Duration)],
) {
    let (w, h) = TERMINALS[0];
    println!(
        "\nmedians at {w}x{h}, {} vs {} citizens (ms):",
        thousands(big),
        thousands(small)
    );
    let head_a = thousands(big);
    let head_b = thousands(small);
    println!("  {}{head_a:>11}{head_b:>11}{:>8}", pad("key", 44), "ratio");
    for ((label, x), (_, y)) in a.iter().zip(b) {
        println!(
            "  {}{:>11}{:>11}{:>8.2}",
            pad(label, 44),
            ms(*x),
            ms(*y),
            x.as_secs_f64() / y.as_secs_f64()
        );
    }
}
