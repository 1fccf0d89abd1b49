package dev.attune.core.learning;

import dev.attune.core.privacy.InstructionDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The sentences of a user's message that may state something about the user: code, pasted
 * documents, quoted text, fill-in-the-blank templates, questions, requests to the assistant and
 * text that tries to instruct the model are left out before any rule looks at it. Stateless.
 */
final class Sentences {
  private static final Pattern SPLIT = Pattern.compile("(?<=[.!?])\\s+|\\s*\\n+\\s*");

  /** Text in quotation marks is someone else's words (or an example), not a statement. */
  private static final Pattern QUOTED =
      Pattern.compile("\"[^\"\\n]{3,}\"|“[^”\\n]{3,}”|```[\\s\\S]*?```|`[^`\\n]+`");

  // Lines that read as source code: braces and semicolons at the end, definitions, imports.
  private static final Pattern CODE_LINE =
      Pattern.compile(
          "(?m)^\\s*(def |class |import |from \\S+ import|#include|public |private |return |for \\(|"
              + "if \\(|function |const |let |var |\\w+\\s*=\\s*[\\w\\[{(\"']|[}{]\\s*$|.*;\\s*$)");

  /** "I want to _____", "a_A b_B": a template or a quiz, not a statement. */
  private static final Pattern BLANKS = Pattern.compile("_{2,}|\\b\\w_\\w\\b");

  // Identifiers (QScrollArea, setupViewport, snake_case, file.ext, version numbers): a description
  // of the user's code or system, not of the user.
  private static final Pattern TECHNICAL =
      Pattern.compile(
          "\\b(\\p{Ll}{2,}\\p{Lu}\\w*|\\p{Lu}{2,}\\p{Ll}+\\p{Lu}\\w*|\\w+_\\w+|\\w+\\.\\w+\\(|\\d+\\.\\d+\\.\\d+)\\b|[(){}\\[\\]<>=]{2,}");

  /** Requests to the assistant phrased as statements. */
  private static final Pattern REQUEST =
      Pattern.compile(
          "(?i)^\\s*(please\\b|can you|could you|would you|will you|help me|tell me|show me|give me"
              + "|write|list|explain|describe|summari[sz]e|translate|create|generate|make|draft"
              + "|rewrite|revise|improve|fix|comment|convert|complete|enumerate|suggest|recommend"
              + "|find|compare|calculate|do a|let's|lets)\\b"
              + "|\\bi (have|got) a question\\b"
              + "|\\bi('d| would)? (like|want|need) (you|to know|to understand|to learn|to ask|help"
              + "|some help|an? (introduction|summary|list|script|program|code|function|essay|email"
              + "|letter|answer|explanation|example|description|title|name|recommendation"
              + "|suggestion|plan|review|outline|draft|table|poem|story))\\b"
              + "|\\bi('m| am) (wondering|curious)\\b");

  /** A message over this many characters with no first-person word early on is pasted text. */
  private static final int PASTED_CHARS = 600;

  private static final Pattern FIRST_PERSON =
      Pattern.compile("(?i)(?<![\\p{L}'])(i|i'm|i've|i'd|i'll|my|me|myself)(?![\\p{L}])");

  private Sentences() {}

  /**
   * A sentence rules may read.
   *
   * @param request true for a request to the assistant ("Please keep it short"): it may say how the
   *     user wants to be answered, and nothing else about them
   */
  record Sentence(String text, boolean request) {}

  /** The sentences of {@code message} that rules may read, in order, each stripped. */
  static List<Sentence> of(String message) {
    String text = message.replace('’', '\'').replace('‘', '\'');
    if (isPasted(text)) {
      return List.of();
    }
    text = QUOTED.matcher(text).replaceAll(" ");
    List<Sentence> out = new ArrayList<>();
    for (String line : text.split("\\n")) {
      if (CODE_LINE.matcher(line).find() || BLANKS.matcher(line).find()) {
        continue;
      }
      for (String sentence : SPLIT.split(line)) {
        String s = sentence.strip();
        if (s.length() >= 4
            && !s.endsWith("?")
            && !s.regionMatches(true, 0, "if ", 0, 3)
            && !TECHNICAL.matcher(s).find()
            && !InstructionDetector.looksLikeInstruction(s)) {
          out.add(new Sentence(s, REQUEST.matcher(s).find()));
        }
      }
    }
    return out;
  }

  /**
   * A long text whose opening says nothing in the first person (an article, an abstract, a
   * transcript the user pasted to ask about it).
   */
  private static boolean isPasted(String text) {
    if (text.length() <= PASTED_CHARS) {
      return false;
    }
    String opening = text.substring(0, Math.min(text.length(), 300));
    return !FIRST_PERSON.matcher(opening).find();
  }
}
