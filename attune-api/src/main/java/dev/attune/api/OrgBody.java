package dev.attune.api;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** An org profile; on {@code PUT /v1/orgs/{org_id}} every field is optional. */
public record OrgBody(
    @Nullable String orgId,
    @Nullable String name,
    @Nullable String industry,
    @Nullable Map<String, String> terminology,
    @Nullable List<String> compliance,
    @Nullable List<String> tone,
    @Nullable DataPolicyBody dataPolicy) {

  /** An org profile with the default data policy. */
  public OrgBody(
      @Nullable String orgId,
      @Nullable String name,
      @Nullable String industry,
      @Nullable Map<String, String> terminology,
      @Nullable List<String> compliance,
      @Nullable List<String> tone) {
    this(orgId, name, industry, terminology, compliance, tone, null);
  }
}
