package dev.attune.core.internal;

import dev.attune.core.model.AuditEntry;
import dev.attune.core.model.Category;
import dev.attune.core.model.DataPolicy;
import dev.attune.core.model.Detector;
import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.KeyRole;
import dev.attune.core.model.Message;
import dev.attune.core.model.OrgId;
import dev.attune.core.model.OrgProfile;
import dev.attune.core.model.TenantId;
import dev.attune.core.model.UserId;
import dev.attune.core.port.Candidate;
import dev.attune.core.port.MemoryStore;
import dev.attune.core.privacy.InstructionDetector;
import dev.attune.core.privacy.PersonalData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Applies an org's {@link DataPolicy} before anything is stored: redacts personal data from
 * messages, keeps candidates that the policy forbids from becoming memories, and records each
 * decision as an audit entry (counts and reasons only, never the text).
 */
public final class PrivacyGuard {
  /** The key id of audit entries for decisions Attune makes itself. */
  public static final String SYSTEM_ACTOR = "attune";

  private final MemoryStore store;
  private final DataPolicy defaultPolicy;

  public PrivacyGuard(MemoryStore store, DataPolicy defaultPolicy) {
    this.store = store;
    this.defaultPolicy = defaultPolicy;
  }

  /** The policy of the org, or the default one for users without an org (or an unknown org). */
  public DataPolicy policyFor(TenantId tenant, @Nullable OrgId org) {
    if (org == null) {
      return defaultPolicy;
    }
    return store.findOrg(tenant, org).map(OrgProfile::dataPolicy).orElse(defaultPolicy);
  }

  /** Messages with personal data redacted, and the audit entry saying what was redacted. */
  public record RedactedMessages(List<Message> messages, List<AuditEntry> audit) {}

  public RedactedMessages redact(
      UserId user, DataPolicy policy, List<Message> messages, Instant now) {
    Map<Detector, Integer> counts = new EnumMap<>(Detector.class);
    int changed = 0;
    List<Message> out = new ArrayList<>(messages.size());
    for (Message m : messages) {
      PersonalData.Redaction r = PersonalData.redact(m.content(), policy.detectors());
      if (r.changed()) {
        changed++;
        r.counts().forEach((d, n) -> counts.merge(d, n, Integer::sum));
        out.add(m.withContent(r.text()));
      } else {
        out.add(m);
      }
    }
    if (changed == 0) {
      return new RedactedMessages(messages, List.of());
    }
    String target =
        "messages="
            + changed
            + " "
            + counts.entrySet().stream()
                .map(e -> e.getKey().wireName() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    return new RedactedMessages(out, List.of(entry(now, "privacy.redact", user, target)));
  }

  /** Candidates the policy lets become memories, and audit entries for those it keeps out. */
  public record Screened(List<Candidate> kept, List<AuditEntry> audit) {}

  public Screened screen(UserId user, DataPolicy policy, List<Candidate> candidates, Instant now) {
    List<Candidate> kept = new ArrayList<>(candidates.size());
    Map<String, Integer> dropped = new TreeMap<>();
    for (Candidate c : candidates) {
      String reason = refusal(policy, c.text(), c.category());
      if (reason == null) {
        kept.add(c);
      } else {
        dropped.merge(reason, 1, Integer::sum);
      }
    }
    if (dropped.isEmpty()) {
      return new Screened(candidates, List.of());
    }
    List<AuditEntry> audit = new ArrayList<>();
    dropped.forEach(
        (reason, n) -> audit.add(entry(now, "privacy.drop_memory", user, reason + " count=" + n)));
    return new Screened(kept, audit);
  }

  /**
   * Checks a memory a caller adds or edits explicitly.
   *
   * @throws InvalidRequestException naming {@code text} or {@code category} if the policy forbids
   *     it
   */
  public void checkExplicit(DataPolicy policy, String text, Category category) {
    if (!policy.allows(category)) {
      throw new InvalidRequestException(
          "category",
          "category '" + category.wireName() + "' is not allowed by the org's data policy");
    }
    List<PersonalData.Finding> found = PersonalData.find(text, policy.detectors());
    if (!found.isEmpty()) {
      String kinds =
          found.stream()
              .map(f -> f.detector().wireName())
              .distinct()
              .collect(Collectors.joining(", "));
      throw new InvalidRequestException(
          "text",
          "text contains personal data ("
              + kinds
              + "); the data policy keeps it out of memories: remove it or change the org's"
              + " data_policy.detectors");
    }
  }

  /** Why a candidate may not become a memory, or null if it may. */
  private static @Nullable String refusal(DataPolicy policy, String text, Category category) {
    if (!policy.allows(category)) {
      return "category=" + category.wireName() + " blocked";
    }
    if (PersonalData.containsPlaceholder(text)
        || !PersonalData.find(text, policy.detectors()).isEmpty()) {
      return "personal_data";
    }
    if (InstructionDetector.looksLikeInstruction(text)) {
      return "instruction";
    }
    return null;
  }

  private static AuditEntry entry(Instant now, String action, UserId user, String target) {
    return new AuditEntry(now, SYSTEM_ACTOR, KeyRole.SYSTEM, action, user, target, 0);
  }
}
