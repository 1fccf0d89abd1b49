package dev.attune.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.attune.core.model.ApiKey;
import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Episode;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryChange;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.model.UserRecord;
import dev.attune.core.port.AccessStore;
import dev.attune.core.port.EpisodeQuery;
import dev.attune.core.port.MemoryQuery;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.port.UsageRow;
import dev.attune.core.port.UserWrite;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's whole data as JSON Lines, to move it between stores (SQLite and PostgreSQL) without
 * loss: a header line, then per user their record, memories, history and messages; then orgs, API
 * keys (hashes only, as stored), the audit log and model usage. Lines are written in the stores'
 * own orders, so exporting an import gives the same lines back.
 *
 * <p>Not carried: observations still queued (let the service drain them first) and cached state.
 * Importing refuses a tenant that already holds users in the target store (it never merges), and
 * checks the whole file before it writes anything.
 */
public final class TenantArchive {
  static final String FORMAT = "attune-tenant-export";
  static final int VERSION = 1;

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private TenantArchive() {}

  /** What an export wrote or an import read. */
  public record Counts(
      long users,
      long memories,
      long changes,
      long episodes,
      long orgs,
      long keys,
      long auditEntries,
      long usageRows) {
    @Override
    public String toString() {
      return users
          + " users, "
          + memories
          + " memories, "
          + changes
          + " history entries, "
          + episodes
          + " messages, "
          + orgs
          + " orgs, "
          + keys
          + " keys, "
          + auditEntries
          + " audit entries, "
          + usageRows
          + " usage rows";
    }
  }

