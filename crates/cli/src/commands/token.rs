//! `priors token hash SECRET` / `priors token new`: credentials for `[[server.tokens]]`.

use crate::Ctx;
use anyhow::{anyhow, Result};
use priors_core::config::Scope;
use std::process::ExitCode;

/// `priors token …`
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Print the salted hash of SECRET for the `hash` key of a `[[server.tokens]]` entry.
    Hash {
        /// The secret callers will send as `authorization: Bearer SECRET` (at least 16
        /// characters; prefer `priors token new`).
        secret: String,
    },
    /// Make a random secret and print it with its `[[server.tokens]]` entry.
    New {
        /// The caller's name (audit log, rate limits).
        #[arg(long)]
        name: String,
        /// Scopes, comma-separated: read, draft, write, admin.
        #[arg(long, value_delimiter = ',', default_value = "read")]
        scopes: Vec<String>,
    },
}

impl TokenCommand {
    /// Print what was asked.
    pub fn execute(self, ctx: &Ctx) -> Result<ExitCode> {
        match self {
            TokenCommand::Hash { secret } => {
                let hash = priors_server::auth::hash_token(&secret).map_err(|e| anyhow!(e))?;
                ctx.out
                    .print(&serde_json::json!({ "hash": hash }), || println!("{hash}"))?;
            }
            TokenCommand::New { name, scopes } => {
                let scopes = scopes
                    .iter()
                    .map(|s| {
                        Scope::ALL
                            .into_iter()
                            .find(|x| x.as_str() == s.trim())
                            .ok_or_else(|| {
                                anyhow!("--scopes {s}: expected read, draft, write or admin")
                            })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let secret = priors_server::auth::new_secret();
                let hash = priors_server::auth::hash_token(&secret).map_err(|e| anyhow!(e))?;
                let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
                let value = serde_json::json!({
                    "name": name, "secret": secret, "hash": hash, "scopes": names,
                });
                ctx.out.print(&value, || {
                    println!("secret (give it to the caller; it is not stored anywhere): {secret}");
                    println!();
                    println!("[[server.tokens]]");
                    println!("name = {name:?}");
                    println!("hash = {hash:?}");
                    println!("scopes = {names:?}");
                })?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
