package dev.attune.bench;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Experiments on policy records from the command line: {@code --set windowBefore=2} rebuilds a
 * record with one component changed, through its canonical constructor (so validation runs).
 */
public final class RecordOverrides {
  private RecordOverrides() {}

  /** {@code record} with the components named in {@code settings} replaced; others unchanged. */
  public static <R extends Record> R apply(R record, Map<String, String> settings) {
    RecordComponent[] components = record.getClass().getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    boolean changed = false;
    try {
      for (int i = 0; i < components.length; i++) {
        RecordComponent c = components[i];
        types[i] = c.getType();
        values[i] = c.getAccessor().invoke(record);
        String v = settings.get(c.getName());
        if (v != null) {
          values[i] = parse(c.getType(), v);
          changed = true;
        }
      }
      if (!changed) {
        return record;
      }
      @SuppressWarnings("unchecked")
      Constructor<R> ctor = (Constructor<R>) record.getClass().getDeclaredConstructor(types);
      return ctor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(
          "cannot apply " + settings + ": " + cause.getMessage(), cause);
    }
  }

  /** Settings that name a component of none of {@code records}. */
  private static List<String> unknown(
      Map<String, String> settings, List<Class<? extends Record>> records) {
    return settings.keySet().stream()
        .filter(
            k ->
                records.stream()
                    .flatMap(r -> java.util.Arrays.stream(r.getRecordComponents()))
                    .noneMatch(c -> c.getName().equals(k)))
        .toList();
  }

  /**
   * {@code --set} pairs parsed, each checked to name a component of one of {@code records}.
   *
   * @throws IllegalArgumentException naming the values no record has
   */
  public static Map<String, String> parseFor(
      List<String> pairs, List<Class<? extends Record>> records) {
    Map<String, String> settings = parse(pairs);
    List<String> unknown = unknown(settings, records);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown policy values: " + unknown);
    }
    return settings;
  }

  public static Map<String, String> parse(List<String> pairs) {
    Map<String, String> out = new HashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--set takes name=value; got '" + p + "'");
      }
      out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parse(Class<?> type, String v) {
    if (type == int.class) {
      return Integer.parseInt(v);
    }
    if (type == double.class) {
      return Double.parseDouble(v);
    }
    if (type == boolean.class) {
      return Boolean.parseBoolean(v);
    }
    if (type == Duration.class) {
      return Duration.parse(v);
    }
    if (type.isEnum()) {
      return Enum.valueOf((Class<Enum>) type, v.toUpperCase(java.util.Locale.ROOT));
    }
    if (type == String.class) {
      return v;
    }
    throw new IllegalArgumentException(
        "cannot set a " + type.getSimpleName() + " from the command line");
  }
}
