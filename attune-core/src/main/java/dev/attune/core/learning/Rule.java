package dev.attune.core.learning;

import dev.attune.core.model.Category;
import dev.attune.core.port.Candidate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a specific extraction rule is made and applied: its pattern (trigger words in any case,
 * {@code {V}} the value), what it phrases from a match, and the value cut to its clause ("I moved
 * to Porto and ..." keeps "Porto").
 */
record Rule(
    Pattern pattern,
    Category category,
    @Nullable String slot,
    double confidence,
    Phrase phrase,
    @Nullable String valueGroup,
    boolean replaces) {

  /** True for a rule about how the user wants to be answered: it may read a request. */
  boolean aboutAnswers() {
    return category == Category.COMMUNICATION_STYLE || "answer_language".equals(slot);
  }

  @Nullable Candidate candidate(Matcher m, String subject, String messageId) {
    String text = phrase.text(m, subject);
    if (text == null) {
      return null;
    }
    String value = valueGroup != null ? clause(group(m, valueGroup)) : null;
    String replaced = replaces ? clause(group(m, "r")) : null;
    String slotName = slot;
    if (slotName != null && slotName.endsWith("_")) {
      // A slot family, e.g. favourite_<thing>.
      String kind = clause(group(m, "k"));
      slotName = kind == null ? null : slotName + kind.toLowerCase(Locale.ROOT).replace(' ', '_');
    }
    return new Candidate(
        Phrasing.sentence(Phrasing.thirdPerson(text, subject)),
        category,
        slotName,
        value,
        replaced,
        confidence,
        List.of(messageId));
  }

  private static final int MAX_VALUE_WORDS = 14;

  private static final Pattern DANGLING =
      Pattern.compile(
          "(?i).*\\b(to|a|an|the|with|of|for|from|at|in|on|and|or|but|their|my|our|his|her|its"
              + "|some|this|that|these|those|is|was|are|be|been|have|has|had|just|so|very|really|by"
              + "|about|into|like)$");
  private static final Pattern BOUNDARY =
      Pattern.compile(
          "(?i)\\s+(but|because|though|although|which|whereas|while|since|so that|so i|and i|and i'm|"
              + "and my|when i|if|until|unless)\\b.*$|\\s+-\\s.*$|\\s*[;:(].*$"
              + "|,\\s*(so|and then|which|as)\\b.*$");
  private static final Pattern TRAILING =
      Pattern.compile(
          "(?i)[\\s,]+(too|as well|a lot|so much|very much|really|lol|haha|though|tbh)$");
  private static final Set<String> VAGUE =
      Set.of("it", "that", "this", "them", "those", "these", "so", "too", "one", "you", "some");

  /** A captured value cut to its clause: no trailing conjunctions, fillers, or long tails. */
  static @Nullable String clause(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    String v = BOUNDARY.matcher(raw.strip()).replaceAll("");
    v = v.replaceAll("[,.!?\\s]+$", "");
    v = TRAILING.matcher(v).replaceAll("");
    String[] words = v.split("\\s+");
    if (words.length > MAX_VALUE_WORDS) {
      v = String.join(" ", java.util.Arrays.copyOf(words, MAX_VALUE_WORDS));
    }
    v = v.replaceAll("[,\\s]+$", "");
    String lower = v.toLowerCase(Locale.ROOT);
    if (v.isEmpty()
        || VAGUE.contains(lower)
        || VAGUE.contains(lower.split("\\s+")[0])
        || FirstPersonStatement.isVague(v)
        || DANGLING.matcher(lower).matches()
        || lower.matches(".*\\byou(r|rs|rself)?\\b.*")) {
      return null;
    }
    return v;
  }

  /** Builds a fact's text from a match: null when the match carries nothing worth keeping. */
  @FunctionalInterface
  interface Phrase {
    @Nullable String text(Matcher m, String subject);
  }

  static @Nullable String group(Matcher m, String name) {
    try {
      return m.group(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Rule rule(
      String regex, Category category, @Nullable String slot, double confidence, Phrase phrase) {
    return new Rule(
        compile(regex), category, slot, confidence, phrase, slot == null ? null : "v", false);
  }

  static Rule replacing(
      String regex, Category category, @Nullable String slot, double confidence, Phrase phrase) {
    return new Rule(compile(regex), category, slot, confidence, phrase, "v", true);
  }

  static Pattern compile(String regex) {
    // Trigger words match in any case; (?-i:...) turns case back on where a capital matters.
    return Pattern.compile("(?iu)" + regex.replace("{V}", "(?<v>[^.;!?]{2,120})"));
  }

  /** "{S} <text>" where the value is cut to its clause; null when nothing is left. */
  static Phrase says(String template) {
    return (m, s) -> {
      String v = clause(group(m, "v"));
      if (v == null) {
        return null;
      }
      String text = template.replace("{S}", s).replace("{V}", v);
      if (text.contains("{R}")) {
        String r = clause(group(m, "r"));
        if (r == null) {
          return null;
        }
        text = text.replace("{R}", r);
      }
      if (text.contains("{K}")) {
        String k = clause(group(m, "k"));
        if (k == null) {
          return null;
        }
        text = text.replace("{K}", k);
      }
      if (text.contains("{P}")) {
        text = text.replace("{P}", Phrasing.possessive(s));
      }
      if (text.contains("{VERB}")) {
        // "I strongly prefer stories and dislike textbooks": the user's verbs, all conjugated.
        String adverbs = group(m, "adv") == null ? "" : group(m, "adv");
        text =
            text.replace("{VERB}", adverbs + Phrasing.conjugate(m.group("verb")))
                .replace(v, Phrasing.coordinated(v));
      }
      return text;
    };
  }
}
