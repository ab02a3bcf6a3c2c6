//! Fault injection for tests of rules 5 and 6 (application accepted while issuance fails).
//!
//! Compiled in only with the `fault-injection` feature; a normal build cannot be made to fail.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Which subscribers are made to fail. Cheap to clone; clones share the switch.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    issuance: Arc<AtomicBool>,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Faults::default()
    }

    /// Reads `VAXDESK_FAULTS` (a comma-separated list; `issuance` is known).
    #[cfg(feature = "fault-injection")]
    pub fn from_env() -> Self {
        let f = Faults::none();
        if let Ok(v) = std::env::var("VAXDESK_FAULTS") {
            f.set_issuance(v.split(',').any(|s| s.trim() == "issuance"));
        }
        f
    }

    /// Without the feature the environment is ignored.
    #[cfg(not(feature = "fault-injection"))]
    pub fn from_env() -> Self {
        Faults::none()
    }

    /// Turns the issuance fault on or off (tests only).
    #[cfg(feature = "fault-injection")]
    pub fn set_issuance(&self, failing: bool) {
        self.issuance.store(failing, Ordering::SeqCst);
    }

    /// True when the issuance subscriber must fail.
    pub fn issuance(&self) -> bool {
        cfg!(feature = "fault-injection") && self.issuance.load(Ordering::SeqCst)
    }
}
