//! What the articles and the symptom checker both speak of: page addresses (`Slug`) and the
//! named lists of warning signs. A leaf under `content` and `triage`, so neither imports the
//! other: triage writes the lists (`triage::warning_boxes`), content shows them, and start-up
//! hands them from one to the other (`LoadOptions::lists`).

pub mod lists;
pub mod slug;

pub use lists::{ListGroup, NamedList, NamedLists};
pub use slug::{InvalidSlug, Slug};
