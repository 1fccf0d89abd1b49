package dev.attune.models.chat;

import dev.attune.core.learning.ExtractiveSummarizer;
import dev.attune.core.port.UsageMeter;

/**
 * The chat-model parts of Attune for one configuration: an extractor, a consolidation judge and a
 * summarizer sharing one metered, retrying client.
 */
public final class ChatModels {
  private final StructuredChat chat;

  public ChatModels(LlmSettings settings, UsageMeter meter) {
    this(new StructuredChat(settings, meter));
  }

  public ChatModels(StructuredChat chat) {
    this.chat = chat;
  }

  public ChatModelExtractor extractor() {
    return new ChatModelExtractor(chat);
  }

  public ChatModelJudge judge() {
    return new ChatModelJudge(chat);
  }

  public ChatModelSummarizer summarizer() {
    return new ChatModelSummarizer(chat, new ExtractiveSummarizer());
  }
}
