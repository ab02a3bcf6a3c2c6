//! A `[[step]]` block read without `toml` when it is only `key = "text"` and `key = 123`
//! lines: a profile of a 150,000-step seed put `toml`'s parse at ~11% of the seed's CPU.
//! Anything else (or anything in doubt) is `None`, and `toml` reads the block as before, so
//! tables and error messages are the same either way.

use toml::{Table, Value};

/// The block's table, `{"step": [{...}]}` as `toml` makes it, or `None` when the block is not
/// of the simple shape. Never an error: those all come from `toml`.
pub fn step_block(text: &str) -> Option<Table> {
    let mut lines = text.split_inclusive('\n');
    if without_eol(lines.next()?) != "[[step]]" {
        return None;
    }
    let mut step = Table::new();
    for line in lines {
        if let Some((key, value)) = key_value(without_eol(line))? {
            if step.contains_key(key) {
                return None; // toml's error, in toml's words
            }
            step.insert(key.to_string(), value);
        }
    }
    let mut table = Table::new();
    table.insert("step".to_string(), Value::Array(vec![Value::Table(step)]));
    Some(table)
}

/// The line without its `\n` or `\r\n`; any other `\r` stays and makes the line not simple.
fn without_eol(line: &str) -> &str {
    line.strip_suffix("\r\n")
        .or_else(|| line.strip_suffix('\n'))
        .unwrap_or(line)
}

/// One line: `Some(None)` blank or a comment, `Some(Some(..))` a key and its value, `None`
/// anything else.
fn key_value(line: &str) -> Option<Option<(&str, Value)>> {
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
            (Value::String(text.to_string()), &body[end + 1..])
        }
        _ => {
            let len = rest
                .bytes()
                .position(|b| !(b.is_ascii_digit() || b == b'+' || b == b'-'))
                .unwrap_or(rest.len());
            (Value::Integer(integer(&rest[..len])?), &rest[len..])
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
    use super::super::blocks::Block;
    use super::*;
    use proptest::prelude::*;

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
        // As Debug: in iteration order, and a NaN (`-nan`) equal to itself.
        let (got, want) = (block.parse(), block.parse_with_toml());
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{text:?}");
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

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn the_fast_path_reads_what_toml_reads(text in block(), first_line in 1usize..50) {
            if let Some(got) = step_block(&text) {
                assert_same_as_toml(&text, &got);
            }
            assert_block_same(&text, first_line);
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
    }
}
