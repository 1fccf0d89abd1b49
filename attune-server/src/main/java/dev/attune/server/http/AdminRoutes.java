package dev.attune.server.http;

import dev.attune.api.AuditBody;
import dev.attune.api.KeyBody;
import dev.attune.api.OrgBody;
import dev.attune.api.UsageBody;
import dev.attune.core.Attune;
import dev.attune.core.api.ExtractionBacklog;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.NotFoundException;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.AccessStore;
import dev.attune.core.port.UsageRow;
import dev.attune.server.ServerConfig;
import dev.attune.server.wire.Wire;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A tenant's administration: org profiles, the audit log, model usage, keys and user tokens. */
final class AdminRoutes {
  /** The longest range {@code GET /v1/usage} reads, in days. */
  static final int MAX_USAGE_DAYS = 366;

  /** The longest life of a user token, in seconds. */
  static final int MAX_USER_TOKEN_SECONDS = 86_400;

  private final Attune attune;
  private final AccessStore access;
  private final Keys keys;
  private final AuditRecorder audit;
  private final ServerConfig config;
  private final InstantSource clock;

  AdminRoutes(
      Attune attune,
      AccessStore access,
      Keys keys,
      AuditRecorder audit,
      ServerConfig config,
      InstantSource clock) {
    this.attune = attune;
    this.access = access;
    this.keys = keys;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
  }

  void declare(Routes r) {
    r.add("GET", "/v1/orgs/{org_id}", Operation.READ_ORG, this::getOrg);
    r.add("PUT", "/v1/orgs/{org_id}", Operation.ADMINISTER, this::putOrg);
    r.add("DELETE", "/v1/orgs/{org_id}", Operation.ADMINISTER, this::deleteOrg);
    r.add("GET", "/v1/audit", Operation.ADMINISTER, this::audit);
    r.add("GET", "/v1/usage", Operation.ADMINISTER, this::usage);
    r.add("GET", "/v1/keys", Operation.ADMINISTER, this::listKeys);
    r.add("POST", "/v1/keys", Operation.ADMINISTER, this::createKey);
    r.add("DELETE", "/v1/keys/{key_id}", Operation.ADMINISTER, this::revokeKey);
    r.add("POST", "/v1/user-tokens", Operation.ADMINISTER, this::createUserToken);
  }

  private OrgId orgId(Call call) {
    OrgId org = OrgId.of(call.ctx().pathParam("org_id"));
    call.auditTarget(org.value());
    return org;
  }

  private void getOrg(Call call) {
    OrgId org = orgId(call);
    call.json(
        200,
        Wire.org(
            org,
            attune
                .org(call.tenant(), org)
                .orElseThrow(() -> new NotFoundException("org '" + org + "' not found"))));
  }

  private void putOrg(Call call) {
    OrgId org = orgId(call);
    OrgBody body = call.read(OrgBody.class);
    if (body.orgId() != null && !body.orgId().equals(org.value())) {
      throw new InvalidRequestException(
          "org_id",
          "org_id in the body ('" + body.orgId() + "') differs from the path ('" + org + "')");
    }
    call.json(200, Wire.org(org, attune.putOrg(call.tenant(), org, Wire.orgProfile(body))));
  }

  private void deleteOrg(Call call) {
    OrgId org = orgId(call);
    if (!attune.deleteOrg(call.tenant(), org)) {
      throw new NotFoundException("org '" + org + "' not found");
    }
    call.noContent();
  }

  private void audit(Call call) {
    audit.flush();
    String user = call.query("user_id");
    List<AuditEntry> entries =
        access.audit(
            call.tenant(),
            user == null ? null : UserId.of(user),
            Wire.instant("before", call.query("before")),
            call.intQuery("limit", 100, 1, 1000));
    call.json(200, new AuditBody.Page(entries.stream().map(AdminRoutes::auditBody).toList()));
  }

