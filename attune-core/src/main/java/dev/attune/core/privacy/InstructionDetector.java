package dev.attune.core.privacy;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognizes text that tries to instruct a model ("ignore previous instructions", "from now on you
 * must ..."). Such text is never stored as a fact about the user, and when it appears in stored
 * text (an episode, an explicit memory) it is rendered flagged, as data.
 *
 * <p>This is a tripwire for the common phrasings, not a guarantee: the real defence is that stored
 * text is always rendered quoted, under a header that says it is data.
 */
public final class InstructionDetector {
  private static final List<Pattern> PATTERNS =
      List.of(
          Pattern.compile(
              "\\b(ignore|disregard|forget|override|bypass)\\b[^.!?\\n]{0,40}\\b(previous|prior|above"
                  + "|earlier|all|any|your|the|system)\\b[^.!?\\n]{0,30}\\b(instructions?|prompts?|rules?"
                  + "|guidelines?|messages?|context|directives?)\\b"),
          Pattern.compile(
              "\\bfrom now on\\b[^.!?\\n]{0,20}\\b(you|assistant|the model|ai)\\b[^.!?\\n]{0,20}"
                  + "\\b(must|will|shall|should|are|have to|always|never)\\b"),
          Pattern.compile(
              "\\byou (are|will) now\\b|\\byou must (always|never|now)\\b|\\bnew instructions?\\b"),
          Pattern.compile("\\b(system|developer) (prompt|message|instructions?)\\b"),
          Pattern.compile(
              "\\b(act|behave|respond) as (if you (are|were)|an? unrestricted|dan\\b)"
                  + "|\\bjailbreak|\\bdo anything now\\b"),
          Pattern.compile(
              "\\b(reveal|print|show|repeat) (your|the) (system )?(prompt|instructions)"),
          Pattern.compile(
              "<\\|?(im_start|im_end|system|endoftext)\\|?>|\\[/?inst\\]|###\\s*instruction"),
          Pattern.compile("^\\s*(system|assistant)\\s*:"));

  private InstructionDetector() {}

  /** True if {@code text} reads like an instruction to a model rather than information. */
  public static boolean looksLikeInstruction(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (Pattern p : PATTERNS) {
      if (p.matcher(lower).find()) {
        return true;
      }
    }
    return false;
  }
}
