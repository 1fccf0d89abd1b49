package dev.attune.core.model;

/**
 * An extractor (a chat model) failed to give usable facts after its bounded retries. The messages
 * stay in the extraction buffer and are tried again later; nothing is dropped.
 */
public class ExtractionException extends AttuneException {
  public ExtractionException(String message) {
    super(message);
  }

  public ExtractionException(String message, Throwable cause) {
    super(message, cause);
  }
}
