//! The manager's use cases and read models through `app` alone: each change writes its own
//! audit row (or its refusal's) in its transaction, a form's target is checked at the version
//! it was read, opening a citizen's page is recorded and refreshing it is not, and the list's
//! "Latest" column carries the domain's statuses.

mod common;

use common::{TestDesk, administered, details, refused, register, rid};
use vaxdesk::app::manage::{self, NewCitizen, UnlockTarget};
use vaxdesk::app::views::audit_page::AuditPage;
use vaxdesk::app::views::citizen_list::{CitizenListPage, Latest, is_id_search};
use vaxdesk::app::views::citizen_page;
use vaxdesk::app::{Desk, staff_admin};
use vaxdesk::domain::Standing;
use vaxdesk::domain::{ApplicationStatus, BirthDate, InjectionStatus, Rule, StaffName, StaffRole};

const MANAGER: &str = "manager:park";

/// (actor, action, result) of every audit row, oldest first.
fn audit(desk: &Desk) -> Vec<(String, String, String)> {
    let mut page = AuditPage::open(desk).unwrap();
    page.set_height(1000);
    page.reload(desk).unwrap();
    let mut rows: Vec<_> = page
        .rows()
        .iter()
        .map(|i| {
            (
                i.row.actor.clone(),
                i.row.action.clone(),
                i.row.result.clone(),
            )
        })
        .collect();
    rows.reverse();
    rows
}

fn new_citizen(id: &str) -> NewCitizen {
    let mut d = details("Kim", "Minsu");
    d.birth_date = BirthDate::Year(1990);
    NewCitizen {
        id: rid(id),
        details: d,
    }
}

#[test]
fn registering_writes_its_audit_row_and_a_refusal_writes_its_own() {
    let td = TestDesk::new();
    let desk = &td.desk;
    let id = manage::register_citizen(desk, MANAGER, new_citizen("900101-1234567")).unwrap();
    let page = citizen_page::refresh(desk, id)
        .unwrap()
        .expect("registered");
    assert_eq!(page.citizen.masked_id, "900101-1******");
    let again = manage::register_citizen(desk, MANAGER, new_citizen("900101-1234567"));
    refused(again, Rule::AlreadyExists);
    let rows = audit(desk);
    let mine: Vec<_> = rows.iter().filter(|r| r.0 == MANAGER).collect();
    assert_eq!(mine.len(), 2, "{rows:?}");
    assert_eq!(mine[0].1, "register citizen");
    assert_eq!(mine[0].2, "ok");
    assert_eq!(mine[1].1, "register citizen");
    assert!(mine[1].2.starts_with("refused:"), "{rows:?}");
}

#[test]
fn a_correction_from_a_form_read_before_another_change_is_refused_and_changes_nothing() {
    let td = TestDesk::new();
    let desk = &td.desk;
    let c = register(desk, "900101-1234567", "Kim", "Minsu");
    manage::record_injection(desk, MANAGER, &c, administered(1, 2, "2021-06-01")).unwrap();
    let shown = citizen_page::refresh(desk, c.id)
        .unwrap()
        .unwrap()
        .injections[0]
        .clone();
    // Another desk corrects the dose first.
    let mut other = shown.details.clone();
    other.lot = Some("OTHER1".into());
    manage::correct_injection(desk, "manager:choi", &shown, other).unwrap();
    let mut mine = shown.details.clone();
    mine.lot = Some("MINE1".into());
    let r = manage::correct_injection(desk, MANAGER, &shown, mine);
    refused(r, Rule::Stale);
    let void = manage::void_injection(desk, MANAGER, &shown, "wrong person");
    refused(void, Rule::Stale);
    let now = citizen_page::refresh(desk, c.id)
        .unwrap()
        .unwrap()
        .injections[0]
        .clone();
    assert_eq!(now.details.lot.as_deref(), Some("OTHER1"));
    assert_eq!(now.details.status, InjectionStatus::Administered);
}

#[test]
fn opening_a_citizen_is_recorded_and_refreshing_is_not() {
    let td = TestDesk::new();
    let desk = &td.desk;
    let c = register(desk, "900101-1234567", "Kim", "Minsu");
    let views = |d: &Desk| audit(d).iter().filter(|r| r.1 == "view citizen").count();
    assert!(citizen_page::open(desk, MANAGER, c.id).unwrap().is_some());
    assert_eq!(views(desk), 1);
    citizen_page::refresh(desk, c.id).unwrap().unwrap();
    assert_eq!(views(desk), 1);
    // Nobody to show: nothing recorded.
    assert!(
        citizen_page::open(desk, MANAGER, c.id + 99)
            .unwrap()
            .is_none()
    );
    assert_eq!(views(desk), 1);
}

#[test]
fn an_unlock_names_an_account_first_then_an_id_or_nothing() {
    let td = TestDesk::new();
    let desk = &td.desk;
    let name = StaffName::parse("name", "choi").unwrap();
    staff_admin::add(
        desk,
        "admin",
        &name,
        StaffRole::Issuer,
        "a long enough passphrase",
    )
    .unwrap();
    assert_eq!(
        manage::unlock_target(desk, "choi"),
        Some(UnlockTarget::Staff(name.clone()))
    );
    assert_eq!(
        manage::unlock_target(desk, "900101-1234567"),
        Some(UnlockTarget::Kiosk(rid("900101-1234567")))
    );
    assert_eq!(manage::unlock_target(desk, "?"), None);
    // Nothing was locked: said so, and recorded under the manager.
    assert!(!manage::unlock(desk, MANAGER, &UnlockTarget::Staff(name)).unwrap());
    assert!(
        audit(desk)
            .iter()
            .any(|r| r.0 == MANAGER && r.1 == "staff unlock")
    );
}

#[test]
fn the_list_says_the_latest_record_with_the_domain_statuses() {
    let td = TestDesk::new();
    let desk = &td.desk;
    let kim = register(desk, "900101-1234567", "Kim", "Minsu");
    register(desk, "720704-1456789", "Park", "Jihun");
    manage::record_injection(desk, MANAGER, &kim, administered(1, 2, "2021-06-01")).unwrap();
    let mut page = CitizenListPage::default();
    page.reload(desk).unwrap();
    let latest = |p: &CitizenListPage, name: &str| {
        p.rows()
            .iter()
            .find(|r| r.name.starts_with(name))
            .map(|r| r.latest)
    };
    assert_eq!(page.total(), 2);
    assert_eq!(
        latest(&page, "Kim"),
        Some(Latest::Injection(InjectionStatus::Administered))
    );
    assert_eq!(latest(&page, "Park"), Some(Latest::Nothing));
    let inj = citizen_page::refresh(desk, kim.id)
        .unwrap()
        .unwrap()
        .injections[0]
        .clone();
    common::apply(desk, &kim, &inj);
    page.reload(desk).unwrap();
    let state = Standing::Application(ApplicationStatus::Applied);
    assert_eq!(latest(&page, "Kim"), Some(Latest::Application(state)));
    assert_eq!(state.as_str(), "APPLIED");
    // A whole id finds its one citizen; a name prefix finds by name.
    assert!(is_id_search("900101-1234567") && !is_id_search("Kim"));
    page.search(desk, "900101-1234567").unwrap();
    assert_eq!(page.rows().len(), 1);
    assert_eq!(page.rows()[0].id, kim.id);
    page.search(desk, "par").unwrap();
    assert_eq!(page.rows().len(), 1);
    assert!(page.rows()[0].name.starts_with("Park"), "{:?}", page.rows());
}
