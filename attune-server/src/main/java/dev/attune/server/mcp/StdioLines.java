package dev.attune.server.mcp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Standard input and output for the MCP SDK's stdio transport, a line (one message) at a time. A
 * line that is not one JSON-RPC message is answered with a JSON-RPC error and not passed on: the
 * SDK stops reading at the first such line, so one stray line would end the session. Output is
 * written a whole line at a time, so those answers never land inside one of the SDK's.
 */
public final class StdioLines {
  private final InputStream in;
  private final OutputStream out;
  private final Object lock = new Object();

  public StdioLines(InputStream in, OutputStream out) {
    this.in = new BufferedInputStream(in);
    this.out = out;
  }

  /** What the SDK reads: the valid lines of the input. */
  public InputStream input() {
    return new InputStream() {
      private byte[] line = new byte[0];
      private int pos;
      private boolean ended;

      @Override
      public int read() throws IOException {
        return fill() ? line[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
      }

      /** True when a valid line is ready to be read; false at the end of the input. */
      private boolean fill() throws IOException {
        while (pos >= line.length) {
          if (ended) {
            return false;
          }
          byte[] next = nextLine();
          if (next == null) {
            ended = true;
            return false;
          }
          if (new String(next, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            continue;
          }
          byte[] refusal = JsonRpc.refusal(next);
          if (refusal != null) {
            writeLine(refusal);
            continue;
          }
          line = Arrays.copyOf(next, next.length + 1);
          line[next.length] = '\n';
          pos = 0;
        }
        return true;
      }
    };
  }

  /** What the SDK writes to: passed on a whole line at a time. */
  public OutputStream output() {
    return new OutputStream() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) throws IOException {
        if (b == '\n') {
          writeLine(pending.toByteArray());
          pending.reset();
        } else {
          pending.write(b);
        }
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
          write(b[i]);
        }
      }

      @Override
      public synchronized void flush() throws IOException {
        synchronized (lock) {
          out.flush();
        }
      }
    };
  }

  private void writeLine(byte[] line) throws IOException {
    synchronized (lock) {
      out.write(line);
      out.write('\n');
      out.flush();
    }
  }

  /**
   * The next line without its line break (a carriage return before it is kept); null at the end.
   */
  private byte[] nextLine() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        return b.toByteArray();
      }
      b.write(c);
    }
    return b.size() > 0 ? b.toByteArray() : null;
  }
}
