//! One module per subcommand: its arguments (`Args`) and `execute`.

pub mod ask;
pub mod audit;
pub mod case;
pub mod compare;
pub mod delete;
pub mod draft;
pub mod eval;
pub mod ingest;
pub mod ingest_guidelines;
pub mod migrate;
pub mod search;
pub mod serve;
pub mod similar;
pub mod similar_cases;
pub mod stage;
pub mod stats;
pub mod synth;
pub mod timeline;
pub mod token;
