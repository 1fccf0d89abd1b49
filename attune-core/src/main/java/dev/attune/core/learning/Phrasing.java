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

  // "I am" and "I was" first, so that they become "they are" and "they were", not "they am".
  private static final Pattern MY =
      Pattern.compile(
          "\\b(I am|I was|[Mm]y|[Mm]ine|[Mm]yself|[Mm]e|[Oo]ur|[Oo]urs|I'm|I've|I'll|I'd|I)\\b");

  /** Words that may stand between "I" and its verb without being the verb. */
  private static final Set<String> ADVERBS =
      Set.of(
          "just",
          "also",
          "still",
          "always",
          "never",
          "often",
          "sometimes",
          "now",
          "even",
          "already",
          "once",
          "much",
          "only",
          "rather",
          "really",
          "kinda",
          "kind",
          "sort",
          "of",
          "no",
          "longer",
          "do",
          "did",
          "mostly",
          "usually",
          "generally",
          "mainly",
          "totally",
          "definitely",
          "literally",
          "actually",
          "honestly",
          "truly",
          "absolutely",
          "finally",
          "recently",
          "strongly",
          "strictly",
          "exclusively",
          "simply",
          "certainly",
          "particularly",
          "especially",
          "personally",
          "typically",
          "normally",
          "rarely",
          "seldom",
          "hardly",
          "barely",
          "almost",
          "nearly",
          "currently",
          "newly",
          "deeply",
          "genuinely",
          "seriously",
          "so");

  /** Verbs that end in -ly: not adverbs. */
  private static final Set<String> LY_VERBS =
      Set.of("apply", "rely", "reply", "fly", "supply", "multiply", "comply", "imply", "ally");

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

  /**
   * True for a word that may come between "I" and its verb: "I <b>strongly</b> prefer", "I
   * <b>much</b> prefer", "I <b>no longer</b> eat".
   */
  static boolean isAdverb(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    return ADVERBS.contains(w) || (w.length() > 4 && w.endsWith("ly") && !LY_VERBS.contains(w));
  }

  /**
   * "I" and what follows it, in the third person: {@code rest} begins with the verb, perhaps after
   * adverbs ("strongly prefer X" by Ann becomes "Ann strongly prefers X"); "do"/"did" as an
   * auxiliary ("I do love", "I don't") are conjugated as the verb.
   */
  static String iStatement(String subject, String rest) {
    String[] words = rest.strip().split("\\s+");
    int v = 0;
    while (v < words.length - 1 && isAdverb(words[v]) && !isAuxiliary(words[v], words[v + 1])) {
      v++;
    }
    words[v] = conjugate(words[v]);
    return subject + " " + coordinated(String.join(" ", words));
  }

  /** Verbs a user joins to their first with "and" or "but": "I prefer X and dislike Y". */
  private static final Set<String> COORDINATED_VERBS =
      Set.of(
          "like",
          "love",
          "enjoy",
          "prefer",
          "dislike",
          "hate",
          "avoid",
          "want",
          "need",
          "use",
          "have",
          "do",
          "go",
          "try",
          "eat",
          "drink",
          "wear",
          "watch",
          "play",
          "read",
          "write",
          "listen",
          "find",
          "feel",
          "think",
          "hope",
          "plan",
          "refuse",
          "tend",
          "struggle",
          "work",
          "live",
          "own",
          "keep",
          "take",
          "make",
          "spend",
          "follow",
          "value",
          "care",
          "rely",
          "cook",
          "run",
          "walk",
          "drive",
          "ride",
          "travel",
          "study",
          "teach",
          "learn",
          "buy",
          "visit");

  // Not before "of": "the look and feel of" joins nouns.
  private static final Pattern AND_VERB =
      Pattern.compile("\\b(and|but|or)\\s+((?:\\p{L}+ly\\s+)?)(\\p{L}+)\\b(?!\\s+of\\b)");

  /**
   * The verbs of {@code text} that continue the user's statement after "and", "but" or "or",
   * conjugated: "stories and dislike textbooks" becomes "stories and dislikes textbooks".
   */
  static String coordinated(String text) {
    Matcher m = AND_VERB.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String verb = m.group(3);
      String replacement =
          COORDINATED_VERBS.contains(verb.toLowerCase(Locale.ROOT))
              ? m.group(1) + " " + m.group(2) + conjugate(verb)
              : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  // "do" before a verb is the verb to conjugate ("I do like" -> "does like").
  private static boolean isAuxiliary(String word, String next) {
    String w = word.toLowerCase(Locale.ROOT);
    return (w.equals("do") || w.equals("did")) && !next.isEmpty();
  }

  /** True for a past-tense verb ("went", "painted"). */
  static boolean isPast(String verb) {
    String lower = verb.toLowerCase(Locale.ROOT);
    return lower.endsWith("ed") || PAST_IRREGULAR.contains(lower);
  }

  /**
   * Replaces first-person words in {@code text}, which already begins with the subject, by the
   * third person: "my dog" becomes "their dog", "I am" "they are" (the subject is named once, at
   * the start; "Ann loves hiking with Ann's dog" reads as a machine wrote it).
   */
  static String thirdPerson(String text, String subject) {
    Matcher m = MY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String word = m.group(1);
      String replacement =
          switch (word.toLowerCase(Locale.ROOT)) {
            case "i am" -> "they are";
            case "i was" -> "they were";
            case "my", "our" -> "their";
            case "ours", "mine" -> "theirs";
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
