package dev.attune.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a data directory holds byte for byte: for tests that plaintext never reaches the disk. */
public final class RawBytes {
  private RawBytes() {}

  /** The contents of every regular file under {@code dir} (files removed meanwhile are skipped). */
  public static List<byte[]> files(Path dir) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        try {
          out.add(Files.readAllBytes(p));
        } catch (java.nio.file.NoSuchFileException vanished) {
          // a temporary file its writer removed while we walked
        }
      }
    }
    return out;
  }

  /**
   * Every regular file under {@code dir} as text of one character per byte (ISO-8859-1), so that
   * {@link #latin1} needles are found with {@link String#indexOf}, which the JVM vectorizes: a scan
   * of hundreds of values over a data directory takes a fraction of a second, not tens.
   */
  public static List<String> latin1Files(Path dir) throws IOException {
    return files(dir).stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
  }

  /** {@code text}'s UTF-8 bytes as a needle for {@link #latin1Files}. */
  public static String latin1(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** How many times {@code text} (UTF-8) occurs in all files under {@code dir}. */
  public static int occurrences(Path dir, String text) throws IOException {
    String needle = latin1(text);
    int n = 0;
    for (String file : latin1Files(dir)) {
      for (int at = file.indexOf(needle); at >= 0; at = file.indexOf(needle, at + 1)) {
        n++;
      }
    }
    return n;
  }

  /** The first position of {@code needle} in {@code haystack} at or after {@code from}, or -1. */
  public static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
