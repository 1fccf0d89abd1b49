package dev.attune.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The model proxy's copy of a provider's answer to the client: as it arrives, byte for byte,
 * keeping (up to a bound) what the reply is read from afterwards, and telling a provider that broke
 * off apart from a client that went away.
 */
final class AnswerCopy {
  /** How much of a response is kept to read the reply from (the client gets all of it). */
  static final int MAX_REPLY_BYTES = 4 << 20;

  private AnswerCopy() {}

  /** Reading the upstream's answer failed part way (not writing to the client). */
  static final class UpstreamBrokeOff extends IOException {
    UpstreamBrokeOff(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Writing the answer to the client failed part way: it closed the connection. */
  static final class ClientWentAway extends IOException {
    ClientWentAway(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * Copies the upstream's body to the client as it arrives; returns what was kept of it. {@code
   * committed} runs once, after the first bytes went out.
   */
  static byte[] stream(InputStream in, OutputStream out, Runnable committed) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    boolean first = true;
    try (in) {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = read(in, buffer)) >= 0) {
        try {
          out.write(buffer, 0, n);
          out.flush();
        } catch (IOException e) {
          throw new ClientWentAway(e);
        }
        if (first) {
          first = false;
          committed.run();
        }
        if (kept.size() + n <= MAX_REPLY_BYTES) {
          kept.write(buffer, 0, n);
        }
      }
    }
    return kept.toByteArray();
  }

  private static int read(InputStream in, byte[] buffer) throws UpstreamBrokeOff {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw new UpstreamBrokeOff(e);
    }
  }
}