  private void usage(Call call) {
    TenantId tenant = call.tenant();
    LocalDate to =
        day("to", call.query("to"), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    LocalDate from = day("from", call.query("from"), to.minusDays(29));
    if (from.isAfter(to)) {
      throw new InvalidRequestException("from", "from (" + from + ") is after to (" + to + ")");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_USAGE_DAYS) {
      throw new InvalidRequestException(
          "from", "the range may span at most " + MAX_USAGE_DAYS + " days");
    }
    List<UsageRow> rows = access.usage(tenant, from, to);
    ExtractionBacklog backlog = attune.extractionBacklog(tenant);
    call.json(
        200,
        new UsageBody(
            from.toString(),
            to.toString(),
            config.llm().enabled() ? config.llm().id() : null,
            new UsageBody.Totals(
                rows.stream().mapToLong(UsageRow::calls).sum(),
                rows.stream().mapToLong(UsageRow::failures).sum(),
                rows.stream().mapToLong(UsageRow::inputTokens).sum(),
                rows.stream().mapToLong(UsageRow::outputTokens).sum(),
                rows.stream().mapToLong(UsageRow::latencyMillis).sum()),
            rows.stream()
                .map(
                    r ->
                        new UsageBody.Day(
                            r.day().toString(),
                            r.operation(),
                            r.model(),
                            r.calls(),
                            r.failures(),
                            r.inputTokens(),
                            r.outputTokens(),
                            r.latencyMillis()))
                .toList(),
            new UsageBody.Backlog(backlog.awaiting(), backlog.failedAtLeastOnce())));
  }

  private static LocalDate day(String field, @Nullable String value, LocalDate otherwise) {
    if (value == null || value.isBlank()) {
      return otherwise;
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          field, field + " must be a day as yyyy-mm-dd; got '" + value + "'");
    }
  }

  private static AuditBody auditBody(AuditEntry e) {
    return new AuditBody(
        e.at(),
        Door.of(e).wireName(),
        e.keyId(),
        e.role().wireName(),
        e.action(),
        e.user() == null ? null : e.user().value(),
        e.target(),
        e.status());
  }

  private void listKeys(Call call) {
    call.json(
        200,
        new KeyBody.Page(access.keys(call.tenant()).stream().map(AdminRoutes::keyBody).toList()));
  }

  static KeyBody keyBody(ApiKey k) {
    return new KeyBody(
        k.id(),
        k.role().wireName(),
        k.label(),
        k.user() == null ? null : k.user().value(),
        k.createdAt(),
        k.expiresAt(),
        k.revokedAt());
  }

  private void createKey(Call call) {
    KeyBody.Create c = call.read(KeyBody.Create.class);
    KeyRole role;
    if ("admin".equalsIgnoreCase(String.valueOf(c.role()))) {
      role = KeyRole.ADMIN;
    } else if ("service".equalsIgnoreCase(String.valueOf(c.role()))) {
      role = KeyRole.SERVICE;
    } else {
      throw new InvalidRequestException(
          "role", "role must be admin or service; got '" + c.role() + "'");
    }
    Keys.Minted minted = keys.create(call.tenant(), role, c.label(), null, null);
    call.auditTarget(minted.key().id());
    call.json(201, new KeyBody.Created(keyBody(minted.key()), minted.secret()));
  }

  private void revokeKey(Call call) {
    String id = call.auditTarget(call.ctx().pathParam("key_id"));
    if (!keys.revoke(call.tenant(), id)) {
      throw new NotFoundException("key '" + id + "' not found (or already revoked)");
    }
    call.noContent();
  }

  private void createUserToken(Call call) {
    KeyBody.UserToken t = call.read(KeyBody.UserToken.class);
    UserId user = call.forUser(UserId.of(t.userId()));
    int ttl = t.ttlSeconds() == null ? config.userTokenTtlSeconds() : t.ttlSeconds();
    if (ttl < 1 || ttl > MAX_USER_TOKEN_SECONDS) {
      throw new InvalidRequestException(
          "ttl_seconds",
          "ttl_seconds must be within 1.." + MAX_USER_TOKEN_SECONDS + "; got " + ttl);
    }
    Keys.Minted minted =
        keys.create(call.tenant(), KeyRole.USER, null, user, Duration.ofSeconds(ttl));
    call.auditTarget(minted.key().id());
    call.json(201, new KeyBody.Created(keyBody(minted.key()), minted.secret()));
  }
}
