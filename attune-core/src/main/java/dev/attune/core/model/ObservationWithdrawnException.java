package dev.attune.core.model;

/**
 * A queued observation was withdrawn while it was being learned: its user was erased (which deletes
 * their queued observations), so what it would have written is not written. Nothing was written.
 */
public final class ObservationWithdrawnException extends AttuneException {
  private final String observationId;

  public ObservationWithdrawnException(String observationId) {
    super(
        "observation "
            + observationId
            + " was withdrawn (its user was erased) before it was learned; nothing was written");
    this.observationId = observationId;
  }

  public String observationId() {
    return observationId;
  }
}