  /** Writes everything the store holds of {@code tenant}; {@code progress} gets each user done. */
  public static <S extends MemoryStore & AccessStore> Counts export(
      S store, TenantId tenant, Writer out, IntConsumer progress) throws IOException {
    long[] n = new long[8];
    ObjectNode header = JSON.createObjectNode();
    header.put("type", "header").put("format", FORMAT).put("version", VERSION);
    header.put("tenant", tenant.value()).put("exported_at", Instant.now().toString());
    line(out, header);
    int done = 0;
    UserId after = null;
    while (true) {
      List<UserId> page = store.users(tenant, after, 500);
      for (UserId user : page) {
        UserRecord record = store.findUser(tenant, user).orElse(null);
        if (record == null) {
          continue; // forgotten meanwhile
        }
        line(out, "user", "user", record);
        n[0]++;
        for (Memory m : store.memories(tenant, user, MemoryQuery.all())) {
          line(out, "memory", "memory", m);
          n[1]++;
          for (MemoryChange c : store.history(tenant, user, m.id())) {
            line(out, "history", "change", c, user);
            n[2]++;
          }
        }
        for (Episode e : store.episodes(tenant, user, EpisodeQuery.all())) {
          line(out, "episode", "episode", e);
          n[3]++;
        }
        progress.accept(++done);
      }
      if (page.size() < 500) {
        break;
      }
      after = page.get(page.size() - 1);
    }
    for (OrgId org : store.orgs(tenant)) {
      OrgProfile profile = store.findOrg(tenant, org).orElse(null);
      if (profile != null) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "org").put("org_id", org.value());
        o.set("profile", JSON.valueToTree(profile));
        line(out, o);
        n[4]++;
      }
    }
    for (ApiKey k : store.keys(tenant).reversed()) {
      line(out, "key", "key", k);
      n[5]++;
    }
    List<AuditEntry> audit = new ArrayList<>(store.audit(tenant, null, null, Integer.MAX_VALUE));
    Collections.reverse(audit); // oldest first: imported in the order it happened
    for (AuditEntry a : audit) {
      line(out, "audit", "entry", a);
      n[6]++;
    }
    for (UsageRow r : store.usage(tenant, LocalDate.of(1970, 1, 1), LocalDate.of(9999, 12, 31))) {
      line(out, "usage", "row", r);
      n[7]++;
    }
    return new Counts(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
  }

  /** The file's tenant, from its header. */
  public static TenantId tenantOf(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return header(in.readLine());
    }
  }

  /**
   * Imports a file written by {@link #export}: checks every line first, then writes each user's
   * data in one transaction.
   *
   * @throws InvalidRequestException naming the line for a malformed file, or when the tenant
   *     already holds users in {@code store}; nothing is written then
   */
  public static <S extends MemoryStore & AccessStore> Counts importFile(
      S store, Path file, IntConsumer progress) throws IOException {
    TenantId tenant = tenantOf(file);
    if (!store.users(tenant, null, 1).isEmpty()) {
      throw new InvalidRequestException(
          "tenant",
          "tenant '"
              + tenant
              + "' already holds users in the target store; import into an empty tenant");
    }
    read(store, file, tenant, false, progress); // check only
    return read(store, file, tenant, true, progress);
  }

  private static <S extends MemoryStore & AccessStore> Counts read(
      S store, Path file, TenantId tenant, boolean write, IntConsumer progress) throws IOException {
    long[] n = new long[8];
    UserBatch batch = null;
    List<AuditEntry> audit = new ArrayList<>();
    int lineNo = 1;
    int users = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      in.readLine(); // the header, read already
      String text;
      while ((text = in.readLine()) != null) {
        lineNo++;
        if (text.isBlank()) {
          continue;
        }
        JsonNode line = parse(text, lineNo);
        String type = line.path("type").asText();
        try {
          switch (type) {
            case "user" -> {
              if (batch != null && write) {
                batch.write(store, tenant);
                progress.accept(++users);
              }
              batch = new UserBatch(JSON.treeToValue(line.get("user"), UserRecord.class));
              n[0]++;
            }
            case "memory" -> {
              Memory m = JSON.treeToValue(line.get("memory"), Memory.class);
              requireBatch(batch, lineNo, m.user()).memories.add(m);
              n[1]++;
            }
            case "history" -> {
              MemoryChange c = JSON.treeToValue(line.get("change"), MemoryChange.class);
              requireBatch(batch, lineNo, UserId.of(line.path("user_id").asText())).changes.add(c);
              n[2]++;
            }
            case "episode" -> {
              Episode e = JSON.treeToValue(line.get("episode"), Episode.class);
              requireBatch(batch, lineNo, e.user()).episodes.add(e);
              n[3]++;
            }
            case "org" -> {
              if (write) {
                store.putOrg(
                    tenant,
                    OrgId.of(line.path("org_id").asText()),
                    JSON.treeToValue(line.get("profile"), OrgProfile.class));
              } else {
                OrgId.of(line.path("org_id").asText());
                JSON.treeToValue(line.get("profile"), OrgProfile.class);
              }
              n[4]++;
            }
            case "key" -> {
              ApiKey k = JSON.treeToValue(line.get("key"), ApiKey.class);
              if (!k.tenant().equals(tenant)) {
                throw new IllegalArgumentException("the key belongs to tenant " + k.tenant());
              }
              if (write) {
                store.putKey(k);
              }
              n[5]++;
            }
            case "audit" -> {
              audit.add(JSON.treeToValue(line.get("entry"), AuditEntry.class));
              n[6]++;
            }
            case "usage" -> {
              UsageRow r = JSON.treeToValue(line.get("row"), UsageRow.class);
              if (write) {
                store.putUsage(tenant, r);
              }
              n[7]++;
            }
            default -> throw new IllegalArgumentException("unknown line type '" + type + "'");
          }
        } catch (JsonProcessingException | RuntimeException e) {
          if (e instanceof InvalidRequestException ire && ire.field().startsWith("line ")) {
            throw ire;
          }
          throw new InvalidRequestException(
              "line " + lineNo, "line " + lineNo + " (" + type + "): " + message(e));
        }
      }
    }
    if (batch != null && write && !batch.written) {
      batch.write(store, tenant);
      progress.accept(++users);
    }
    if (write && !audit.isEmpty()) {
      store.appendAudit(tenant, audit);
    }
    return new Counts(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
  }

  /** One user's lines, written in one transaction. */
  private static final class UserBatch {
    final UserRecord user;
    final List<Memory> memories = new ArrayList<>();
    final List<MemoryChange> changes = new ArrayList<>();
    final List<Episode> episodes = new ArrayList<>();
    boolean written;

    UserBatch(UserRecord user) {
      this.user = user;
    }

    void write(MemoryStore store, TenantId tenant) {
      if (!written) {
        store.write(
            tenant,
            user.id(),
            new UserWrite(user.updatedAt(), user, episodes, memories, changes, List.of()));
        written = true;
      }
    }
  }

  private static UserBatch requireBatch(@Nullable UserBatch batch, int lineNo, UserId owner) {
    if (batch == null || batch.written || !batch.user.id().equals(owner)) {
      throw new InvalidRequestException(
          "line " + lineNo,
          "line "
              + lineNo
              + " belongs to user '"
              + owner
              + "' but does not follow that user's line");
    }
    return batch;
  }

  private static TenantId header(@Nullable String first) {
    JsonNode h = first == null ? null : parse(first, 1);
    if (h == null
        || !FORMAT.equals(h.path("format").asText())
        || !"header".equals(h.path("type").asText())) {
      throw new InvalidRequestException(
          "line 1", "line 1 is not an Attune export header (format " + FORMAT + ")");
    }
    if (h.path("version").asInt() != VERSION) {
      throw new InvalidRequestException(
          "line 1",
          "export version "
              + h.path("version").asText()
              + " is not supported; expected "
              + VERSION);
    }
    try {
      return TenantId.of(h.path("tenant").asText());
    } catch (RuntimeException e) {
      throw new InvalidRequestException("line 1", "line 1: bad tenant: " + e.getMessage());
    }
  }

  private static JsonNode parse(String text, int lineNo) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(
          "line " + lineNo, "line " + lineNo + " is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String message(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  private static void line(Writer out, String type, String field, Object value) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", type);
    o.set(field, JSON.valueToTree(value));
    line(out, o);
  }

  private static void line(Writer out, String type, String field, Object value, UserId user)
      throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", type).put("user_id", user.value());
    o.set(field, JSON.valueToTree(value));
    line(out, o);
  }

  private static void line(Writer out, JsonNode node) throws IOException {
    out.write(JSON.writeValueAsString(node));
    out.write('\n');
  }
}
