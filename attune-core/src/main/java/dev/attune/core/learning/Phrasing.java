package dev.attune.core.learning;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns first-person statements into third-person facts: "I love hiking with my dog" said by
 * Caroline becomes "Caroline loves hiking with Caroline's dog" ... close enough for retrieval and
 * for a model to read, without a parser.
 */
final class Phrasing {
  private static final Map<String, String> IRREGULAR =
      Map.ofEntries(
          Map.entry("am", "is"),
          Map.entry("'m", "is"),
          Map.entry("have", "has"),
          Map.entry("'ve", "has"),
          Map.entry("do", "does"),
          Map.entry("go", "goes"),
          Map.entry("can", "can"),
          Map.entry("will", "will"),
          Map.entry("'ll", "will"),
          Map.entry("would", "would"),
          Map.entry("'d", "would"),
          Map.entry("should", "should"),
          Map.entry("must", "must"),
          Map.entry("may", "may"),
          Map.entry("might", "might"),
          Map.entry("could", "could"),
          Map.entry("was", "was"),
          Map.entry("don't", "doesn't"),
          Map.entry("can't", "can't"),
          Map.entry("won't", "won't"));

  private static final Set<String> PAST_IRREGULAR =
      Set.of(
          "went",
          "got",
          "saw",
          "made",
          "took",
          "had",
          "did",
          "ran",
          "bought",
          "met",
          "found",
          "began",
          "gave",
          "wrote",
          "read",
          "won",
          "lost",
          "spent",
          "felt",
          "left",
          "kept",
          "came",
          "became",
          "brought",
          "taught",
          "thought",
          "told",
          "sold",
          "held",
          "built",
          "heard",
          "sent",
          "put",
          "set",
          "let",
          "swam",
          "sang",
          "drove",
          "flew",
          "grew",
          "knew",
          "ate",
          "drew",
          "chose",
          "forgot",
          "paid",
          "said",
          "sat",
          "stood",
          "understood",
          "caught",
          "fell",
          "fought",
          "hid",
          "hit",
          "hurt",
          "led",
          "meant",
          "rode",
          "rose",
          "shot",
          "slept",
          "spoke",
          "stole",
          "struck",
          "threw",
          "woke",
          "wore",
          "were");

  private static final Pattern MY =
      Pattern.compile("\\b([Mm]y|[Mm]ine|[Mm]yself|[Mm]e|[Oo]ur|[Oo]urs|I'm|I've|I'll|I'd|I)\\b");

  private Phrasing() {}

  /** The third-person singular of a first-person verb ("love" -> "loves", "went" -> "went"). */
  static String conjugate(String verb) {
    // Punctuation glued to the verb ("do—", "love,") stays after it.
    int end = verb.length();
    while (end > 0 && !Character.isLetter(verb.charAt(end - 1))) {
      end--;
    }
    if (end == 0) {
      return verb;
    }
    if (end < verb.length()) {
      return conjugate(verb.substring(0, end)) + verb.substring(end);
    }
    String lower = verb.toLowerCase(Locale.ROOT).replace('’', '\'');
    String irregular = IRREGULAR.get(lower);
    if (irregular != null) {
      return irregular;
    }
    if (lower.endsWith("n't")) {
      // "couldn't", "didn't", "wasn't" are the same for everyone; "haven't" is not.
      return lower.equals("haven't") ? "hasn't" : lower;
    }
    if (lower.endsWith("ed") || PAST_IRREGULAR.contains(lower)) {
      return lower;
    }
    if (lower.endsWith("s")
        || lower.endsWith("sh")
        || lower.endsWith("ch")
        || lower.endsWith("x")
        || lower.endsWith("z")
        || lower.endsWith("o")) {
      return lower + "es";
    }
    if (lower.endsWith("y")
        && lower.length() > 1
        && "aeiou".indexOf(lower.charAt(lower.length() - 2)) < 0) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    return lower + "s";
  }

  /** True for a past-tense verb ("went", "painted"). */
  static boolean isPast(String verb) {
    String lower = verb.toLowerCase(Locale.ROOT);
    return lower.endsWith("ed") || PAST_IRREGULAR.contains(lower);
  }

  /** Replaces first-person words in {@code text} with the subject's ("my dog" -> "Ann's dog"). */
  static String thirdPerson(String text, String subject) {
    String possessive = possessive(subject);
    Matcher m = MY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String word = m.group(1);
      String replacement =
          switch (word.toLowerCase(Locale.ROOT)) {
            case "my" -> possessive;
            case "our" -> "their";
            case "ours" -> "theirs";
            case "mine" -> possessive.endsWith("'s") ? possessive : "theirs";
            case "myself" -> "themselves";
            case "me" -> "them";
            case "i'm" -> "they're";
            case "i've" -> "they've";
            case "i'll" -> "they'll";
            case "i'd" -> "they'd";
            default -> "they";
          };
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String possessive(String subject) {
    return subject.endsWith("s") ? subject + "'" : subject + "'s";
  }

  /** {@code text} with its first letter upper-cased and a final full stop. */
  static String sentence(String text) {
    String t = text.strip();
    if (t.isEmpty()) {
      return t;
    }
    t = Character.toUpperCase(t.charAt(0)) + t.substring(1);
    char last = t.charAt(t.length() - 1);
    return last == '.' || last == '!' ? t : t + ".";
  }
}
