//! `priors`: prior-report lookup for oncologic PET/CT. The commands live in `priors_cli`;
//! this only sets up logging, parses the arguments and turns the outcome into an exit status.
//!
//! Exit status: 0 on success; 1 when the command failed as a whole (bad configuration, missing
//! assets, unreadable input path, engine failure); 3 when it ran but some records failed or some
//! ids were unknown (details in the output).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    priors_cli::init_tracing();
    let cli = priors_cli::Cli::parse();
    match cli.run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
