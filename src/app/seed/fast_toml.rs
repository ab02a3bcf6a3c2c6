//! A `[[step]]` block read without `toml` when it is only `key = "text"` and `key = 123`
//! lines: a profile of a 150,000-step seed put `toml`'s parse at ~11% of the seed's CPU.
//! Anything else (or anything in doubt) is `None`, and `toml` reads the block as before, so
//! steps and error messages are the same either way.
//!
//! The fields are borrowed from the block's text, not built into a `toml::Table`: the table's
//! nodes, keys and values (and dropping them) were still ~7% of a 300,000-step seed's CPU.

/// A value the fast path reads: a string without escapes, or a decimal integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastValue<'a> {
    Str(&'a str),
    Int(i64),
}

impl FastValue<'_> {
    /// The type's name as `toml::Value::type_str` gives it, for messages.
    pub fn type_str(self) -> &'static str {
        match self {
            FastValue::Str(_) => "string",
            FastValue::Int(_) => "integer",
        }
    }
}

/// A simple step block's fields, sorted by key as `toml::Table` iterates them (byte order).
pub type FastFields<'a> = Vec<(&'a str, FastValue<'a>)>;

/// The one step of a `[[step]]` block, its fields sorted by key, or `None` when the block is
/// not of the simple shape. Never an error: those all come from `toml`.
pub fn step_fields(text: &str) -> Option<FastFields<'_>> {
    let mut lines = text.split_inclusive('\n');
    if without_eol(lines.next()?) != "[[step]]" {
        return None;
    }
    let mut fields = Vec::with_capacity(12);
    for line in lines {
        if let Some(field) = key_value(without_eol(line))? {
            fields.push(field);
        }
    }
    fields.sort_unstable_by(|a: &(&str, FastValue), b| a.0.cmp(b.0));
    if fields.windows(2).any(|w| w[0].0 == w[1].0) {
        return None; // a key defined twice: toml's error, in toml's words
    }
    Some(fields)
}

/// The block's table, `{"step": [{...}]}` as `toml` makes it, from [`step_fields`]: what the
/// tests hold the fast path to.
#[cfg(test)]
pub fn step_block(text: &str) -> Option<toml::Table> {
    Some(block_table(&step_fields(text)?))
}

/// `{"step": [{...}]}` of a simple block's fields.
#[cfg(test)]
pub fn block_table(fields: &[(&str, FastValue<'_>)]) -> toml::Table {
    use toml::{Table, Value};
    let mut step = Table::new();
    for (key, value) in fields {
        let value = match *value {
            FastValue::Str(s) => Value::String(s.to_string()),
            FastValue::Int(i) => Value::Integer(i),
        };
        step.insert(key.to_string(), value);
    }
    let mut table = Table::new();
    table.insert("step".to_string(), Value::Array(vec![Value::Table(step)]));
    table
}

/// The line without its `\n` or `\r\n`; any other `\r` stays and makes the line not simple.
fn without_eol(line: &str) -> &str {
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line)
}

/// One line: `Some(None)` blank or a comment, `Some(Some(..))` a key and its value, `None`
/// anything else.
fn key_value(line: &str) -> Option<Option<(&str, FastValue<'_>)>> {
    let s = skip_ws(line);
    if s.is_empty() {
        return Some(None);
    }
    if s.starts_with('#') {
        return comment_ok(s).then_some(None);
    }
    let key_len = s
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        .unwrap_or(s.len());
    if key_len == 0 {
        return None;
    }
    let (key, rest) = s.split_at(key_len);
    let rest = skip_ws(rest).strip_prefix('=')?;
    let rest = skip_ws(rest);
    let (value, rest) = match rest.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let body = &rest[1..];
            let end = body.bytes().position(|b| b == *q)?;
            let text = &body[..end];
            // A basic string with an escape goes to toml; a literal one keeps its backslashes.
            if !text
                .bytes()
                .all(|b| string_byte_ok(b) && (*q == b'\'' || b != b'\\'))
            {
                return None;
            }
            (FastValue::Str(text), &body[end + 1..])
        }
        _ => {
            let len = rest
                .bytes()
                .position(|b| !(b.is_ascii_digit() || b == b'+' || b == b'-'))
                .unwrap_or(rest.len());
            (FastValue::Int(integer(&rest[..len])?), &rest[len..])
        }
    };
    let rest = skip_ws(rest);
    (rest.is_empty() || (rest.starts_with('#') && comment_ok(rest))).then_some(Some((key, value)))
}

