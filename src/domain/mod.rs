//! The domain: types, rules and events of the clinic, with no I/O.
//!
//! Everything here can be tested without a database or a terminal. A refusal is a
//! [`Refusal`] naming the rule and the field it concerns.

pub mod application;
pub mod catalogue;
pub mod citizen;
pub mod clock;
pub mod event;
pub mod icao;
pub mod injection;
pub mod issuance;
pub mod refusal;
pub mod staff;
pub mod text;

pub use application::{ApplicationStatus, Standing};
pub use catalogue::{Catalogue, Product};
pub use citizen::{BirthDate, CitizenDetails, ResidentId};
pub use clock::{Clock, FixedClock, SystemClock};
pub use event::Event;
pub use injection::{InjectionDetails, InjectionStatus};
pub use issuance::{RequestStatus, Uvci};
pub use refusal::{Refusal, Rule};
pub use staff::{StaffName, StaffRole};
