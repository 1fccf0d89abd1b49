package dev.attune.core.model;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an organization requires of every answer to its users.
 *
 * @param name the organization's name
 * @param industry its industry, e.g. {@code healthcare}
 * @param terminology preferred terms and what they mean
 * @param compliance rules that override conflicting user preferences, one per entry
 * @param tone tone guidelines, one per entry
 * @param dataPolicy what Attune may keep about the org's users; null means {@link
 *     DataPolicy#defaults()}
 */
public record OrgProfile(
    @Nullable String name,
    @Nullable String industry,
    Map<String, String> terminology,
    List<String> compliance,
    List<String> tone,
    DataPolicy dataPolicy) {

  /** The field names accepted by {@link #patch(Map)}, as on the wire. */
  public static final Set<String> FIELDS =
      Set.of("name", "industry", "terminology", "compliance", "tone", "data_policy");

  public OrgProfile {
    name = ProfileValues.text("name", name);
    industry = ProfileValues.text("industry", industry);
    terminology = ProfileValues.map("terminology", terminology);
    compliance = ProfileValues.list("compliance", compliance);
    tone = ProfileValues.list("tone", tone);
    dataPolicy = dataPolicy == null ? DataPolicy.defaults() : dataPolicy;
  }

  /** A profile with the default data policy. */
  public OrgProfile(
      @Nullable String name,
      @Nullable String industry,
      Map<String, String> terminology,
      List<String> compliance,
      List<String> tone) {
    this(name, industry, terminology, compliance, tone, null);
  }

  public OrgProfile withDataPolicy(DataPolicy policy) {
    return new OrgProfile(name, industry, terminology, compliance, tone, policy);
  }

  public static OrgProfile empty() {
    return new OrgProfile(null, null, Map.of(), List.of(), List.of());
  }

  /** Applies a JSON merge patch, as {@link UserProfile#patch(Map)} does. */
  public OrgProfile patch(Map<String, ?> patch) {
    ProfileValues.checkKeys(patch, FIELDS);
    return new OrgProfile(
        ProfileValues.patchText(patch, "name", name),
        ProfileValues.patchText(patch, "industry", industry),
        ProfileValues.patchMap(patch, "terminology", terminology),
        ProfileValues.patchList(patch, "compliance", compliance),
        ProfileValues.patchList(patch, "tone", tone),
        patchPolicy(patch));
  }

  private DataPolicy patchPolicy(Map<String, ?> patch) {
    if (!patch.containsKey("data_policy")) {
      return dataPolicy;
    }
    Object value = patch.get("data_policy");
    if (value == null) {
      return DataPolicy.defaults();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new dev.attune.core.model.InvalidRequestException(
          "data_policy", "data_policy must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, ?> fields = (Map<String, ?>) map;
    return DataPolicy.fromWire(fields);
  }
}