/// A decimal integer as TOML writes it without underscores: an optional sign, then `0` or
/// digits not starting with `0`, within i64.
fn integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    s.parse().ok()
}

fn skip_ws(s: &str) -> &str {
    s.trim_start_matches([' ', '\t'])
}

/// Tab, printable ASCII or any non-ASCII byte: what TOML allows in a comment or string.
fn string_byte_ok(b: u8) -> bool {
    b == b'\t' || (0x20..0x7F).contains(&b) || b >= 0x80
}

fn comment_ok(s: &str) -> bool {
    s.bytes().all(string_byte_ok)
}

#[cfg(test)]
mod tests {
    use super::super::blocks::{Block, Parsed};
    use super::super::step::{parse_fast_step, parse_step};
    use super::*;
    use proptest::prelude::*;
    use toml::{Table, Value};

    /// The keys of a table and of every table in it, in iteration order.
    fn keys(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Table(t) => {
                for (k, v) in t {
                    out.push(k.clone());
                    keys(v, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }

    /// The fast path read `text`, and read it as toml does.
    fn fast(text: &str) -> Table {
        let got = step_block(text).unwrap_or_else(|| panic!("not simple: {text:?}"));
        assert_same_as_toml(text, &got);
        got
    }

    fn assert_same_as_toml(text: &str, got: &Table) {
        let want = text
            .parse::<Table>()
            .unwrap_or_else(|e| panic!("fast path took what toml refuses: {text:?}: {e}"));
        assert_eq!(got, &want, "{text:?}");
        let (mut a, mut b) = (vec![], vec![]);
        keys(&Value::Table(got.clone()), &mut a);
        keys(&Value::Table(want), &mut b);
        assert_eq!(a, b, "key order of {text:?}");
    }

    /// `Block::parse` as it was, with toml alone: the same table or the same message.
    fn assert_block_same(text: &str, first_line: usize) {
        let block = Block {
            text: text.to_string(),
            first_line,
            step: true,
        };
        let got = block.parse().map(|p| match p {
            Parsed::Step(fields) => block_table(&fields),
            Parsed::Table(t) => t,
        });
        // As Debug: in iteration order, and a NaN (`-nan`) equal to itself.
        let want = block.parse_with_toml();
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{text:?}");
    }

    /// A simple block read straight to its step gives the same step, or the same refusal, as
    /// `parse_step` of the table toml makes of it. True when the block took the fast path.
    fn assert_step_same(text: &str) -> bool {
        let Some(fields) = step_fields(text) else {
            return false;
        };
        let table: Table = text
            .parse()
            .unwrap_or_else(|e| panic!("fast path took what toml refuses: {text:?}: {e}"));
        let step = table["step"][0].as_table().expect("a step table");
        let (got, want) = (parse_fast_step(&fields), parse_step(step));
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{text:?}");
        true
    }

    #[test]
    fn fast_values_name_their_type_as_toml_does() {
        assert_eq!(
            FastValue::Str("x").type_str(),
            Value::String("x".into()).type_str()
        );
        assert_eq!(FastValue::Int(1).type_str(), Value::Integer(1).type_str());
    }

    #[test]
    fn typical_steps_read_straight_are_the_steps_of_the_table() {
        for text in [REGISTER, INJECT] {
            assert!(assert_step_same(text));
            let fields = step_fields(text).unwrap();
            assert!(parse_fast_step(&fields).is_ok(), "{text:?}");
        }
        for (text, want) in [
            (
                "[[step]]\naction = \"apply\"\nzz = 1\ncolour = 1\ndose = \"x\"\n",
                "colour: unknown field for apply",
            ),
            (
                "[[step]]\ndose = 1\naction = \"apply\"\ncitizen = 2\n",
                "citizen: must be a string, not integer",
            ),
            (
                "[[step]]\naction = \"apply\"\ncitizen = 'A'\ndose = 1\nactor = 5\n",
                "actor: must be a string, not integer",
            ),
            (
                "[[step]]\naction = \"apply\"\ncitizen = 'A'\ndose = 1\nat = 5\n",
                "at: must be an RFC 3339 time",
            ),
            (
                "[[step]]\naction = \"record-injection\"\ndate = 20210601\n\
                 citizen = \"A\"\nproduct = \"P\"\ndose = 1\n",
                "date: must be a date (\"YYYY-MM-DD\"), not integer",
            ),
            ("[[step]]\naction = 7\n", "action: must be a string"),
            ("[[step]]\nid = \"A\"\n", "action: missing"),
            (
                "[[step]]\naction = 'vaccinate'\n",
                "action: unknown action 'vaccinate'",
            ),
        ] {
            assert!(assert_step_same(text), "{text:?}");
            let fields = step_fields(text).unwrap();
            let (_, m) = parse_fast_step(&fields).unwrap_err();
            assert!(m.starts_with(want), "{text:?}: {m}");
        }
    }

    const REGISTER: &str = "[[step]]\naction = \"register-citizen\"\nid = \"900101-1234567\"\n\
        family_name = \"김\"\ngiven_name = \"민준\"\nbirth_date = \"1990-01-01\"\n\
        actor = \"manager:park.jiyoung\"\nat = \"2021-03-01T09:05:00+09:00\"\n\n";
    const INJECT: &str = "[[step]]\naction = \"record-injection\"\ncitizen = \"900101-1234567\"\n\
        product = \"EU/1/20/1528\"\ndose = 2\ndate = \"2021-03-22\"\nlot = \"FA0015\"\n\
        actor = \"manager:park.jiyoung\"\nat = \"2021-03-22T09:30:00+09:00\"\n\n";

    #[test]
    fn typical_steps_are_read_as_toml_reads_them() {
        let t = fast(REGISTER);
        let step = t["step"].as_array().unwrap()[0].as_table().unwrap();
        assert_eq!(step["family_name"].as_str(), Some("김"));
        assert_eq!(step.len(), 7);
        let t = fast(INJECT);
        assert_eq!(
            t["step"].as_array().unwrap()[0]["dose"].as_integer(),
            Some(2)
        );
        fast(&REGISTER.replace('\n', "\r\n"));
        fast(&INJECT.replace('\n', "\r\n"));
        fast(REGISTER.trim_end()); // the file's last block, no line end
        for text in [
            "[[step]]\n",
            "[[step]]",
            "[[step]]\r\n",
            "[[step]]\n\n \t\n",
            "[[step]]\n# 접종 기록\n  #\tindented comment\n",
            "[[step]]\n\ta\t=\t\"x\"\t\n  b=1  \n",
            "[[step]]\naction = \"apply\" # trailing comment\ndose = 1# tight\n",
            "[[step]]\nname = \"\"\nlit = ''\n",
            "[[step]]\npath = 'C:\\seed\\a \"b\"'\nq = \"it's\"\n",
            "[[step]]\nn = 0\np = +0\nm = -0\nx = +17\ny = -9223372036854775808\n",
            "[[step]]\nz = 9223372036854775807\n",
            "[[step]]\nA-b_9 = 1\n123 = \"key of digits\"\n-- = 2\n",
            "[[step]]\nnote = \"# not a comment\"\nh = \"[[step]]\"\n",
            "[[step]]\nnote = \"탭\t안에\"\n",
        ] {
            fast(text);
        }
    }

    #[test]
    fn keys_iterate_as_toml_orders_them() {
        let t = fast("[[step]]\nzeta = 1\nalpha = 2\nMid = 3\n_x = 4\n");
        let step = t["step"][0].as_table().unwrap();
        let got: Vec<&str> = step.keys().map(String::as_str).collect();
        assert_eq!(got, ["Mid", "_x", "alpha", "zeta"]);
    }

    #[test]
    fn anything_else_falls_back_to_toml() {
        for text in [
            "",
            "a = 1\n",
            "[[ step ]]\na = 1\n",
            "[[step]] # header comment\n",
            "\u{feff}[[step]]\na = 1\n",
            " [[step]]\n",
            "[[step]]\r",
            "[[step]]\na = 1\na = 2\n",
            "[[step]]\na = 1\r\n\r",
            "[[step]]\na = 1\r",
            "[[step]]\na = \"x\"\r\r\n",
            "[[step]]\na.b = 1\n",
            "[[step]]\n\"a\" = 1\n",
            "[[step]]\n'a' = 1\n",
            "[[step]]\n가 = 1\n",
            "[[step]]\n= 1\n",
            "[[step]]\na =\n",
            "[[step]]\na\n",
            "[[step]]\na = \"x\\ty\"\n",
            "[[step]]\na = \"x\\\"\n",
            "[[step]]\na = \"\"\"x\"\"\"\n",
            "[[step]]\na = '''x'''\n",
            "[[step]]\na = \"x\n",
            "[[step]]\na = \"x\" y\n",
            "[[step]]\na = \"x\"\"y\"\n",
            "[[step]]\na = \"x\u{1}\"\n",
            "[[step]]\na = \"x\u{7f}\"\n",
            "[[step]]\na = \"x\ry\"\n",
            "[[step]]\na = 'x\u{0}'\n",
            "[[step]]\n# bell \u{7}\n",
            "[[step]]\na = 1 # del \u{7f}\n",
            "[[step]]\na = 01\n",
            "[[step]]\na = -01\n",
            "[[step]]\na = 00\n",
            "[[step]]\na = 1_000\n",
            "[[step]]\na = 9223372036854775808\n",
            "[[step]]\na = -9223372036854775809\n",
            "[[step]]\na = 1.5\n",
            "[[step]]\na = 1e3\n",
            "[[step]]\na = 0x1F\n",
            "[[step]]\na = +\n",
            "[[step]]\na = 1-2\n",
            "[[step]]\na = 1979-05-27\n",
            "[[step]]\na = true\n",
            "[[step]]\na = inf\n",
            "[[step]]\na = [1, 2]\n",
            "[[step]]\na = { b = 1 }\n",
            "[[step]]\n[step.x]\n",
            "[[step]]\n[other]\na = 1\n",
            "[[step]]\na = 1 2\n",
        ] {
            assert_eq!(step_block(text), None, "{text:?}");
            assert_block_same(text, 3);
        }
    }

    /// Pieces the generated blocks are made of: mostly simple, often just not.
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => "[A-Za-z0-9_-]{1,6}",
            1 => prop::sample::select(vec!["a", "b", "dose", "id"]).prop_map(String::from),
            1 => prop::sample::select(vec![
                "", "a.b", "\"q\"", "'q'", "가", "a b", "[x]", "a=", "#",
            ])
            .prop_map(String::from),
        ]
    }

    fn string_body() -> impl Strategy<Value = String> {
        let ch = prop_oneof![
            8 => prop::char::range('a', 'z'),
            3 => prop::sample::select(vec!['김', '민', '준', '접', '종', ' ', '-', ':', '/']),
            2 => prop::sample::select(vec![
                '"', '\'', '\\', '#', '\t', '=', '[', ']', '{', '\u{0}', '\u{1f}', '\u{7f}',
                '\r', '\n', '\u{feff}', 'n', 'u',
            ]),
        ];
        prop::collection::vec(ch, 0..12).prop_map(|c| c.into_iter().collect())
    }

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => string_body().prop_map(|s| format!("\"{s}\"")),
            2 => string_body().prop_map(|s| format!("'{s}'")),
            1 => string_body().prop_map(|s| format!("\"\"\"{s}\"\"\"")),
            1 => string_body().prop_map(|s| format!("'''{s}'''")),
            1 => string_body().prop_map(|s| format!("\"{s}")),
            3 => ("[+-]?", "[0-9_]{1,4}").prop_map(|(s, d)| s + &d),
            2 => any::<i64>().prop_map(|n| n.to_string()),
            1 => ("[+-]?", "[0-9]{18,21}").prop_map(|(s, d)| s + &d),
            1 => prop::sample::select(vec![
                "1.5", "1e3", "0x1F", "0o7", "true", "false", "inf", "-nan", "1979-05-27",
                "07:32:00", "[1, 2]", "{ a = 1 }", "", "+", "-", "1 2", "\"a\" \"b\"",
            ])
            .prop_map(String::from),
        ]
    }

    fn ws() -> impl Strategy<Value = String> {
        prop_oneof![4 => Just(String::new()), 2 => "[ \t]{1,3}", 1 => "[ \t\r\u{3000}]{1,2}"]
    }

    fn comment() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => Just(String::new()),
            1 => string_body().prop_map(|s| format!("#{s}")),
        ]
    }

    fn line() -> impl Strategy<Value = String> {
        let eol = prop_oneof![6 => Just("\n"), 2 => Just("\r\n"), 1 => Just("\r"), 1 => Just("")];
        let body = prop_oneof![
            8 => (ws(), key(), ws(), ws(), value(), ws(), comment()).prop_map(
                |(a, k, b, c, v, d, cm)| format!("{a}{k}{b}={c}{v}{d}{cm}")
            ),
            1 => ws(),
            1 => (ws(), string_body()).prop_map(|(a, s)| format!("{a}#{s}")),
            1 => prop::sample::select(vec!["[[step]]", "[x]", "[step.x]", "a", "="])
                .prop_map(String::from),
        ];
        (body, eol).prop_map(|(b, e)| b + e)
    }

    fn block() -> impl Strategy<Value = String> {
        let header = prop_oneof![
            8 => Just("[[step]]\n"),
            2 => Just("[[step]]\r\n"),
            1 => prop::sample::select(vec![
                "[[step]]", "[[step]]\r", "[[ step ]]\n", "\u{feff}[[step]]\n",
                "[[step]] # c\n", "[[step]] \n", "[[\"step\"]]\n",
            ]),
        ];
        (header, prop::collection::vec(line(), 0..8))
            .prop_map(|(h, lines)| h.to_string() + &lines.concat())
    }

    /// The actions and their fields by kind (`s` string, `i` integer, `d` date), and one action
    /// that does not exist.
    const ACTIONS: &[(&str, &[(&str, char)])] = &[
        ("register-citizen", CITIZEN),
        ("update-citizen", CITIZEN),
        (
            "record-injection",
            &[
                ("citizen", 's'),
                ("product", 's'),
                ("dose", 'i'),
                ("series", 'i'),
                ("date", 'd'),
                ("lot", 's'),
                ("status", 's'),
                ("country", 's'),
                ("centre", 's'),
            ],
        ),
        (
            "update-injection",
            &[
                ("citizen", 's'),
                ("dose", 'i'),
                ("status", 's'),
                ("date", 'd'),
                ("lot", 's'),
                ("product", 's'),
                ("series", 'i'),
                ("centre", 's'),
            ],
        ),
        (
            "void-injection",
            &[("citizen", 's'), ("dose", 'i'), ("reason", 's')],
        ),
        ("apply", &[("citizen", 's'), ("dose", 'i')]),
        ("cancel", &[("citizen", 's'), ("dose", 'i')]),
        ("issue", &[("citizen", 's'), ("dose", 'i')]),
        (
            "reject",
            &[("citizen", 's'), ("dose", 'i'), ("reason", 's')],
        ),
        ("vaccinate", &[("citizen", 's'), ("dose", 'i')]),
    ];
    const CITIZEN: &[(&str, char)] = &[
        ("id", 's'),
        ("family_name", 's'),
        ("given_name", 's'),
        ("birth_date", 'd'),
        ("family_name_icao", 's'),
        ("given_name_icao", 's'),
    ];

    /// One field's value: mostly right for its kind, sometimes of another type (simple or not).
    fn field_value(kind: char, how: u8) -> Option<String> {
        let v = match (how, kind) {
            (0, _) => return None, // missing
            (1, 's' | 'd') => "5",
            (1, _) => "\"x\"",
            (2, _) => "true",
            (3, 'd') => "2021-06-01",
            (3, _) => "'2021-06-01'",
            (_, 's') if how.is_multiple_of(2) => "\"김 민준\"",
            (_, 's') => "'A-1'",
            (_, 'd') => "\"2021-06-01\"",
            (_, _) if how.is_multiple_of(2) => "2",
            _ => "-1",
        };
        Some(v.to_string())
    }

    /// A block shaped like a step, its lines in any order: an action (or none, or not a
    /// string), its fields each present, missing or of another type, unknown fields, and
    /// `actor` and `at` of the right type or not.
    fn step_like() -> impl Strategy<Value = String> {
        let extra = (
            prop::sample::select(vec!["colour", "Zeta", "_x", "doses", "a-b", "at2", "id"]),
            prop::sample::select(vec!["1", "\"u\"", "'v'", "[1]"]),
        );
        (
            0..ACTIONS.len(),
            0u8..12,
            prop::collection::vec(0u8..12, 9),
            prop::collection::vec(extra, 0..3),
            prop::sample::select(vec!["", "\"manager:kim\"", "'nurse:lee'", "42", "true"]),
            prop::sample::select(vec![
                "",
                "\"2021-06-01T09:00:00+09:00\"",
                "'yesterday'",
                "5",
                "2021-06-01T09:00:00+09:00",
                "2021-06-01T09:00:00",
            ]),
        )
            .prop_map(|(a, action_how, hows, extras, actor, at)| {
                let (name, fields) = ACTIONS[a];
                let mut lines = vec![];
                match action_how {
                    0 => {}
                    1 => lines.push("action = 3".to_string()),
                    2 => lines.push("action = 'apply'".to_string()),
                    _ => lines.push(format!("action = \"{name}\"")),
                }
                for (&(key, kind), &how) in fields.iter().zip(&hows) {
                    if let Some(v) = field_value(kind, how) {
                        lines.push(format!("{key} = {v}"));
                    }
                }
                for (key, v) in extras {
                    lines.push(format!("{key} = {v}"));
                }
                for (key, v) in [("actor", actor), ("at", at)] {
                    if !v.is_empty() {
                        lines.push(format!("{key} = {v}"));
                    }
                }
                lines
            })
            .prop_shuffle()
            .prop_map(|lines| {
                let mut text = "[[step]]\n".to_string();
                for line in lines {
                    text += &line;
                    text.push('\n');
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn the_fast_path_reads_what_toml_reads(text in block(), first_line in 1usize..50) {
            if let Some(got) = step_block(&text) {
                assert_same_as_toml(&text, &got);
            }
            assert_block_same(&text, first_line);
            assert_step_same(&text);
        }

        #[test]
        fn a_step_read_straight_is_the_step_of_the_table(text in step_like()) {
            if let Some(got) = step_block(&text) {
                assert_same_as_toml(&text, &got);
            }
            assert_block_same(&text, 1);
            assert_step_same(&text);
        }
    }

    /// The grammar above is no use if it never makes a simple block (or never another one).
    #[test]
    fn the_generated_blocks_take_both_paths() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let (mut fast, mut slow) = (0, 0);
        for _ in 0..2000 {
            let text = block().new_tree(&mut runner).unwrap().current();
            if step_block(&text).is_some() {
                fast += 1;
            } else {
                slow += 1;
            }
        }
        assert!(fast > 100 && slow > 100, "fast {fast}, slow {slow}");
        // The step-shaped ones: read straight to a step, refused in several ways, or not simple.
        let (mut ok, mut slow) = (0, 0);
        let mut refusals = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            let text = step_like().new_tree(&mut runner).unwrap().current();
            match step_fields(&text).map(|f| parse_fast_step(&f).map(|_| ())) {
                None => slow += 1,
                Some(Ok(())) => ok += 1,
                Some(Err((_, m))) => {
                    // The kind of refusal: the words after the field's name.
                    let kind = m.split_once(": ").map_or(m.clone(), |(_, r)| r.to_string());
                    refusals.insert(kind.split(" (").next().unwrap_or_default().to_string());
                }
            }
        }
        assert!(ok > 50 && slow > 50, "ok {ok}, slow {slow}");
        for want in [
            "missing",
            "must be a string",
            "must be a string, not integer",
            "must be a whole number, not string",
            "must be a date",
            "unknown action 'vaccinate'",
        ] {
            assert!(refusals.contains(want), "{want} not in {refusals:?}");
        }
        assert!(
            refusals.iter().any(|r| r.starts_with("unknown field for")),
            "{refusals:?}"
        );
        assert!(
            refusals
                .iter()
                .any(|r| r.starts_with("must be an RFC 3339 time")),
            "{refusals:?}"
        );
    }
}
