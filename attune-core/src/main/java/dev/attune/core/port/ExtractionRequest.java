package dev.attune.core.port;

import dev.attune.core.model.Episode;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an extractor sees.
 *
 * @param tenant whose data it is
 * @param user whose conversation it is
 * @param userName the user's name from their profile, if known
 * @param messages the newly observed messages, oldest first, all roles (extractors take facts only
 *     from the user's own messages; the others give context)
 */
public record ExtractionRequest(
    TenantId tenant, UserId user, @Nullable String userName, List<Episode> messages) {
  public ExtractionRequest {
    messages = List.copyOf(messages);
  }
}
