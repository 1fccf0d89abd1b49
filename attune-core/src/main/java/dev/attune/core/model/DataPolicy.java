package dev.attune.core.model;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What an organization lets Attune keep about its users. The default keeps every category and
 * applies every detector: personal data is redacted from stored messages and never becomes a
 * memory.
 *
 * @param allowedCategories the only categories memories may have; empty allows every category
 * @param blockedCategories categories memories may never have (checked after {@code allowed})
 * @param detectors the kinds of personal data redacted before anything is stored
 */
public record DataPolicy(
    Set<Category> allowedCategories, Set<Category> blockedCategories, Set<Detector> detectors) {

  /** The field names of a policy on the wire. */
  public static final Set<String> FIELDS =
      new TreeSet<>(List.of("allowed_categories", "blocked_categories", "detectors"));

  private static final DataPolicy DEFAULTS =
      new DataPolicy(Set.of(), Set.of(), EnumSet.allOf(Detector.class));

  public DataPolicy {
    allowedCategories = allowedCategories == null ? Set.of() : Set.copyOf(allowedCategories);
    blockedCategories = blockedCategories == null ? Set.of() : Set.copyOf(blockedCategories);
    detectors = detectors == null ? Set.copyOf(DEFAULTS.detectors()) : Set.copyOf(detectors);
    for (Category c : blockedCategories) {
      if (allowedCategories.contains(c)) {
        throw new InvalidRequestException(
            "data_policy.blocked_categories",
            "data_policy: category '"
                + c.wireName()
                + "' is both allowed and blocked; list it in one of the two");
      }
    }
  }

  /** Every category kept, every detector applied. */
  public static DataPolicy defaults() {
    return DEFAULTS;
  }

  /** True if memories of this category may be stored. */
  public boolean allows(Category category) {
    return (allowedCategories.isEmpty() || allowedCategories.contains(category))
        && !blockedCategories.contains(category);
  }

  /**
   * Reads a policy from its wire form (lists of lower-case names); an absent list takes its
   * default.
   *
   * @throws InvalidRequestException naming the field for an unknown field or value
   */
  public static DataPolicy fromWire(Map<String, ?> wire) {
    for (String key : wire.keySet()) {
      if (!FIELDS.contains(key)) {
        throw new InvalidRequestException(
            "data_policy." + key,
            "unknown field 'data_policy." + key + "'; known fields: " + String.join(", ", FIELDS));
      }
    }
    return new DataPolicy(
        categories("allowed_categories", wire.get("allowed_categories")),
        categories("blocked_categories", wire.get("blocked_categories")),
        detectors(wire.get("detectors")));
  }

  private static @Nullable Set<Category> categories(String field, @Nullable Object value) {
    List<String> names = names(field, value);
    if (names == null) {
      return null;
    }
    Set<Category> out = EnumSet.noneOf(Category.class);
    for (int i = 0; i < names.size(); i++) {
      out.add(Category.parse("data_policy." + field + "[" + i + "]", names.get(i)));
    }
    return out;
  }

  private static @Nullable Set<Detector> detectors(@Nullable Object value) {
    List<String> names = names("detectors", value);
    if (names == null) {
      return null;
    }
    Set<Detector> out = EnumSet.noneOf(Detector.class);
    for (int i = 0; i < names.size(); i++) {
      out.add(Detector.parse("data_policy.detectors[" + i + "]", names.get(i)));
    }
    return out;
  }

  private static @Nullable List<String> names(String field, @Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Collection<?> list)) {
      throw new InvalidRequestException(
          "data_policy." + field, "data_policy." + field + " must be a list of names");
    }
    return list.stream()
        .map(
            v -> {
              if (!(v instanceof String s)) {
                throw new InvalidRequestException(
                    "data_policy." + field, "data_policy." + field + " must hold only strings");
              }
              return s;
            })
        .toList();
  }
}
