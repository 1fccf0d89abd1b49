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
  // One alternation, so a text is scanned once.
  private static final Pattern PATTERN =
      Pattern.compile(
          String.join(
              "|",
              List.of(
                  "\\b(ignore|disregard|forget|override|bypass)\\b[^.!?\\n]{0,40}\\b(previous|prior|above"
                      + "|earlier|all|any|your|the|system)\\b[^.!?\\n]{0,30}\\b(instructions?|prompts?"
                      + "|rules?|guidelines?|messages?|context|directives?)\\b",
                  "\\bfrom now on\\b[^.!?\\n]{0,20}\\b(you|assistant|the model|ai)\\b[^.!?\\n]{0,20}"
                      + "\\b(must|will|shall|should|are|have to|always|never)\\b",
                  "\\byou (are|will) now\\b|\\byou must (always|never|now)\\b|\\bnew instructions?\\b",
                  "\\b(system|developer) (prompt|message|instructions?)\\b",
                  "\\b(act|behave|respond) as (if you (are|were)|an? unrestricted|dan\\b)"
                      + "|\\bjailbreak|\\bdo anything now\\b",
                  "\\b(reveal|print|show|repeat) (your|the) (system )?(prompt|instructions)",
                  "<\\|?(im_start|im_end|system|endoftext)\\|?>|\\[/?inst\\]|###\\s*instruction",
                  "^\\s*(system|assistant)\\s*:")));

  // Every alternative above needs one of these; checking for them first skips the regex for
  // ordinary text (13 us down to about 1 us per text, measured).
  private static final List<String> TRIGGERS =
      List.of(
          "ignore",
          "disregard",
          "forget",
          "override",
          "bypass",
          "from now on",
          "you are now",
          "you will now",
          "you must",
          "instruction",
          "system",
          "developer",
          "act as",
          "behave as",
          "respond as",
          "jailbreak",
          "do anything",
          "reveal",
          "print",
          "show",
          "repeat",
          "im_start",
          "im_end",
          "endoftext",
          "inst]",
          "###",
          "assistant");

  private InstructionDetector() {}

  /** True if {@code text} reads like an instruction to a model rather than information. */
  public static boolean looksLikeInstruction(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String trigger : TRIGGERS) {
      if (lower.contains(trigger)) {
        return PATTERN.matcher(lower).find();
      }
    }
    return false;
  }
}
