package dev.attune.core;

import dev.attune.core.privacy.InstructionDetector;

/** Validation of memory text given explicitly. */
final class MemoryText {
  private MemoryText() {}

  static String check(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException(field, field + " must not be empty");
    }
    String t = text.strip();
    if (t.length() > Limits.MAX_MEMORY_CHARS) {
      throw new InvalidRequestException(
          field, field + " is " + t.length() + " characters; at most " + Limits.MAX_MEMORY_CHARS);
    }
    if (InstructionDetector.looksLikeInstruction(t)) {
      throw new InvalidRequestException(
          field,
          field + " reads like an instruction to a model; memories hold facts about the user");
    }
    return t;
  }
}
