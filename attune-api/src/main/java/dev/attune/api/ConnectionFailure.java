package dev.attune.api;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

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

  /**
   * What went wrong in the words an operator looks for ("connection refused", "connection timed
   * out", "TLS failed: ...", "unknown host"), falling back to {@link #reason} for anything else.
   */
  public static String plainly(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (t instanceof HttpTimeoutException) {
        return "timed out waiting for an answer";
      }
      if (t instanceof SSLException) {
        return "TLS failed" + (t.getMessage() == null ? "" : ": " + t.getMessage());
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "unknown host";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof ConnectException) {
        String m = t.getMessage();
        return m != null && m.toLowerCase(java.util.Locale.ROOT).contains("timed out")
            ? "connection timed out"
            : "connection refused";
      }
    }
    return reason(e);
  }
}
