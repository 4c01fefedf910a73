//! What the lung and lymphoma modules share, so that neither imports the other (nor `answer`):
//!
//! - the [`spelled_enum!`] macro for categories that serialise as their spelling, [`Side`] and
//!   the scan [`Timepoint`];
//! - `grounds`: [`Category`], [`Evidence`], [`Missing`] and [`Grounds`], which the rules fill
//!   and `answer` moves into a `StagingAnswer`;
//! - `timing`: reading the timepoint from text ([`timepoint`], [`treatment_given`]), which the
//!   lymphoma extractor records and the lung extractor uses to recognise a post-treatment scan.

use serde::{Deserialize, Serialize};

mod grounds;
mod timing;

pub(crate) use grounds::Grounds;
pub use grounds::{Category, Evidence, Missing};
pub use timing::Timepoint;
pub(crate) use timing::{timepoint, treatment_given};

macro_rules! spelled_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v,)*
        }
        impl $name {
            /// The spelling used in answers.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s,)* }
            }
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use spelled_enum;

/// Right or left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Right.
    Right,
    /// Left.
    Left,
}

impl Side {
    /// `right` / `left`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Right => "right",
            Side::Left => "left",
        }
    }
}
