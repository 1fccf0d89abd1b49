package dev.attune.core.effectiveness;

import java.util.regex.Pattern;

/**
 * Words with which users set something right: "no, ...", "that's wrong", "not any more", "I never
 * said", "actually, ...". A memory superseded by a message that says one of them, after it was
 * injected, counts as a correction; one superseded without them is news ("I moved to Porto"), not a
 * correction of Attune.
 */
public final class CorrectionCues {
  private static final Pattern CUE =
      Pattern.compile(
          "(?i)(?:^|[.!?]\\s+)(?:no|nope|nah)\\b[,.!]?"
              + "|\\b(?:that'?s|that is|this is|you'?re|you are) (?:not right|wrong|incorrect|"
              + "not true|outdated|out of date|mistaken)\\b"
              + "|(?:\\bnot|n't|\\bno longer|\\bnever) (?:\\w+ ){0,3}(?:any ?more|anymore)\\b"
              + "|\\bno longer\\b"
              + "|\\bi never (?:said|told)\\b"
              + "|\\b(?:actually|in fact),"
              + "|\\bnot (?:any|a) (?:\\w+ )?(?:longer)\\b"
              + "|\\b(?:correction|to correct)\\b");

  private CorrectionCues() {}

  /** True when {@code message} reads as setting something right. */
  public static boolean correcting(String message) {
    return CUE.matcher(message).find();
  }
}
