package dev.attune.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code POST /v1/observe}: {@code {user_id, org_id?, session_id?, messages}}. */
public record ObserveBody(
    @Nullable String userId,
    @Nullable String orgId,
    @Nullable String sessionId,
    @Nullable List<MessageBody> messages) {}
