//! What the staff sign-in shows before anyone signs in.

use crate::app::Desk;

/// The database's path when it has no staff account yet (the sign-in then says how to create
/// one); `None` when it has accounts or cannot tell.
pub fn without_staff(desk: &Desk) -> Option<String> {
    crate::app::store::staff::count(desk.conn())
        .is_ok_and(|n| n == 0)
        .then(|| desk.conn().path().unwrap_or_default().to_string())
}
