package dev.attune.core.api;

import dev.attune.core.model.Ids;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Limits;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.Role;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Messages to observe. Build with {@link #builder(TenantId, UserId)}; construction validates every
 * value once, naming the field as the HTTP API does ({@code messages[3].content}), so nothing
 * invalid gets further.
 *
 * @param tenant whose data
 * @param user whose conversation
 * @param org the org the user belongs to; null leaves membership as it is
 * @param sessionId the conversation session, if any (an id)
 * @param messages 1..{@link Limits#MAX_MESSAGES_PER_OBSERVE} messages, each non-blank and at most
 *     {@link Limits#MAX_MESSAGE_CHARS} characters, with distinct ids where given
 * @param actor who sent them, for the record of queued observations (default {@code api})
 */
public record ObserveRequest(
    TenantId tenant,
    UserId user,
    @Nullable OrgId org,
    @Nullable String sessionId,
    List<Message> messages,
    String actor) {

  public ObserveRequest {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(actor, "actor");
    Ids.checkOptional("session_id", sessionId);
    messages = checked(messages);
  }

  private static List<Message> checked(@Nullable List<Message> messages) {
    if (messages == null || messages.isEmpty()) {
      throw new InvalidRequestException("messages", "messages must not be empty");
    }
    if (messages.size() > Limits.MAX_MESSAGES_PER_OBSERVE) {
      throw new InvalidRequestException(
          "messages",
          "messages has "
              + messages.size()
              + " entries; at most "
              + Limits.MAX_MESSAGES_PER_OBSERVE
              + " per call");
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      Message m = messages.get(i);
      String field = "messages[" + i + "]";
      if (m == null) {
        throw new InvalidRequestException(field, field + " must not be null");
      }
      if (m.content().isBlank()) {
        throw new InvalidRequestException(field + ".content", field + ".content must not be empty");
      }
      if (m.content().length() > Limits.MAX_MESSAGE_CHARS) {
        throw new InvalidRequestException(
            field + ".content",
            field
                + ".content is "
                + m.content().length()
                + " characters; at most "
                + Limits.MAX_MESSAGE_CHARS);
      }
      if (m.id() != null) {
        Ids.check(field + ".id", m.id());
        if (!ids.add(m.id())) {
          throw new InvalidRequestException(
              field + ".id", field + ".id '" + m.id() + "' appears twice in this call");
        }
      }
      if (m.name() != null && (m.name().isBlank() || m.name().length() > Limits.MAX_NAME_CHARS)) {
        throw new InvalidRequestException(
            field + ".name", field + ".name must be 1-" + Limits.MAX_NAME_CHARS + " characters");
      }
      if (m.name() != null && !Limits.isPrintable(m.name())) {
        // A name is stored as it is (PostgreSQL refuses a NUL in text) and shown in packs.
        throw new InvalidRequestException(
            field + ".name",
            field + ".name must not contain control characters or a broken surrogate pair");
      }
      if (m.contextId() != null) {
        Ids.check(field + ".context_id", m.contextId());
        if (m.role() != Role.ASSISTANT) {
          throw new InvalidRequestException(
              field + ".context_id",
              field
                  + ".context_id names the pack an assistant's reply was written with; this"
                  + " message's role is "
                  + m.role().wireName());
        }
      }
    }
    return List.copyOf(messages);
  }

  public static Builder builder(TenantId tenant, UserId user) {
    return new Builder(tenant, user);
  }

  /** Builds an {@link ObserveRequest}; messages are required, the rest optional. */
  public static final class Builder {
    private final TenantId tenant;
    private final UserId user;
    private @Nullable OrgId org;
    private @Nullable String sessionId;
    private List<Message> messages = List.of();
    private String actor = "api";

    private Builder(TenantId tenant, UserId user) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      this.user = Objects.requireNonNull(user, "user");
    }

    public Builder org(@Nullable OrgId org) {
      this.org = org;
      return this;
    }

    public Builder sessionId(@Nullable String sessionId) {
      this.sessionId = sessionId;
      return this;
    }

    public Builder messages(List<Message> messages) {
      this.messages = messages;
      return this;
    }

    public Builder actor(String actor) {
      this.actor = Objects.requireNonNull(actor, "actor");
      return this;
    }

    /**
     * @throws InvalidRequestException naming the field when a value is invalid
     */
    public ObserveRequest build() {
      return new ObserveRequest(tenant, user, org, sessionId, messages, actor);
    }
  }
}
