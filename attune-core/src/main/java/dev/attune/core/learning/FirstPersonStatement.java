package dev.attune.core.learning;

import dev.attune.core.model.Category;
import dev.attune.core.port.Candidate;
import dev.attune.core.retrieval.TextAnalyzer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The catch-all: a statement the user makes about themselves in the first person that no specific
 * rule recognized ("I strongly prefer learning through stories", "I just signed up for a pottery
 * class"), kept in the third person when it says something definite. Small talk, statements about
 * the listener, vague ones ("I'm excited to see where it takes me") and ones whose object is a
 * pronoun with nothing to resolve it ("I love it") are not kept. Stateless.
 */
final class FirstPersonStatement {
  /** Longer statements are cut at a clause boundary within this many words, or dropped. */
  private static final int MAX_WORDS = 30;

  /** Content words (other than the verb) a statement needs. */
  private static final int MIN_CONTENT_TERMS = 2;

  private static final Pattern LEAD =
      Pattern.compile("(?i)(?<![\\p{L}'])(i'm|i am|i've|i'd|i'll|i|my)\\s+(?<rest>\\S.*)$");

  private static final Pattern SMALL_TALK =
      Pattern.compile(
          "(?i)^(think|guess|hope|wish|agree|bet|mean|see|understand|believe|suppose|wonder|know"
              + "|can't wait|cannot wait|appreciate|totally|definitely|really appreciate|get it"
              + "|hear you|glad|so glad|sure|so sure|sorry|so sorry|happy for|so happy for|proud of"
              + "|so proud|thankful|grateful|feel you|love that|like that|can imagine|can see"
              + "|was just|was thinking|remember|recall|feel like|feel the same|totally agree)\\b.*");

  private static final Pattern ABOUT_LISTENER =
      Pattern.compile("(?i).*\\byou(r|rs|rself|'re|'ve|'ll|'d)?\\b.*");

  /** What the statement is about when its first words are a pronoun: nothing to resolve it. */
  private static final Set<String> UNRESOLVED =
      Set.of(
          "it", "it's", "this", "that", "that's", "them", "these", "those", "one", "there", "here",
          "so", "too", "they", "he", "she", "him", "her", "what", "how", "why", "where");

  // Words that say nothing definite on their own (after stemming, as the analyzer gives them).
  private static final Set<String> GENERIC =
      stems(
          """
      thing stuff lot way time journey fun great good awesome amazing cool nice happy glad excited
      exciting love see wait take going gonna get make new something anything everything someone
      somebody day today right sure definitely totally feel think know thank hope bit kind sort
      whole pretty super guess mean real life moment next start try keep want need done
      recently lately ago yesterday tomorrow tonight week month year weekend soon
      """);

  // A capitalized word inside a statement (not its first): a name, which is definite.
  private static final Pattern PROPER_NOUN = Pattern.compile("(?<=\\S\\s)\\p{Lu}\\p{Ll}+");
  private static final Pattern CAPITALIZED = Pattern.compile("(?<![\\p{L}])\\p{Lu}");

  // Where a statement ends: a dash, semicolon or parenthesis, or "and" handing over to another
  // subject ("I trained them and they picked it up fast").
  private static final Pattern CLAUSE_CUT =
      Pattern.compile(
          "\\s+[-–—]\\s+|\\s*[;(]|,?\\s+(and|but|so)\\s+(?=(they|it|he|she|we|you|that|this)\\b)");

  private static final Pattern DANGLING =
      Pattern.compile(
          "(?i).*\\b(to|a|an|the|with|of|for|from|at|in|on|and|or|but|their|my|our|his|her|its"
              + "|some|this|that|these|those|is|was|are|be|been|have|has|had|just|so|very|really|by"
              + "|about|into|like|as)$");

  private static final Pattern AVERSION =
      Pattern.compile(
          "(?i)\\b(dislike|hate|detest|loathe|avoid|avoiding|can't stand|cannot stand|don't (like|enjoy|want|wear|eat|drink|use|watch|play)"
              + "|do not (like|enjoy|want|wear|eat|drink|use|watch|play)|refuse|won't|will not|never"
              + "|aversion|averse|phobia|fear|afraid|scared|no interest|not interested|not a fan"
              + "|stay away|steer clear|prefer not|rather not)\\b");

  private static final Pattern CONSTRAINT =
      Pattern.compile(
          "(?i)\\b(allergic|allergy|allergies|intolerance|intolerant|vegan|vegetarian|pescatarian"
              + "|diabetic|celiac|coeliac|kosher|halal|can't (eat|drink|have|lift|use)"
              + "|cannot (eat|drink|have|lift|use|consume|participate)|must avoid|not allowed|budget)\\b");

  private static final Pattern PREFERENCE =
      Pattern.compile(
          "(?i)\\b(prefer|prefers|preference|like|love|enjoy|adore|fan of|advocate|prioriti[sz]e"
              + "|favou?rite|passionate|into|keen on|fond of|appreciate|value|only (use|buy|wear|eat|read|watch))\\b");

  // "Pottery is a huge part of my life": the one common way of saying something about oneself
  // with another subject that is worth keeping (others, "it made my day", mostly are not).
  private static final Pattern PART_OF_MY_LIFE =
      Pattern.compile(
          "(?i)^(?:\\p{L}+[,!]?\\s+)?(?<x>(?-i:\\p{Lu})?[\\p{L}'-]+(?: [\\p{L}'-]+){0,3}) (?:is|are|has been|have been)"
              + " (?:such |really |always )?(?:a |an |the )?(?:huge |big |important |major |special"
              + " |key |central |core |whole )?part of my (?:life|identity|routine|days?)\\b.*");

  private FirstPersonStatement() {}

  /**
   * The statement in {@code text}, or null.
   *
   * @param atClauseStart whether a position of {@code text} starts a clause, where a statement may
   *     begin ("the support I got" is not a statement)
   */
  static @Nullable Candidate find(
      String text,
      String subject,
      String messageId,
      java.util.function.IntPredicate atClauseStart) {
    Matcher m = LEAD.matcher(text);
    while (m.find()) {
      if (atClauseStart.test(m.start())) {
        return phrase(m.group(1).toLowerCase(Locale.ROOT), m.group("rest"), subject, messageId);
      }
    }
    Matcher part = PART_OF_MY_LIFE.matcher(text);
    if (part.matches() && !UNRESOLVED.contains(part.group("x").toLowerCase(Locale.ROOT))) {
      String phrased = text.substring(part.start("x")).replaceAll("[,.!\\s]+$", "");
      return new Candidate(
          Phrasing.sentence(
              Phrasing.thirdPerson(phrased, subject)
                  .replaceFirst(
                      "\\btheir (life|identity|routine|days?)\\b",
                      Phrasing.possessive(subject) + " $1")),
          Category.FACT,
          null,
          null,
          null,
          0.4,
          List.of(messageId));
    }
    return null;
  }

  private static @Nullable Candidate phrase(
      String lead, String rawRest, String subject, String messageId) {
    String rest = cut(rawRest);
    if (rest == null) {
      return null;
    }
    String lower = rest.toLowerCase(Locale.ROOT);
    if (SMALL_TALK.matcher(lower).matches()
        || ABOUT_LISTENER.matcher(lower).matches()
        || DANGLING.matcher(lower).matches()
        || unresolved(lead, rest)
        || !definite(lead, rest)) {
      return null;
    }
    String phrased =
        switch (lead) {
          case "i'm", "i am" -> subject + " is " + rest;
          case "i've" -> subject + " has " + rest;
          case "i'd" -> subject + " would " + rest;
          case "i'll" -> subject + " will " + rest;
          case "my" -> Phrasing.possessive(subject) + " " + rest;
          default -> Phrasing.iStatement(subject, rest);
        };
    String sentence = Phrasing.sentence(Phrasing.thirdPerson(phrased, subject));
    return new Candidate(sentence, category(lead, rest), null, null, null, 0.5, List.of(messageId));
  }

  /**
   * The statement cut at a dash, semicolon or parenthesis ("I ran a race last Saturday - it was
   * rewarding"), and to at most {@link #MAX_WORDS} words at a comma; null when it cannot be.
   */
  private static @Nullable String cut(String rest) {
    Matcher c = CLAUSE_CUT.matcher(rest);
    String s = c.find() ? rest.substring(0, c.start()) : rest;
    if (s.stripTrailing().endsWith(":")) {
      // "I can create a cipher as follows:" introduces something: not a statement of its own.
      return null;
    }
    s = s.replaceAll("[,.!\\s]+$", "");
    String[] words = s.split("\\s+");
    if (words.length > MAX_WORDS) {
      String head = String.join(" ", Arrays.copyOf(words, MAX_WORDS));
      int comma = head.lastIndexOf(',');
      if (comma < 0) {
        return null;
      }
      s = head.substring(0, comma);
    }
    return s.isBlank() ? null : s.strip();
  }

  /**
   * "I love it", "I'll give those a try", "I'm keen to hear about it": the object is a pronoun this
   * sentence does not resolve (among the first words after the verb, or the last word).
   */
  private static boolean unresolved(String lead, String rest) {
    String[] words = rest.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}'\\s]", " ").split("\\s+");
    int i = 0;
    if (!lead.equals("my")) {
      while (i < words.length - 1 && Phrasing.isAdverb(words[i])) {
        i++;
      }
      i++; // the verb, or what "I'm" says the user is
    }
    for (int j = Math.max(0, i - 1); j < Math.min(words.length, i + 2); j++) {
      if (UNRESOLVED.contains(words[j]) && j >= i) {
        return true;
      }
    }
    return words.length > 0 && ENDS_UNRESOLVED.contains(words[words.length - 1]);
  }

  private static final Set<String> ENDS_UNRESOLVED = Set.of("it", "them", "this", "that");

  /**
   * Says something definite: enough content words beyond the verb and the generic ones (a name
   * counts for two: "I went to Paris yesterday").
   */
  private static boolean definite(String lead, String rest) {
    List<String> terms = TextAnalyzer.english().terms(rest);
    long content =
        terms.stream()
            .skip(lead.equals("my") || lead.equals("i'm") || lead.equals("i am") ? 0 : 1)
            .filter(t -> !GENERIC.contains(t))
            .distinct()
            .count();
    boolean named = PROPER_NOUN.matcher(rest).find();
    return content + (named ? 1 : 0) >= MIN_CONTENT_TERMS;
  }

  /** A rule's value that says nothing definite ("this new journey", "a new hobby"). */
  static boolean isVague(String value) {
    return !CAPITALIZED.matcher(value).find()
        && TextAnalyzer.english().terms(value).stream().allMatch(GENERIC::contains);
  }

  private static Category category(String lead, String rest) {
    if (CONSTRAINT.matcher(rest).find()) {
      return Category.CONSTRAINT;
    }
    if (AVERSION.matcher(rest).find()) {
      return Category.AVERSION;
    }
    if (PREFERENCE.matcher(rest).find()) {
      return Category.PREFERENCE;
    }
    if (lead.equals("i")) {
      String[] words = rest.split("\\s+");
      int v = 0;
      while (v < words.length - 1 && Phrasing.isAdverb(words[v])) {
        v++;
      }
      if (Phrasing.isPast(words[v])) {
        return Category.EVENT;
      }
    }
    return Category.FACT;
  }

  private static Set<String> stems(String words) {
    return Set.copyOf(TextAnalyzer.english().terms(words));
  }
}
