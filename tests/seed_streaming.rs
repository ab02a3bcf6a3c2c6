//! A seed file is read and applied a `[[step]]` block at a time: what a user sees must be what
//! reading the whole file first showed (the same refusal wins, the same steps apply).

mod common;

use common::*;
use vaxdesk::app::seed::{self, SeedOutcome};
use vaxdesk::app::{AppError, seed::SeedError};

const REGISTER: &str = "[[step]]\naction = \"register-citizen\"\nid = \"900101-1234567\"\n\
                        family_name = \"김\"\ngiven_name = \"민준\"\nbirth_date = \"1990-01-01\"\n\n";

fn refused(t: &TestDesk, text: &str) -> SeedError {
    let before = dump(&t.desk);
    match seed::apply_text(&t.desk, "s.toml", text) {
        Err(AppError::Seed(e)) => {
            assert_eq!(dump(&t.desk), before, "a refused file kept something");
            e
        }
        other => panic!("expected a seed refusal, got {other:?}"),
    }
}

#[test]
fn a_header_inside_a_multi_line_string_stays_in_its_step() {
    let t = TestDesk::new();
    // The header in the string is text of step 2, whose field is refused; not a third step.
    let text = format!(
        "{REGISTER}[[step]]\naction = \"record-injection\"\ncitizen = \"900101-1234567\"\n\
         product = \"EU/1/20/1528\"\ndose = 1\ndate = \"2021-06-01\"\nlot = \"FA1\"\n\
         actor = \"\"\"\n[[step]]\naction = \"issue\"\n\"\"\"\n"
    );
    let e = refused(&t, &text);
    assert_eq!(e.step, Some((2, "record-injection".to_string())), "{e}");
    assert!(e.message.starts_with("actor: "), "{e}");
}

#[test]
fn a_toml_error_late_in_the_file_wins_over_an_earlier_refused_step() {
    let t = TestDesk::new();
    // Step 2 is refused when applied (no such citizen) and step 3 is not TOML: as when the
    // whole file was parsed first, the TOML error is the answer, with the file's line.
    let text = format!(
        "{REGISTER}[[step]]\naction = \"apply\"\ncitizen = \"850202-2345678\"\ndose = 1\n\n\
         [[step]]\naction = = \"apply\"\n"
    );
    let e = refused(&t, &text);
    assert_eq!(e.step, None, "{e}");
    assert!(e.message.starts_with("not valid TOML: "), "{e}");
    assert!(e.message.contains("line 14"), "{e}");
    // And a step not well formed further on wins over a refused one before it.
    let text = format!(
        "{REGISTER}[[step]]\naction = \"apply\"\ncitizen = \"850202-2345678\"\ndose = 1\n\n\
         [[step]]\naction = \"apply\"\ncitizen = \"900101-1234567\"\ndose = \"one\"\n"
    );
    let e = refused(&t, &text);
    assert_eq!(e.step, Some((3, "apply".to_string())), "{e}");
    assert_eq!(e.message, "dose: must be a whole number, not string");
}

#[test]
fn steps_as_an_inline_array_still_apply_and_cannot_be_extended() {
    let t = TestDesk::new();
    let text = "step = [\n  { action = \"register-citizen\", id = \"900101-1234567\", \
                family_name = \"김\", given_name = \"민준\", birth_date = \"1990-01-01\" },\n]\n";
    let outcome = seed::apply_text(&t.desk, "inline.toml", text).unwrap();
    assert!(
        matches!(outcome, SeedOutcome::Applied { steps: 1, .. }),
        "{outcome:?}"
    );
    let t = TestDesk::new();
    let e = refused(&t, &format!("step = []\n{REGISTER}"));
    assert!(e.message.starts_with("not valid TOML: "), "{e}");
    let e = refused(&t, "step = 3\n");
    assert_eq!(e.message, "`step` must be an array of [[step]] tables");
}

#[test]
fn a_long_file_applies_in_one_piece_and_twice_is_already_applied() {
    let t = TestDesk::new();
    let mut text = String::new();
    for i in 0..300 {
        text += &format!(
            "[[step]]\naction = \"register-citizen\"\nid = \"P{i:08}\"\nfamily_name = \"김\"\n\
             given_name = \"민준\"\nbirth_date = \"1990\"\n\n[[step]]\naction = \"record-injection\"\n\
             citizen = \"P{i:08}\"\nproduct = \"EU/1/20/1528\"\ndose = 1\ndate = 2021-06-01\n\
             lot = \"FA1\"\n\n"
        );
    }
    let first = seed::apply_text(&t.desk, "long.toml", &text).unwrap();
    assert_eq!(
        first.describe(),
        "applied 600 steps (300 record-injection, 300 register-citizen)"
    );
    let again = seed::apply_text(&t.desk, "copy.toml", &text).unwrap();
    assert!(
        matches!(again, SeedOutcome::AlreadyApplied { .. }),
        "{again:?}"
    );
}
