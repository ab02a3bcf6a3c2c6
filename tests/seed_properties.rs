//! Property tests for the seed-file parser: whatever text arrives, vaxdesk answers with a
//! clear error or a result, never a panic, and a refused file changes nothing.

mod common;

use common::*;
use proptest::prelude::*;
use vaxdesk::app::{AppError, seed};

/// Fragments a seed file is made of, to build near-valid files that reach deep into the steps.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[[step]]\n".to_string()),
        Just("action = \"register-citizen\"\n".to_string()),
        Just("action = \"record-injection\"\n".to_string()),
        Just("action = \"apply\"\n".to_string()),
        Just("action = \"issue\"\n".to_string()),
        Just("id = \"900101-1234567\"\n".to_string()),
        Just("citizen = \"900101-1234567\"\n".to_string()),
        Just("family_name = \"김\"\ngiven_name = \"민준\"\n".to_string()),
        Just("birth_date = \"1990-01-01\"\n".to_string()),
        Just("product = \"EU/1/20/1528\"\nlot = \"A1\"\n".to_string()),
        Just("date = 2021-06-01\n".to_string()),
        Just("at = 2021-06-01T09:00:00+09:00\n".to_string()),
        (-3i64..5).prop_map(|d| format!("dose = {d}\n")),
        "[a-z_]{1,12} = \"[^\"\\\\\\n]{0,20}\"\n",
        "\\PC{0,30}\n",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gets_an_answer_and_a_refusal_changes_nothing(
        parts in proptest::collection::vec(fragment(), 0..24)
    ) {
        let t = TestDesk::new();
        let before = dump(&t.desk);
        let text: String = parts.concat();
        match seed::apply_text(&t.desk, "prop.toml", &text) {
            Ok(_) => {}
            Err(AppError::Seed(e)) => {
                let shown = e.to_string();
                prop_assert!(shown.starts_with("prop.toml: "), "{shown}");
                prop_assert!(!shown.trim_end().ends_with(':'), "no reason in: {shown}");
                prop_assert_eq!(dump(&t.desk), before, "a refused file changed the database");
            }
            Err(other) => prop_assert!(false, "not a seed error: {other}"),
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(text in "\\PC{0,400}") {
        let t = TestDesk::new();
        let _ = seed::apply_text(&t.desk, "bytes.toml", &text);
    }
}
