package dev.attune.core.api;

import dev.attune.core.model.InvalidRequestException;
import dev.attune.core.model.Limits;
import dev.attune.core.privacy.InstructionDetector;

/** Validation of memory text given explicitly. */
final class MemoryText {
  private MemoryText() {}

  static String check(String field, String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException(field, field + " must not be empty");
    }
    if (!hasVisibleCharacter(text)) {
      throw new InvalidRequestException(
          field, field + " has no visible character (only control or format characters)");
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

  /** True if some character is neither white space nor a control, format or broken character. */
  private static boolean hasVisibleCharacter(String text) {
    return text.codePoints()
        .anyMatch(
            cp -> {
              int type = Character.getType(cp);
              return !Character.isWhitespace(cp)
                  && !Character.isSpaceChar(cp)
                  && type != Character.CONTROL
                  && type != Character.FORMAT
                  && type != Character.SURROGATE
                  && type != Character.UNASSIGNED;
            });
  }
}
