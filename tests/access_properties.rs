//! Property tests for sign-ins: whatever is typed into the staff or the kiosk sign-in, the
//! answer is a refusal that names nothing (never a panic), and nothing typed reaches the
//! database unless it is an account's name.

mod common;

use common::*;
use proptest::prelude::*;
use vaxdesk::app::access::{self, SignInError};
use vaxdesk::app::staff_admin;
use vaxdesk::domain::{ResidentId, StaffName, StaffRole};

/// The rows a step added anywhere in the database, as one string.
fn added(before: &[String], after: &[String]) -> String {
    after
        .iter()
        .filter(|r| !before.contains(r))
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every row of every table, the audit log and the throttle included.
fn dump_all(desk: &vaxdesk::app::Desk) -> Vec<String> {
    let tables: Vec<String> = desk
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.iter().flat_map(|t| rows(desk, t)).collect()
}

proptest! {
    // Each case verifies an Argon2id hash (about 20 ms): fewer cases than the parsers get.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_staff_sign_in_text_is_refused_plainly_and_not_stored(
        name in "[a-z0-9.\\-_가-힣 ]{0,24}|\\PC{0,40}",
        pass in "\\PC{0,40}",
    ) {
        let t = TestDesk::new();
        let account = StaffName::parse("name", "nurse.kim").unwrap();
        staff_admin::add(&t.desk, "admin:test", &account, StaffRole::Manager, "the right one")
            .unwrap();
        prop_assume!(pass != "the right one");
        let before = dump_all(&t.desk);
        let r = access::sign_in_staff(&t.desk, &name, &pass, StaffRole::Manager);
        prop_assert!(
            matches!(r, Err(SignInError::NoMatch)),
            "a wrong sign-in is 'no match', nothing else: {r:?}"
        );
        let stored = added(&before, &dump_all(&t.desk));
        prop_assert!(!stored.is_empty(), "the attempt is on record");
        // Who tried is the account's name, or else a keyed pseudonym: never what was typed.
        let (actor, subject): (String, String) = t
            .desk
            .conn()
            .query_row(
                "SELECT (SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1),
                        (SELECT group_concat(subject) FROM sign_in_throttle)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let is_account = StaffName::parse("name", &name).is_ok_and(|n| n.as_str() == "nurse.kim");
        if !is_account {
            prop_assert!(actor.starts_with("unknown:") && actor.len() == 24, "{actor:?}");
            prop_assert_eq!(subject, format!("staff:{actor}"));
        }
        if pass.chars().count() >= 8 {
            prop_assert!(!stored.contains(&pass), "the typed passphrase was stored");
        }
    }

    #[test]
    fn any_kiosk_id_is_refused_the_same_way_and_not_stored(
        digits in "[0-9]{13}",
        birth in "\\PC{0,12}",
    ) {
        let t = TestDesk::new();
        register(&t.desk, "900101-1234567", "김", "민준");
        let id = ResidentId::parse("id", &digits).unwrap();
        prop_assume!(id.as_str() != "900101-1234567");
        let before = dump_all(&t.desk);
        let r = access::sign_in_citizen(&t.desk, &id, &birth);
        prop_assert!(matches!(r, Err(SignInError::NoMatch)), "{r:?}");
        let stored = added(&before, &dump_all(&t.desk));
        prop_assert!(!stored.is_empty(), "the attempt is on record");
        let hyphenated = format!("{}-{}", &digits[..6], &digits[6..]);
        prop_assert!(!stored.contains(&hyphenated) && !stored.contains(&digits));
    }
}
