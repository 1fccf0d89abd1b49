package dev.attune.api;

import java.io.IOException;

/** Why an HTTP call failed, for people: the JDK's connection errors often carry no message. */
public final class ConnectionFailure {
  private ConnectionFailure() {}

  /**
   * The outermost exception says what failed ({@code ConnectException}); the first message down its
   * causes, or else the innermost cause's name, says why.
   */
  public static String reason(IOException e) {
    String detail = null;
    Throwable t = e;
    while (t != null && detail == null) {
      detail = t.getMessage();
      if (t.getCause() == null && detail == null && t != e) {
        detail = t.getClass().getSimpleName();
      }
      t = t.getCause();
    }
    String name = e.getClass().getSimpleName();
    return detail == null ? name : name + " (" + detail + ")";
  }
}
