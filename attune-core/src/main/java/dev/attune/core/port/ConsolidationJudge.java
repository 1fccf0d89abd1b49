package dev.attune.core.port;

import dev.attune.core.model.Memory;
import dev.attune.core.model.MemoryId;
import dev.attune.core.model.TenantId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides, for candidates close to existing memories, whether a candidate is new, a repeat or a
 * replacement (a chat model, when configured). Without a judge, or when it fails, the deterministic
 * rules decide. A judge never deletes: a replaced memory is closed and kept.
 */
public interface ConsolidationJudge {
  /** Names the judge in history entries, e.g. {@code openai:gpt-4o-mini}. */
  String id();

  /** What to do with a candidate. */
  enum Action {
    /** A new fact, beside the close ones. */
    ADD,
    /** The same fact as {@code target}, stated again. */
    REINFORCE,
    /** A fact that replaces {@code target}, which stops being true. */
    SUPERSEDE
  }

  /**
   * One candidate and the active memories close to it.
   *
   * @param index the candidate's position in its batch
   */
  record Case(int index, Candidate candidate, List<Memory> close) {
    public Case {
      close = List.copyOf(close);
    }
  }

  /** A decision about the case with this index; {@code target} is one of its close memories. */
  record Decision(int index, Action action, @Nullable MemoryId target) {}

  /**
   * Decides every case, in one call where possible.
   *
   * @throws RuntimeException when it cannot decide; the deterministic rules decide then
   */
  List<Decision> judge(TenantId tenant, List<Case> cases);
}
