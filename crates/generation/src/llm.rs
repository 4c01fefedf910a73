//! The LLM drafter: any OpenAI-compatible chat-completions endpoint, streaming.

use crate::prompt::build_messages;
use crate::text::SentenceSplitter;
use crate::{DraftContext, Drafter, DrafterError, ProposeFuture};
use async_openai::config::OpenAIConfig;
use async_openai::types::chat::{
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, FinishReason,
};
use async_openai::Client;
use futures::StreamExt;
use priors_core::config::LlmConfig;
use std::time::Duration;

/// Drafts with an LLM; sentences are emitted as they complete in the token stream.
pub struct LlmDrafter {
    client: Client<OpenAIConfig>,
    config: LlmConfig,
}

impl std::fmt::Debug for LlmDrafter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmDrafter")
            .field("base_url", &self.config.base_url)
            .field("model", &self.config.model)
            .finish_non_exhaustive()
    }
}

impl LlmDrafter {
    /// A drafter for the endpoint in `config` (`[llm]`; `base_url` must not be empty).
    pub fn new(config: LlmConfig) -> Self {
        let api = OpenAIConfig::new()
            .with_api_base(config.base_url.trim_end_matches('/'))
            .with_api_key(config.api_key.clone());
        LlmDrafter {
            client: Client::with_config(api),
            config,
        }
    }

    /// The settings.
    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// Upper bound of one draft's generation (`llm.timeout_ms`).
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.config.timeout_ms)
    }

    async fn run(
        &self,
        ctx: &DraftContext,
        out: tokio::sync::mpsc::UnboundedSender<String>,
    ) -> Result<(), DrafterError> {
        let m = build_messages(ctx);
        // `seed` and `max_tokens` are deprecated in OpenAI's own API but are what llama.cpp's
        // server reads (it ignores `max_completion_tokens`); `seed` makes drafts reproducible.
        #[allow(deprecated)]
        let request = CreateChatCompletionRequest {
            model: self.config.model.clone(),
            messages: vec![
                ChatCompletionRequestSystemMessage::from(m.system.as_str()).into(),
                ChatCompletionRequestUserMessage::from(m.user.as_str()).into(),
            ],
            max_completion_tokens: Some(self.config.max_tokens),
            max_tokens: Some(self.config.max_tokens),
            temperature: Some(self.config.temperature),
            seed: (self.config.seed >= 0).then_some(self.config.seed),
            stream: Some(true),
            ..Default::default()
        };
        let fail = |e: async_openai::error::OpenAIError| DrafterError::Failed(e.to_string());
        let mut stream = self
            .client
            .chat()
            .create_stream(request)
            .await
            .map_err(fail)?;
        let mut splitter = SentenceSplitter::default();
        let mut finish: Option<FinishReason> = None;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(fail)?;
            for choice in chunk.choices {
                if let Some(delta) = choice.delta.content {
                    for s in splitter.push(&delta) {
                        if out.send(s).is_err() {
                            return Ok(()); // nobody listens any more
                        }
                    }
                }
                if let Some(r) = choice.finish_reason {
                    finish = Some(r);
                }
            }
        }
        match finish {
            None => {
                return Err(DrafterError::Failed(
                    "the LLM stream ended without a finish reason".into(),
                ))
            }
            // An unfinished tail is only proposed when the model stopped by itself; a tail
            // cut by the token limit is dropped (it may end mid-claim).
            Some(FinishReason::Stop) => {
                if let Some(tail) = splitter.finish() {
                    let _ = out.send(tail);
                }
            }
            Some(_) => {}
        }
        Ok(())
    }
}

impl Drafter for LlmDrafter {
    fn name(&self) -> &'static str {
        "llm"
    }

    fn propose<'a>(
        &'a self,
        ctx: &'a DraftContext,
        out: tokio::sync::mpsc::UnboundedSender<String>,
    ) -> ProposeFuture<'a> {
        Box::pin(self.run(ctx, out))
    }
}
